"""Writing a network's warehouse out as snapshot files (so round trips, and other tools, can read it)."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from clickhouse_connect.driver.client import Client

from riskforge.data.window import check_tables
from riskforge.snapshots.layout import FILES, dispositions_file, label_files, snapshot_dir, write_meta
from riskforge.warehouse import table_columns

SORT_KEYS = {
    "raw_alerts": "alert_id, typology_type",
    "raw_features": "address",
    "raw_clusters": "cluster_type, cluster_id",
    "raw_money_flows": "from_address, to_address",
    "raw_address_labels": "processing_date, window_days, address, label",
    "alert_dispositions": "alert_id, decided_at",
}


@dataclass
class ExportReport:
    snapshots: int = 0
    rows: dict[str, int] = field(default_factory=dict)


def _write_parquet(table: pa.Table, path: Path) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    pq.write_table(table, tmp)
    os.replace(tmp, path)


def _select(client: Client, database: str, table: str, where: str = "", parameters: dict | None = None) -> pa.Table:
    columns = [c for c in table_columns(client, database, table) if c != "created_at"]
    return client.query_arrow(
        f"SELECT {', '.join(columns)} FROM {{database:Identifier}}.{table} {where} ORDER BY {SORT_KEYS[table]}",
        parameters={"database": database, **(parameters or {})},
    )


def export(client: Client, network: str, dest: Path, progress: Callable[[int, int], None]) -> ExportReport:
    """Write every (processing_date, window_days) snapshot of ``network`` and its labels under ``dest``."""
    database = check_tables(client, network, list(FILES.values()), f"network {network!r}").database
    snapshots = client.query(
        "SELECT DISTINCT processing_date, window_days FROM {database:Identifier}.raw_features "
        "UNION DISTINCT SELECT DISTINCT processing_date, window_days FROM {database:Identifier}.raw_alerts "
        "ORDER BY processing_date, window_days",
        parameters={"database": database},
    ).result_rows
    report = ExportReport()
    for done, (date, window) in enumerate(snapshots, 1):
        directory = snapshot_dir(dest, network, date, window)
        directory.mkdir(parents=True, exist_ok=True)
        counts = {}
        for name, table in FILES.items():
            rows = _select(
                client,
                database,
                table,
                "WHERE processing_date = {date:Date} AND window_days = {window:UInt16}",
                {"date": date, "window": window},
            )
            _write_parquet(rows, directory / name)
            counts[name] = rows.num_rows
            report.rows[table] = report.rows.get(table, 0) + rows.num_rows
        write_meta(directory, network, date, window, counts)
        report.snapshots += 1
        progress(done, len(snapshots))
    labels = _select(client, database, "raw_address_labels")
    label_files(dest, network)[0].parent.mkdir(parents=True, exist_ok=True)
    _write_parquet(labels, label_files(dest, network)[0])
    report.rows["raw_address_labels"] = labels.num_rows
    if table_columns(client, database, "alert_dispositions"):
        dispositions = _select(client, database, "alert_dispositions")
        if dispositions.num_rows:
            _write_parquet(dispositions, dispositions_file(dest, network))
            report.rows["alert_dispositions"] = dispositions.num_rows
    return report
