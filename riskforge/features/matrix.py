"""From the extracted Arrow table to the float32 matrix LightGBM trains on, without pandas.

Columns that carry no information on the training rows (constant, or null everywhere) are dropped here,
decided on training rows only, and reported so the run's metadata can list them.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from riskforge.data.extract import feature_block
from riskforge.errors import DataError
from riskforge.features.base import FeatureGroup


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
    """The float32 feature matrix, its column names, and each stateful group's fitted state."""

    X: np.ndarray
    feature_names: list[str]
    states: dict[str, dict[str, Any]]


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
    fit_rows: np.ndarray | None = None,
    states: dict[str, dict[str, Any]] | None = None,
) -> FeatureMatrix:
    """Assemble the matrix group by group: each group's SQL columns, passed through its ``transform``.

    Stateful groups are fitted on ``fit_rows`` (the training rows) when training, or use the ``states``
    stored with a model when scoring, so a new day sees exactly the training statistics. Nulls are NaN.
    """
    blocks: list[np.ndarray] = []
    names: list[str] = []
    fitted: dict[str, dict[str, Any]] = {}
    for group, params, sql_columns in groups:
        if not sql_columns:
            continue
        block = feature_block(table, group.name, len(sql_columns))
        if group.stateful:
            columns = dict(zip(sql_columns, block.T, strict=True))
            if states is not None:
                state = states[group.name]
            else:
                state = group.fit({n: v[fit_rows] for n, v in columns.items()}, params)
            fitted[group.name] = state
            columns = group.transform(columns, state, params)
            if not columns:
                continue
            sql_columns = list(columns)
            block = np.column_stack([np.asarray(v, dtype=np.float32) for v in columns.values()])
        names += sql_columns
        blocks.append(block)
    X = np.hstack(blocks) if blocks else np.empty((table.num_rows, 0), dtype=np.float32)
    return FeatureMatrix(X=X, feature_names=names, states=fitted)


def uninformative_columns(X: np.ndarray, names: list[str]) -> dict[str, str]:
    """Columns of ``X`` (training rows) that are all null or constant, with the reason."""
    dropped = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns are exactly what we look for
        low = np.nanmin(X, axis=0) if len(X) else np.full(X.shape[1], np.nan)
        high = np.nanmax(X, axis=0) if len(X) else np.full(X.shape[1], np.nan)
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
