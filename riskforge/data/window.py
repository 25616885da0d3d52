"""What the warehouse holds for a run's window, checked before the heavy query runs.

Each failure names the network, window and dates, so that an empty window, a missing table or a
network without a database is one clear line instead of a ClickHouse stack trace.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from clickhouse_connect.driver.client import Client

from riskforge.data.entities import EntityLevel
from riskforge.errors import DataError
from riskforge.warehouse import database_exists, network_database, table_columns

MIN_DATE = dt.date(1970, 1, 1)
MAX_DATE = dt.date(2149, 6, 6)


@dataclass(frozen=True)
class WindowInfo:
    """The dates a run can use and the label cut-off that applies to them."""

    database: str
    dates: list[dt.date]
    as_of: dt.date
    columns: dict[str, dict[str, str]]


def describe_range(start: dt.date | None, end: dt.date | None) -> str:
    return f"{start or 'first'}..{end or 'last'}"


def check_tables(client: Client, network: str, tables: list[str], where: str) -> tuple[str, dict[str, dict[str, str]]]:
    """The network's database and the columns of each table a run reads; one line if any is missing."""
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
    return database, columns


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
) -> WindowInfo:
    where = f"network {network!r}, window {window}, dates {describe_range(start, end)}"
    database, columns = check_tables(client, network, tables, where)
    params = {"database": database}
    if as_of is None:
        newest = client.query(newest_label_sql, parameters=params).result_rows[0][0]
        if newest is None or newest <= MIN_DATE:
            raise DataError(f"no labels in {database} ({where})")
        as_of = newest
    mature_until = as_of - dt.timedelta(days=maturity_days)
    rows = client.query(
        "SELECT DISTINCT processing_date FROM {database:Identifier}.raw_alerts "
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
            f"no alerts for {where} (labels mature until {mature_until})",
            hint=f"windows present: {present}",
        )
    return WindowInfo(database, [d for (d,) in rows], as_of, columns)


@dataclass(frozen=True)
class DayInfo:
    """One snapshot about to be scored: its database, the columns read, and input counts."""

    database: str
    columns: dict[str, dict[str, str]]
    counts: dict[str, int]


def inspect_day(
    client: Client, network: str, window: int, date: dt.date, level: EntityLevel, tables: list[str]
) -> DayInfo:
    """Check one (date, window) snapshot exists and count its inputs (for batch_metadata)."""
    where = f"network {network!r}, window {window}, date {date}"
    database, columns = check_tables(client, network, [*tables, "raw_alerts"], where)
    params = {"database": database, "window": window, "date": date}
    snapshot = "window_days = {window:UInt16} AND processing_date = {date:Date}"

    def count(sql: str) -> int:
        return int(client.query(sql, parameters=params).result_rows[0][0])

    counts = {"alerts": count(f"SELECT uniqExact(alert_id) FROM {{database:Identifier}}.raw_alerts WHERE {snapshot}")}
    if "raw_features" in columns:
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
    return DayInfo(database, columns, counts)
