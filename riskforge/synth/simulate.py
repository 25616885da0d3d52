"""Run the simulation: benign days and planted instances, streamed into ``synth_transfers`` in chunks of
days, then the registry of every address and the ground truth of every instance.

Each day and each instance draws from its own random stream (``numpy.random.default_rng([seed, stream,
n])``), so the world does not depend on how work is chunked.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
from clickhouse_connect.driver.client import Client

from riskforge.synth import activity, population, typologies
from riskforge.synth.config import SynthCfg
from riskforge.synth.population import Population
from riskforge.synth.sql import insert_with_addresses
from riskforge.synth.transfers import DAY, Market, Transfers, date_column, unix_time

POPULATION, MARKET, PLAN, BENIGN = range(4)
CHUNK_DAYS = 15
MIXER_HUB = "mixer_hub"


def stream(seed: int, kind: int, *keys: int) -> np.random.Generator:
    """The random stream of one part of the world."""
    return np.random.default_rng([seed, kind, *keys])


@dataclass
class Registry:
    """Addresses in allocation order: benign kinds first, then those created by typology instances."""

    next_id: int
    ids: list[np.ndarray] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    days: list[np.ndarray] = field(default_factory=list)

    def add(self, ids: np.ndarray, kind: str, days: np.ndarray | int) -> None:
        self.ids.append(ids)
        self.kinds.append(kind)
        self.days.append(np.broadcast_to(np.asarray(days, dtype=np.int64), ids.shape))

    def allocate(self, count: int, kind: str, day: int) -> np.ndarray:
        ids = np.arange(self.next_id, self.next_id + count, dtype=np.int64)
        self.next_id += count
        self.add(ids, kind, day)
        return ids

    def of_kind(self, kind: str) -> tuple[np.ndarray, np.ndarray]:
        """Ids of one kind and the day each was created."""
        picked = [i for i, k in enumerate(self.kinds) if k == kind]
        return np.concatenate([self.ids[i] for i in picked]), np.concatenate([self.days[i] for i in picked])

    def table(self, epoch: dt.date) -> pa.Table:
        kinds = np.concatenate([np.full(len(i), k) for i, k in zip(self.ids, self.kinds, strict=True)])
        return pa.table(
            {
                "address_id": np.concatenate(self.ids).astype(np.uint32),
                "kind": kinds,
                "created_date": date_column(np.concatenate(self.days), epoch),
            }
        )


@dataclass
class Simulation:
    """What later stages need from the simulation: the population and the ground truth."""

    pop: Population
    registry: Registry
    ground_truth: pa.Table
    transfers: int


def simulate(client: Client, database: str, cfg: SynthCfg, progress: Callable[[float], None]) -> Simulation:
    days = cfg.sim_days
    epoch = unix_time(cfg.epoch_date)
    pop = population.build(cfg, days, stream(cfg.seed, POPULATION))
    market = Market(stream(cfg.seed, MARKET), days + 16)
    registry = _benign_registry(pop)
    plan = typologies.plan(cfg, stream(cfg.seed, PLAN), days)
    rows: list[dict[str, object]] = []

    def scene(day: int, rng: np.random.Generator) -> typologies.Scene:
        return typologies.Scene(
            pop=pop,
            market=market,
            rng=rng,
            day=day,
            epoch=epoch,
            mule_reuse=cfg.mule_reuse,
            allocate=lambda count, kind: registry.allocate(count, kind, day),
        )

    total = 0
    for lo in range(0, days, CHUNK_DAYS):
        hi = min(days, lo + CHUNK_DAYS)
        parts = [activity.benign_day(pop, market, d, epoch, stream(cfg.seed, BENIGN, d)) for d in range(lo, hi)]
        for instance_id, typology, day in plan:
            if lo <= day < hi:
                instance = typologies.plant(scene, instance_id, typology, day, cfg.seed)
                parts.append(instance.transfers)
                rows += _members(instance, epoch, days)
        chunk = Transfers.concat(parts)
        chunk = chunk.select((chunk.ts >= epoch) & (chunk.ts < epoch + days * DAY))
        client.insert_arrow("synth_transfers", market.to_arrow(chunk, cfg.epoch_date), database=database)
        total += len(chunk)
        progress(hi / days)
    rows += [
        {
            "instance_id": 0,
            "typology": "mixer",
            "address_id": int(hub),
            "role": MIXER_HUB,
            "start": 0,
            "end": days - 1,
            "volume": 0.0,
        }
        for hub in pop.services.mixers
    ]
    truth = _truth_table(rows, cfg.epoch_date)
    insert_with_addresses(client, database, "synth_ground_truth", truth, cfg.seed)
    insert_with_addresses(client, database, "synth_entities", registry.table(cfg.epoch_date), cfg.seed)
    return Simulation(pop=pop, registry=registry, ground_truth=truth, transfers=total)


def _benign_registry(pop: Population) -> Registry:
    registry = Registry(next_id=pop.first_free_id)
    users = pop.users
    for kind, ids in pop.kinds.items():
        if kind == "user":
            registry.add(ids, kind, users.join_day)
        elif kind == "deposit":
            registry.add(ids, kind, users.join_day[users.deposit >= 0])
        elif kind == "relay":
            registry.add(ids, kind, pop.relays.day[np.unique(pop.relays.wallet, return_index=True)[1]])
        else:
            registry.add(ids, kind, 0)
    return registry


def _members(instance: typologies.Instance, epoch: int, days: int) -> list[dict[str, object]]:
    """Ground-truth rows of one instance; its dates span its transfers inside the simulated period."""
    ts = instance.transfers.ts
    inside = ts[(ts >= epoch) & (ts < epoch + days * DAY)]
    if not len(inside):
        return []
    start, end = int((inside.min() - epoch) // DAY), int((inside.max() - epoch) // DAY)
    t = instance.transfers
    return [
        {
            "instance_id": instance.instance_id,
            "typology": instance.typology,
            "address_id": a,
            "role": role,
            "start": start,
            "end": end,
            "volume": round(float(t.usd[(t.src == a) | (t.dst == a)].sum()), 2),
        }
        for a, role in instance.members
    ]


def _truth_table(rows: list[dict[str, object]], epoch: dt.date) -> pa.Table:
    keys = ("instance_id", "typology", "address_id", "role", "start", "end", "volume")
    columns = {key: [r[key] for r in rows] for key in keys}
    return pa.table(
        {
            "instance_id": pa.array(columns["instance_id"], pa.uint32()),
            "typology": pa.array(columns["typology"], pa.string()),
            "address_id": pa.array(columns["address_id"], pa.uint32()),
            "role": pa.array(columns["role"], pa.string()),
            "start_date": date_column(columns["start"], epoch),
            "end_date": date_column(columns["end"], epoch),
            "volume_usd": pa.array(columns["volume"], pa.float64()),
        }
    )
