"""raw_address_labels like real ground truth: late, partial, sometimes wrong, mostly benign.

Positive labels come only from ``synth_ground_truth``: investigators uncover a share of the planted
instances days to weeks after they end and label most of their members (core roles critical, others
high; a few cleared by mistake). Benign labels come from entity registries (exchanges, services),
exchange attribution of deposit addresses and KYC of ordinary users; a few benign users are wrongly
reported. A label's processing_date is the day it became known; labels not known by ``end_date`` are
left out. One row per label event (not copied into every snapshot).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from riskforge.synth.config import SynthCfg
from riskforge.synth.simulate import MIXER_HUB, Simulation
from riskforge.synth.transfers import date_column, day_number
from riskforge.synth.typologies import CORE_ROLES

TYPOLOGY_LABELS = {
    "fan_in": "scam_collection",
    "fan_out": "smurfing",
    "peel_chain": "theft_proceeds",
    "cycle": "round_tripping",
    "layering": "money_laundering",
    "mixer": "mixer_laundering",
    "rapid_in_out": "money_mule",
    "structuring": "structuring",
}
SERVICE_LABELS = {
    "exchange": ("exchange", "low"),
    "merchant": ("merchant", "low"),
    "payroll": ("payroll_provider", "low"),
    "defi": ("defi_protocol", "low"),
    "bot": ("mev_bot", "medium"),
}
PARTICIPANT_LABEL_RATE = 0.85  # members of an uncovered instance that get labelled (core roles always)


@dataclass
class _Rows:
    columns: dict[str, list[np.ndarray]] = field(default_factory=dict)

    def add(self, day: np.ndarray, address_id: np.ndarray, **values: np.ndarray | str | float) -> None:
        n = len(address_id)
        self._put("day", np.asarray(day, dtype=np.int64))
        self._put("address_id", np.asarray(address_id, dtype=np.int64))
        for key, value in values.items():
            self._put(key, np.broadcast_to(np.asarray(value), (n,)))

    def _put(self, key: str, value: np.ndarray) -> None:
        self.columns.setdefault(key, []).append(value)

    def concat(self) -> dict[str, np.ndarray]:
        return {key: np.concatenate(parts) for key, parts in self.columns.items()}


def build(cfg: SynthCfg, sim: Simulation, rng: np.random.Generator) -> pa.Table:
    """Every label row known by ``cfg.end_date``, ordered by (date, address id, label)."""
    rows = _Rows()
    _investigations(rows, cfg, sim, rng)
    _registries(rows, cfg, sim, rng)
    _benign(rows, cfg, sim, rng)
    _wrong_reports(rows, cfg, rng)
    data = rows.concat()
    known = data["day"] <= cfg.sim_days
    order = np.lexsort((data["label"][known], data["address_id"][known], data["day"][known]))
    data = {key: value[known][order] for key, value in data.items()}
    size = len(data["day"])
    return pa.table(
        {
            "processing_date": date_column(data["day"], cfg.epoch_date),
            "window_days": pa.array(np.full(size, min(cfg.windows)), pa.uint16()),
            "network": pa.array([cfg.network] * size, pa.string()),
            "address_id": pa.array(data["address_id"].astype(np.uint32), pa.uint32()),
            "label": data["label"].astype(str),
            "network_type": pa.array(["evm"] * size, pa.string()),
            "address_type": data["address_type"].astype(str),
            "address_subtype": data["address_subtype"].astype(str),
            "risk_level": data["risk_level"].astype(str),
            "confidence_score": data["confidence"].astype(np.float32),
            "trust_level": data["trust_level"].astype(str),
            "source": data["source"].astype(str),
        }
    )


def _investigations(rows: _Rows, cfg: SynthCfg, sim: Simulation, rng: np.random.Generator) -> None:
    truth = sim.ground_truth
    instance = truth["instance_id"].to_numpy().astype(np.int64)
    address_id = truth["address_id"].to_numpy().astype(np.int64)
    role = np.asarray(truth["role"].to_pylist())
    typology = np.asarray(truth["typology"].to_pylist())
    end = day_number(truth["end_date"], cfg.epoch_date)
    hub = role == MIXER_HUB
    rows.add(
        np.full(int(hub.sum()), cfg.history_days // 2),
        address_id[hub],
        label="sanctioned_mixer",
        address_type="mixer",
        address_subtype="",
        risk_level="critical",
        confidence=1.0,
        trust_level="verified",
        source="sanctions_list",
    )
    # one row per (instance, address): the core role wins when an address held two roles
    core = np.isin(role, list(CORE_ROLES))
    order = np.lexsort((~core, address_id, instance))
    first = np.r_[True, (np.diff(instance[order]) != 0) | (np.diff(address_id[order]) != 0)]
    pick = order[first & ~hub[order]]
    ids, inverse = np.unique(instance[pick], return_inverse=True)
    uncovered = rng.random(len(ids)) < cfg.discovery_rate
    delay = np.maximum(2.0, rng.lognormal(np.log(max(cfg.label_delay_days, 1e-3)), 0.6, len(ids)))
    labelled = uncovered[inverse] & (core[pick] | (rng.random(len(pick)) < PARTICIPANT_LABEL_RATE))
    day = end[pick] + np.rint(delay[inverse]).astype(np.int64) + rng.integers(0, 5, len(pick))
    critical = core[pick] | (rng.random(len(pick)) < 0.3)
    cleared = rng.random(len(pick)) < cfg.label_noise
    risk = np.where(cleared, "low", np.where(critical, "critical", "high"))
    label = np.where(cleared, "cleared_after_review", np.vectorize(TYPOLOGY_LABELS.get)(typology[pick]))
    rows.add(
        day[labelled],
        address_id[pick][labelled],
        label=label[labelled],
        address_type=np.where(role[pick] == "cash_out", "deposit", "wallet")[labelled],
        address_subtype=role[pick][labelled],
        risk_level=risk[labelled],
        confidence=rng.uniform(0.7, 1.0, len(pick))[labelled],
        trust_level="verified",
        source="investigation",
    )


def _registries(rows: _Rows, cfg: SynthCfg, sim: Simulation, rng: np.random.Generator) -> None:
    """Known services are in entity registries from the start; exchanges attribute deposit addresses."""
    kinds = sim.pop.kinds
    for kind, (label, risk) in SERVICE_LABELS.items():
        ids = kinds[kind]
        rows.add(
            rng.integers(0, cfg.history_days, len(ids)),
            ids,
            label=label,
            address_type=kind,
            address_subtype="",
            risk_level=risk,
            confidence=0.95,
            trust_level="verified",
            source="entity_registry",
        )
    idle = kinds["idle_deposit"]
    rows.add(
        rng.integers(0, cfg.history_days, len(idle)),
        idle,
        label="exchange_deposit",
        address_type="deposit",
        address_subtype="idle",
        risk_level="low",
        confidence=0.9,
        trust_level="verified",
        source="exchange_attribution",
    )
    ids, created = sim.registry.of_kind("deposit")
    attributed = rng.random(len(ids)) < cfg.benign_label_rate
    delay = rng.lognormal(np.log(20.0), 0.6, len(ids))
    rows.add(
        (created + delay)[attributed].astype(np.int64),
        ids[attributed],
        label="exchange_deposit",
        address_type="deposit",
        address_subtype="",
        risk_level="low",
        confidence=0.9,
        trust_level="verified",
        source="exchange_attribution",
    )


def _benign(rows: _Rows, cfg: SynthCfg, sim: Simulation, rng: np.random.Generator) -> None:
    """KYC and risk-vendor labels on ordinary users, and by wallet clustering on the wallets they open
    for themselves."""
    wallets, first = sim.registry.of_kind("relay")
    clustered = rng.random(len(wallets)) < cfg.benign_label_rate
    delay = rng.lognormal(np.log(15.0), 0.6, len(wallets))
    rows.add(
        (first + delay)[clustered].astype(np.int64),
        wallets[clustered],
        label="kyc_verified",
        address_type="wallet",
        address_subtype="own_wallet",
        risk_level="low",
        confidence=0.8,
        trust_level="verified",
        source="wallet_clustering",
    )
    users = sim.pop.users
    n = len(users.ids)
    end = np.minimum(users.leave_day, cfg.sim_days)
    seen = users.join_day + rng.random(n) * np.maximum(end - users.join_day, 1)
    day = (seen + rng.lognormal(np.log(10.0), 0.5, n)).astype(np.int64)
    chosen = rng.random(n) < cfg.benign_label_rate
    kind = rng.choice(3, n, p=[0.85, 0.1, 0.05])
    rows.add(
        day[chosen],
        users.ids[chosen],
        label=np.array(["kyc_verified", "high_risk_counterparty", "gambling"])[kind[chosen]],
        address_type="wallet",
        address_subtype="",
        risk_level=np.where(kind == 0, "low", "medium")[chosen],
        confidence=rng.uniform(0.6, 0.95, n)[chosen],
        trust_level="verified",
        source=np.where(kind == 0, "kyc_partner", "risk_vendor")[chosen],
    )


def _wrong_reports(rows: _Rows, cfg: SynthCfg, rng: np.random.Generator) -> None:
    """``label_noise`` of the benign-labelled ordinary addresses are also reported as fraud, later: the
    highest risk level wins, so their label is wrong."""
    data = rows.concat()
    benign = np.flatnonzero((data["risk_level"] == "low") & (data["address_subtype"] != "idle"))
    wrong = rng.choice(benign, round(cfg.label_noise * len(benign)), replace=False)
    rows.add(
        data["day"][wrong] + rng.integers(0, 60, len(wrong)),
        data["address_id"][wrong],
        label="suspected_fraud",
        address_type=data["address_type"][wrong],
        address_subtype="",
        risk_level="high",
        confidence=rng.uniform(0.5, 0.8, len(wrong)),
        trust_level="unverified",
        source="community_report",
    )
