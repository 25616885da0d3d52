"""Simulated transfers as columns of numpy arrays, and the market that prices them.

Every behaviour (ordinary users, services, planted typologies) returns ``Transfers``; the world stores
them in ``synth_transfers`` with amounts as integers (USD cents, native nano-units) so that every sum
computed from them downstream is exact and therefore deterministic.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields

import numpy as np
import pyarrow as pa
from numpy.typing import ArrayLike

HOUR = 3_600
DAY = 86_400
ASSETS = ("ETH", "USDT", "USDC", "DAI", "WBTC", "LINK")
ETH, USDT, USDC, DAI, WBTC, LINK = range(len(ASSETS))
ASSET_WEIGHTS = np.array([0.42, 0.24, 0.16, 0.06, 0.06, 0.06])
STABLE = (USDT, USDC, DAI)
_START_PRICE = np.array([3000.0, 1.0, 1.0, 1.0, 60000.0, 15.0])
_DAILY_VOL = np.array([0.035, 0.0005, 0.0005, 0.001, 0.03, 0.05])


def unix_time(day: dt.date) -> int:
    """Seconds since 1970 at midnight UTC starting ``day``."""
    return (day - dt.date(1970, 1, 1)).days * DAY


def date_column(day: np.ndarray, epoch: dt.date) -> pa.Array:
    """Arrow dates of simulation day numbers (day 0 is ``epoch``)."""
    offset = (epoch - dt.date(1970, 1, 1)).days
    return pa.array(np.asarray(day, dtype=np.int32) + offset, pa.int32()).cast(pa.date32())


def day_number(dates: pa.ChunkedArray | pa.Array, epoch: dt.date) -> np.ndarray:
    """Simulation day numbers of Arrow dates (the inverse of ``date_column``)."""
    return dates.cast(pa.int32()).to_numpy() - (epoch - dt.date(1970, 1, 1)).days


@dataclass
class Transfers:
    """One row per on-chain transfer: unix time, sender and receiver ids, asset, USD value."""

    ts: np.ndarray
    src: np.ndarray
    dst: np.ndarray
    asset: np.ndarray
    usd: np.ndarray

    @classmethod
    def of(cls, ts: ArrayLike, src: ArrayLike, dst: ArrayLike, asset: ArrayLike, usd: ArrayLike) -> Transfers:
        """Build from arrays or scalars, broadcast to a common length."""
        ts, src, dst, asset, usd = np.broadcast_arrays(
            np.asarray(ts, dtype=np.int64),
            np.asarray(src, dtype=np.int64),
            np.asarray(dst, dtype=np.int64),
            np.asarray(asset, dtype=np.int8),
            np.asarray(usd, dtype=np.float64),
        )
        return cls(ts.ravel(), src.ravel(), dst.ravel(), asset.ravel(), usd.ravel())

    @classmethod
    def concat(cls, parts: list[Transfers]) -> Transfers:
        parts = [p for p in parts if len(p)] or [cls.of([], [], [], [], [])]
        return cls(*(np.concatenate([getattr(p, f.name) for p in parts]) for f in fields(cls)))

    def __len__(self) -> int:
        return len(self.ts)

    def select(self, mask: np.ndarray) -> Transfers:
        return Transfers(*(getattr(self, f.name)[mask] for f in fields(self)))


class Market:
    """Daily USD prices of the simulated assets: seeded geometric random walks (stablecoins barely move)."""

    def __init__(self, rng: np.random.Generator, days: int) -> None:
        steps = rng.normal(0.0, _DAILY_VOL, size=(days, len(ASSETS)))
        steps[0] = 0.0
        self.price = _START_PRICE * np.exp(np.cumsum(steps, axis=0))

    def to_arrow(self, t: Transfers, epoch: dt.date) -> pa.Table:
        """Rows for synth_transfers: the day from the clock, integer cents and native nano-units."""
        day = (t.ts - unix_time(epoch)) // DAY
        cents = np.maximum(np.rint(t.usd * 100), 1).astype(np.uint64)
        nano = np.rint(t.usd / self.price[day, t.asset] * 1e9).astype(np.uint64)
        return pa.table(
            {
                "day": date_column(day, epoch),
                "ts": t.ts.astype(np.uint32),
                "src": t.src.astype(np.uint32),
                "dst": t.dst.astype(np.uint32),
                "asset": t.asset.astype(np.uint8),
                "amount_nano": nano,
                "usd_cents": cents,
            }
        )
