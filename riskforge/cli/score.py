"""``riskforge score``: the daily batch — one date, one model type, scores written idempotently."""

from __future__ import annotations

import hydra
from omegaconf import DictConfig

from riskforge.cli.hydra_app import task
from riskforge.cli.tables import console
from riskforge.config.registration import CONFIG_PACKAGE, setup
from riskforge.config.schema import ScoreCfg
from riskforge.progress import RunProgress
from riskforge.scoring.daily import PHASES, score_day

setup()


@hydra.main(version_base=None, config_path=CONFIG_PACKAGE, config_name="score")
@task(ScoreCfg)
def main(cfg: ScoreCfg, raw: DictConfig) -> None:
    with RunProgress(PHASES) as progress:
        result = score_day(cfg, progress)
    psi = result.monitoring.get("score_psi")
    console().print(
        f"scored {result.rows} rows of {cfg.network} window {cfg.window} on {result.date} with {result.model_id} "
        f"-> {result.table} ({result.explained} explained; score PSI vs training "
        f"{'n/a' if psi is None else f'{psi:.3f}'})"
    )
