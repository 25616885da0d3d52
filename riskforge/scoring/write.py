"""Writing scores so that re-scoring replaces exactly one (processing_date, window_days, model_type) slice.

Rows go to a staging copy of the table first; one ``ALTER TABLE ... REPLACE PARTITION`` then swaps the
slice in atomically (the score tables are partitioned by exactly that key), so a plain SELECT right after
sees one row per entity and never a half-written day.
"""

from __future__ import annotations

import datetime as dt
import uuid

import pyarrow as pa
from clickhouse_connect.driver.client import Client

from riskforge.features.base import check_identifier


def replace_slice(
    client: Client, database: str, table: str, rows: pa.Table, date: dt.date, window: int, model_type: str
) -> None:
    """Make ``rows`` the whole (date, window, model_type) slice of ``table``."""
    target = f"{check_identifier(database, 'database')}.{check_identifier(table, 'table')}"
    partition = "tuple({date:Date}, {window:UInt16}, {model_type:String})"
    parameters = {"date": date, "window": window, "model_type": model_type}
    if not rows.num_rows:
        client.command(f"ALTER TABLE {target} DROP PARTITION {partition}", parameters=parameters)
        return
    staging = f"{target}_staging_{uuid.uuid4().hex[:10]}"
    client.command(f"CREATE TABLE {staging} AS {target}")
    try:
        client.insert_arrow(staging, rows)
        client.command(f"ALTER TABLE {target} REPLACE PARTITION {partition} FROM {staging}", parameters=parameters)
    finally:
        client.command(f"DROP TABLE IF EXISTS {staging}")
