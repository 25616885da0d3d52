"""Who lives in the world: ordinary users, exchanges with deposit addresses, services, contracts, mixers.

Each benign entity gets its behavioural parameters here, once, from the world seed; ``activity`` turns
them into daily transfers. Ids are contiguous per kind; addresses that planted typologies create later
are allocated from ``first_free_id`` on.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from riskforge.synth.config import SynthCfg
from riskforge.synth.transfers import ASSET_WEIGHTS

# what a user does when it starts a transfer (columns of Population.action_cdf)
P2P, DEPOSIT, WITHDRAW, MERCHANT, DEFI, MIXER = range(6)
MAX_FRIENDS = 8
COMMUNITY_SIZE = 40
RELAYS_PER_USER = 0.6
REGION_PEAKS = np.array([3.0, 9.0, 14.0, 20.0])
REGION_WEIGHTS = np.array([0.2, 0.25, 0.3, 0.25])


@dataclass(frozen=True)
class Users:
    """Ordinary users: arrays indexed by user number (the user's address id is ``ids[number]``)."""

    ids: np.ndarray
    rate: np.ndarray  # transfers started per active day (heavy-tailed)
    scale: np.ndarray  # typical USD amount
    peak_hour: np.ndarray
    weekend: np.ndarray  # activity multiplier on Saturdays and Sundays
    join_day: np.ndarray
    leave_day: np.ndarray
    sleep: np.ndarray  # (n, 2) first day and end of a dormant spell (empty when equal)
    exchange: np.ndarray  # exchange number, -1 without an account
    deposit: np.ndarray  # deposit address id at that exchange, -1 without an account
    friends: np.ndarray  # (n, MAX_FRIENDS) user numbers
    n_friends: np.ndarray
    action_cdf: np.ndarray  # (n, 6) cumulative probabilities of P2P..MIXER
    asset: np.ndarray  # preferred asset
    employer: np.ndarray  # payroll number, -1 when not employed by one
    salary: np.ndarray

    def active(self, day: int) -> np.ndarray:
        """Users that transact on ``day``: joined, not gone, not asleep."""
        asleep = (self.sleep[:, 0] <= day) & (day < self.sleep[:, 1])
        return (self.join_day <= day) & (day < self.leave_day) & ~asleep


@dataclass(frozen=True)
class Services:
    """Exchanges, merchants, payroll providers, DeFi pools, bots and mixers (ids and parameters)."""

    exchanges: np.ndarray
    exchange_weight: np.ndarray
    merchants: np.ndarray
    merchant_weight: np.ndarray
    merchant_exchange: np.ndarray
    payrolls: np.ndarray
    pay_period: np.ndarray
    pay_phase: np.ndarray
    payroll_exchange: np.ndarray
    pools: np.ndarray
    pool_weight: np.ndarray
    bots: np.ndarray
    mixers: np.ndarray


@dataclass(frozen=True)
class Invoices:
    """Users paying a fixed counterparty a fixed amount just under 10k USD: structuring lookalikes."""

    payer: np.ndarray
    payee: np.ndarray
    amount: np.ndarray
    period: np.ndarray
    phase: np.ndarray


@dataclass(frozen=True)
class Relays:
    """Fresh wallets users open for themselves, fund and empty within hours (to a pool, their exchange
    or friends), on a few days: benign lookalikes of layering and peel-chain hops. One row per use."""

    owner: np.ndarray  # user number
    wallet: np.ndarray  # address id of the wallet
    day: np.ndarray


@dataclass(frozen=True)
class Population:
    users: Users
    services: Services
    invoices: Invoices
    relays: Relays
    kinds: dict[str, np.ndarray]  # kind -> address ids, for the entity table and benign labels
    first_free_id: int


def build(cfg: SynthCfg, days: int, rng: np.random.Generator) -> Population:
    """Draw every benign entity of the world from ``rng``."""
    n = cfg.addresses
    has_account = rng.random(n) < 0.65
    n_relays = rng.poisson(RELAYS_PER_USER * n)
    n_merchants = max(1, round(cfg.services * 0.4))
    n_payrolls = max(1, round(cfg.services * 0.2))
    counts = {
        "user": n,
        "deposit": int(has_account.sum()),
        "exchange": cfg.exchanges,
        "merchant": n_merchants,
        "payroll": n_payrolls,
        "defi": max(2, cfg.services - n_merchants - n_payrolls),
        "bot": max(1, cfg.services // 8),
        "mixer": cfg.mixers,
        "relay": n_relays,
        "idle_deposit": round(cfg.inactive_labels * n),  # exchange deposit addresses idle in the period
    }
    kinds, start = {}, 0
    for kind, count in counts.items():
        kinds[kind] = np.arange(start, start + count, dtype=np.int64)
        start += count

    exchange_weight = _zipf(cfg.exchanges, 1.1)
    services = Services(
        exchanges=kinds["exchange"],
        exchange_weight=exchange_weight,
        merchants=kinds["merchant"],
        merchant_weight=_zipf(n_merchants, 1.0),
        merchant_exchange=rng.choice(cfg.exchanges, n_merchants, p=exchange_weight),
        payrolls=kinds["payroll"],
        pay_period=rng.choice([7, 14, 30], n_payrolls),
        pay_phase=rng.integers(0, 30, n_payrolls),
        payroll_exchange=rng.choice(cfg.exchanges, n_payrolls, p=exchange_weight),
        pools=kinds["defi"],
        pool_weight=_zipf(len(kinds["defi"]), 0.8),
        bots=kinds["bot"],
        mixers=kinds["mixer"],
    )
    users = _users(cfg, days, rng, kinds, has_account, exchange_weight, n_payrolls)
    payer = np.flatnonzero(rng.random(n) < 0.02)
    invoices = Invoices(
        payer=payer,
        payee=rng.integers(0, n, len(payer)),
        amount=rng.uniform(7800, 9950, len(payer)),
        period=rng.choice([7, 14, 30], len(payer)),
        phase=rng.integers(0, 30, len(payer)),
    )
    return Population(
        users=users,
        services=services,
        invoices=invoices,
        relays=_relays(rng, users, kinds["relay"], days),
        kinds=kinds,
        first_free_id=start,
    )


def _relays(rng: np.random.Generator, users: Users, wallets: np.ndarray, days: int) -> Relays:
    """Each wallet is used on one to three days, the first while its owner is around."""
    owner = rng.integers(0, len(users.ids), len(wallets))
    lifetime = np.maximum(users.leave_day[owner] - users.join_day[owner], 1)
    first = users.join_day[owner] + rng.integers(0, days, len(wallets)) % lifetime
    uses = 1 + (rng.random(len(wallets)) < 0.35) + (rng.random(len(wallets)) < 0.15)
    episode = np.repeat(np.arange(len(wallets)), uses)
    later = np.where(np.r_[True, episode[1:] != episode[:-1]], 0, rng.integers(1, 20, len(episode)))
    day = first[episode] + np.cumsum(later) - np.repeat(np.cumsum(later)[np.cumsum(uses) - uses], uses)
    return Relays(owner=owner[episode], wallet=wallets[episode], day=day)


def _users(
    cfg: SynthCfg,
    days: int,
    rng: np.random.Generator,
    kinds: dict[str, np.ndarray],
    has_account: np.ndarray,
    exchange_weight: np.ndarray,
    n_payrolls: int,
) -> Users:
    n = cfg.addresses
    rate = np.clip(rng.lognormal(np.log(cfg.user_rate), 1.0, n), 0.004, 40.0)
    scale = rng.lognormal(np.log(220.0), 1.3, n)
    whale = rng.random(n) < 0.03
    scale[whale] *= rng.uniform(10, 150, int(whale.sum()))
    join_day = np.where(rng.random(n) < 0.3, rng.integers(0, days, n), 0)
    # some users leave; a share of late joiners only pass through for a few days
    leave_day = np.where(rng.random(n) < 0.12, join_day + rng.integers(20, max(21, days), n), days + 1)
    brief = (join_day > 0) & (rng.random(n) < 0.3)
    leave_day = np.where(brief, join_day + rng.integers(2, 15, n), leave_day)
    sleep_from = rng.integers(0, days, n)
    sleep_len = np.where(rng.random(n) < 0.08, rng.integers(35, 90, n), 0)
    deposit = np.full(n, -1, dtype=np.int64)
    deposit[has_account] = kinds["deposit"]

    alpha = np.array([3.0, 2.0, 2.0, 1.2, 1.2, 0.0])
    mix = rng.gamma(alpha, size=(n, len(alpha)))
    mix[~has_account, DEPOSIT] = 0.0
    mix[~has_account, WITHDRAW] = 0.0
    if cfg.mixers:
        privacy = rng.random(n) < 0.02
        mix[privacy, MIXER] = mix[privacy].sum(axis=1) * 0.15
    cdf = np.cumsum(mix / mix.sum(axis=1, keepdims=True), axis=1)
    cdf[:, -1] = 1.0
    friends, n_friends = _friends(rate, rng)
    return Users(
        ids=kinds["user"],
        rate=rate,
        scale=scale,
        peak_hour=rng.choice(REGION_PEAKS, n, p=REGION_WEIGHTS) + rng.normal(0, 1.5, n),
        weekend=rng.uniform(0.3, 1.4, n),
        join_day=join_day,
        leave_day=leave_day,
        sleep=np.column_stack([sleep_from, sleep_from + sleep_len]),
        exchange=np.where(has_account, rng.choice(len(exchange_weight), n, p=exchange_weight), -1),
        deposit=deposit,
        friends=friends,
        n_friends=n_friends,
        action_cdf=cdf,
        asset=rng.choice(len(ASSET_WEIGHTS), n, p=ASSET_WEIGHTS),
        employer=np.where(rng.random(n) < 0.25, rng.integers(0, n_payrolls, n), -1),
        salary=rng.lognormal(np.log(2600.0), 0.45, n),
    )


def _zipf(n: int, exponent: float) -> np.ndarray:
    weights = 1.0 / np.arange(1, n + 1) ** exponent
    return weights / weights.sum()


def _friends(rate: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """A few counterparties per user, mostly inside a small community (triangles, communities),
    the rest drawn towards busy users (heavy-tailed degrees)."""
    n = len(rate)
    community = rng.permutation(n) // COMMUNITY_SIZE
    members = np.argsort(community, kind="stable")
    starts = np.searchsorted(community[members], community)
    sizes = np.bincount(community)[community]
    local = members[starts[:, None] + rng.integers(0, 1 << 30, (n, MAX_FRIENDS)) % sizes[:, None]]
    popular = rng.choice(n, (n, MAX_FRIENDS), p=rate / rate.sum())
    friends = np.where(rng.random((n, MAX_FRIENDS)) < 0.75, local, popular)
    return friends, rng.integers(1, MAX_FRIENDS + 1, n)
