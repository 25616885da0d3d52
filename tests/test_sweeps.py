"""Sweeps and scale-out on existing engines: a parallel joblib multirun on the embedded warehouse, an
Optuna search, lightgbm.dask and Hydra's submitit launcher (skipped only when their extras are absent)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FAST_TRAIN, train_in_process

from riskforge.cli.models import list_models

pytestmark = pytest.mark.slow
TRAIN = ["network=ethereum", *FAST_TRAIN, "split.min_positives=5"]


def riskforge(*args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", "riskforge", *args], env=dict(os.environ), capture_output=True, text=True, timeout=900
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return done


def test_parallel_joblib_multirun_shares_the_embedded_warehouse(world: Path) -> None:
    pytest.importorskip("hydra_plugins.hydra_joblib_launcher")
    riskforge("train", "-m", *TRAIN, "model=alert_scorer,alert_ranker", "window=7", "seed=1,2", "hydra/launcher=joblib")
    models = list_models()
    combos = sorted((m["model_type"], m["metrics"].get("test_auc", m["metrics"].get("test_ndcg@10"))) for m in models)
    assert len(models) == 4 and len({m["model_id"] for m in models}) == 4
    assert len({m["model_path"] for m in models}) == 4
    assert {c[0] for c in combos} == {"alert_scorer", "alert_ranker"}


def test_optuna_search_stores_every_trial_and_reports_the_best(world: Path) -> None:
    pytest.importorskip("hydra_plugins.hydra_optuna_sweeper")
    done = riskforge("train", *TRAIN, "model=alert_scorer", "window=7", "search=optuna", "hydra.sweeper.n_trials=3")
    trials = list_models()
    assert len(trials) == 3 and "Best parameters" in done.stdout
    # the train task returns the validation objective: the sweeper's best value is the best trial's
    objectives = [
        json.loads(Path(m["model_path"]).with_suffix(".json").read_text())["validation_objective"] for m in trials
    ]
    best = float(done.stdout.split("Best value:")[1].split()[0])
    assert best == pytest.approx(max(objectives))


def test_dask_trainer_stores_one_model(world: Path, tmp_path: Path) -> None:
    pytest.importorskip("dask.distributed")
    stored = train_in_process(["network=ethereum", "window=7", "trainer=dask", "split.min_positives=5"], tmp_path)
    assert stored.metadata["hyperparameters"]["objective"] == "binary"
    assert [m["model_id"] for m in list_models()] == [stored.model_id]


def test_dask_trainer_keeps_ranker_groups_whole(world: Path, tmp_path: Path) -> None:
    pytest.importorskip("dask.distributed")
    from riskforge.models.distributed import row_chunks

    groups = [30, 10, 25, 5, 30]
    rows, group_counts = row_chunks(sum(groups), 2, __import__("numpy").array(groups))
    assert sum(rows) == 100 and sum(group_counts) == len(groups)
    assert rows[0] == sum(groups[: group_counts[0]])  # every cut falls between two query groups
    stored = train_in_process(
        ["network=ethereum", "window=7", "model=alert_ranker", "trainer=dask", "split.min_positives=5"], tmp_path
    )
    assert stored.metadata["model_type"] == "alert_ranker"


def test_submitit_local_launcher_stores_one_model(world: Path) -> None:
    pytest.importorskip("hydra_plugins.hydra_submitit_launcher")
    riskforge("train", "-m", *TRAIN, "model=alert_scorer", "window=7", "hydra/launcher=submitit_local")
    assert len(list_models()) == 1
