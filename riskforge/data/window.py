"""What the warehouse holds for a run's window, checked before the heavy query runs.

Each failure names the network, window and dates, so that an empty window, a missing table or a
network without a database is one clear line instead of a ClickHouse stack trace.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from clickhouse_connect.driver.client import Client

from riskforge.data.contract import contract_columns
from riskforge.data.entities import EntityLevel
from riskforge.errors import DataError
from riskforge.warehouse import database_exists, network_database, table_columns

MIN_DATE = dt.date(1970, 1, 1)
MAX_DATE = dt.date(2149, 6, 6)


@dataclass(frozen=True)
class Tables:
    """What the warehouse holds for the tables a run reads: their columns (name -> type) and engines."""

    database: str
    columns: dict[str, dict[str, str]]
    engines: dict[str, str]

    def columns_of(self, table: str) -> dict[str, str]:
        return self.columns.get(table, {})

    def engine_of(self, table: str) -> str:
        return self.engines.get(table, "MergeTree")

    def drift(self) -> list[str]:
        """Notes on how the tables differ from the data contract (columns missing or extra)."""
        notes = []
        for table, present in self.columns.items():
            contract = contract_columns(table)
            if not contract:
                continue
            missing = [c for c in contract if c not in present and c != "created_at"]
            extra = [c for c in present if c not in contract]
            if missing:
                notes.append(f"{table} lacks {len(missing)} contract columns: {', '.join(missing)}")
            if extra:
                notes.append(f"{table} has {len(extra)} columns outside the contract: {', '.join(extra)}")
            if self.engine_of(table).startswith("Replacing"):
                notes.append(f"{table} is a {self.engine_of(table)}: read with FINAL (latest version wins)")
        return notes


@dataclass(frozen=True)
class WindowInfo:
    """The dates a run can use, the label cut-off that applies to them, and the tables read."""

    tables: Tables
    dates: list[dt.date]
    as_of: dt.date

    @property
    def database(self) -> str:
        return self.tables.database


def describe_range(start: dt.date | None, end: dt.date | None) -> str:
    return f"{start or 'first'}..{end or 'last'}"


def check_tables(client: Client, network: str, tables: list[str], where: str) -> Tables:
    """The network's database and the columns and engine of each table a run reads; one line if any is
    missing."""
    database = network_database(network)
    if not database_exists(client, database):
        raise DataError(
            f"network {network!r} has no database {database}",
            hint="create it with `riskforge synth network=<name>` or ingest snapshots into it",
        )
    columns = {table: table_columns(client, database, table) for table in dict.fromkeys(tables)}
    missing = [t for t, cols in columns.items() if not cols]
    if missing:
        raise DataError(f"table {database}.{missing[0]} is missing ({where})")
    engines = dict(
        client.query(
            "SELECT name, engine FROM system.tables WHERE database = {db:String} AND has({names:Array(String)}, name)",
            parameters={"db": database, "names": list(columns)},
        ).result_rows
    )
    return Tables(database, columns, engines)


def inspect_window(
    client: Client,
    network: str,
    window: int,
    tables: list[str],
    start: dt.date | None,
    end: dt.date | None,
    newest_label_sql: str,
    as_of: dt.date | None,
    maturity_days: int,
    entity_table: str = "raw_alerts",
) -> WindowInfo:
    where = f"network {network!r}, window {window}, dates {describe_range(start, end)}"
    found = check_tables(client, network, tables, where)
    database = found.database
    params = {"database": database}
    if as_of is None:
        newest = client.query(newest_label_sql, parameters=params).result_rows[0][0]
        if newest is None or newest <= MIN_DATE:
            raise DataError(f"no labels in {database} ({where})")
        as_of = newest
    mature_until = as_of - dt.timedelta(days=maturity_days)
    rows = client.query(
        f"SELECT DISTINCT processing_date FROM {{database:Identifier}}.{entity_table} "
        "WHERE window_days = {window:UInt16} AND processing_date BETWEEN {start:Date} AND {end:Date} "
        "ORDER BY processing_date",
        parameters={
            **params,
            "window": window,
            "start": start or MIN_DATE,
            "end": min(end or MAX_DATE, mature_until),
        },
    ).result_rows
    if not rows:
        windows = client.query(
            "SELECT DISTINCT window_days FROM {database:Identifier}.raw_alerts ORDER BY window_days",
            parameters=params,
        ).result_rows
        present = ", ".join(str(w) for (w,) in windows) or "none"
        raise DataError(
            f"no {entity_table.removeprefix('raw_')} for {where} (labels mature until {mature_until})",
            hint=f"windows present: {present}",
        )
    return WindowInfo(found, [d for (d,) in rows], as_of)


@dataclass(frozen=True)
class DayInfo:
    """One snapshot about to be scored: the tables read and its input counts."""

    tables: Tables
    counts: dict[str, int]

    @property
    def database(self) -> str:
        return self.tables.database


def inspect_day(
    client: Client, network: str, window: int, date: dt.date, level: EntityLevel, tables: list[str]
) -> DayInfo:
    """Check one (date, window) snapshot exists and count its inputs (for batch_metadata)."""
    where = f"network {network!r}, window {window}, date {date}"
    found = check_tables(client, network, [*tables, "raw_alerts"], where)
    params = {"database": found.database, "window": window, "date": date}
    snapshot = "window_days = {window:UInt16} AND processing_date = {date:Date}"

    def count(sql: str) -> int:
        return int(client.query(sql, parameters=params).result_rows[0][0])

    counts = {"alerts": count(f"SELECT uniqExact(alert_id) FROM {{database:Identifier}}.raw_alerts WHERE {snapshot}")}
    if "raw_features" in found.columns:
        counts["features"] = count(f"SELECT count() FROM {{database:Identifier}}.raw_features WHERE {snapshot}")
        counts["without_features"] = count(
            f"SELECT uniqExact(alert_id) FROM {{database:Identifier}}.raw_alerts WHERE {snapshot} AND address NOT IN "
            f"(SELECT address FROM {{database:Identifier}}.raw_features WHERE {snapshot})"
        )
    if level.table == "raw_clusters":
        clusters = f"SELECT uniqExact(cluster_id) FROM {{database:Identifier}}.raw_clusters WHERE {snapshot}"
        counts["clusters"] = count(clusters)
    entities = counts.get("clusters", counts["alerts"])
    if not entities:
        raise DataError(f"no {level.name}s for {where}", hint="pick a date that has been ingested for this window")
    return DayInfo(found, counts)
