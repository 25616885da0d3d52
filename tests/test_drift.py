"""Drift tolerance, proven: training works on the schema variants real deployments have, with a note of
what was missing or extra, and duplicated versions are collapsed before any duplicate is refused."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import train_in_process

from riskforge.errors import ConfigError
from riskforge.warehouse import Warehouse
from riskforge.warehouse.migrate import schema_files

DB = "risk_scoring_ethereum"
TRAIN = ["network=ethereum", "window=7", "features=[alert,address,temporal,statistical,cluster,network]"]
DROPPED_IN_78 = [
    "behavioral_anomaly_score",
    "graph_anomaly_score",
    "neighborhood_anomaly_score",
    "global_anomaly_score",
    "completeness_score",
    "quality_score",
    "outlier_score",
    "confidence_score",
    "suspicious_pattern_score",
    "outlier_transactions",
    "is_exchange_like",
    "is_whale",
    "is_mixer_like",
    "is_contract_like",
    "is_new_address",
    "is_dormant_reactivated",
    "is_high_volume_trader",
    "is_hub_address",
    "is_whale_inactive",
    "is_retail_inactive",
]
EXTRA_IN_103 = ["in_out_ratio", "round_number_ratio", "risk_proximity_1hop", "address_age_days", "tx_hour_spread"]


def sql(*statements: str) -> None:
    with Warehouse.from_dsn(None).connect() as client:
        for statement in statements:
            client.command(statement, settings={"mutations_sync": 2})


def rebuild(table: str, edit: Callable[[str], str], select: str = "*", after: str = "") -> None:
    """Recreate ``table`` from its contract DDL as edited (types, engine), copying its rows across."""
    ddl = next(s for s in schema_files() if s.table == table).sql.replace("{database:Identifier}", DB)
    ddl = edit(ddl.replace(f"{DB}.{table}", f"{DB}.{table}_drift"))
    sql(ddl, f"INSERT INTO {DB}.{table}_drift SELECT {select} FROM {DB}.{table} {after}")
    sql(f"EXCHANGE TABLES {DB}.{table} AND {DB}.{table}_drift", f"DROP TABLE {DB}.{table}_drift")


def notes(meta: dict) -> str:
    return " | ".join(meta["data_notes"])


def test_drift_78_column_raw_features(world: Path, tmp_path: Path) -> None:
    sql(*(f"ALTER TABLE {DB}.raw_features DROP COLUMN {c}" for c in DROPPED_IN_78))
    meta = train_in_process(TRAIN, tmp_path).metadata
    assert "raw_features lacks 20 contract columns" in notes(meta)
    assert not set(DROPPED_IN_78) & set(meta["feature_names"])


def test_drift_103_column_raw_features(world: Path, tmp_path: Path) -> None:
    sql(*(f"ALTER TABLE {DB}.raw_features ADD COLUMN {c} Float64" for c in EXTRA_IN_103))
    ratio = "toFloat64(total_in_usd) / (toFloat64(total_out_usd) + 1)"
    sql(f"ALTER TABLE {DB}.raw_features UPDATE in_out_ratio = {ratio} WHERE 1")
    meta = train_in_process([*TRAIN, "features.address.include=[in_out_ratio]"], tmp_path).metadata
    assert "raw_features has 5 columns outside the contract" in notes(meta)
    assert "in_out_ratio" in meta["feature_names"] and "round_number_ratio" not in meta["feature_names"]
    with pytest.raises(ConfigError, match="may never be features"):
        train_in_process([*TRAIN, "features.address.include=[risk_proximity_1hop]"], tmp_path / "risk")


def test_drift_upper_case_severity(world: Path, tmp_path: Path) -> None:
    sql(f"ALTER TABLE {DB}.raw_alerts UPDATE severity = upper(severity) WHERE 1")
    meta = train_in_process(TRAIN, tmp_path).metadata
    assert "alert_severity_rank" in meta["feature_names"]  # still informative: upper case is read as lower


def test_drift_int32_window_days(world: Path, tmp_path: Path) -> None:
    for table in ("raw_alerts", "raw_features"):
        rebuild(table, lambda ddl: ddl.replace("window_days UInt16", "window_days Int32"))
    train_in_process(TRAIN, tmp_path)


def test_drift_float64_volumes(world: Path, tmp_path: Path) -> None:
    sql(f"ALTER TABLE {DB}.raw_alerts MODIFY COLUMN volume_usd Float64")
    meta = train_in_process(TRAIN, tmp_path).metadata
    assert "alert_log_volume_usd" in meta["feature_names"]


def test_drift_array_columns_delivered_as_strings(world: Path, tmp_path: Path) -> None:
    rebuild(
        "raw_alerts",
        lambda ddl: ddl.replace("risk_indicators Array(String)", "risk_indicators String"),
        select="* REPLACE (toString(risk_indicators) AS risk_indicators)",
    )
    rebuild(
        "raw_clusters",
        lambda ddl: ddl.replace("related_alert_ids Array(String)", "related_alert_ids String").replace(
            "addresses_involved Array(String)", "addresses_involved String"
        ),
        select="* REPLACE (toString(related_alert_ids) AS related_alert_ids, "
        "toString(addresses_involved) AS addresses_involved)",
    )
    meta = train_in_process(TRAIN, tmp_path).metadata
    assert meta["feature_names"]
    cluster_meta = train_in_process(
        ["network=ethereum", "window=7", "model=cluster_scorer", "split.min_positives=5"], tmp_path / "c"
    ).metadata
    assert "cluster_related_alerts" in cluster_meta["feature_names"]


def test_drift_replacing_merge_tree_duplicates_collapse_to_the_latest_version(world: Path, tmp_path: Path) -> None:
    """raw_features as a ReplacingMergeTree holding, for every row, an older version with garbage values."""
    rebuild(
        "raw_features",
        lambda ddl: ddl.replace(
            "created_at DateTime DEFAULT now()", "created_at DateTime DEFAULT now(),\n    _version UInt64"
        ).replace("ENGINE = MergeTree", "ENGINE = ReplacingMergeTree(_version)"),
        select="*, 2",
    )
    sql(
        f"INSERT INTO {DB}.raw_features SELECT * REPLACE (999999 AS degree_in, 1 AS _version) FROM {DB}.raw_features",
        f"INSERT INTO {DB}.raw_alerts SELECT * FROM {DB}.raw_alerts LIMIT 50",  # exact duplicate alert rows
    )
    meta = train_in_process(TRAIN, tmp_path).metadata
    assert "read with FINAL" in notes(meta)
    reference = meta["monitoring_reference"]["features"]
    assert all(max(ref["edges"]) < 999999 for name, ref in reference.items() if name == "degree_in")


def test_drift_constant_and_null_columns_are_dropped_and_listed(world: Path, tmp_path: Path) -> None:
    sql(
        f"ALTER TABLE {DB}.raw_features UPDATE pagerank = 0.5 WHERE 1",
        f"ALTER TABLE {DB}.raw_features MODIFY COLUMN closeness Nullable(Float32)",
        f"ALTER TABLE {DB}.raw_features UPDATE closeness = NULL WHERE 1",
    )
    meta = train_in_process(TRAIN, tmp_path).metadata
    assert meta["dropped_columns"]["pagerank"] == "constant"
    assert meta["dropped_columns"]["closeness"] == "all null"
    assert "pagerank" not in meta["feature_names"] and "closeness" not in meta["feature_names"]
