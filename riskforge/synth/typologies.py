"""Planted money-laundering typologies: each instance is a small script of transfers among mostly fresh
addresses, woven into the benign graph (funded by exchange withdrawals, cashed out through deposit
addresses, with a few ordinary-looking transfers as camouflage).

Which address took part in which instance, and in what role, is the world's ground truth; it is kept
in ``synth_ground_truth`` and used only to create labels.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from riskforge.synth.config import SynthCfg
from riskforge.synth.population import Population
from riskforge.synth.transfers import DAY, ETH, HOUR, STABLE, Market, Transfers

CORE_ROLES = frozenset({"source", "collector", "structurer", "organiser"})


@dataclass
class Instance:
    """One planted instance: its transfers and its members (address id, role)."""

    instance_id: int
    typology: str
    transfers: Transfers
    members: list[tuple[int, str]]


@dataclass
class Scene:
    """What a typology script may use: fresh addresses, recruited users, exchange on/off ramps."""

    pop: Population
    market: Market
    rng: np.random.Generator
    day: int
    epoch: int
    mule_reuse: float
    allocate: Callable[[int, str], np.ndarray]
    parts: list[Transfers] = field(default_factory=list)
    members: list[tuple[int, str]] = field(default_factory=list)

    def add(self, ts: np.ndarray, src: np.ndarray, dst: np.ndarray, usd: np.ndarray, asset: int = ETH) -> None:
        self.parts.append(Transfers.of(ts, src, dst, asset, usd))

    def fresh(self, count: int, role: str) -> np.ndarray:
        ids = self.allocate(count, "wallet")
        self.members += [(int(i), role) for i in ids]
        self.camouflage(ids)
        return ids

    def recruit(self, count: int, role: str) -> np.ndarray:
        """Members that are existing users with a benign history (``mule_reuse``) or fresh addresses."""
        reuse = self.rng.random(count) < self.mule_reuse
        users = self.pop.users
        candidates = np.flatnonzero(users.active(self.day))
        ids = np.empty(count, dtype=np.int64)
        if len(candidates):
            ids[reuse] = users.ids[self.rng.choice(candidates, int(reuse.sum()))]
        else:
            reuse[:] = False
        ids[~reuse] = self.fresh(int((~reuse).sum()), role)
        self.members += [(int(i), role) for i in ids[reuse]]
        return ids

    def victims(self, count: int) -> np.ndarray:
        """Ordinary users, active that day when there are any (they are not members)."""
        active = np.flatnonzero(self.pop.users.active(self.day))
        return self.pop.users.ids[self.rng.choice(active if len(active) else len(self.pop.users.ids), count)]

    def fund(self, dst: np.ndarray, ts: np.ndarray, usd: np.ndarray, asset: int = ETH) -> None:
        """Money enters through withdrawals from exchange hot wallets."""
        hot = self.pop.services.exchanges[self.rng.integers(0, len(self.pop.services.exchanges), len(dst))]
        self.add(ts, hot, dst, usd, asset)

    def cash_out(self, src: np.ndarray, ts: np.ndarray, usd: np.ndarray, asset: int = ETH) -> None:
        """Each sender deposits into its own fresh exchange deposit address, swept to the hot wallet."""
        deposit = self.allocate(len(src), "deposit")
        self.members += [(int(i), "cash_out") for i in deposit]
        hot = self.pop.services.exchanges[self.rng.integers(0, len(self.pop.services.exchanges), len(src))]
        self.add(ts, src, deposit, usd, asset)
        self.add(ts + self.rng.integers(10 * 60, 6 * HOUR, len(src)), deposit, hot, usd * 0.9995, asset)

    def camouflage(self, ids: np.ndarray) -> None:
        """Gas from an exchange, a swap, a payment: fresh addresses that look a little lived-in."""
        rng, svc, n = self.rng, self.pop.services, len(ids)
        t = self.epoch + self.day * DAY + rng.integers(0, 3 * DAY, n)
        gas = rng.random(n) < 0.5
        self.fund(ids[gas], t[gas] - rng.integers(HOUR, 2 * DAY, int(gas.sum())), rng.uniform(5, 60, int(gas.sum())))
        swap = rng.random(n) < 0.25
        pool = svc.pools[rng.integers(0, len(svc.pools), int(swap.sum()))]
        usd = rng.lognormal(np.log(400), 0.8, int(swap.sum()))
        self.add(t[swap], ids[swap], pool, usd)
        self.add(t[swap] + 30, pool, ids[swap], usd * 0.99, STABLE[0])
        pay = rng.random(n) < 0.15
        self.add(t[pay] + HOUR, ids[pay], self.victims(int(pay.sum())), rng.lognormal(np.log(150), 0.8, int(pay.sum())))

    def start(self) -> int:
        """A unix time on the instance's first day."""
        return self.epoch + self.day * DAY + int(self.rng.integers(0, DAY))


def fan_in(s: Scene) -> None:
    """Collection: many victims pay one fresh collector, which forwards to mules and cashes out."""
    rng, t0 = s.rng, s.start()
    collector = s.fresh(1, "collector")
    victims = s.victims(int(rng.integers(12, 50)))
    ts = t0 + np.sort(rng.integers(0, int(rng.integers(1, 6)) * DAY, len(victims)))
    usd = rng.lognormal(np.log(700), 0.9, len(victims))
    s.add(ts, victims, collector, usd)
    total, t_end = usd.sum() * 0.98, int(ts.max()) + int(rng.integers(HOUR, 12 * HOUR))
    if rng.random() < 0.5:
        s.cash_out(collector, np.array([t_end]), np.array([total]))
        return
    mules = s.recruit(int(rng.integers(2, 4)), "mule")
    share = total * rng.dirichlet(np.ones(len(mules)))
    s.add(t_end, collector, mules, share)
    s.cash_out(mules, t_end + rng.integers(HOUR, DAY, len(mules)), share * 0.99)


def fan_out(s: Scene) -> None:
    """Smurfing: a funded source splits into many mules below 10k USD each, mules cash out or re-collect."""
    rng, t0 = s.rng, s.start()
    source = s.fresh(1, "source")
    mules = s.recruit(int(rng.integers(8, 30)), "mule")
    share = rng.uniform(800, 9800, len(mules))
    s.fund(source, np.array([t0]), np.array([share.sum() * 1.01]), STABLE[0])
    ts = t0 + rng.integers(HOUR, 14 * HOUR, len(mules))
    s.add(ts, source, mules, share, STABLE[0])
    onward = ts + rng.integers(2 * HOUR, 48 * HOUR, len(mules))
    if rng.random() < 0.5:
        s.cash_out(mules, onward, share * 0.98, STABLE[0])
        return
    collector = s.fresh(1, "collector")
    s.add(onward, mules, collector, share * 0.98, STABLE[0])
    s.cash_out(collector, np.array([onward.max() + rng.integers(HOUR, DAY)]), np.array([share.sum() * 0.97]), STABLE[0])


def peel_chain(s: Scene) -> None:
    """A large amount hops through fresh addresses, each peeling a slice off to an exchange or a shop."""
    rng, t0 = s.rng, s.start()
    hops = s.fresh(int(rng.integers(5, 15)), "hop")
    amount = rng.lognormal(np.log(20_000), 0.9)
    s.fund(hops[:1], np.array([t0]), np.array([amount]))
    keep = 1.0 - rng.uniform(0.03, 0.12, len(hops))
    held = amount * np.concatenate([[1.0], np.cumprod(keep)[:-1]])
    ts = t0 + np.cumsum(rng.integers(HOUR, 10 * HOUR, len(hops)))
    s.add(ts[:-1], hops[:-1], hops[1:], held[:-1] * keep[:-1])
    peel = held * (1.0 - keep)
    to_shop = rng.random(len(hops)) < 0.4
    shops = s.pop.services.merchants[rng.integers(0, len(s.pop.services.merchants), int(to_shop.sum()))]
    s.add(ts[to_shop] + 60, hops[to_shop], shops, peel[to_shop])
    s.cash_out(hops[~to_shop], ts[~to_shop] + 60, peel[~to_shop])
    s.cash_out(hops[-1:], ts[-1:] + HOUR, held[-1:] * keep[-1])


def cycle(s: Scene) -> None:
    """Round-tripping: the same money goes around a ring of addresses several times, then cashes out."""
    rng, t0 = s.rng, s.start()
    ring = s.recruit(int(rng.integers(3, 7)), "cycler")
    s.members.append((int(ring[0]), "organiser"))
    amount = rng.lognormal(np.log(9_000), 0.8)
    s.fund(ring[:1], np.array([t0]), np.array([amount]))
    rounds = int(rng.integers(3, 9))
    src = np.tile(ring, rounds)
    dst = np.tile(np.roll(ring, -1), rounds)
    gaps = rng.integers(HOUR // 2, 6 * HOUR, len(src))
    gaps[:: len(ring)] += rng.integers(4 * HOUR, 36 * HOUR, rounds)
    ts = t0 + np.cumsum(gaps)
    usd = amount * 0.995 ** np.arange(1, len(src) + 1)
    s.add(ts, src, dst, usd)
    s.cash_out(ring[:1], ts[-1:] + HOUR, usd[-1:])


def layering(s: Scene) -> None:
    """Funds split and merge through layers of fresh intermediaries, some swapping assets on the way."""
    rng, t0 = s.rng, s.start()
    sizes = [1, int(rng.integers(3, 6)), int(rng.integers(3, 6)), int(rng.integers(2, 5))]
    layers = [s.fresh(sizes[0], "source")] + [s.fresh(k, "layer") for k in sizes[1:]]
    held = np.array([rng.lognormal(np.log(25_000), 0.9)])
    t = np.array([t0])
    s.fund(layers[0], t, held)
    pools = s.pop.services.pools
    for upper, lower in itertools.pairwise(layers):
        target = np.concatenate([rng.permutation(len(lower)), rng.integers(0, len(lower), len(upper))])
        sender = np.concatenate([rng.integers(0, len(upper), len(lower)), np.arange(len(upper))])
        weight = rng.uniform(0.2, 1.0, len(sender))
        share = held[sender] * weight / np.bincount(sender, weights=weight, minlength=len(upper))[sender]
        ts = t[sender] + rng.integers(20 * 60, 8 * HOUR, len(sender))
        s.add(ts, upper[sender], lower[target], share * 0.998)
        held = np.bincount(target, weights=share * 0.998, minlength=len(lower))
        t = np.zeros(len(lower), dtype=np.int64)
        np.maximum.at(t, target, ts)
        swap = rng.random(len(lower)) < 0.3
        pool = pools[rng.integers(0, len(pools), int(swap.sum()))]
        s.add(t[swap] + 600, lower[swap], pool, held[swap])
        s.add(t[swap] + 640, pool, lower[swap], held[swap] * 0.995, STABLE[1])
        t[swap] += 700
    s.cash_out(layers[-1], t + rng.integers(HOUR, 12 * HOUR, len(t)), held * 0.99)


def mixer(s: Scene) -> None:
    """Depositors feed fixed denominations into a mixer; fresh withdrawers take them out days later."""
    rng, t0 = s.rng, s.start()
    hub = s.pop.services.mixers[rng.integers(0, len(s.pop.services.mixers))]
    source = s.fresh(1, "source")
    depositors = s.fresh(int(rng.integers(3, 9)), "depositor")
    notes = rng.choice([0.1, 1.0, 1.0, 10.0], (len(depositors), int(rng.integers(1, 4))))
    eth = s.market.price[s.day, ETH]
    s.fund(source, np.array([t0]), np.array([notes.sum() * eth * 1.02]))
    s.add(t0 + rng.integers(HOUR, 6 * HOUR, len(depositors)), source, depositors, notes.sum(axis=1) * eth * 1.005)
    owner = np.repeat(depositors, notes.shape[1])
    deposit_ts = t0 + rng.integers(8 * HOUR, 3 * DAY, owner.size)
    s.add(deposit_ts, owner, hub, notes.ravel() * eth)
    withdrawers = s.fresh(int(rng.integers(3, 9)), "withdrawer")
    taker = withdrawers[rng.integers(0, len(withdrawers), owner.size)]
    out_ts = deposit_ts.max() + rng.integers(DAY, 5 * DAY, owner.size)
    s.add(out_ts, hub, taker, notes.ravel() * eth * 0.99)
    got = np.bincount(
        np.searchsorted(withdrawers, taker), weights=notes.ravel() * eth * 0.99, minlength=len(withdrawers)
    )
    paid = got > 0
    s.cash_out(withdrawers[paid], out_ts.max() + rng.integers(HOUR, 2 * DAY, int(paid.sum())), got[paid] * 0.99)


def rapid_in_out(s: Scene) -> None:
    """A money mule receives and forwards within minutes, again and again over several days."""
    rng, t0 = s.rng, s.start()
    mule = s.recruit(1, "mule")
    sources = s.fresh(int(rng.integers(1, 3)), "source")
    sinks = s.fresh(int(rng.integers(1, 3)), "sink")
    episodes = int(rng.integers(3, 10))
    ts = t0 + np.sort(rng.integers(0, int(rng.integers(2, 10)) * DAY, episodes))
    usd = rng.lognormal(np.log(3_000), 0.9, episodes)
    src = sources[rng.integers(0, len(sources), episodes)]
    s.fund(sources, np.full(len(sources), t0 - HOUR), np.full(len(sources), usd.sum() / len(sources) * 1.02))
    s.add(ts, src, np.repeat(mule, episodes), usd)
    forward = ts + rng.integers(2 * 60, 45 * 60, episodes)
    s.add(
        forward,
        np.repeat(mule, episodes),
        sinks[rng.integers(0, len(sinks), episodes)],
        usd * rng.uniform(0.97, 0.995, episodes),
    )
    s.cash_out(sinks, np.full(len(sinks), forward.max() + DAY), np.full(len(sinks), usd.sum() * 0.97 / len(sinks)))


def structuring(s: Scene) -> None:
    """Many transfers just under the 10k USD reporting threshold, to a few exchange deposit addresses."""
    rng, t0 = s.rng, s.start()
    actor = s.recruit(1, "structurer")
    source = s.fresh(1, "source")
    count = int(rng.integers(8, 26))
    usd = rng.uniform(0.86, 0.995, count) * 10_000
    s.fund(source, np.array([t0 - DAY]), np.array([usd.sum() * 1.03]), STABLE[0])
    s.add(np.array([t0]), source, actor, np.array([usd.sum() * 1.01]), STABLE[0])
    ts = t0 + np.sort(rng.integers(HOUR, int(rng.integers(3, 12)) * DAY, count))
    desks = s.allocate(int(rng.integers(2, 6)), "deposit")
    s.members += [(int(i), "cash_out") for i in desks]
    desk = desks[rng.integers(0, len(desks), count)]
    s.add(ts, np.repeat(actor, count), desk, usd, STABLE[0])
    hot = s.pop.services.exchanges[rng.integers(0, len(s.pop.services.exchanges), count)]
    s.add(ts + rng.integers(10 * 60, 4 * HOUR, count), desk, hot, usd * 0.9995, STABLE[0])


SCRIPTS: dict[str, Callable[[Scene], None]] = {
    "fan_in": fan_in,
    "fan_out": fan_out,
    "peel_chain": peel_chain,
    "cycle": cycle,
    "layering": layering,
    "mixer": mixer,
    "rapid_in_out": rapid_in_out,
    "structuring": structuring,
}


def plan(cfg: SynthCfg, rng: np.random.Generator, days: int) -> list[tuple[int, str, int]]:
    """(instance_id, typology, start day) of every instance, drawn once for the whole world."""
    names = [name for name, weight in cfg.typology_mix.items() if weight > 0]
    weights = np.array([cfg.typology_mix[name] for name in names], dtype=np.float64)
    starts = np.repeat(np.arange(days), rng.poisson(cfg.typologies_per_day, days))
    kinds = rng.choice(len(names), len(starts), p=weights / weights.sum())
    return [(i + 1, names[k], int(day)) for i, (k, day) in enumerate(zip(kinds, starts, strict=True))]


def plant(
    scene_factory: Callable[[int, np.random.Generator], Scene], instance_id: int, typology: str, day: int, seed: int
) -> Instance:
    """Run one instance's script with its own random stream (independent of batching)."""
    rng = np.random.default_rng([seed, 3, instance_id])
    scene = scene_factory(day, rng)
    SCRIPTS[typology](scene)
    members = list(dict.fromkeys(scene.members))
    return Instance(instance_id, typology, Transfers.concat(scene.parts), members)
