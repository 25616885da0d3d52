"""From the extracted Arrow table to the float32 matrix LightGBM trains on, without pandas.

Columns that carry no information on the training rows (constant, or null everywhere) are dropped here,
decided on training rows only, and reported so the run's metadata can list them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from riskforge.data.extract import feature_block, feature_chunks
from riskforge.errors import DataError
from riskforge.features.base import FeatureGroup

ROWS_PER_COPY = 1 << 16


@dataclass(frozen=True)
class Rows:
    """What the protocol needs of each extracted row besides its features."""

    day: np.ndarray
    entity_id: np.ndarray
    group: np.ndarray
    baseline: np.ndarray
    grade: np.ndarray
    segment: np.ndarray
    group_code: np.ndarray
    entity_code: np.ndarray

    def __len__(self) -> int:
        return len(self.grade)


@dataclass(frozen=True)
class FeatureMatrix:
    """The float32 feature matrix, its column names, each stateful group's fitted state, and the columns
    left out as uninformative on the training rows (with the reason)."""

    X: np.ndarray
    feature_names: list[str]
    states: dict[str, dict[str, Any]]
    dropped: dict[str, str] = field(default_factory=dict)


def protocol_rows(table: pa.Table) -> Rows:
    """The reserved columns of the extract (see ``riskforge.data.extract``) as arrays, with integer codes
    of the entity and group keys."""
    return Rows(
        day=table["processing_date"].to_numpy().astype("datetime64[D]"),
        entity_id=np.asarray(table["entity_id"].to_numpy(zero_copy_only=False), dtype=object),
        group=np.asarray(table["group_key"].to_numpy(zero_copy_only=False), dtype=object),
        baseline=table["baseline_score"].to_numpy(zero_copy_only=False).astype(np.float64),
        grade=table["label_grade"].to_numpy(zero_copy_only=False).astype(np.uint8),
        segment=np.asarray(table["segment"].to_numpy(zero_copy_only=False), dtype=object),
        group_code=_codes(table["group_key"]),
        entity_code=_codes(table["entity_id"]),
    )


def _codes(column: pa.ChunkedArray) -> np.ndarray:
    """Integer codes of a string column (equal strings, equal codes): fast set operations on entities."""
    return pc.dictionary_encode(column).combine_chunks().indices.to_numpy(zero_copy_only=False).astype(np.int64)


def build_matrix(
    table: pa.Table,
    groups: list[tuple[FeatureGroup, dict[str, Any], list[str]]],
    rows: np.ndarray | None = None,
    fit_rows: np.ndarray | None = None,
    states: dict[str, dict[str, Any]] | None = None,
) -> FeatureMatrix:
    """The matrix of the extract's ``rows`` (indices, in the order wanted; default all), group by group:
    each group's SQL columns, passed through its ``transform``, written once into one float32 array.

    Training passes ``fit_rows`` (a mask over ``rows``: the training rows): stateful groups are fitted on
    them, and columns constant or all null on them are left out and listed in ``dropped``. Scoring passes
    the ``states`` stored with a model instead, so a new day sees exactly the training statistics.
    """
    take = np.arange(table.num_rows) if rows is None else rows
    fit_index = take[fit_rows] if fit_rows is not None else None
    pieces: list[tuple[list[str], list[tuple[int, np.ndarray]]]] = []
    fitted: dict[str, dict[str, Any]] = {}
    for group, params, sql_columns in groups:
        if not sql_columns:
            continue
        if not group.stateful:
            pieces.append((sql_columns, feature_chunks(table, group.name, len(sql_columns))))
            continue
        columns = dict(zip(sql_columns, feature_block(table, group.name, len(sql_columns)).T, strict=True))
        if states is not None:
            state = states[group.name]
        else:
            state = group.fit({n: v[fit_index] for n, v in columns.items()}, params)
        fitted[group.name] = state
        columns = group.transform(columns, state, params)
        if columns:
            block = np.column_stack([np.asarray(v, dtype=np.float32) for v in columns.values()])
            pieces.append(
                (list(columns), [(lo, block[lo : lo + ROWS_PER_COPY]) for lo in range(0, len(block), ROWS_PER_COPY)])
            )
    dropped: dict[str, str] = {}
    if fit_index is not None:
        mask = np.zeros(table.num_rows, dtype=bool)
        mask[fit_index] = True
        for names, chunks in pieces:
            dropped.update(_uninformative(chunks, names, mask))
    names = [n for columns, _ in pieces for n in columns if n not in dropped]
    X = np.empty((len(take), len(names)), dtype=np.float32)
    start = 0
    for columns, chunks in pieces:  # chunk by chunk: no matrix-sized temporary
        kept = np.array([j for j, n in enumerate(columns) if n not in dropped], dtype=np.intp)
        for first, block in chunks:
            at = np.flatnonzero((take >= first) & (take < first + len(block)))
            X[at, start : start + len(kept)] = block[np.ix_(take[at] - first, kept)]
        start += len(kept)
    return FeatureMatrix(X=X, feature_names=names, states=fitted, dropped=dropped)


def _uninformative(chunks: list[tuple[int, np.ndarray]], names: list[str], rows: np.ndarray) -> dict[str, str]:
    """Columns that are all null or constant on ``rows`` (a mask over the extract), with the reason;
    reduced in place, chunk by chunk, without copying the rows out."""
    low = high = np.full(len(names), np.nan, dtype=np.float32)
    for first, block in chunks:
        where = rows[first : first + len(block), None]
        low = np.fmin(low, np.fmin.reduce(block, axis=0, where=where, initial=np.nan))
        high = np.fmax(high, np.fmax.reduce(block, axis=0, where=where, initial=np.nan))
    dropped = {}
    for j, name in enumerate(names):
        if np.isnan(low[j]):
            dropped[name] = "all null"
        elif low[j] == high[j]:
            dropped[name] = "constant"
    return dropped


def model_columns(matrix: FeatureMatrix, model_features: list[str]) -> np.ndarray:
    """The columns a stored model was trained on, in its order. A missing column, or columns coming out in
    another order, is an error (never a silent reorder); columns dropped at training are left out."""
    wanted = set(model_features)
    kept = [n for n in matrix.feature_names if n in wanted]
    if kept != model_features:
        missing = [n for n in model_features if n not in matrix.feature_names]
        detail = f"missing {missing[:5]}" if missing else "the columns come out in a different order"
        raise DataError(f"the features built today do not match the model's feature_names: {detail}")
    index = {n: j for j, n in enumerate(matrix.feature_names)}
    return np.ascontiguousarray(matrix.X[:, [index[n] for n in model_features]])
