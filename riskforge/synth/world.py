"""Build a world end to end: simulate, aggregate daily states, compute every snapshot in batches of
processing dates, then labels and dispositions, and record the world's metadata last (its presence
marks a complete world).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from collections.abc import Callable
from typing import Any

from clickhouse_connect.driver.client import Client

from riskforge.synth import daily, dispositions, labels, snapshots, tables
from riskforge.synth.config import SynthCfg
from riskforge.synth.describe import describe_world, write_metadata
from riskforge.synth.simulate import simulate, stream
from riskforge.synth.sql import insert_with_addresses
from riskforge.warehouse import network_database

LABELS_STREAM = 6
DAILY_CHUNK_DAYS = 30
Progress = Callable[[str, float], None]


def build_world(client: Client, network: str, cfg: SynthCfg, progress: Progress | None = None) -> dict[str, Any]:
    """Replace the network's world with the one ``cfg`` describes; return ``describe_world``'s summary.

    The caller has run ``migrate(client, network)``; every contract input table of the database is
    emptied first, and ``progress(stage, fraction)`` is called as work advances.
    """
    report = progress or (lambda stage, fraction: None)
    database = network_database(network)
    started = time.monotonic()
    tables.create(client, database)

    sim = simulate(client, database, cfg, lambda f: report("simulate", f))
    daily.build(client, database, cfg.epoch_date, cfg.sim_days, DAILY_CHUNK_DAYS, lambda f: report("aggregate", f))
    batches = [(w, first, last) for w in cfg.windows for first, last in _batches(cfg)]
    for done, (window, first, last) in enumerate(batches, start=1):
        snapshots.build_batch(client, database, cfg, window, first, last)
        report("snapshots", done / len(batches))
    label_rows = labels.build(cfg, sim, stream(cfg.seed, LABELS_STREAM), labels.first_alerts(client, database))
    insert_with_addresses(client, database, "raw_address_labels", label_rows, cfg.seed)
    if cfg.dispositions:
        dispositions.build(client, database, cfg.seed, cfg.last_date)
    report("labels", 1.0)
    write_metadata(client, database, _metadata(cfg, sim.transfers, time.monotonic() - started))
    return describe_world(client, network)


def _batches(cfg: SynthCfg) -> list[tuple[dt.date, dt.date]]:
    step = dt.timedelta(days=cfg.batch_dates)
    starts = [cfg.first_date + i * step for i in range(-(-cfg.days // cfg.batch_dates))]
    return [(s, min(cfg.last_date, s + step - dt.timedelta(days=1))) for s in starts]


def _metadata(cfg: SynthCfg, transfers: int, seconds: float) -> dict[str, Any]:
    knobs = {
        f.name: getattr(cfg, f.name)
        for f in dataclasses.fields(cfg)
        if f.name not in ("warehouse", "replace", "describe")
    }
    return {
        "seed": cfg.seed,
        "preset": cfg.preset,
        "knobs": knobs,
        "first_processing_date": str(cfg.first_date),
        "last_processing_date": str(cfg.last_date),
        "first_transfer_date": str(cfg.epoch_date),
        "transfers": transfers,
        "generation_seconds": round(seconds, 1),
        "ground_truth_table": "synth_ground_truth",
    }
