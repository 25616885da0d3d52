"""From the extracted Arrow table to the float32 matrix LightGBM trains on, without pandas.

Columns that carry no information on the training rows (constant, or null everywhere) are dropped here,
decided on training rows only, and reported so the run's metadata can list them.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc


@dataclass(frozen=True)
class FeatureMatrix:
    """The extracted rows, as arrays: features, and the columns the protocol needs beside them."""

    X: np.ndarray
    feature_names: list[str]
    day: np.ndarray
    entity_id: np.ndarray
    group: np.ndarray
    baseline: np.ndarray
    grade: np.ndarray

    def __len__(self) -> int:
        return len(self.grade)


def _float32(column: pa.ChunkedArray) -> np.ndarray:
    return pc.cast(column, pa.float32()).to_numpy(zero_copy_only=False)


def to_matrix(table: pa.Table, feature_columns: list[str]) -> FeatureMatrix:
    """Convert the extract (see ``riskforge.data.extract``) into arrays; nulls become NaN."""
    X = np.empty((table.num_rows, len(feature_columns)), dtype=np.float32)
    for j, name in enumerate(feature_columns):
        X[:, j] = _float32(table[name])
    return FeatureMatrix(
        X=X,
        feature_names=list(feature_columns),
        day=table["processing_date"].to_numpy().astype("datetime64[D]"),
        entity_id=np.asarray(table["entity_id"].to_numpy(zero_copy_only=False), dtype=object),
        group=np.asarray(table["group_key"].to_numpy(zero_copy_only=False), dtype=object),
        baseline=table["baseline_score"].to_numpy(zero_copy_only=False).astype(np.float64),
        grade=table["label_grade"].to_numpy(zero_copy_only=False).astype(np.uint8),
    )


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
