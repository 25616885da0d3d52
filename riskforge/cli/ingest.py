"""``riskforge ingest network=... source=...``: snapshot files into the warehouse, snapshot by snapshot."""

from __future__ import annotations

import sys
from pathlib import Path

import hydra
from omegaconf import DictConfig

from riskforge.cli.hydra_app import task
from riskforge.cli.tables import console, counter
from riskforge.config.registration import CONFIG_PACKAGE, setup
from riskforge.config.schema import IngestCfg
from riskforge.signals import interruptible
from riskforge.snapshots.ingest import ingest
from riskforge.warehouse import Warehouse

setup()


@hydra.main(version_base=None, config_path=CONFIG_PACKAGE, config_name="ingest")
@task(IngestCfg)
def main(cfg: IngestCfg, raw: DictConfig) -> None:
    """Load what passes its checks; list each rejected snapshot on stderr and exit 1 if any was."""
    warehouse = Warehouse.from_dsn(cfg.warehouse.dsn, cfg.warehouse.lock_timeout_s)
    source = Path(cfg.source).expanduser().resolve()
    with warehouse.connect(create=True) as client, interruptible(), counter("ingest") as advance:
        report = ingest(client, cfg.network, source, advance)
    out = console()
    rows = ", ".join(f"{table} {n}" for table, n in report.rows.items())
    out.print(f"ingested {len(report.loaded)} snapshots into {cfg.network}: {rows or 'no rows'}")
    for note in report.notes:
        out.print(f"note: {note}")
    for label, reason in report.rejected:
        print(f"rejected {label}: {reason}", file=sys.stderr)
    if report.rejected:
        raise SystemExit(1)
