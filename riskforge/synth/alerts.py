"""Analyzer-like alert rules over a batch's features and flows, as an upstream analyzer would raise them.

Each rule fires on a condition over the snapshot's features and scores its evidence in [0, 1]; the
confidence is that strength plus the analyzer's own noise, and severity is a pure function of it.
The daily budget (``alerts_per_day`` per window) keeps the most confident hits, each rule taking at
most ``RULE_SHARE`` of it. Exchanges collecting deposits, payroll batches, deposit addresses that sweep
within hours, users' own relay wallets, bots and invoice payers fire too (false positives);
participants that look normal are missed.
"""

from __future__ import annotations

import math
from typing import Any

from clickhouse_connect.driver.client import Client

from riskforge.synth.config import SynthCfg
from riskforge.synth.flows import LEGS
from riskforge.synth.sql import address, run, usd

RULE_SHARE = 0.35
# analyzers trust evidence more on young or briefly active addresses
NOVELTY = "greatest(toFloat64(is_new_address), toFloat64(activity_days <= 2))"
NOISE = 0.2  # width of the uniform noise added to the rules' strength

# typology -> (pattern type, condition, strength in [0, 1], volume in cents)
RULES: dict[str, tuple[str, str, str, str]] = {
    "fan_in": (
        "flow",
        "unique_senders_count >= 8",
        f"least(1, log2(unique_senders_count / 4) / 4) * (0.4 + 0.6 * {NOVELTY})",
        "x_in_cents",
    ),
    "fan_out": (
        "flow",
        "unique_recipients_count >= 8",
        f"least(1, log2(unique_recipients_count / 4) / 4) * (0.4 + 0.6 * {NOVELTY})",
        "x_out_cents",
    ),
    "peel_chain": (
        "flow",
        "tx_in_count BETWEEN 1 AND 3 AND tx_out_count BETWEEN 2 AND 4 AND x_pass_ratio >= 0.85 "
        "AND activity_span_days <= 3 AND counterparty_concentration >= 0.5",
        f"0.5 * x_pass_ratio + 0.3 * {NOVELTY} + 0.2 * (activity_span_days <= 1)",
        "x_out_cents",
    ),
    "cycle": (
        "graph",
        "x_cycle_size BETWEEN 3 AND 12 AND tx_in_count >= 2 AND tx_out_count >= 2",
        f"(1 - (x_cycle_size - 3) / 10) * x_pass_ratio * (0.5 + 0.5 * {NOVELTY})",
        "x_out_cents",
    ),
    "layering": (
        "graph",
        "is_new_address AND x_pass_ratio >= 0.7 AND unique_recipients_count >= 2 AND x_lag_hours < 24",
        "0.4 + 0.3 * x_pass_ratio + 0.3 * (x_lag_hours < 6)",
        "x_out_cents",
    ),
    "mixer": (
        "graph",
        "is_mixer_like OR mixer_cents >= 0.3 * x_volume_cents",
        f"if(is_mixer_like, 0.9, least(1, mixer_cents / x_volume_cents) * (0.5 + 0.5 * {NOVELTY}))",
        "if(is_mixer_like, x_volume_cents, mixer_cents)",
    ),
    "rapid_in_out": (
        "temporal",
        "velocity_score >= 0.5 AND tx_in_count >= 2 AND tx_out_count >= 2",
        f"velocity_score * (0.4 + 0.6 * {NOVELTY})",
        "x_out_cents",
    ),
    "structuring": (
        "amount",
        "x_near >= 3 AND structuring_score >= 0.25",
        f"least(1, structuring_score * 1.2) * least(1, x_near / 8) * (0.5 + 0.5 * {NOVELTY})",
        "x_out_cents",
    ),
}

_INDICATORS = {
    "new_address": "is_new_address",
    "high_velocity": "velocity_score >= 0.5",
    "round_amounts": "x_round_ratio >= 0.5",
    "below_threshold_amounts": "x_near >= 3",
    "night_activity": "night_transaction_ratio >= 0.4",
    "many_counterparties": "greatest(unique_senders_count, unique_recipients_count) >= 10",
    "pass_through": "x_pass_ratio >= 0.85",
    "mixer_counterparty": "mixer_cents > 0",
    "dormant_reactivated": "is_dormant_reactivated",
}

_EVIDENCE = (
    "unique_senders_count",
    "unique_recipients_count",
    "tx_in_count",
    "tx_out_count",
    "velocity_score",
    "structuring_score",
    "x_pass_ratio",
    "x_cycle_size",
)

_DESCRIPTIONS = {
    "fan_in": "'collects from ', toString(unique_senders_count), ' senders'",
    "fan_out": "'distributes to ', toString(unique_recipients_count), ' recipients'",
    "peel_chain": "'forwards ', toString(round(100 * x_pass_ratio)), '% of inflow with small peels'",
    "cycle": "'on a cycle of ', toString(x_cycle_size), ' addresses'",
    "layering": "'new address passing funds to ', toString(unique_recipients_count), ' addresses'",
    "mixer": "'mixer exposure of ', toString(round(100 * least(1, mixer_cents / x_volume_cents))), '%'",
    "rapid_in_out": "'moves funds through within ', toString(round(greatest(x_lag_hours, 0), 1)), ' hours'",
    "structuring": "toString(x_near), ' transfers just under the 10k USD threshold'",
}


# the feature columns rules, indicators, descriptions and clusters read
_USED = (
    "processing_date",
    "address_id",
    "unique_senders_count",
    "unique_recipients_count",
    "unique_counterparties",
    "counterparty_concentration",
    "tx_in_count",
    "tx_out_count",
    "activity_days",
    "activity_span_days",
    "velocity_score",
    "structuring_score",
    "night_transaction_ratio",
    "is_new_address",
    "is_mixer_like",
    "is_exchange_like",
    "is_contract_like",
    "is_dormant_reactivated",
    "community_id",
    "last_activity_timestamp",
    "x_pass_ratio",
    "x_lag_hours",
    "x_round_ratio",
    "x_near",
    "x_cycle_size",
    "x_in_cents",
    "x_out_cents",
    "x_volume_cents",
)


def _hits() -> str:
    tuples = ", ".join(
        f"('{name}', {condition}, toFloat64({strength}), toUInt64({volume}))"
        for name, (_, condition, strength, volume) in RULES.items()
    )
    return f"arrayJoin(arrayFilter(x -> x.2, [{tuples}]))"


def _by_rule(values: dict[str, str], default: str) -> str:
    cases = ", ".join(f"typology = '{name}', {expr}" for name, expr in values.items())
    return f"multiIf({cases}, {default})"


SEVERITY = "multiIf(confidence >= 0.9, 'critical', confidence >= 0.75, 'high', confidence >= 0.6, 'medium', 'low')"

CANDIDATES = f"""
CREATE TABLE {{database:Identifier}}.synth_tmp_alerts ENGINE = Memory AS
SELECT *,
    concat('al-', formatDateTime(processing_date, '%Y%m%d'), '-w', toString({{window:UInt16}}), '-',
        lower(hex(reinterpretAsFixedString(cityHash64({{seed:UInt64}}, address_id, typology))))) AS alert_id,
    {SEVERITY} AS severity
FROM (
    SELECT *,
        row_number() OVER (PARTITION BY processing_date ORDER BY confidence DESC, tiebreak) AS overall,
        row_number() OVER (PARTITION BY processing_date, typology ORDER BY confidence DESC, tiebreak) AS in_rule
    FROM (
        SELECT *, hit.1 AS typology, hit.3 AS strength, hit.4 AS volume_cents,
            cityHash64({{seed:UInt64}}, processing_date, address_id, hit.1) AS tiebreak,
            toFloat32(least(0.99, greatest(0.05,
                0.25 + 0.65 * strength + {NOISE} * (tiebreak / 18446744073709551616 - 0.5)))) AS confidence
        FROM (
            SELECT {", ".join(_USED)}, mixer_cents, {_hits()} AS hit
            FROM {{database:Identifier}}.synth_tmp_features AS f
            LEFT JOIN (
                SELECT processing_date, address_id, sum(cents) AS mixer_cents
                FROM ({LEGS}) AS legs
                INNER JOIN (
                    SELECT processing_date, address_id AS cp FROM {{database:Identifier}}.synth_tmp_features
                    WHERE is_mixer_like
                ) AS mixers USING (processing_date, cp)
                GROUP BY processing_date, address_id
            ) AS exposure USING (processing_date, address_id)
        )
    )
)
WHERE overall <= {{budget:UInt32}} AND in_rule <= {{rule_budget:UInt32}}
"""

_INDICATOR_ARRAY = "arrayFilter(x -> x != '', [{}])".format(
    ", ".join(f"if({cond}, '{name}', '')" for name, cond in _INDICATORS.items())
)
_PATTERN_TYPES = {name: f"'{kind}'" for name, (kind, *_) in RULES.items()}

WRITE = f"""
INSERT INTO {{database:Identifier}}.raw_alerts (window_days, processing_date, alert_id, address, typology_type,
    pattern_id, pattern_type, severity, suspected_address_type, suspected_address_subtype, alert_confidence_score,
    description, volume_usd, evidence_json, risk_indicators, created_at)
SELECT
    {{window:UInt16}}, processing_date, alert_id, {address("address_id")}, typology,
    concat('PAT-', upper(typology), '-V1'), {_by_rule(_PATTERN_TYPES, "''")}, severity,
    multiIf(is_exchange_like, 'exchange', is_contract_like, 'contract', is_mixer_like, 'mixer',
        is_new_address, 'fresh_wallet', 'wallet'),
    multiIf(x_pass_ratio >= 0.8, 'pass_through', unique_senders_count > 3 * unique_recipients_count, 'collector',
        unique_recipients_count > 3 * unique_senders_count, 'distributor', ''),
    confidence,
    concat('Address ', {_by_rule({k: f"concat({v})" for k, v in _DESCRIPTIONS.items()}, "''")}, ' over ',
        toString({{window:UInt16}}), ' days'),
    {usd("volume_cents")},
    toJSONString(map({", ".join(f"'{c}', toFloat64({c})" for c in _EVIDENCE)})),
    {_INDICATOR_ARRAY},
    toDateTime(processing_date, 'UTC') + 7200
FROM {{database:Identifier}}.synth_tmp_alerts
"""


def build(client: Client, database: str, cfg: SynthCfg, params: dict[str, Any]) -> None:
    """Raise the batch's alerts into ``synth_tmp_alerts`` and write them to raw_alerts."""
    budget = {"budget": cfg.alerts_per_day, "rule_budget": math.ceil(cfg.alerts_per_day * RULE_SHARE)}
    run(client, CANDIDATES, database, **params, **budget)
    run(client, WRITE, database, **params)
