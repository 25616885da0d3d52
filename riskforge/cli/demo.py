"""``riskforge demo``: from nothing to trained, honestly evaluated models in one command."""

from __future__ import annotations

import logging

import hydra
from omegaconf import DictConfig, OmegaConf

from riskforge import pipeline
from riskforge.cli.hydra_app import output_dir, task, to_schema
from riskforge.cli.synth import ensure_world
from riskforge.cli.tables import show, summary_table
from riskforge.config.registration import CONFIG_PACKAGE, setup
from riskforge.config.schema import DemoCfg, TrainCfg
from riskforge.plugin_manager import registry
from riskforge.progress import RunProgress
from riskforge.run import prepare_run
from riskforge.synth.config import SynthCfg

setup()
log = logging.getLogger("riskforge")


@hydra.main(version_base=None, config_path=CONFIG_PACKAGE, config_name="demo")
@task(DemoCfg)
def main(cfg: DemoCfg, raw: DictConfig) -> None:
    synth = to_schema(hydra.compose("synth", [f"network={cfg.network}", f"preset={cfg.preset}"]), SynthCfg)
    ensure_world(synth)
    results = []
    for name in cfg.models or sorted(registry().model_types):
        overrides = [f"network={cfg.network}", f"model={name}", f"window={cfg.window}", *cfg.train_overrides]
        raw_train = hydra.compose("train", overrides)
        run = prepare_run(to_schema(raw_train, TrainCfg), OmegaConf.to_container(raw_train), output_dir() / name)
        log.info("training %s on %s, window %d", name, cfg.network, cfg.window)
        with RunProgress(pipeline.PHASES) as progress:
            results.append(pipeline.train(run, progress).metadata)
    show(summary_table(results))
