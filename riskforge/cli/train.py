"""``riskforge train``: extract, build features, train, evaluate honestly, store (see configs/train.yaml)."""

from __future__ import annotations

import hydra
from omegaconf import DictConfig, OmegaConf

from riskforge import pipeline
from riskforge.cli.hydra_app import output_dir, task
from riskforge.cli.tables import model_table, show
from riskforge.config.registration import CONFIG_PACKAGE, setup
from riskforge.config.schema import TrainCfg
from riskforge.progress import RunProgress
from riskforge.run import prepare_run

setup()


@hydra.main(version_base=None, config_path=CONFIG_PACKAGE, config_name="train")
@task(TrainCfg)
def main(cfg: TrainCfg, raw: DictConfig) -> float:
    """Train one model; return its validation objective so Hydra sweepers can optimise it."""
    run = prepare_run(cfg, OmegaConf.to_container(raw, resolve=True), output_dir())
    with RunProgress(pipeline.PHASES) as progress:
        stored = pipeline.train(run, progress)
    show(model_table(stored.metadata))
    print(f"stored {stored.model_path}")
    return stored.metadata["validation_objective"]
