"""Shared fixtures: an isolated RISKFORGE_HOME per test, and small warehouses that are always closed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hydra import compose as hydra_compose
from hydra import initialize_config_module
from omegaconf import DictConfig, OmegaConf

from riskforge import pipeline
from riskforge.cli.hydra_app import to_schema
from riskforge.config.registration import setup
from riskforge.config.schema import TrainCfg
from riskforge.progress import RunProgress
from riskforge.run import prepare_run
from riskforge.store.model_store import StoredModel
from riskforge.warehouse import Warehouse

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh, empty RISKFORGE_HOME; no server DSN or password leaks in from the environment."""
    path = tmp_path / "home"
    monkeypatch.setenv("RISKFORGE_HOME", str(path))
    for name in ("RISKFORGE_WAREHOUSE_DSN", "RISKFORGE_WAREHOUSE_PASSWORD", "RISKFORGE_DISABLE_PLUGINS"):
        monkeypatch.delenv(name, raising=False)
    return path


@pytest.fixture
def warehouse(home: Path) -> Warehouse:
    """The embedded warehouse under ``home`` (created on first ``connect(create=True)``)."""
    return Warehouse.from_dsn(None, lock_timeout_s=5)


def compose(config_name: str, overrides: list[str]) -> DictConfig:
    """Compose one of riskforge's configs the way its CLI would (for in-process tests)."""
    setup()
    with initialize_config_module("riskforge.configs", version_base=None):
        return hydra_compose(config_name, overrides)


FAST_TRAIN = ["model.num_boost_round=120", "model.early_stopping_rounds=20", "eval.bootstrap=200", "split.cv_folds=2"]


@pytest.fixture(scope="session")
def world_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The `test` preset world of network ``ethereum``, generated once per session."""
    from riskforge.cli.synth import ensure_world
    from riskforge.synth.config import SynthCfg

    template = tmp_path_factory.mktemp("world")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("RISKFORGE_HOME", str(template))
        mp.delenv("RISKFORGE_WAREHOUSE_DSN", raising=False)
        ensure_world(to_schema(compose("synth", ["network=ethereum", "preset=test"]), SynthCfg))
    return template


@pytest.fixture
def world(world_template: Path, home: Path) -> Path:
    """A private copy of the test world in this test's RISKFORGE_HOME."""
    shutil.copytree(world_template / "warehouse", home / "warehouse", symlinks=True)  # chDB keeps symlinks
    return home


def train_in_process(overrides: list[str], output_dir: Path) -> StoredModel:
    """Run the whole train pipeline in this process, as `riskforge train` would."""
    raw = compose("train", [*FAST_TRAIN, *overrides])
    run = prepare_run(to_schema(raw, TrainCfg), OmegaConf.to_container(raw), output_dir)
    with RunProgress(pipeline.PHASES) as progress:
        return pipeline.train(run, progress)
