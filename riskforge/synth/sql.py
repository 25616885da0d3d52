"""SQL fragments shared by the world's pipeline stages.

Values reach ClickHouse only as server-side parameters; the fragments built here contain identifiers
and constants of this module, never user input.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa
from clickhouse_connect.driver.client import Client

from riskforge.synth.transfers import ASSETS
from riskforge.warehouse import table_columns

# Small counts (per hour, weekday or asset) are summed packed, three 21-bit fields per UInt64: one
# sum instead of 24 (an address would need 2 million transfers in one hour slot to overflow).
_FIELD_BITS = 21
_PER_WORD = 3
_FIELD_MASK = (1 << _FIELD_BITS) - 1
ASSET_NAMES_SQL = "[" + ", ".join(f"'{a}'" for a in ASSETS) + "]"


def address(column: str) -> str:
    """The 0x-address (40 hex digits) of an integer address id: a pure function of the seed and the id."""
    parts = [
        f"lower(hex(reinterpretAsFixedString(cityHash64({{seed:UInt64}}, toUInt64({column}), {k}))))" for k in (1, 2, 3)
    ]
    return f"concat('0x', {parts[0]}, {parts[1]}, substring({parts[2]}, 1, 8))"


def words(slots: int) -> int:
    return -(-slots // _PER_WORD)


def packed_counts(prefix: str, slot: str, count: str, slots: int) -> list[str]:
    """Aggregate expressions ``sum(...) AS <prefix><k>`` counting ``count`` into slot ``slot`` (0-based)."""
    return [
        f"sum(if(intDiv(({slot}), {_PER_WORD}) = {k}, "
        f"bitShiftLeft(toUInt64({count}), {_FIELD_BITS} * (({slot}) % {_PER_WORD})), 0)) AS {prefix}{k}"
        for k in range(words(slots))
    ]


def merged_words(prefix: str, slots: int) -> list[str]:
    """Aggregate expressions that add packed words up over several rows (keeping their names)."""
    return [f"sum({prefix}{k}) AS {prefix}{k}" for k in range(words(slots))]


def unpacked(prefix: str, slots: int) -> str:
    """Array(UInt16) of the ``slots`` counts held in the packed words ``<prefix>0..``."""
    items = [
        f"toUInt16(least(bitAnd(bitShiftRight({prefix}{i // _PER_WORD}, {_FIELD_BITS * (i % _PER_WORD)}), "
        f"{_FIELD_MASK}), 65535))"
        for i in range(slots)
    ]
    return "[" + ", ".join(items) + "]"


def usd(cents: str) -> str:
    """Decimal128(18) USD from an integer number of cents (exact)."""
    return f"toDecimal128({cents}, 18) / 100"


def run(client: Client, sql: str, database: str, **params: Any) -> None:
    client.command(sql, parameters={"database": database, **params})


_ARROW_TYPES = {
    pa.uint16(): "UInt16",
    pa.uint32(): "UInt32",
    pa.string(): "String",
    pa.date32(): "Date",
    pa.float32(): "Float32",
    pa.float64(): "Float64",
}


def insert_with_addresses(client: Client, database: str, table: str, data: pa.Table, seed: int) -> None:
    """Insert ``data`` into ``table``, adding the ``address`` of each ``address_id`` in SQL."""
    stage = f"synth_tmp_stage_{table}"
    schema = ", ".join(f"{f.name} {_ARROW_TYPES[f.type]}" for f in data.schema)
    target = table_columns(client, database, table)
    columns = ", ".join(name for name in data.column_names if name in target)
    run(client, f"CREATE TABLE {{database:Identifier}}.{stage} ({schema}) ENGINE = Memory", database)
    client.insert_arrow(stage, data, database=database)
    run(
        client,
        f"INSERT INTO {{database:Identifier}}.{table} ({columns}, address) "
        f"SELECT {columns}, {address('address_id')} FROM {{database:Identifier}}.{stage}",
        database,
        seed=seed,
    )
    run(client, f"DROP TABLE {{database:Identifier}}.{stage}", database)
