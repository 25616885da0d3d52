"""Schema of ``riskforge synth``: the knobs of the world and the presets that set them."""

from __future__ import annotations

from dataclasses import dataclass, field

from riskforge.config.schema import WarehouseCfg, parse_date, positive
from riskforge.errors import ConfigError
from riskforge.warehouse.names import check_network


@dataclass
class SynthCfg:
    """A seeded, deterministic world written into the contract's tables of one network."""

    network: str = "ethereum"
    seed: int = 7
    days: int = 120
    history_days: int = 30
    end_date: str = "2026-06-30"
    windows: list[int] = field(default_factory=lambda: [7, 30])
    addresses: int = 6000
    replace: bool = False
    describe: bool = False
    warehouse: WarehouseCfg = field(default_factory=WarehouseCfg)

    def __post_init__(self) -> None:
        check_network(self.network)
        parse_date(self.end_date, "end_date")
        for key in ("days", "addresses"):
            positive(getattr(self, key), key)
        if not self.windows or any(w <= 0 for w in self.windows):
            raise ConfigError("windows must be a non-empty list of positive day counts")
