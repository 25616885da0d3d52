"""One clickhouse-connect client for both the embedded chDB warehouse and a ClickHouse server.

A phase that reads or writes opens the warehouse with ``Warehouse.connect()`` and closes it when it is
done, so that an embedded warehouse is never held while LightGBM trains.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import clickhouse_connect
from clickhouse_connect.driver.client import Client
from clickhouse_connect.driver.exceptions import ClickHouseError

from riskforge.errors import DataError
from riskforge.warehouse import lock
from riskforge.warehouse.dsn import PASSWORD_ENV, Target, resolve


class Warehouse:
    """Opens short-lived clients on a resolved Target, queueing on the embedded warehouse's lock."""

    def __init__(self, target: Target, lock_timeout_s: float = 60.0) -> None:
        self.target = target
        self.lock_timeout_s = lock_timeout_s

    @classmethod
    def from_dsn(cls, dsn: str | None, lock_timeout_s: float = 60.0) -> Warehouse:
        return cls(resolve(dsn), lock_timeout_s)

    def describe(self) -> str:
        return self.target.describe()

    def exists(self) -> bool:
        """False for an embedded warehouse that was never created (a server always exists)."""
        path = self.target.embedded_path
        return path is None or path.is_dir()

    @contextmanager
    def connect(self, *, create: bool = False) -> Iterator[Client]:
        """Yield a client for one phase; refuse a missing embedded warehouse unless ``create``."""
        path = self.target.embedded_path
        if path is None:
            client = _server_client(self.target)
            try:
                yield client
            finally:
                client.close()
            return
        if not create and not path.is_dir():
            raise DataError(
                f"no warehouse at {path}",
                hint="run `riskforge synth network=<name>` or set RISKFORGE_WAREHOUSE_DSN to a server",
            )
        with lock.exclusive(path.parent / f".{path.name}.lock", self.lock_timeout_s, str(path)):
            path.mkdir(parents=True, exist_ok=True)
            try:
                client = clickhouse_connect.get_client(dsn=f"chdb://{path}")
            except ClickHouseError as exc:
                raise DataError(f"cannot open the embedded warehouse at {path}: {first_line(exc)}") from None
            try:
                yield client
            finally:
                client.close()


def _server_client(target: Target) -> Client:
    try:
        return clickhouse_connect.get_client(
            host=target.host,
            port=target.port,
            username=target.username,
            password=os.environ.get(PASSWORD_ENV, ""),
            secure=target.secure,
        )
    except ClickHouseError as exc:
        raise DataError(f"cannot reach ClickHouse at {target.describe()}: {first_line(exc)}") from None


def first_line(exc: BaseException, limit: int = 300) -> str:
    """The informative start of a ClickHouse error: its first line, without the echoed query, shortened."""
    text = str(exc).strip()
    line = text.splitlines()[0] if text else type(exc).__name__
    line = line.split(" In scope ", 1)[0]
    return line if len(line) <= limit else line[: limit - 3] + "..."


def database_exists(client: Client, database: str) -> bool:
    return bool(
        client.query(
            "SELECT count() FROM system.databases WHERE name = {db:String}", parameters={"db": database}
        ).result_rows[0][0]
    )


def table_columns(client: Client, database: str, table: str) -> dict[str, str]:
    """Column name -> ClickHouse type, in table order; empty when the table does not exist."""
    rows = client.query(
        "SELECT name, type FROM system.columns WHERE database = {db:String} AND table = {t:String} ORDER BY position",
        parameters={"db": database, "t": table},
    ).result_rows
    return dict(rows)
