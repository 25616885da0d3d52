"""``riskforge synth``: write (or describe) the seeded synthetic world of one network."""

from __future__ import annotations

import logging
import time

import hydra
from omegaconf import DictConfig
from rich.progress import Progress

from riskforge.cli.hydra_app import task
from riskforge.cli.tables import console, world_table
from riskforge.config.registration import CONFIG_PACKAGE, setup
from riskforge.errors import DataError
from riskforge.signals import interruptible
from riskforge.synth import build_world, describe_world, world_exists
from riskforge.synth.config import SynthCfg
from riskforge.warehouse import Warehouse
from riskforge.warehouse.migrate import migrate

setup()
log = logging.getLogger("riskforge")


def ensure_world(cfg: SynthCfg) -> dict:
    """Build the world unless it is already complete (``replace=true`` rebuilds); return its summary."""
    warehouse = Warehouse.from_dsn(cfg.warehouse.dsn, cfg.warehouse.lock_timeout_s)
    with warehouse.connect(create=True) as client, interruptible():
        if world_exists(client, cfg.network) and not cfg.replace:
            log.info("world of %s already present (replace=true rebuilds it)", cfg.network)
            return describe_world(client, cfg.network)
        migrate(client, cfg.network)
        started = time.perf_counter()
        with Progress(console=console()) as progress:
            task_id = progress.add_task("synth", total=1.0)

            def report(stage: str, fraction: float) -> None:
                progress.update(task_id, description=f"synth: {stage}", completed=fraction)

            summary = build_world(client, cfg.network, cfg, progress=report)
        log.info("world of %s written in %.1fs", cfg.network, time.perf_counter() - started)
        return summary


@hydra.main(version_base=None, config_path=CONFIG_PACKAGE, config_name="synth")
@task(SynthCfg)
def main(cfg: SynthCfg, raw: DictConfig) -> None:
    if cfg.describe:
        warehouse = Warehouse.from_dsn(cfg.warehouse.dsn, cfg.warehouse.lock_timeout_s)
        with warehouse.connect() as client:
            if not world_exists(client, cfg.network):
                raise DataError(
                    f"network {cfg.network!r} holds no synthetic world",
                    hint=f"write one with `riskforge synth network={cfg.network}`",
                )
            summary = describe_world(client, cfg.network)
    else:
        summary = ensure_world(cfg)
    console().print(world_table(cfg.network, summary))
