"""raw_address_labels like real ground truth: late, partial, sometimes wrong, mostly benign.

Positive labels come only from ``synth_ground_truth``, through two processes. Investigators uncover a
share of the planted instances days to weeks after they end and label most of their members; and the
compliance team reviews most alerted addresses (whoever they are) within a week of their first alert,
reporting the participants it recognises and clearing many of the others. Both grade an instance's
principals (organisers, and members that moved most of its money) critical and the rest high, and
both make mistakes. Benign labels also come from entity registries (exchanges, services), exchange
attribution of deposit addresses and KYC of ordinary users and their own wallets; a few benign users
are wrongly reported. A label's processing_date is the day it became known; labels not known by
``end_date`` are left out. One row per label event (not copied into every snapshot).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
from clickhouse_connect.driver.client import Client

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
PRINCIPAL_SHARE = 0.5  # members moving at least this share of the instance's largest member volume: critical
REVIEW_CATCH = 0.85  # a reviewed participant is reported (else its case is closed: a wrong benign label)
REVIEW_FALSE_SAR = 0.03  # a reviewed innocent address is reported anyway (defensive filing)
CLEARED_LABEL_RATE = 0.5  # closed cases that also clear the address in the label feed (owner identified)
REVIEW_DAYS = (1, 7)  # a case is closed this many days after the address's first alert (uniform)


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


def build(cfg: SynthCfg, sim: Simulation, rng: np.random.Generator, alerted: pa.Table) -> pa.Table:
    """Every label row known by ``cfg.end_date``, ordered by (date, address id, label); ``alerted`` is
    ``first_alerts``: the alerted addresses the compliance team may open a case on."""
    rows = _Rows()
    members = _members(sim.ground_truth)
    _investigations(rows, cfg, sim, members, rng)
    _registries(rows, cfg, sim, rng)
    _benign(rows, cfg, sim, rng)
    _wrong_reports(rows, cfg, rng)
    _cases(rows, cfg, alerted, _principals(sim.ground_truth, members), rng)
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


def _members(truth: pa.Table) -> tuple[np.ndarray, np.ndarray]:
    """One ground-truth row per (instance, address), the core role winning when an address held two
    (mixer hubs left out), and whether the member is a principal: an organiser (core role) or one that
    moved at least ``PRINCIPAL_SHARE`` of the money its instance's busiest member moved. Investigators
    and reviewers grade principals critical, the other members high."""
    instance = truth["instance_id"].to_numpy().astype(np.int64)
    address_id = truth["address_id"].to_numpy().astype(np.int64)
    role = np.asarray(truth["role"].to_pylist())
    core = np.isin(role, list(CORE_ROLES))
    order = np.lexsort((~core, address_id, instance))
    first = np.r_[True, (np.diff(instance[order]) != 0) | (np.diff(address_id[order]) != 0)]
    pick = order[first & (role[order] != MIXER_HUB)]
    _, inverse = np.unique(instance[pick], return_inverse=True)
    volume = truth["volume_usd"].to_numpy()[pick]
    largest = np.zeros(inverse.max(initial=-1) + 1)
    np.maximum.at(largest, inverse, volume)
    return pick, core[pick] | (volume >= PRINCIPAL_SHARE * largest[inverse])


def _investigations(
    rows: _Rows, cfg: SynthCfg, sim: Simulation, members: tuple[np.ndarray, np.ndarray], rng: np.random.Generator
) -> None:
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
    pick, critical = members
    core = np.isin(role, list(CORE_ROLES))
    ids, inverse = np.unique(instance[pick], return_inverse=True)
    uncovered = rng.random(len(ids)) < cfg.discovery_rate
    delay = np.maximum(2.0, rng.lognormal(np.log(max(cfg.label_delay_days, 1e-3)), 0.6, len(ids)))
    labelled = uncovered[inverse] & (core[pick] | (rng.random(len(pick)) < PARTICIPANT_LABEL_RATE))
    day = end[pick] + np.rint(delay[inverse]).astype(np.int64) + rng.integers(0, 5, len(pick))
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
    _attributed_later(
        rows,
        rng,
        *sim.registry.of_kind("deposit"),
        cfg.benign_label_rate,
        20.0,
        label="exchange_deposit",
        address_type="deposit",
        address_subtype="",
        risk_level="low",
        confidence=0.9,
        trust_level="verified",
        source="exchange_attribution",
    )


def _attributed_later(
    rows: _Rows,
    rng: np.random.Generator,
    ids: np.ndarray,
    first_day: np.ndarray,
    rate: float,
    median_delay: float,
    **label: str | float,
) -> None:
    """Label ``rate`` of the addresses ``ids`` a log-normal delay (median ``median_delay`` days) after
    they first appeared: attribution takes a while."""
    chosen = rng.random(len(ids)) < rate
    delay = rng.lognormal(np.log(median_delay), 0.6, len(ids))
    rows.add((first_day + delay)[chosen].astype(np.int64), ids[chosen], **label)


def _benign(rows: _Rows, cfg: SynthCfg, sim: Simulation, rng: np.random.Generator) -> None:
    """KYC and risk-vendor labels on ordinary users, and by wallet clustering on the wallets they open
    for themselves."""
    _attributed_later(
        rows,
        rng,
        *sim.registry.of_kind("relay"),
        cfg.benign_label_rate,
        15.0,
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


FIRST_ALERTS = """
SELECT e.address_id AS address_id, a.first AS day, a.typology AS typology,
    max(g.address != '' AND a.first BETWEEN g.start_date AND g.end_date + toIntervalDay(a.window_days)) AS involved
FROM (
    SELECT address, min(processing_date) AS first, argMin(typology_type, (processing_date, alert_id)) AS typology,
        argMin(window_days, (processing_date, alert_id)) AS window_days
    FROM {database:Identifier}.raw_alerts
    GROUP BY address
) AS a
INNER JOIN (SELECT address, address_id FROM {database:Identifier}.synth_entities) AS e ON e.address = a.address
LEFT JOIN (
    SELECT DISTINCT address, start_date, end_date FROM {database:Identifier}.synth_ground_truth
) AS g ON g.address = a.address
GROUP BY address_id, day, typology
ORDER BY address_id
"""


def first_alerts(client: Client, database: str) -> pa.Table:
    """Every alerted address: its first alert (date, rule) and whether it was then taking part in a
    planted instance (what a review would reveal)."""
    return client.query_arrow(FIRST_ALERTS, parameters={"database": database})


def _principals(truth: pa.Table, members: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """Address ids that are principals of some instance (``members`` is ``_members(truth)``)."""
    pick, principal = members
    return np.unique(truth["address_id"].to_numpy().astype(np.int64)[pick][principal])


def _cases(rows: _Rows, cfg: SynthCfg, alerted: pa.Table, principals: np.ndarray, rng: np.random.Generator) -> None:
    """The compliance team opens a case on ``review_rate`` of the alerted addresses, whoever they are,
    when they first alert, and closes it ``REVIEW_DAYS`` later. Reviewing reveals what the address was
    doing then: most participants are reported (a SAR marks the address with the typology the alert
    named, graded like an investigation's label), a few innocent addresses too (defensive filing); the
    other cases are closed as false positives, and half of those also clear the address in the label
    feed (the analyst identified its owner)."""
    address_id = alerted["address_id"].to_numpy().astype(np.int64)
    n = len(address_id)
    reviewed = rng.random(n) < cfg.review_rate
    day = day_number(alerted["day"], cfg.epoch_date) + rng.integers(REVIEW_DAYS[0], REVIEW_DAYS[1] + 1, n)
    involved = alerted["involved"].to_numpy().astype(bool)
    sar = rng.random(n) < np.where(involved, REVIEW_CATCH, REVIEW_FALSE_SAR)
    reviewed &= sar | (rng.random(n) < CLEARED_LABEL_RATE)
    typology = np.asarray(alerted["typology"].to_pylist(), dtype=object)
    rows.add(
        day[reviewed],
        address_id[reviewed],
        label=np.where(sar, np.vectorize(TYPOLOGY_LABELS.get)(typology, "suspicious_activity"), "false_positive")[
            reviewed
        ],
        address_type="wallet",
        address_subtype="",
        risk_level=np.where(sar, np.where(involved & np.isin(address_id, principals), "critical", "high"), "low")[
            reviewed
        ],
        confidence=np.where(sar, 0.85, 0.7)[reviewed],
        trust_level="verified",
        source=np.where(sar, "sar_filing", "alert_review")[reviewed],
    )
