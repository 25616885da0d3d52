"""The train pipeline in-process on the `test` world: what it stores, and what it must never do."""

from __future__ import annotations

import json
import os
import re
import signal
from pathlib import Path

import pytest
from conftest import train_in_process

from riskforge.cli.models import list_models, load_metadata
from riskforge.signals import Interrupted
from riskforge.store import model_store, tracking
from riskforge.warehouse import Warehouse

METADATA_KEYS = {
    "model_id",
    "model_type",
    "network",
    "version",
    "created_at",
    "training_period",
    "data_stats",
    "metrics",
    "baseline_metrics",
    "metrics_ci",
    "hyperparameters",
    "feature_names",
    "feature_groups",
    "best_iteration",
    "num_trees",
    "split",
    "timings",
    "reproducibility",
}
LABEL_LIKE = re.compile(r"label|risk_level|grade|ground_truth|typology_instance", re.I)


def model_files(home: Path) -> list[Path]:
    return sorted((home / "models").rglob("*.txt")) if (home / "models").exists() else []


def test_train_stores_files_metadata_and_tracking_row(world: Path, tmp_path: Path) -> None:
    stored = train_in_process(["network=ethereum", "model=alert_scorer", "window=7"], tmp_path)
    meta = stored.metadata

    assert stored.model_path.parent == world / "models" / "ethereum"
    assert re.fullmatch(
        r"alert_scorer_ethereum_v[^_]+_\d{4}-\d\d-\d\d_\d{4}-\d\d-\d\d_w7d_\d{8}_\d{6}_[0-9a-f]+", stored.model_id
    )
    assert stored.model_path.name == f"{stored.model_id}.txt" and stored.metadata_path.exists()
    assert set(meta) >= METADATA_KEYS
    assert json.loads(stored.metadata_path.read_text()) == load_metadata(stored.model_id)
    assert set(meta["metrics"]) >= set(meta["baseline_metrics"]) and "test_auc" in meta["baseline_metrics"]
    lo, hi = meta["metrics_ci"]["lift_test_auc"]
    assert lo <= meta["metrics"]["test_auc"] - meta["baseline_metrics"]["test_auc"] <= hi
    assert set(meta["timings"]) == {"extract_s", "features_s", "train_s", "evaluate_s", "store_s", "total_s"}
    assert meta["split"]["embargo_days"] == 7
    for part in ("train", "validation", "test"):
        assert meta["data_stats"]["classes"][part]["positive_entities"] >= 1

    [listed] = list_models()
    assert listed["model_id"] == stored.model_id
    assert listed["metrics"] == meta["metrics"] and listed["metrics_ci"] == meta["metrics_ci"]


def test_labels_and_identifiers_never_become_features(world: Path, tmp_path: Path) -> None:
    meta = train_in_process(["network=ethereum", "window=7"], tmp_path).metadata
    names = meta["feature_names"] + list(meta["dropped_columns"])
    assert not [n for n in names if LABEL_LIKE.search(n)]
    assert not {"address", "alert_id", "community_id", "processing_date", "first_activity_timestamp"} & set(names)


def test_embargo_separates_the_parts(world: Path, tmp_path: Path) -> None:
    split = train_in_process(["network=ethereum", "window=7", "split.embargo_days=5"], tmp_path).metadata["split"]
    from datetime import date

    def gap(a: str, b: str) -> int:
        return (date.fromisoformat(b) - date.fromisoformat(a)).days

    assert gap(split["train"]["end"], split["validation"]["start"]) > 5
    assert gap(split["validation"]["end"], split["test"]["start"]) > 5
    assert len(split["embargo_dates"]) >= 10


def test_failed_tracking_insert_leaves_no_files(world: Path, tmp_path: Path, monkeypatch) -> None:
    def broken(*_args, **_kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(tracking, "insert_row", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        train_in_process(["network=ethereum", "window=7"], tmp_path)
    assert model_files(world) == []
    assert not list((world / "models").rglob("*.json"))


def test_sigterm_while_storing_undoes_the_store(world: Path, tmp_path: Path, monkeypatch) -> None:
    real_insert = tracking.insert_row

    def insert_then_signal(*args, **kwargs):
        real_insert(*args, **kwargs)
        os.kill(os.getpid(), signal.SIGTERM)  # held until the store finishes, then the store is undone

    monkeypatch.setattr(tracking, "insert_row", insert_then_signal)
    with pytest.raises(Interrupted) as info:
        train_in_process(["network=ethereum", "window=7"], tmp_path)
    assert info.value.exit_code == 143
    assert model_files(world) == []
    assert list_models() == []


def test_warehouse_is_not_held_while_lightgbm_trains(world: Path, tmp_path: Path, monkeypatch) -> None:
    from riskforge.models.binary import BinaryModelType

    real_fit = BinaryModelType.fit
    seen = []

    def fit_and_probe(self, *args, **kwargs):
        with Warehouse.from_dsn(None, lock_timeout_s=0.5).connect() as client:  # would time out if held
            seen.append(client.query("SELECT 1").result_rows[0][0])
        return real_fit(self, *args, **kwargs)

    monkeypatch.setattr(BinaryModelType, "fit", fit_and_probe)
    train_in_process(["network=ethereum", "window=7"], tmp_path)
    assert seen == [1]


def test_two_models_stored_in_the_same_second_do_not_collide(world: Path, tmp_path: Path, monkeypatch) -> None:
    import datetime as dt

    frozen = dt.datetime(2026, 11, 26, 12, 0, 0, tzinfo=dt.UTC)

    class FrozenClock(dt.datetime):
        @classmethod
        def now(cls, tz=None):
            return frozen

    monkeypatch.setattr(model_store.dt, "datetime", FrozenClock)
    a = train_in_process(["network=ethereum", "window=7", "seed=1"], tmp_path / "a")
    b = train_in_process(["network=ethereum", "window=7", "seed=1"], tmp_path / "b")
    assert a.model_id != b.model_id and a.model_path.exists() and b.model_path.exists()
    assert len(list_models()) == 2
