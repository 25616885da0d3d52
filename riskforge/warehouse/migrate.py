"""Idempotent schema migrator: applies ``schema/*.sql`` to ``risk_scoring_<network>`` and records it.

Each file creates one table with ``IF NOT EXISTS`` (later changes append idempotent ``ALTER`` statements),
so re-applying is always safe; ``schema_migrations`` records which file version was applied when, and a
file whose checksum is already recorded is skipped.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from importlib import resources

from clickhouse_connect.driver.client import Client

from riskforge.warehouse.names import network_database

MIGRATIONS_TABLE = "schema_migrations"
INPUT_TABLES = ("raw_alerts", "raw_features", "raw_clusters", "raw_money_flows", "raw_address_labels")


@dataclass(frozen=True)
class SchemaFile:
    table: str
    sql: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.sql.encode()).hexdigest()

    def statements(self) -> list[str]:
        return [s.strip() for s in self.sql.split(";\n") if s.strip().strip(";").strip()]


def schema_files() -> list[SchemaFile]:
    """Every table's DDL shipped with riskforge, in name order."""
    root = resources.files("riskforge.schema")
    files = sorted((f for f in root.iterdir() if f.name.endswith(".sql")), key=lambda f: f.name)
    return [SchemaFile(f.name.removesuffix(".sql"), f.read_text()) for f in files]


def migrate(client: Client, network: str, tables: tuple[str, ...] | None = None) -> list[str]:
    """Create the network's database and tables (all, or only ``tables``); return the files applied now."""
    database = network_database(network)
    params = {"database": database}
    client.command("CREATE DATABASE IF NOT EXISTS {database:Identifier}", parameters=params)
    client.command(
        f"CREATE TABLE IF NOT EXISTS {{database:Identifier}}.{MIGRATIONS_TABLE} "
        "(name String, checksum String, applied_at DateTime64(3)) ENGINE = MergeTree ORDER BY (name, applied_at)",
        parameters=params,
    )
    done = set(
        client.query(
            f"SELECT name, checksum FROM {{database:Identifier}}.{MIGRATIONS_TABLE}", parameters=params
        ).result_rows
    )
    applied = []
    for schema in schema_files():
        if tables is not None and schema.table not in tables:
            continue
        if (schema.table, schema.checksum) in done:
            continue
        for statement in schema.statements():
            client.command(statement, parameters=params)
        client.command(
            f"INSERT INTO {{database:Identifier}}.{MIGRATIONS_TABLE} (name, checksum, applied_at) "
            "VALUES ({name:String}, {checksum:String}, now64(3))",
            parameters={**params, "name": schema.table, "checksum": schema.checksum},
        )
        applied.append(schema.table)
    return applied
