"""``riskforge export network=... dest=...``: a network's warehouse as snapshot files."""

from __future__ import annotations

from pathlib import Path

import hydra
from omegaconf import DictConfig

from riskforge.cli.hydra_app import task
from riskforge.cli.tables import console, counter
from riskforge.config.registration import CONFIG_PACKAGE, setup
from riskforge.config.schema import ExportCfg
from riskforge.snapshots.export import export
from riskforge.warehouse import Warehouse

setup()


@hydra.main(version_base=None, config_path=CONFIG_PACKAGE, config_name="export")
@task(ExportCfg)
def main(cfg: ExportCfg, raw: DictConfig) -> None:
    warehouse = Warehouse.from_dsn(cfg.warehouse.dsn, cfg.warehouse.lock_timeout_s)
    dest = Path(cfg.dest).expanduser().resolve()
    with warehouse.connect() as client, counter("export") as advance:
        report = export(client, cfg.network, dest, advance)
    rows = ", ".join(f"{table} {n}" for table, n in report.rows.items())
    console().print(f"exported {report.snapshots} snapshots of {cfg.network} to {dest / cfg.network}: {rows}")
