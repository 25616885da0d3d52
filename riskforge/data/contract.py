"""The data contract as code: column names and types of every table, read from ``schema/*.sql``."""

from __future__ import annotations

import functools
import re

from riskforge.warehouse.migrate import schema_files

_COLUMN = re.compile(r"^\s{4}(?P<name>[a-z_][a-z0-9_]*) (?P<type>.+?)(?: DEFAULT .*?)?,?$")


@functools.cache
def _contract() -> dict[str, dict[str, str]]:
    tables = {}
    for schema in schema_files():
        body = schema.sql.split("(", 1)[1].split("\n)\n", 1)[0]
        tables[schema.table] = {
            m["name"]: m["type"] for line in body.splitlines() if (m := _COLUMN.match(line.rstrip()))
        }
    return tables


def contract_columns(table: str) -> dict[str, str]:
    """Column name -> ClickHouse type of ``table`` as the contract defines it (empty if unknown)."""
    return dict(_contract().get(table, {}))
