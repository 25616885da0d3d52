"""Identifiers that end up in SQL text: validated before any query is built."""

from __future__ import annotations

import re

from riskforge.errors import ConfigError

NETWORK_PATTERN = re.compile(r"[a-z][a-z0-9_]{0,31}")
DATABASE_PREFIX = "risk_scoring_"


def check_network(network: object) -> str:
    """Return ``network`` if it is a valid network identifier, else raise a one-line ConfigError."""
    if not isinstance(network, str) or not NETWORK_PATTERN.fullmatch(network):
        raise ConfigError(
            f"invalid network {network!r}: a network is an identifier matching [a-z][a-z0-9_]{{0,31}}",
            hint="e.g. network=ethereum",
        )
    return network


def network_database(network: str) -> str:
    """The ClickHouse database holding one network's tables: ``risk_scoring_<network>``."""
    return DATABASE_PREFIX + check_network(network)
