"""Point in time, proven: features of date D never depend on anything dated after D, labels never leak
into features, and a model trained on shuffled labels learns nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import ClassVar

import numpy as np
import pytest
from conftest import train_in_process

from riskforge.data.entities import entity_level
from riskforge.data.extract import feature_table, fetch, plan_extract
from riskforge.data.window import check_tables
from riskforge.errors import ConfigError
from riskforge.features.base import FeatureGroup, GroupSQL, SqlContext
from riskforge.plugin_manager import registry
from riskforge.warehouse import Warehouse

ALERT_GROUPS = ("alert", "address", "temporal", "statistical", "cluster", "network")
DATED = ("raw_alerts", "raw_features", "raw_clusters", "raw_money_flows", "raw_address_labels")
DB = "risk_scoring_ethereum"


def features_on(day: dt.date) -> dict[str, list]:
    """Every built-in alert-level group's SQL columns for one date, rows in (date, alert_id) order."""
    groups = [(registry().feature_group(n), registry().feature_group(n).default_params()) for n in ALERT_GROUPS]
    with Warehouse.from_dsn(None).connect() as client:
        tables = check_tables(client, "ethereum", list(DATED), "test")
        plan = plan_extract(entity_level("alert"), groups, None, 7, tables.columns_of, tables.engine_of)
        parameters = {"database": DB, "window": 7, "start_date": day, "end_date": day, "as_of": day, "dates": [day]}
        return feature_table(fetch(client, plan, parameters, deterministic=True), plan).to_pydict()


def dates(window: int = 7) -> list[dt.date]:
    with Warehouse.from_dsn(None).connect() as client:
        rows = client.query(
            f"SELECT DISTINCT processing_date FROM {DB}.raw_alerts WHERE window_days = {window} ORDER BY 1"
        ).result_rows
    return [d for (d,) in rows]


def test_point_in_time_features_are_identical_on_a_warehouse_truncated_after_the_date(world: Path) -> None:
    day = dates()[len(dates()) // 2]
    before = features_on(day)
    with Warehouse.from_dsn(None).connect() as client:
        for table in DATED:
            client.command(
                f"DELETE FROM {DB}.{table} WHERE processing_date > {{d:Date}}",
                parameters={"d": day},
            )
        later = f"SELECT count() FROM {DB}.raw_alerts WHERE processing_date > {{d:Date}}"
        assert client.query(later, parameters={"d": day}).result_rows[0][0] == 0
    after = features_on(day)
    assert len(before["entity_id"]) > 0
    assert after.keys() == before.keys()
    for column in before:
        if column != "label_grade":
            np.testing.assert_array_equal(after[column], before[column], err_msg=column)  # NaN equals NaN


def test_point_in_time_shuffled_labels_score_chance(world: Path, tmp_path: Path) -> None:
    """The address -> label map shuffled: over several seeds the mean test AUC is within 3 standard
    errors of 0.5 (each run's standard error read off its bootstrap interval)."""
    with Warehouse.from_dsn(None).connect() as client:
        labels = client.query_arrow(f"SELECT * FROM {DB}.raw_address_labels")
    aucs, errors = [], []
    for seed in (1, 2, 3):
        shuffled = labels.set_column(
            labels.schema.get_field_index("address"),
            "address",
            labels["address"].take(np.random.default_rng(seed).permutation(labels.num_rows)),
        )
        with Warehouse.from_dsn(None).connect() as client:
            client.command(f"TRUNCATE TABLE {DB}.raw_address_labels")
            client.insert_arrow(f"{DB}.raw_address_labels", shuffled)
        meta = train_in_process(
            ["network=ethereum", "window=7", f"seed={seed}", "split.min_positives=5", "eval.bootstrap=300"],
            tmp_path / str(seed),
        ).metadata
        aucs.append(meta["metrics"]["test_auc"])
        low, high = meta["metrics_ci"]["test_auc"]
        errors.append((high - low) / (2 * 1.96))
    mean_se = np.sqrt(np.sum(np.square(errors))) / len(errors)
    assert abs(np.mean(aucs) - 0.5) <= 3 * mean_se, (aucs, errors)


class OwnLabels(FeatureGroup):
    """A group that would copy the entity's own label into its features."""

    name = "own_labels"
    tables: ClassVar[tuple[str, ...]] = ("raw_address_labels",)

    def select(self, ctx: SqlContext) -> GroupSQL:
        return GroupSQL(f"SELECT {ctx.key_columns}, 1 AS leak FROM entities AS e", ["leak"])


def test_point_in_time_a_group_reading_its_entitys_labels_is_rejected_at_composition() -> None:
    labels = registry().label_source("address_labels")
    with pytest.raises(ConfigError, match="reads the label table raw_address_labels"):
        plan_extract(entity_level("alert"), [(OwnLabels(), {})], labels, 7, lambda table: {})


def test_point_in_time_labels_never_become_feature_columns(world: Path, tmp_path: Path) -> None:
    meta = train_in_process(["network=ethereum", "window=7", f"features=[{','.join(ALERT_GROUPS)}]"], tmp_path).metadata
    names = meta["feature_names"] + list(meta["dropped_columns"])
    assert not [n for n in names if "label" in n or n in ("risk_level", "label_grade")]
    assert meta["feature_groups"].keys() == set(ALERT_GROUPS)
