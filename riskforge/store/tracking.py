"""The ``trained_models`` tracking table: one row per stored model, readable by upstream tools."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from clickhouse_connect.driver.client import Client

from riskforge.store.metadata import iso_utc
from riskforge.warehouse.migrate import migrate
from riskforge.warehouse.names import DATABASE_PREFIX, network_database

TABLE = "trained_models"


def insert_row(client: Client, network: str, row: dict[str, Any]) -> None:
    """Insert one tracking row (creating the output tables first if this database lacks them)."""
    migrate(client, network, tables=(TABLE,))
    client.insert(TABLE, [list(row.values())], column_names=list(row), database=network_database(network))


def delete_row(client: Client, network: str, model_id: str) -> None:
    """Remove a tracking row again (a run interrupted while storing leaves nothing behind)."""
    client.command(
        "DELETE FROM {database:Identifier}.trained_models WHERE model_id = {model_id:String}",
        parameters={"database": network_database(network), "model_id": model_id},
    )


def tracked_networks(client: Client, network: str | None = None) -> list[str]:
    """Networks whose database has a tracking table (optionally only ``network``)."""
    rows = client.query(
        "SELECT database FROM system.tables WHERE name = {table:String} AND startsWith(database, {prefix:String}) "
        "ORDER BY database",
        parameters={"table": TABLE, "prefix": DATABASE_PREFIX},
    ).result_rows
    names = [db.removeprefix(DATABASE_PREFIX) for (db,) in rows]
    return [n for n in names if network is None or n == network]


LIST_COLUMNS = (
    "model_id, model_type, network, window_days, created_at, model_path, stage, "
    "metrics_json, baseline_metrics_json, metrics_ci_json"
)


def list_rows(client: Client, network: str | None = None) -> list[dict[str, Any]]:
    """Every tracked model, oldest first, with its metrics decoded."""
    models = []
    for net in tracked_networks(client, network):
        result = client.query(
            f"SELECT {LIST_COLUMNS} FROM {{database:Identifier}}.trained_models ORDER BY created_at, model_id",
            parameters={"database": network_database(net)},
        )
        for values in result.result_rows:
            row = dict(zip(result.column_names, values, strict=True))
            models.append(
                {
                    "model_id": row["model_id"],
                    "model_type": row["model_type"],
                    "network": row["network"],
                    "window_days": row["window_days"],
                    "created_at": iso_utc(row["created_at"].replace(tzinfo=dt.UTC)),
                    "model_path": row["model_path"],
                    "stage": row["stage"],
                    "metrics": json.loads(row["metrics_json"] or "{}"),
                    "baseline_metrics": json.loads(row["baseline_metrics_json"] or "{}"),
                    "metrics_ci": json.loads(row["metrics_ci_json"] or "{}"),
                }
            )
    return sorted(models, key=lambda m: (m["created_at"], m["model_id"]))
