"""Daily scoring, explanations, backtests and the registry on a model trained in-process."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import compose, train_in_process

from riskforge.cli.hydra_app import to_schema
from riskforge.config.schema import EvalCfg, ScoreCfg
from riskforge.errors import DataError, IntegrityError, RiskforgeError
from riskforge.progress import RunProgress
from riskforge.scoring.backtest import backtest
from riskforge.scoring.daily import PHASES, score_day
from riskforge.scoring.stored import StoredModel
from riskforge.store import registry
from riskforge.warehouse import Warehouse


def last_date(home: Path, window: int = 7) -> str:
    with Warehouse.from_dsn(None).connect() as client:
        return str(
            client.query(
                "SELECT max(processing_date) FROM risk_scoring_ethereum.raw_alerts WHERE window_days = {w:UInt16}",
                parameters={"w": window},
            ).result_rows[0][0]
        )


def score(overrides: list[str]) -> object:
    cfg = to_schema(compose("score", overrides), ScoreCfg)
    with RunProgress(PHASES) as progress:
        return score_day(cfg, progress)


def query(sql: str, **parameters: object) -> list[tuple]:
    with Warehouse.from_dsn(None).connect() as client:
        return client.query(sql, parameters=parameters).result_rows


def test_scoring_writes_one_probability_per_alert_idempotently(world: Path, tmp_path: Path) -> None:
    stored = train_in_process(["network=ethereum", "window=7"], tmp_path)
    date = last_date(world)
    score(["network=ethereum", "model=alert_scorer", "window=7", f"date={date}"])
    first = query(
        "SELECT alert_id, score, explain_json FROM risk_scoring_ethereum.alert_scores "
        "WHERE processing_date = {d:Date} AND window_days = 7 ORDER BY alert_id",
        d=date,
    )
    alerts = query(
        "SELECT uniqExact(alert_id) FROM risk_scoring_ethereum.raw_alerts WHERE processing_date = {d:Date} "
        "AND window_days = 7",
        d=date,
    )[0][0]
    assert len(first) == alerts and len({r[0] for r in first}) == alerts
    assert all(0.0 <= r[1] <= 1.0 for r in first)
    explained = [json.loads(r[2]) for r in first if r[2]]
    assert explained
    for e in explained:
        assert e["base_value"] + sum(t["contribution"] for t in e["top"]) + e["rest"] == pytest.approx(e["raw_score"])
    score(["network=ethereum", "model=alert_scorer", "window=7", f"date={date}"])
    second = query(
        "SELECT alert_id, score, explain_json FROM risk_scoring_ethereum.alert_scores "
        "WHERE processing_date = {d:Date} AND window_days = 7 ORDER BY alert_id",
        d=date,
    )
    assert second == first
    [(status, versions)] = query("SELECT status, model_versions FROM risk_scoring_ethereum.batch_metadata LIMIT 1")
    assert status == "COMPLETED" and versions == {"alert_scorer": stored.model_id}


def test_a_tampered_model_file_is_refused(world: Path, tmp_path: Path) -> None:
    stored = train_in_process(["network=ethereum", "window=7"], tmp_path)
    with stored.model_path.open("a") as handle:
        handle.write("garbage")
    with pytest.raises(IntegrityError, match="sha256"):
        score(["network=ethereum", "model=alert_scorer", "window=7", f"date={last_date(world)}"])


def test_a_feature_mismatch_fails_the_batch_and_records_why(world: Path, tmp_path: Path) -> None:
    train_in_process(["network=ethereum", "window=7"], tmp_path)
    with Warehouse.from_dsn(None).connect() as client:
        client.command("ALTER TABLE risk_scoring_ethereum.raw_features DROP COLUMN degree_in")
    with pytest.raises(DataError, match="do not match the model's feature_names"):
        score(["network=ethereum", "model=alert_scorer", "window=7", f"date={last_date(world)}"])
    [(status, error)] = query("SELECT status, error_message FROM risk_scoring_ethereum.batch_metadata")
    assert status == "FAILED" and "degree_in" in error
    assert query("SELECT count() FROM risk_scoring_ethereum.alert_scores")[0][0] == 0


def test_scoring_a_date_without_alerts_is_one_clear_error(world: Path, tmp_path: Path) -> None:
    train_in_process(["network=ethereum", "window=7"], tmp_path)
    with pytest.raises(DataError, match="no alerts"):
        score(["network=ethereum", "model=alert_scorer", "window=7", "date=1999-01-01"])


def test_backtest_reuses_the_models_features_and_beats_the_baseline(world: Path, tmp_path: Path) -> None:
    stored = train_in_process(["network=ethereum", "window=7"], tmp_path)
    with Warehouse.from_dsn(None).connect() as client:
        model = StoredModel.load(registry.find(client, stored.model_id))
    result = backtest(model, Warehouse.from_dsn(None), None, None, EvalCfg(bootstrap=100))
    assert result.evaluation.metrics["test_auc"] > result.evaluation.baseline_metrics["test_auc"]
    assert result.per_day and result.per_segment
    assert 0 <= result.workload_saved_at_95_recall["model"] <= 1


def test_promote_and_rollback_are_events(world: Path, tmp_path: Path) -> None:
    a = train_in_process(["network=ethereum", "window=7", "seed=1"], tmp_path / "a")
    b = train_in_process(["network=ethereum", "window=7", "seed=2"], tmp_path / "b")
    with Warehouse.from_dsn(None).connect() as client:
        row_a, row_b = registry.find(client, a.model_id), registry.find(client, b.model_id)
        assert registry.production(client, "ethereum", "alert_scorer", 7) is None
        registry.promote(client, row_a, "first")
        assert registry.promote(client, row_b, "better") == a.model_id
        assert registry.resolve(client, "ethereum", "alert_scorer", 7, None).model_id == b.model_id
        assert registry.rollback(client, row_b, "regression") == (b.model_id, a.model_id)
        assert registry.production(client, "ethereum", "alert_scorer", 7) == a.model_id
        with pytest.raises(RiskforgeError, match="nothing to roll back"):
            registry.rollback(client, row_a, "again")
