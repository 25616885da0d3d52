"""Which ClickHouse a run talks to, and how that is said without ever writing a password down.

The DSN comes from ``warehouse.dsn``, else ``RISKFORGE_WAREHOUSE_DSN``, else the embedded chDB warehouse
under ``$RISKFORGE_HOME/warehouse``. Passwords come only from ``RISKFORGE_WAREHOUSE_PASSWORD``: a DSN
carrying one is refused, because Hydra would save it in the run's ``.hydra/`` directory.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from riskforge import paths
from riskforge.errors import ConfigError

DSN_ENV = "RISKFORGE_WAREHOUSE_DSN"
PASSWORD_ENV = "RISKFORGE_WAREHOUSE_PASSWORD"
SERVER_SCHEMES = {"clickhouse": False, "http": False, "clickhouses": True, "https": True}


@dataclass(frozen=True)
class Target:
    """A resolved warehouse location: an embedded chDB directory or a ClickHouse server."""

    embedded_path: Path | None = None
    host: str = ""
    port: int = 0
    username: str = "default"
    secure: bool = False

    @property
    def embedded(self) -> bool:
        return self.embedded_path is not None

    def describe(self) -> str:
        """A printable, password-free description (safe for logs, metadata and tracking rows)."""
        if self.embedded_path is not None:
            return f"chdb://{self.embedded_path}"
        scheme = "https" if self.secure else "http"
        return f"{scheme}://{self.username}@{self.host}:{self.port}/"


def has_password(dsn: str) -> bool:
    """True when ``dsn`` embeds a password (``scheme://user:password@host``)."""
    try:
        return urlsplit(dsn).password is not None
    except ValueError:
        return False


def resolve(dsn: str | None) -> Target:
    """Turn the configured DSN (or the environment's, or the default) into a Target."""
    dsn = dsn or os.environ.get(DSN_ENV) or ""
    if not dsn:
        return Target(embedded_path=paths.warehouse_dir())
    if has_password(dsn):
        raise ConfigError(
            "refusing a warehouse DSN that contains a password",
            hint=f"put the password in {PASSWORD_ENV} and use clickhouse://user@host:8123/",
        )
    try:
        parts = urlsplit(dsn)
        port = parts.port
    except ValueError as exc:
        raise ConfigError(f"malformed warehouse DSN: {exc}") from None
    scheme = parts.scheme.lower()
    if scheme == "chdb":
        location = parts.netloc + parts.path
        if not location.startswith("/"):
            raise ConfigError("an embedded warehouse DSN needs an absolute path: chdb:///abs/path")
        return Target(embedded_path=Path(unquote(location)))
    if scheme not in SERVER_SCHEMES:
        raise ConfigError(
            f"unsupported warehouse DSN scheme {parts.scheme!r}",
            hint="use chdb:///path, clickhouse://user@host:8123/ or https://user@host:8443/",
        )
    if not parts.hostname:
        raise ConfigError("the warehouse DSN names no host")
    secure = SERVER_SCHEMES[scheme]
    return Target(
        host=parts.hostname,
        port=port or (8443 if secure else 8123),
        username=unquote(parts.username) if parts.username else "default",
        secure=secure,
    )
