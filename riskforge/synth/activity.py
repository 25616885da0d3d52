"""One day of benign life, vectorised: users transact, exchanges sweep deposits, services pay and settle.

These are also the world's lookalikes: deposit addresses forward every deposit within hours (rapid
in-out), exchanges and merchants collect from many senders (fan-in), payroll pays many employees the
same amounts at once (fan-out), invoice payers send just under 10k USD (structuring), DeFi pools and
bots trade back and forth (reciprocity), privacy users go through mixers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from riskforge.synth.population import DEFI, DEPOSIT, MERCHANT, MIXER, P2P, WITHDRAW, Population
from riskforge.synth.transfers import DAY, ETH, HOUR, STABLE, Market, Transfers

MIXER_DENOMINATIONS = np.array([0.1, 1.0, 10.0])


@dataclass(frozen=True)
class Starts:
    """Transfers users start on one day (user number, time, asset, USD), before the action picks a target."""

    who: np.ndarray
    ts: np.ndarray
    asset: np.ndarray
    usd: np.ndarray

    def where(self, mask: np.ndarray) -> Starts:
        return Starts(self.who[mask], self.ts[mask], self.asset[mask], self.usd[mask])


def benign_day(pop: Population, market: Market, day: int, epoch: int, rng: np.random.Generator) -> Transfers:
    """Every benign transfer started on ``day`` (some settle hours or days later)."""
    start = epoch + day * DAY
    users = pop.users
    weekend = ((epoch // DAY + day + 3) % 7) >= 5  # 1970-01-01 was a Thursday
    rate = users.rate * (users.weekend if weekend else 1.0) * users.active(day)
    who = np.repeat(np.arange(len(rate)), rng.poisson(rate))
    hour = np.floor(users.peak_hour[who] + rng.normal(0.0, 3.5, len(who))) % 24
    starts = Starts(
        who=who,
        ts=start + (hour * HOUR).astype(np.int64) + rng.integers(0, HOUR, len(who)),
        asset=np.where(rng.random(len(who)) < 0.7, users.asset[who], rng.integers(0, 6, len(who))),
        usd=users.scale[who] * rng.lognormal(0.0, 0.9, len(who)),
    )
    action = (rng.random(len(who))[:, None] < users.action_cdf[who]).argmax(axis=1)
    return Transfers.concat(
        [
            _p2p(pop, rng, starts.where(action == P2P)),
            _deposits(pop, rng, starts.where(action == DEPOSIT)),
            _withdrawals(pop, starts.where(action == WITHDRAW)),
            _merchants(pop, rng, starts.where(action == MERCHANT), start),
            _swaps(pop, rng, starts.where(action == DEFI)),
            _mixing(pop, market.price[day, ETH], rng, starts.where(action == MIXER)),
            _payroll(pop, rng, day, start),
            _bots(pop, rng, start),
            _rebalancing(pop, rng, start),
            _invoices(pop, rng, day, start),
            _relays(pop, rng, day, start),
        ]
    )


def _p2p(pop: Population, rng: np.random.Generator, s: Starts) -> Transfers:
    users = pop.users
    friend = users.friends[s.who, rng.integers(0, 1 << 30, len(s.who)) % users.n_friends[s.who]]
    keep = friend != s.who
    return Transfers.of(s.ts[keep], users.ids[s.who[keep]], users.ids[friend[keep]], s.asset[keep], s.usd[keep])


def _deposits(pop: Population, rng: np.random.Generator, s: Starts) -> Transfers:
    """User -> own deposit address, then the exchange sweeps it to its hot wallet within hours."""
    users = pop.users
    deposit = users.deposit[s.who]
    hot = pop.services.exchanges[users.exchange[s.who]]
    swept = s.ts + rng.integers(5 * 60, 8 * HOUR, len(s.who))
    return Transfers.concat(
        [
            Transfers.of(s.ts, users.ids[s.who], deposit, s.asset, s.usd),
            Transfers.of(swept, deposit, hot, s.asset, s.usd * 0.9995),
        ]
    )


def _withdrawals(pop: Population, s: Starts) -> Transfers:
    hot = pop.services.exchanges[pop.users.exchange[s.who]]
    return Transfers.of(s.ts, hot, pop.users.ids[s.who], s.asset, s.usd)


def _merchants(pop: Population, rng: np.random.Generator, s: Starts, start: int) -> Transfers:
    """Payments to merchants, a few refunds, and each merchant's daily settlement to its exchange."""
    svc, ids = pop.services, pop.users.ids
    shop = rng.choice(len(svc.merchants), len(s.who), p=svc.merchant_weight)
    paid = s.usd * 0.3
    refund = rng.random(len(s.who)) < 0.03
    takings = np.bincount(shop, weights=paid, minlength=len(svc.merchants))
    open_shops = np.flatnonzero(takings > 0)
    return Transfers.concat(
        [
            Transfers.of(s.ts, ids[s.who], svc.merchants[shop], s.asset, paid),
            Transfers.of(
                s.ts[refund] + rng.integers(DAY, 3 * DAY, int(refund.sum())),
                svc.merchants[shop[refund]],
                ids[s.who[refund]],
                s.asset[refund],
                paid[refund],
            ),
            Transfers.of(
                start + 23 * HOUR + rng.integers(0, HOUR, len(open_shops)),
                svc.merchants[open_shops],
                svc.exchanges[svc.merchant_exchange[open_shops]],
                STABLE[0],
                takings[open_shops] * 0.985,
            ),
        ]
    )


def _swaps(pop: Population, rng: np.random.Generator, s: Starts) -> Transfers:
    """A swap is two transfers: user -> pool in one asset, pool -> user in another, seconds apart."""
    svc, ids = pop.services, pop.users.ids
    pool = svc.pools[rng.choice(len(svc.pools), len(s.who), p=svc.pool_weight)]
    back = (s.asset + rng.integers(1, 6, len(s.who))) % 6
    returned = s.usd * rng.uniform(0.97, 0.999, len(s.who))
    return Transfers.concat(
        [
            Transfers.of(s.ts, ids[s.who], pool, s.asset, s.usd),
            Transfers.of(s.ts + rng.integers(12, 180, len(s.who)), pool, ids[s.who], back, returned),
        ]
    )


def _mixing(pop: Population, eth_price: float, rng: np.random.Generator, s: Starts) -> Transfers:
    """Privacy users deposit a fixed ETH denomination and withdraw it to themselves days later."""
    mixers, ids = pop.services.mixers, pop.users.ids[s.who]
    if not len(s.who):
        return Transfers.concat([])
    mixer = mixers[rng.integers(0, len(mixers), len(s.who))]
    usd = rng.choice(MIXER_DENOMINATIONS, len(s.who)) * eth_price
    later = s.ts + rng.integers(DAY, 4 * DAY, len(s.who))
    return Transfers.concat(
        [Transfers.of(s.ts, ids, mixer, ETH, usd), Transfers.of(later, mixer, ids, ETH, usd * 0.99)]
    )


def _payroll(pop: Population, rng: np.random.Generator, day: int, start: int) -> Transfers:
    """On pay day a payroll provider is funded by its exchange, then pays all employees in one batch."""
    svc, users = pop.services, pop.users
    paying = np.flatnonzero((day + svc.pay_phase) % svc.pay_period == 0)
    staff = np.flatnonzero(np.isin(users.employer, paying) & users.active(day))
    if not len(staff):
        return Transfers.concat([])
    payroll = users.employer[staff]
    wages = users.salary[staff] * rng.normal(1.0, 0.01, len(staff))
    budget = np.bincount(payroll, weights=wages, minlength=len(svc.payrolls))[paying]
    funding = Transfers.of(
        start + 7 * HOUR + rng.integers(0, HOUR, len(paying)),
        svc.exchanges[svc.payroll_exchange[paying]],
        svc.payrolls[paying],
        STABLE[1],
        budget * 1.01,
    )
    pay = Transfers.of(
        start + 9 * HOUR + rng.integers(0, 600, len(staff)), svc.payrolls[payroll], users.ids[staff], STABLE[1], wages
    )
    return Transfers.concat([funding, pay])


def _bots(pop: Population, rng: np.random.Generator, start: int) -> Transfers:
    """Arbitrage bots swap back and forth with pools all day."""
    svc = pop.services
    bot = np.repeat(svc.bots, rng.poisson(18, len(svc.bots)))
    pool = svc.pools[rng.choice(len(svc.pools), len(bot), p=svc.pool_weight)]
    ts = start + rng.integers(0, DAY, len(bot))
    usd = rng.lognormal(np.log(20_000), 0.8, len(bot))
    asset = rng.integers(0, 6, len(bot))
    return Transfers.concat(
        [Transfers.of(ts, bot, pool, asset, usd), Transfers.of(ts + 12, pool, bot, (asset + 1) % 6, usd * 1.001)]
    )


def _rebalancing(pop: Population, rng: np.random.Generator, start: int) -> Transfers:
    """Exchanges move large amounts between their hot wallets."""
    hot = pop.services.exchanges
    if len(hot) < 2:
        return Transfers.concat([])
    src = np.repeat(hot, rng.poisson(2, len(hot)))
    dst = hot[(np.searchsorted(hot, src) + rng.integers(1, len(hot), len(src))) % len(hot)]
    usd = rng.lognormal(np.log(400_000), 0.7, len(src))
    return Transfers.of(start + rng.integers(0, DAY, len(src)), src, dst, ETH, usd)


def _invoices(pop: Population, rng: np.random.Generator, day: int, start: int) -> Transfers:
    inv, users = pop.invoices, pop.users
    due = ((day + inv.phase) % inv.period == 0) & users.active(day)[inv.payer] & (inv.payer != inv.payee)
    payer = inv.payer[due]
    hour = (np.floor(users.peak_hour[payer]) % 24 * HOUR).astype(np.int64)
    usd = inv.amount[due] * rng.uniform(0.99, 1.01, len(payer))
    return Transfers.of(
        start + hour + rng.integers(0, HOUR, len(payer)), users.ids[payer], users.ids[inv.payee[due]], STABLE[0], usd
    )


def _relays(pop: Population, rng: np.random.Generator, day: int, start: int) -> Transfers:
    """A user funds a fresh wallet of its own in one to three transfers, and the wallet forwards nearly
    everything within hours in one to three transfers (to pools, its exchange or friends)."""
    relays, users, svc = pop.relays, pop.users, pop.services
    today = np.flatnonzero(relays.day == day)
    owner, wallet = relays.owner[today], relays.wallet[today]
    n = len(today)
    ts = start + (np.floor(users.peak_hour[owner]) % 24 * HOUR).astype(np.int64) + rng.integers(0, HOUR, n)
    total = users.scale[owner] * rng.lognormal(2.6, 1.1, n)
    asset = users.asset[owner]
    ins = _split(rng, np.arange(n), 1 + (rng.random(n) < 0.4) + (rng.random(n) < 0.15), total)
    # a third withdraw straight from their exchange to the new wallet; many first get gas from it
    has_account = users.exchange[owner] >= 0
    withdrawn = has_account[ins[0]] & (rng.random(len(ins[0])) < 0.35)
    funder = np.where(withdrawn, svc.exchanges[np.maximum(users.exchange[owner[ins[0]]], 0)], users.ids[owner[ins[0]]])
    gas = has_account & (rng.random(n) < 0.5)
    funded = ts + rng.integers(0, 3 * HOUR, n)
    outs = _split(
        rng, np.arange(n), 1 + (rng.random(n) < 0.5) + (rng.random(n) < 0.2), total * rng.uniform(0.9, 0.999, n)
    )
    who, amount = outs
    leave = funded[who] + rng.integers(10 * 60, 12 * HOUR, len(who))
    deposit = users.deposit[owner[who]]
    choice = rng.random(len(who))
    friend = users.friends[owner[who], rng.integers(0, 1 << 30, len(who)) % users.n_friends[owner[who]]]
    target = np.where(
        choice < 0.4,
        svc.pools[rng.integers(0, len(svc.pools), len(who))],
        np.where((choice < 0.75) & (deposit >= 0), deposit, users.ids[friend]),
    )
    swept = target == deposit
    hot = svc.exchanges[users.exchange[owner[who][swept]]]
    return Transfers.concat(
        [
            Transfers.of(
                ts[ins[0]] + rng.integers(0, 3 * HOUR, len(ins[0])), funder, wallet[ins[0]], asset[ins[0]], ins[1]
            ),
            Transfers.of(
                ts[gas] - rng.integers(HOUR, DAY, int(gas.sum())),
                svc.exchanges[users.exchange[owner[gas]]],
                wallet[gas],
                ETH,
                rng.uniform(5, 60, int(gas.sum())),
            ),
            Transfers.of(leave, wallet[who], target, asset[who], amount),
            Transfers.of(
                leave[swept] + rng.integers(5 * 60, 8 * HOUR, int(swept.sum())),
                deposit[swept],
                hot,
                asset[who][swept],
                amount[swept] * 0.9995,
            ),
        ]
    )


def _split(rng: np.random.Generator, owner: np.ndarray, parts: np.ndarray, total: np.ndarray) -> tuple:
    """Split each ``total`` into ``parts`` random shares: (owner index per share, amount per share)."""
    who = np.repeat(owner, parts)
    weight = rng.uniform(0.3, 1.0, len(who))
    return who, total[who] * weight / np.bincount(who, weights=weight, minlength=len(owner))[who]
