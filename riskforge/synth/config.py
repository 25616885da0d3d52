"""Schema of ``riskforge synth``: the knobs of the world and the presets that set them.

The defaults are the demo preset (``configs/preset/demo.yaml`` repeats them so that the preset files
are the single place a reader looks). Every knob is checked here, so a bad override fails before any
table is touched.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from riskforge.config.schema import WarehouseCfg, parse_date, positive
from riskforge.errors import ConfigError
from riskforge.warehouse.names import check_network

TYPOLOGIES = ("fan_in", "fan_out", "peel_chain", "cycle", "layering", "mixer", "rapid_in_out", "structuring")


def default_mix() -> dict[str, float]:
    return dict.fromkeys(TYPOLOGIES, 1.0)


@dataclass
class SynthCfg:
    """A seeded, deterministic world written into the contract's tables of one network.

    ``days`` processing dates end at ``end_date``; transfers start ``history_days`` earlier so that
    every snapshot covers a full window. ``addresses`` counts ordinary users; exchanges' deposit
    addresses, services and the fresh addresses of planted typologies come on top.
    """

    network: str = "ethereum"
    preset: str = "demo"
    seed: int = 7
    days: int = 120
    history_days: int = 30
    end_date: str = "2026-06-30"
    windows: list[int] = field(default_factory=lambda: [7, 30])
    addresses: int = 1800
    user_rate: float = 0.12  # median transfers a user starts per active day (log-normal across users)
    exchanges: int = 5
    services: int = 20  # merchants, payroll providers, DeFi pools and bots together
    mixers: int = 2
    alerts_per_day: int = 250  # analyzer budget per processing date and window
    typologies_per_day: float = 1.0  # planted typology instances started per simulated day
    typology_mix: dict[str, float] = field(default_factory=default_mix)
    mule_reuse: float = 0.4  # share of typology participants that are existing users, not fresh addresses
    discovery_rate: float = 0.75  # share of typology instances investigators eventually uncover
    label_delay_days: float = 8.0  # median days from the end of an instance to its labels
    label_noise: float = 0.05  # share of wrong labels (benign marked high, participants cleared)
    benign_label_rate: float = 0.5  # share of ordinary users and deposit addresses with a benign label
    review_rate: float = 0.9  # share of alerted addresses the compliance team reviews (SAR or cleared)
    inactive_labels: float = 9.0  # exchange-attributed deposit addresses idle in the period, per user
    dispositions: bool = True  # also write alert_dispositions for the alerts analysts investigated
    batch_dates: int = 120  # processing dates computed per batch (bounds memory at bench scale)
    replace: bool = False
    describe: bool = False
    warehouse: WarehouseCfg = field(default_factory=WarehouseCfg)

    def __post_init__(self) -> None:
        check_network(self.network)
        parse_date(self.end_date, "end_date")
        for key in ("days", "addresses", "exchanges", "services", "alerts_per_day", "batch_dates", "user_rate"):
            positive(getattr(self, key), key)
        if not self.windows or any(w <= 0 for w in self.windows):
            raise ConfigError("windows must be a non-empty list of positive day counts")
        if len(set(self.windows)) != len(self.windows):
            raise ConfigError(f"windows must not repeat a value, got {list(self.windows)}")
        if self.history_days < max(self.windows):
            raise ConfigError(
                f"history_days={self.history_days} is shorter than the largest window ({max(self.windows)})",
                hint="every snapshot must cover a full window: raise history_days or drop the window",
            )
        for key in ("mixers", "typologies_per_day", "label_delay_days", "inactive_labels"):
            if getattr(self, key) < 0:
                raise ConfigError(f"{key} must be >= 0, got {getattr(self, key)}")
        for key in ("mule_reuse", "discovery_rate", "label_noise", "benign_label_rate", "review_rate"):
            if not 0.0 <= getattr(self, key) <= 1.0:
                raise ConfigError(f"{key} must be in [0, 1], got {getattr(self, key)}")
        unknown = sorted(set(self.typology_mix) - set(TYPOLOGIES))
        if unknown:
            raise ConfigError(f"unknown typologies in typology_mix: {', '.join(unknown)}", hint=f"known: {TYPOLOGIES}")
        if any(v < 0 for v in self.typology_mix.values()) or not sum(self.typology_mix.values()) > 0:
            raise ConfigError("typology_mix weights must be >= 0 with a positive total")
        if self.typology_mix.get("mixer", 0) > 0 and self.mixers == 0:
            raise ConfigError("typology_mix plants mixer instances but mixers=0")

    @property
    def last_date(self) -> dt.date:
        return dt.date.fromisoformat(str(self.end_date))

    @property
    def first_date(self) -> dt.date:
        """The first processing date."""
        return self.last_date - dt.timedelta(days=self.days - 1)

    @property
    def epoch_date(self) -> dt.date:
        """Day 0 of the simulation: ``history_days`` before the first processing date."""
        return self.first_date - dt.timedelta(days=self.history_days)

    @property
    def sim_days(self) -> int:
        """Days with transfers: a snapshot on date D covers the ``window`` days before D."""
        return self.history_days + self.days - 1
