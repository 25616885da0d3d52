"""raw_money_flows of a batch of processing dates: the pair-day states merged over each window.

The merged flows are first kept by address id in ``synth_tmp_flows`` (the graph, feature and alert
stages of the batch read them), then written to the contract table with their addresses.
"""

from __future__ import annotations

from riskforge.synth.sql import ASSET_NAMES_SQL, address, merged_words, packed_counts, unpacked, usd
from riskforge.synth.tables import ASSET_SLOTS, HOURS, WEEKDAYS

# A snapshot on date D covers the `window` days before D: a daily row of `day` counts in the snapshots
# D = day + i, i in 1..window, of which only those in the batch (first..last) are generated.
WINDOW_DAYS = (
    "arrayJoin(arrayMap(i -> day + i, range(toUInt32(greatest(1, toInt32({first:Date}) - toInt32(day))), "
    "toUInt32(least({window:UInt16}, toInt32({last:Date}) - toInt32(day)) + 1))))"
)
IN_BATCH = "day BETWEEN {first:Date} - {window:UInt16} AND {last:Date} - 1"

# each merged flow seen from both of its ends
LEGS = """
SELECT processing_date, src AS address_id, dst AS cp, cents, active_days, 1 AS outgoing
FROM {database:Identifier}.synth_tmp_flows
UNION ALL
SELECT processing_date, dst, src, cents, active_days, 0 FROM {database:Identifier}.synth_tmp_flows
"""

MERGE = f"""
CREATE TABLE {{database:Identifier}}.synth_tmp_flows ENGINE = Memory AS
SELECT
    {WINDOW_DAYS} AS processing_date, src, dst,
    sum(n) AS tx_count, sum(cents) AS cents, sum(nano) AS nano,
    min(first_ts) AS first_ts, max(last_ts) AS last_ts, toUInt32(count()) AS active_days,
    groupBitOr(asset_mask) AS asset_mask,
    {", ".join(merged_words("h", HOURS))},
    {", ".join(merged_words("a", ASSET_SLOTS))},
    {", ".join(packed_counts("w", "toDayOfWeek(day) - 1", "n", WEEKDAYS))}
FROM {{database:Identifier}}.synth_pair_day
WHERE {IN_BATCH}
GROUP BY processing_date, src, dst
"""

_COLUMNS = (
    "window_days, processing_date, from_address, to_address, tx_count, amount_sum, amount_usd_sum, "
    "first_seen_timestamp, last_seen_timestamp, active_days, avg_tx_size_usd, unique_assets, dominant_asset, "
    "hourly_pattern, weekly_pattern, reciprocity_ratio, is_bidirectional, created_at"
)

WRITE = f"""
INSERT INTO {{database:Identifier}}.raw_money_flows ({_COLUMNS})
SELECT
    {{window:UInt16}}, f.processing_date, {address("f.src")}, {address("f.dst")}, f.tx_count,
    toDecimal128(f.nano, 18) / 1000000000, {usd("f.cents")}, f.first_ts, f.last_ts, f.active_days,
    {usd("f.cents")} / f.tx_count, bitCount(f.asset_mask),
    {ASSET_NAMES_SQL}[indexOf(assets, arrayMax(assets))],
    {unpacked("f.h", HOURS)}, {unpacked("f.w", WEEKDAYS)},
    toFloat32(if(r.cents > 0, least(f.cents, r.cents) / greatest(f.cents, r.cents), 0)),
    r.cents > 0,
    toDateTime(f.processing_date, 'UTC') + 3600
FROM (SELECT *, {unpacked("a", ASSET_SLOTS)} AS assets FROM {{database:Identifier}}.synth_tmp_flows) AS f
LEFT JOIN (SELECT processing_date, src, dst, cents FROM {{database:Identifier}}.synth_tmp_flows) AS r
    ON r.processing_date = f.processing_date AND r.src = f.dst AND r.dst = f.src
"""
