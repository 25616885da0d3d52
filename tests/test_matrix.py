"""From the extract's per-group arrays to the feature matrix: missing rows, column order, stateful groups."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
import pyarrow as pa

from riskforge.data.extract import ExtractPlan, feature_block, feature_table, packed_column
from riskforge.features.base import FeatureGroup, GroupSQL, SqlContext
from riskforge.features.matrix import build_matrix

NAN = float("nan")


class Plain(FeatureGroup):
    name = "plain"

    def select(self, ctx: SqlContext) -> GroupSQL:
        raise NotImplementedError


class Centred(FeatureGroup):
    """Subtracts the mean of the rows it is fitted on."""

    name = "centred"
    stateful: ClassVar[bool] = True

    def select(self, ctx: SqlContext) -> GroupSQL:
        raise NotImplementedError

    def fit(self, columns: dict[str, np.ndarray], params: dict[str, Any]) -> dict[str, Any]:
        return {"mean": float(np.nanmean(columns["v"]))}

    def transform(self, columns: dict[str, np.ndarray], state: dict[str, Any], params: dict[str, Any]):
        return {"v_centred": columns["v"] - state["mean"]}


def extract() -> pa.Table:
    """Three rows in two chunks; the plain group has no row for the second entity (an empty array)."""
    packed = pa.list_(pa.float32())
    chunks = [
        {"entity_id": ["a", "b"], "__plain": [[1.0, 2.0], []], "__centred": [[10.0], [20.0]]},
        {"entity_id": ["c"], "__plain": [[3.0, NAN]], "__centred": [[60.0]]},
    ]
    schema = pa.schema([("entity_id", pa.string()), ("__plain", packed), ("__centred", packed)])
    return pa.Table.from_batches([pa.RecordBatch.from_pydict(c, schema=schema) for c in chunks])


def test_an_entity_a_group_has_no_row_for_gets_nan_in_every_column_of_the_group() -> None:
    block = feature_block(extract(), "plain", 2)
    np.testing.assert_array_equal(block, np.array([[1, 2], [NAN, NAN], [3, NAN]], dtype=np.float32))
    assert block.dtype == np.float32


def test_feature_table_names_every_column_in_plan_order() -> None:
    plan = ExtractPlan("", {}, ["x", "y", "v"], {"plain": ["x", "y"], "centred": ["v"]})
    table = feature_table(extract(), plan)
    assert table.column_names == ["entity_id", "x", "y", "v"]
    np.testing.assert_array_equal(table["v"].to_numpy(), [10, 20, 60])
    assert packed_column("plain") not in table.column_names


def test_training_fits_states_and_drops_columns_on_the_fit_rows_only() -> None:
    groups = [(Plain(), {}, ["x", "y"]), (Centred(), {}, ["v"])]
    fitted = build_matrix(extract(), groups, rows=np.array([2, 0]), fit_rows=np.array([True, True]))
    assert fitted.states == {"centred": {"mean": 35.0}}
    assert fitted.dropped == {"y": "constant"}  # 2 on row 0, missing on row 2
    assert fitted.feature_names == ["x", "v_centred"]
    np.testing.assert_array_equal(fitted.X, np.array([[3, 25], [1, -25]], dtype=np.float32))
    assert fitted.X.flags.c_contiguous and fitted.X.flags.writeable

    only_b = build_matrix(extract(), groups, fit_rows=np.array([False, True, False]))
    assert only_b.dropped == {"x": "all null", "y": "all null", "v_centred": "constant"}


def test_scoring_uses_the_stored_state_and_keeps_every_column() -> None:
    groups = [(Plain(), {}, ["x", "y"]), (Centred(), {}, ["v"])]
    scored = build_matrix(extract(), groups, states={"centred": {"mean": 0.0}})
    assert scored.feature_names == ["x", "y", "v_centred"] and scored.dropped == {}
    np.testing.assert_array_equal(scored.X[:, 2], [10, 20, 60])
