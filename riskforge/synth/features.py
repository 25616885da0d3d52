"""raw_features of a batch of processing dates, computed in ClickHouse as an upstream pipeline would.

The daily address states are merged over each window (``-Merge`` combinators, exact integer sums and
moments), counterparty statistics come from the window's merged flows, graph metrics from the batch's
graph table; snapshot-relative scores (anomaly scores, whale flags) use percentile ranks within the
snapshot. Every float is derived from exact integers in a fixed order, so reruns give identical rows.
The result lands in ``synth_tmp_features`` (by address id, with a few ``x_`` extras the alert rules
read) before it is written to raw_features.
"""

from __future__ import annotations

from riskforge.synth.flows import IN_BATCH, LEGS, WINDOW_DAYS
from riskforge.synth.sql import ASSET_NAMES_SQL, merged_words, packed_counts, unpacked, usd
from riskforge.synth.tables import ASSET_SLOTS, HOURS, WEEKDAYS

_BASE = f"""
SELECT
    {WINDOW_DAYS} AS processing_date, address_id,
    sum(n_in) AS tx_in, sum(n_out) AS tx_out, sum(cents_in) AS c_in, sum(cents_out) AS c_out,
    max(max_cents) AS c_max, min(min_cents) AS c_min,
    argMax(max_hour, (max_cents, day)) AS max_hour,
    argMax(toDayOfWeek(day) - 1, (max_cents, day)) AS max_weekday,
    sum(s2) AS s2, sum(s3) AS s3, sum(s4) AS s4, sum(ts_in) AS ts_in, sum(ts_out) AS ts_out,
    min(first_ts) AS first_ts, max(last_ts) AS last_ts,
    sum(near_threshold) AS near, sum(small) AS small, sum(night) AS night,
    sum(round_amounts) AS round_n, sum(outliers) AS outlier_n,
    groupBitOr(asset_in_mask) AS mask_in, groupBitOr(asset_out_mask) AS mask_out,
    {", ".join(merged_words("h", HOURS))},
    {", ".join(merged_words("ai", ASSET_SLOTS))},
    {", ".join(merged_words("ao", ASSET_SLOTS))},
    {", ".join(packed_counts("w", "toDayOfWeek(day) - 1", "n_in + n_out", WEEKDAYS))},
    toUInt32(count()) AS active_days, min(day) AS first_day, max(day) AS last_day,
    sum(toUInt64(n_in + n_out) * (n_in + n_out)) AS daily_n2, max(n_in + n_out) AS daily_max,
    sum(toUInt128(cents_in + cents_out) * (cents_in + cents_out)) AS daily_v2,
    quantileExactMerge(0.5)(median_in) AS med_in, quantileExactMerge(0.5)(median_out) AS med_out
FROM {{database:Identifier}}.synth_address_day
WHERE {IN_BATCH}
GROUP BY processing_date, address_id
"""

# counterparties of each address in the window, both directions merged, amounts sorted so that every
# float below is summed in the same order on every run
_FLOW = f"""
SELECT
    processing_date, address_id,
    toUInt32(count()) AS ucp, toUInt32(sum(has_in)) AS senders, toUInt32(sum(has_out)) AS recipients,
    toUInt32(sum(has_in * has_out)) AS bidirectional, toUInt32(countIf(days >= 2)) AS stable,
    arraySort(groupArray(cents)) AS amounts, arraySum(amounts) AS flow_cents
FROM (
    SELECT processing_date, address_id, cp, sum(cents) AS cents, max(outgoing) AS has_out,
        1 - min(outgoing) AS has_in, max(active_days) AS days
    FROM ({LEGS}) AS legs
    GROUP BY processing_date, address_id, cp
)
GROUP BY processing_date, address_id
"""

_REACTIVATED = f"""
SELECT {WINDOW_DAYS} AS processing_date, address_id, max(gap_days) AS gap
FROM {{database:Identifier}}.synth_reactivations
WHERE {IN_BATCH}
GROUP BY processing_date, address_id
"""


def _entropy(counts: str, total: str, slots: int) -> str:
    """Normalised Shannon entropy of an array of non-negative counts (0 for an empty array)."""
    return (
        f"if({total} > 0, arraySum(x -> if(x > 0, -(x / {total}) * log(x / {total}), 0), {counts}) / log({slots}), 0)"
    )


def _ratio(num: str, den: str) -> str:
    return f"if(({den}) > 0, ({num}) / ({den}), 0)"


# Metrics of each (snapshot, address), one layer per subquery: an expression only refers to columns of
# the layer below (ClickHouse inlines aliases, and chains of aliases make huge expression trees).
_JOINED = f"""
SELECT *
FROM ({_BASE}) AS b
LEFT JOIN ({_FLOW}) AS f USING (processing_date, address_id)
LEFT JOIN {{database:Identifier}}.synth_tmp_graph AS g USING (processing_date, address_id)
LEFT JOIN (
    SELECT address_id, first_ts AS ever_first_ts FROM {{database:Identifier}}.synth_address_life
) AS life USING (address_id)
LEFT JOIN ({_REACTIVATED}) AS r USING (processing_date, address_id)
"""

_TOTALS = f"""
SELECT *,
    tx_in + tx_out AS n, c_in + c_out AS c_tot, {{window:UInt16}} AS win,
    {unpacked("h", HOURS)} AS hourly,
    {unpacked("w", WEEKDAYS)} AS weekly,
    {unpacked("ai", ASSET_SLOTS)} AS assets_in,
    {unpacked("ao", ASSET_SLOTS)} AS assets_out,
    toUnixTimestamp(toDateTime(processing_date - {{window:UInt16}}, 'UTC')) AS window_start,
    greatest(senders, recipients) AS fan,
    toFloat64(least(c_in, c_out)) / greatest(c_in, c_out, 1) AS pass_ratio,
    if(tx_in > 0 AND tx_out > 0, (ts_out / tx_out - ts_in / tx_in) / 3600, 0) AS lag_hours,
    toUInt32(last_day - first_day + 1) AS span,
    toFloat64(daily_max) * active_days / (tx_in + tx_out) AS burst
FROM ({_JOINED}) AS joined
"""

# central moments times n^k, exact in Int256, then as floats
_MOMENTS = f"""
SELECT *,
    toFloat64(toInt256(n) * s2 - toInt256(c_tot) * c_tot) / (toFloat64(n) * n) AS var_cents,
    toFloat64(toInt256(n) * n * s3 - 3 * toInt256(n) * c_tot * s2 + 2 * toInt256(c_tot) * c_tot * c_tot)
        / pow(toFloat64(n), 3) AS m3,
    toFloat64(toInt256(n) * n * n * s4 - 4 * toInt256(n) * n * c_tot * s3 + 6 * toInt256(n) * c_tot * c_tot * s2
        - 3 * toInt256(c_tot) * c_tot * c_tot * c_tot) / pow(toFloat64(n), 4) AS m4,
    toFloat64(toInt256(win) * daily_v2 - toInt256(c_tot) * c_tot) / (win * win) AS daily_var,
    toFloat64(toInt256(win) * daily_n2 - toInt256(n) * n) / (win * win) AS count_var,
    n / win AS count_mean,
    arrayMap((x, y) -> x + y, assets_in, assets_out) AS assets,
    if(tx_in > 0 AND tx_out > 0, pass_ratio * exp(-greatest(lag_hours, 0) / 24), 0) AS velocity
FROM ({_TOTALS}) AS totals
"""


def _deviation(*names: str) -> str:
    """Mean distance of scaled metrics from their snapshot median, in units of their 10-90% range (<= 1)."""
    return "(" + " + ".join(f"d_{n}" for n in names) + f") / {len(names)}"


_BEHAVIOUR = ("volume", "count", "burst", "night")
_GRAPH = ("pagerank", "clustering", "kcore")
_NEIGHBOURS = ("khop1", "khop2_volume")


# the contract's columns (raw_features order), then the extras the alert rules read
COLUMNS: list[tuple[str, str]] = [
    ("window_days", "toUInt16(win)"),
    ("processing_date", "processing_date"),
    ("address_id", "address_id"),
    ("degree_in", "toUInt32(tx_in)"),  # upstream: degrees are transaction counts
    ("degree_out", "toUInt32(tx_out)"),
    ("degree_total", "toUInt32(n)"),
    ("unique_counterparties", "ucp"),
    ("total_in_usd", usd("c_in")),
    ("total_out_usd", usd("c_out")),
    ("net_flow_usd", usd("toInt128(c_in) - toInt128(c_out)")),
    ("total_volume_usd", usd("c_tot")),
    ("avg_tx_in_usd", usd("intDiv(c_in, greatest(tx_in, 1))")),
    ("avg_tx_out_usd", usd("intDiv(c_out, greatest(tx_out, 1))")),
    ("median_tx_in_usd", usd("if(tx_in > 0, med_in, 0)")),
    ("median_tx_out_usd", usd("if(tx_out > 0, med_out, 0)")),
    ("max_tx_usd", usd("c_max")),
    ("min_tx_usd", usd("c_min")),
    ("amount_variance", "toFloat64(toFloat32(var_cents / 10000))"),
    ("amount_skewness", "toFloat64(toFloat32(if(var_cents > 0, m3 / pow(var_cents, 1.5), 0)))"),
    ("amount_kurtosis", "toFloat64(toFloat32(if(var_cents > 0, m4 / pow(var_cents, 2), 0)))"),
    ("volume_std", "toFloat64(toFloat32(sqrt(greatest(daily_var, 0)) / 100))"),
    ("volume_cv", f"toFloat64(toFloat32({_ratio('sqrt(greatest(daily_var, 0))', 'c_tot / win')}))"),
    (
        "flow_concentration",
        "toFloat64(toFloat32({}))".format(
            _ratio("arraySum(x -> toFloat64(x) * x, amounts)", "toFloat64(flow_cents) * flow_cents")
        ),
    ),
    ("tx_in_count", "toUInt64(tx_in)"),
    ("tx_out_count", "toUInt64(tx_out)"),
    ("tx_total_count", "toUInt64(n)"),
    ("activity_days", "active_days"),
    ("activity_span_days", "span"),
    ("avg_daily_volume_usd", usd("intDiv(c_tot, active_days)")),
    ("peak_hour", "toUInt8(max_hour)"),
    ("peak_day", "toUInt8(max_weekday)"),
    ("regularity_score", "toFloat32(active_days / span)"),
    ("burst_factor", "toFloat32(burst)"),
    ("reciprocity_ratio", f"toFloat32({_ratio('bidirectional', 'ucp')})"),
    ("flow_diversity", f"toFloat32({_entropy('amounts', 'flow_cents', 'greatest(ucp, 2)')})"),
    ("counterparty_concentration", f"toFloat32({_ratio('amounts[-1]', 'flow_cents')})"),
    ("concentration_ratio", f"toFloat32({_ratio('arraySum(arraySlice(arrayReverse(amounts), 1, 3))', 'flow_cents')})"),
    ("velocity_score", "toFloat32(velocity)"),
    ("structuring_score", f"toFloat32({_ratio('near', 'n')})"),
    ("unique_assets_in", "toUInt32(bitCount(mask_in))"),
    ("unique_assets_out", "toUInt32(bitCount(mask_out))"),
    ("dominant_asset_in", f"if(tx_in > 0, {ASSET_NAMES_SQL}[indexOf(assets_in, arrayMax(assets_in))], '')"),
    ("dominant_asset_out", f"if(tx_out > 0, {ASSET_NAMES_SQL}[indexOf(assets_out, arrayMax(assets_out))], '')"),
    ("asset_diversity_score", f"toFloat32({_entropy('assets', 'n', ASSET_SLOTS)})"),
    ("hourly_activity", "hourly"),
    ("daily_activity", "weekly"),
    ("peak_activity_hour", "toUInt8(indexOf(hourly, arrayMax(hourly)) - 1)"),
    ("peak_activity_day", "toUInt8(indexOf(weekly, arrayMax(weekly)) - 1)"),
    ("hourly_entropy", f"toFloat32({_entropy('hourly', 'n', HOURS)})"),
    ("daily_entropy", f"toFloat32({_entropy('weekly', 'n', WEEKDAYS)})"),
    ("weekend_transaction_ratio", "toFloat32((weekly[6] + weekly[7]) / n)"),
    ("night_transaction_ratio", "toFloat32(night / n)"),
    ("small_transaction_ratio", "toFloat32(small / n)"),
    ("consistency_score", f"toFloat32(1 / (1 + {_ratio('sqrt(greatest(count_var, 0))', 'count_mean')}))"),
    ("pagerank", "pagerank"),
    ("betweenness", "betweenness"),
    ("closeness", "closeness"),
    ("clustering_coefficient", "clustering_coefficient"),
    ("kcore", "kcore"),
    ("community_id", "community_id"),
    ("centrality_score", "centrality_score"),
    ("khop1_count", "khop1_count"),
    ("khop2_count", "khop2_count"),
    ("khop3_count", "khop3_count"),
    ("khop1_volume_usd", usd("khop1_volume_cents")),
    ("khop2_volume_usd", usd("khop2_volume_cents")),
    ("khop3_volume_usd", usd("khop3_volume_cents")),
    (
        "flow_reciprocity_entropy",
        "toFloat32({})".format(
            _entropy("[senders - bidirectional, recipients - bidirectional, bidirectional]", "ucp", 3)
        ),
    ),
    ("counterparty_stability", f"toFloat32({_ratio('stable', 'ucp')})"),
    (
        "flow_burstiness",
        "toFloat32(if(count_var > 0 OR count_mean > 0, (sqrt(greatest(count_var, 0)) - count_mean) / "
        "(sqrt(greatest(count_var, 0)) + count_mean), 0))",
    ),
    ("transaction_regularity", "toFloat32(arraySum(arraySlice(arrayReverseSort(hourly), 1, 3)) / n)"),
    ("amount_predictability", f"toFloat32(1 / (1 + {_ratio('sqrt(greatest(var_cents, 0))', 'c_tot / n')}))"),
    ("behavioral_anomaly_score", f"toFloat32({_deviation(*_BEHAVIOUR)})"),
    ("graph_anomaly_score", f"toFloat32({_deviation(*_GRAPH)})"),
    ("neighborhood_anomaly_score", f"toFloat32({_deviation(*_NEIGHBOURS)})"),
    (
        "global_anomaly_score",
        f"toFloat32(({_deviation(*_BEHAVIOUR)} + {_deviation(*_GRAPH)} + {_deviation(*_NEIGHBOURS)}) / 3)",
    ),
    ("outlier_transactions", "toUInt32(outlier_n)"),
    (
        "suspicious_pattern_score",
        "toFloat32(0.35 * near / n + 0.35 * velocity + 0.15 * (ever_first_ts >= window_start) "
        "+ 0.15 * least(1, fan / 50))",
    ),
    ("is_exchange_like", "senders >= 25 AND recipients >= 25 AND active_days >= greatest(2, 0.6 * win)"),
    ("is_whale", "z_volume >= q_volume[5]"),
    ("is_mixer_like", "senders >= 5 AND recipients >= 5 AND round_n >= 0.3 * n"),
    ("is_contract_like", f"{_ratio('bidirectional', 'ucp')} >= 0.6 AND ucp >= 10"),
    ("is_new_address", "ever_first_ts >= window_start"),
    ("is_dormant_reactivated", "gap > 0"),
    ("is_high_volume_trader", "z_count >= q_count[4] AND z_volume >= q_volume[3]"),
    ("is_hub_address", "ucp >= 50"),
    ("is_retail_active", "z_volume < q_volume[3] AND active_days >= 3"),
    ("is_whale_inactive", "z_volume >= q_volume[4] AND active_days <= 1"),
    ("is_retail_inactive", "z_volume < q_volume[2] AND active_days = 1"),
    ("is_regular_user", "active_days >= 2 AND active_days / span >= 0.5 AND ucp < 50 AND ever_first_ts < window_start"),
    ("unique_recipients_count", "recipients"),
    ("unique_senders_count", "senders"),
    ("completeness_score", "toFloat32(((tx_in > 0) + (tx_out > 0) + (n >= 2) + (active_days >= 2) + (ucp >= 2)) / 5)"),
    (
        "quality_score",
        "toFloat32(((tx_in > 0) + (tx_out > 0) + (n >= 2) + (active_days >= 2) + (ucp >= 2)) / 5 * least(1, n / 10))",
    ),
    ("outlier_score", "toFloat32(outlier_n / n)"),
    ("confidence_score", "toFloat32(1 - exp(-n / 5))"),
    ("first_activity_timestamp", "toUInt64(ever_first_ts)"),
    ("last_activity_timestamp", "toUInt64(last_ts)"),
    ("created_at", "toDateTime(processing_date, 'UTC') + 3600"),
    # extras for the alert rules (not written to raw_features)
    ("x_pass_ratio", "toFloat32(pass_ratio)"),
    ("x_lag_hours", "toFloat32(lag_hours)"),
    ("x_round_ratio", "toFloat32(round_n / n)"),
    ("x_near", "toUInt32(near)"),
    ("x_cycle_size", "cycle_size"),
    ("x_in_cents", "c_in"),
    ("x_out_cents", "c_out"),
    ("x_volume_cents", "c_tot"),
]

# snapshot-relative scores compare these to their quantiles (10, 50, 90, 95, 99%) within the snapshot
_SCALED = {
    "volume": "log1p(c_tot)",
    "count": "log1p(n)",
    "burst": "burst",
    "night": "night / n",
    "pagerank": "log(pagerank + 1e-12)",
    "clustering": "clustering_coefficient",
    "kcore": "kcore",
    "khop1": "log1p(khop1_count)",
    "khop2_volume": "log1p(khop2_volume_cents)",
}

METRICS = f"""
CREATE TABLE {{database:Identifier}}.synth_tmp_metrics ENGINE = Memory AS
SELECT *, {", ".join(f"toFloat64({expr}) AS z_{name}" for name, expr in _SCALED.items())}
FROM ({_MOMENTS}) AS moments
"""

_QUANTILES = ", ".join(f"quantilesExact(0.1, 0.5, 0.9, 0.95, 0.99)(z_{name}) AS q_{name}" for name in _SCALED)
_DEVIATIONS = ", ".join(
    f"least(1, abs(z_{name} - q_{name}[2]) / greatest(q_{name}[3] - q_{name}[1], 1e-9)) AS d_{name}" for name in _SCALED
)

COMPUTE = f"""
CREATE TABLE {{database:Identifier}}.synth_tmp_features ENGINE = Memory AS
SELECT {", ".join(f"{expr} AS {name}" for name, expr in COLUMNS)}
FROM (
    SELECT *, {_DEVIATIONS}
    FROM {{database:Identifier}}.synth_tmp_metrics
    INNER JOIN (
        SELECT processing_date, {_QUANTILES} FROM {{database:Identifier}}.synth_tmp_metrics GROUP BY processing_date
    ) AS quantiles USING (processing_date)
) AS scored
"""
