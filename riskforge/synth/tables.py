"""The world's own tables (next to the contract's tables in ``risk_scoring_<network>``), and replacing
a world: its tables are dropped and recreated, the contract's input tables truncated.

``synth_transfers`` and ``synth_ground_truth`` are the simulation itself; ``synth_address_day`` and
``synth_pair_day`` are the daily aggregate states the upstream-like pipeline merges over each window;
``synth_world`` holds the metadata ``describe`` reads. Per-batch scratch tables (``synth_tmp_*``) live
only while a batch of processing dates is computed.
"""

from __future__ import annotations

from clickhouse_connect.driver.client import Client

from riskforge.synth.sql import words
from riskforge.warehouse.migrate import INPUT_TABLES

WORLD_TABLE = "synth_world"
DISPOSITIONS = "alert_dispositions"
HOURS, WEEKDAYS, ASSET_SLOTS = 24, 7, 6


def _packed(prefix: str, slots: int) -> str:
    return ", ".join(f"{prefix}{k} UInt64" for k in range(words(slots)))


DDL = {
    WORLD_TABLE: "key String, value String",
    "synth_entities": "address_id UInt32, address String, kind LowCardinality(String), created_date Date",
    "synth_transfers": "day Date, ts UInt32, src UInt32, dst UInt32, asset UInt8, amount_nano UInt64, usd_cents UInt64",
    "synth_ground_truth": (
        "instance_id UInt32, typology LowCardinality(String), address_id UInt32, address String, "
        "role LowCardinality(String), start_date Date, end_date Date, volume_usd Float64"
    ),
    "synth_address_day": (
        "day Date, address_id UInt32, n_in UInt32, n_out UInt32, cents_in UInt64, cents_out UInt64, "
        "max_cents UInt64, min_cents UInt64, max_hour UInt8, s2 UInt128, s3 UInt256, s4 UInt256, "
        "ts_in UInt64, ts_out UInt64, first_ts UInt32, last_ts UInt32, near_threshold UInt32, small UInt32, "
        "night UInt32, round_amounts UInt32, outliers UInt32, asset_in_mask UInt8, asset_out_mask UInt8, "
        f"{_packed('h', HOURS)}, {_packed('ai', ASSET_SLOTS)}, {_packed('ao', ASSET_SLOTS)}, "
        "median_in AggregateFunction(quantileExact(0.5), UInt64), "
        "median_out AggregateFunction(quantileExact(0.5), UInt64)"
    ),
    "synth_pair_day": (
        "day Date, src UInt32, dst UInt32, n UInt32, cents UInt64, nano UInt64, first_ts UInt32, last_ts UInt32, "
        f"asset_mask UInt8, {_packed('h', HOURS)}, {_packed('a', ASSET_SLOTS)}"
    ),
    "synth_address_life": "address_id UInt32, first_ts UInt32",
    "synth_reactivations": "day Date, address_id UInt32, gap_days UInt32",
}
ORDER = {
    WORLD_TABLE: "key",
    "synth_entities": "address_id",
    "synth_transfers": "(day, src, dst, ts)",
    "synth_ground_truth": "(instance_id, address_id, role)",
    "synth_address_day": "(day, address_id)",
    "synth_pair_day": "(day, src, dst)",
    "synth_address_life": "address_id",
    "synth_reactivations": "(day, address_id)",
}


def create(client: Client, database: str) -> None:
    """(Re)create the world's tables empty and empty the contract's input tables."""
    params = {"database": database}
    for table in (*INPUT_TABLES, DISPOSITIONS):
        client.command(f"TRUNCATE TABLE IF EXISTS {{database:Identifier}}.{table}", parameters=params)
    for table in list_tables(client, database):
        if table.startswith("synth_"):
            client.command(f"DROP TABLE {{database:Identifier}}.{table}", parameters=params)
    for table, columns in DDL.items():
        client.command(
            f"CREATE TABLE {{database:Identifier}}.{table} ({columns}) ENGINE = MergeTree ORDER BY {ORDER[table]}",
            parameters=params,
        )


def drop_scratch(client: Client, database: str) -> None:
    for table in list_tables(client, database):
        if table.startswith("synth_tmp_"):
            client.command(f"DROP TABLE {{database:Identifier}}.{table}", parameters={"database": database})


def list_tables(client: Client, database: str) -> list[str]:
    return [
        row[0]
        for row in client.query(
            "SELECT name FROM system.tables WHERE database = {db:String} ORDER BY name", parameters={"db": database}
        ).result_rows
    ]
