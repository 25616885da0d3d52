"""Compose the selected feature groups and the label source into ONE ClickHouse query per entity level.

The result is one Arrow table, totally ordered by (processing_date, entity_id) so runs are reproducible:

    processing_date, entity_id, group_key, baseline_score, label_grade, segment, __<group>...

Each group's feature columns travel as ONE ``Array(Float32)`` column per group (NaN where a value is
missing; an empty array where the group has no row for the entity), in the order of
``ExtractPlan.columns_by_group``: a hash join that carries one array instead of dozens of Nullable
columns is about twice as fast, and the arrays reshape into the feature matrix without a copy per column.
Feature SQL never sees the label CTE, and label columns can never be named as features.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from clickhouse_connect.driver.client import Client

from riskforge.data.entities import EntityLevel
from riskforge.data.labels import LabelSource
from riskforge.errors import ConfigError
from riskforge.features.base import FeatureGroup, SqlContext

RESERVED = ("processing_date", "entity_id", "group_key", "baseline_score", "label_grade", "segment")
LABEL_TABLES = {"raw_address_labels", "alert_dispositions"}
POINT_IN_TIME = "others_before_snapshot"
PACKED = "__"  # prefix of the per-group array columns, which no reserved name has


@dataclass(frozen=True)
class ExtractPlan:
    sql: str
    parameters: dict[str, Any]
    feature_columns: list[str]
    columns_by_group: dict[str, list[str]]


def plan_extract(
    level: EntityLevel,
    groups: list[tuple[FeatureGroup, dict[str, Any]]],
    labels: LabelSource | None,
    window: int,
    columns_of: Callable[[str], dict[str, str]],
    engine_of: Callable[[str], str] | None = None,
) -> ExtractPlan:
    """Build the query text and its group-bound parameters (the run's standard ones are added later).
    Without a label source (scoring), every row's label grade is 0. ``columns_of`` and ``engine_of`` say
    what the warehouse holds, so the SQL adapts to drifted schemas and ReplacingMergeTree tables."""
    ctx_bindings: dict[str, Any] = {}
    ctes = [f"entities AS ({level.sql(columns_of, engine_of)})"]
    label_join = ""
    if labels is not None:
        label_ctes, label_join = _label_join(level, labels)
        ctes += [f"labels AS ({labels.grades_sql()})", *label_ctes]
    selects = []
    joins = []
    owner: dict[str, str] = {}
    columns_by_group: dict[str, list[str]] = {}
    keys = None
    for group, params in groups:
        if group.entity != level.name:
            raise ConfigError(
                f"feature group {group.name!r} is {group.entity}-level; this model type needs {level.name}-level groups"
            )
        label_tables = (LABEL_TABLES | set(labels.tables if labels else ())) & set(group.tables)
        if label_tables and group.reads_labels != POINT_IN_TIME:
            raise ConfigError(
                f"feature group {group.name!r} reads the label table {sorted(label_tables)[0]}: a group may only "
                f"use labels of other entities dated before the snapshot (reads_labels = {POINT_IN_TIME!r})"
            )
        ctx = SqlContext(level.name, window, params, columns_of, bindings=ctx_bindings, engine_of=engine_of)
        keys = ctx.keys
        part = group.select(ctx)
        for column in part.columns:
            if column in RESERVED:
                raise ConfigError(f"feature group {group.name!r} outputs the reserved column name {column!r}")
            if column in owner:
                raise ConfigError(f"feature column {column!r} is produced by both {owner[column]!r} and {group.name!r}")
            owner[column] = group.name
        columns_by_group[group.name] = list(part.columns)
        if not part.columns:
            continue
        alias = f"g_{group.name}"
        packed = ", ".join(f"ifNull(toFloat32({c}), toFloat32(nan))" for c in part.columns)
        ctes.append(f"{alias} AS (SELECT {', '.join(keys)}, [{packed}] AS values FROM ({part.sql}))")
        on = " AND ".join(f"{alias}.{k} = e.{k}" for k in keys)
        joins.append(f"LEFT JOIN {alias} ON {on}")
        selects.append(f"{alias}.values AS {packed_column(group.name)}")
    head = [
        "e.processing_date AS processing_date",
        f"e.{level.id_column} AS entity_id",
        f"e.{level.group_column} AS group_key",
        f"toFloat64(e.{level.baseline_column}) AS baseline_score",
        "toUInt8(ifNull(l.label_grade, 0)) AS label_grade" if labels is not None else "toUInt8(0) AS label_grade",
        f"{level.segment_sql} AS segment",
    ]
    sql = (
        "WITH\n"
        + ",\n".join(ctes)
        + "\nSELECT\n    "
        + ",\n    ".join(head + selects)
        + "\nFROM entities AS e\n"
        + label_join
        + "\n"
        + "\n".join(joins)
        + "\nWHERE e.processing_date IN {dates:Array(Date)}"
        + "\nORDER BY processing_date, entity_id"
        + "\nSETTINGS join_use_nulls = 1"
    )
    return ExtractPlan(sql, ctx_bindings, list(owner), columns_by_group)


def _label_join(level: EntityLevel, labels: LabelSource) -> tuple[list[str], str]:
    """How the label source's grades reach an entity (as ``l.label_grade``): a join on a scalar key, or
    the highest grade among an array of members (e.g. a cluster's addresses). Returns (CTEs, JOIN)."""
    if labels.key not in level.label_keys:
        raise ConfigError(f"label source {labels.name!r} keys on {labels.key!r}, which {level.name}s do not carry")
    column, is_array = level.label_keys[labels.key]
    if not is_array:
        return [], f"LEFT JOIN labels AS l ON l.{labels.key} = e.{column}"
    keys = ("processing_date", level.id_column)
    cte = (
        f"entity_labels AS (SELECT e.{keys[0]}, e.{keys[1]}, max(ifNull(m.label_grade, 0)) AS label_grade "
        f"FROM entities AS e LEFT ARRAY JOIN e.{column} AS member "
        f"LEFT JOIN labels AS m ON m.{labels.key} = member GROUP BY e.{keys[0]}, e.{keys[1]})"
    )
    return [cte], "LEFT JOIN entity_labels AS l ON " + " AND ".join(f"l.{k} = e.{k}" for k in keys)


def fetch(client: Client, plan: ExtractPlan, parameters: dict[str, Any], deterministic: bool = False) -> pa.Table:
    """Run the composed query and return its rows as one Arrow table. ``deterministic`` runs it on one
    thread, so floating-point aggregates are summed in the same order every time."""
    settings = {"max_threads": 1} if deterministic else None
    return client.query_arrow(plan.sql, parameters={**parameters, **plan.parameters}, settings=settings)


def packed_column(group: str) -> str:
    """The name of the extract column that carries ``group``'s feature values."""
    return f"{PACKED}{group}"


def feature_chunks(table: pa.Table, group: str, width: int) -> list[tuple[int, np.ndarray]]:
    """A group's feature values chunk by chunk of the extract, as (first row, float32 (rows, width) array)
    pairs: views of the Arrow buffers where every row has the group's values; where a row has none (an
    empty array), a filled copy with NaN in that row."""
    chunks, first = [], 0
    for chunk in table[packed_column(group)].chunks:
        chunks.append((first, _block(chunk, width)))
        first += len(chunk)
    return chunks


def _block(packed: pa.Array, width: int) -> np.ndarray:
    values = packed.flatten().to_numpy().reshape(-1, width)
    if len(values) == len(packed):
        return values
    block = np.full((len(packed), width), np.nan, dtype=np.float32)
    block[pc.list_value_length(packed).to_numpy(zero_copy_only=False) == width] = values
    return block


def feature_block(table: pa.Table, group: str, width: int) -> np.ndarray:
    """A group's feature values as one float32 (rows, width) array (see ``feature_chunks``)."""
    blocks = [block for _, block in feature_chunks(table, group, width)]
    return blocks[0] if len(blocks) == 1 else np.concatenate([np.empty((0, width), np.float32), *blocks])


def feature_table(table: pa.Table, plan: ExtractPlan) -> pa.Table:
    """The extract with each group's array replaced by its named Float32 columns: for reading and for
    testing a group, not for the training path (which reshapes the arrays straight into the matrix)."""
    head = [name for name in table.column_names if not name.startswith(PACKED)]
    arrays, names = [table[name] for name in head], list(head)
    for group, columns in plan.columns_by_group.items():
        if columns:
            arrays += [pa.array(c) for c in np.ascontiguousarray(feature_block(table, group, len(columns)).T)]
            names += columns
    return pa.table(arrays, names=names)
