"""Loading snapshot files into a network's warehouse, one (processing_date, window_days) at a time.

Every snapshot is checked before anything is written: the checksums and counts its META.json lists
(either shape), that each parquet file parses, carries the columns that identify its rows, and belongs to
the snapshot's date and window. A snapshot that fails is rejected with one line and none of it is loaded;
the others still load. Loading replaces what the warehouse held for those snapshots (one delete per table,
then the inserts), so re-ingesting is idempotent. The network comes from the command line, never from
META.json.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from clickhouse_connect.driver.client import Client

from riskforge.errors import DataError
from riskforge.snapshots.layout import FILES, dispositions_file, label_files, verify
from riskforge.warehouse import network_database, table_columns
from riskforge.warehouse.migrate import migrate

REQUIRED = {
    "raw_alerts": {"alert_id", "address"},
    "raw_features": {"address"},
    "raw_clusters": {"cluster_id"},
    "raw_money_flows": {"from_address", "to_address"},
    "raw_address_labels": {"address", "risk_level"},
    "alert_dispositions": {"alert_id", "disposition", "decided_at"},
}


@dataclass
class IngestReport:
    loaded: list[str] = field(default_factory=list)
    rejected: list[tuple[str, str]] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def _snapshots(root: Path) -> list[tuple[dt.date, int, Path]]:
    found = []
    for date_dir in sorted(p for p in root.iterdir() if p.is_dir()):
        try:
            date = dt.date.fromisoformat(date_dir.name)
        except ValueError:
            continue
        for window_dir in sorted(p for p in date_dir.iterdir() if p.is_dir() and p.name.isdigit()):
            found.append((date, int(window_dir.name), window_dir))
    return found


def _read(path: Path, table: str, columns: dict[str, str]) -> tuple[pa.Table, list[str]]:
    """A parquet file as the columns ``table`` has; raises ValueError with a reason."""
    try:
        data = pq.read_table(path)
    except Exception as exc:  # pyarrow raises several types for a corrupt file
        raise ValueError(f"{path.name} does not parse: {str(exc).splitlines()[0]}") from None
    missing = sorted(REQUIRED[table] - set(data.column_names))
    if missing:
        raise ValueError(f"{path.name} lacks the required column {missing[0]}")
    extra = [c for c in data.column_names if c not in columns]
    return data.select([c for c in data.column_names if c in columns]), extra


def _stamp(data: pa.Table, name: str, date: dt.date, window: int) -> pa.Table:
    """Fill processing_date/window_days from the directory when absent; refuse rows of another snapshot."""
    for column, value, kind in (("processing_date", date, pa.date32()), ("window_days", window, pa.int64())):
        if column not in data.column_names:
            data = data.append_column(column, pa.array([value] * data.num_rows, kind))
            continue
        values = pc.cast(data[column], kind)
        if data.num_rows and not pc.all(pc.equal(values, pa.scalar(value, kind))).as_py():
            raise ValueError(f"{name} holds rows of another {column} than its directory")
    return data


def _validated(directory: Path, date: dt.date, window: int, columns: dict[str, dict[str, str]]):
    meta = verify(directory)
    counts = meta.get("counts") or {}
    tables, notes = {}, []
    for name, table in FILES.items():
        path = directory / name
        if not path.is_file():
            continue
        data, extra = _read(path, table, columns[table])
        expected = counts.get(name.removesuffix(".parquet"))
        if expected is not None and int(expected) != data.num_rows:
            raise ValueError(f"{name} holds {data.num_rows} rows, META.json says {expected}")
        tables[table] = _stamp(data, name, date, window)
        if extra:
            notes.append(f"{name}: columns outside the contract ignored: {', '.join(extra[:5])}")
    if not tables:
        raise ValueError("no snapshot files")
    return tables, notes


def _delete_slices(client: Client, database: str, slices: list[tuple[dt.date, int]]) -> None:
    """Remove what the warehouse holds for the snapshots about to be loaded (one statement per table, and
    only where such rows exist), so that loading replaces them."""
    if not slices:
        return
    for table in FILES.values():
        parameters = {"database": database, "slices": slices}
        present = client.query(
            f"SELECT count() FROM {{database:Identifier}}.{table} "
            "WHERE has({slices:Array(Tuple(Date, UInt16))}, (processing_date, window_days))",
            parameters=parameters,
        ).result_rows[0][0]
        if present:
            client.command(
                f"DELETE FROM {{database:Identifier}}.{table} "
                "WHERE has({slices:Array(Tuple(Date, UInt16))}, (processing_date, window_days))",
                parameters=parameters,
            )


def _replace_all(client: Client, database: str, table: str, data: pa.Table) -> None:
    client.command(f"TRUNCATE TABLE {{database:Identifier}}.{table}", parameters={"database": database})
    if data.num_rows:
        client.insert_arrow(f"{database}.{table}", data)


def ingest(client: Client, network: str, source: Path, progress: Callable[[int, int], None]) -> IngestReport:
    root = source / network
    if not root.is_dir():
        found = ", ".join(sorted(p.name for p in source.iterdir() if p.is_dir())) if source.is_dir() else "nothing"
        raise DataError(f"no snapshots for network {network!r} under {source}", hint=f"found: {found}")
    migrate(client, network)
    database = network_database(network)
    columns = {table: table_columns(client, database, table) for table in REQUIRED}
    report = IngestReport()
    snapshots = _snapshots(root)
    valid = []
    for done, (date, window, directory) in enumerate(snapshots, 1):
        progress(done, 2 * len(snapshots))
        try:
            _, notes = _validated(directory, date, window, columns)
        except ValueError as reason:
            report.rejected.append((f"{date}/{window}", str(reason)))
            continue
        valid.append((date, window, directory))
        report.notes += [f"{date}/{window} {note}" for note in notes]
    _delete_slices(client, database, [(date, window) for date, window, _ in valid])
    for done, (date, window, directory) in enumerate(valid, 1):
        tables, _ = _validated(directory, date, window, columns)
        for table, data in tables.items():
            client.insert_arrow(f"{database}.{table}", data)
            report.rows[table] = report.rows.get(table, 0) + data.num_rows
        report.loaded.append(f"{date}/{window}")
        progress(len(snapshots) + done * len(snapshots) // max(len(valid), 1), 2 * len(snapshots))
    for table, path in (
        ("raw_address_labels", next((p for p in label_files(source, network) if p.is_file()), None)),
        ("alert_dispositions", dispositions_file(source, network)),
    ):
        if path is None or not path.is_file():
            continue
        try:
            data, _ = _read(path, table, columns[table])
        except ValueError as reason:
            report.rejected.append((path.name, str(reason)))
            continue
        _replace_all(client, database, table, data)
        report.rows[table] = data.num_rows
    return report
