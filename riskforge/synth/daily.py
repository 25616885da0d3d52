"""Daily aggregate states, computed in ClickHouse once per simulated day: what the window stages merge.

``synth_address_day``: per (day, address) counts, integer sums and power sums of amounts (exact, so that
merged moments are deterministic), packed hour/asset histograms and ``quantileExact`` states.
``synth_pair_day``: per (day, sender, receiver) the same for money flows. ``synth_address_life`` and
``synth_reactivations`` hold each address's first activity and its returns after 30+ quiet days.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from clickhouse_connect.driver.client import Client

from riskforge.synth.sql import packed_counts, run
from riskforge.synth.tables import ASSET_SLOTS, HOURS

DORMANT_DAYS = 30
NEAR_THRESHOLD_CENTS = (850_000, 1_000_000)  # 8,500 <= USD < 10,000: just under a reporting threshold
SMALL_CENTS = 10_000  # under 100 USD

_LEGS = """
    SELECT day, src AS address_id, dst AS counterparty, 1 AS outgoing, ts, asset, usd_cents AS cents, amount_nano
    FROM {database:Identifier}.synth_transfers WHERE day BETWEEN {lo:Date} AND {hi:Date}
    UNION ALL
    SELECT day, dst, src, 0, ts, asset, usd_cents, amount_nano
    FROM {database:Identifier}.synth_transfers WHERE day BETWEEN {lo:Date} AND {hi:Date}
"""

_HOUR = "toUInt8(intDiv(ts % 86400, 3600))"

ADDRESS_DAY = f"""
INSERT INTO {{database:Identifier}}.synth_address_day
SELECT
    day, address_id,
    toUInt32(countIf(outgoing = 0)) AS n_in,
    toUInt32(countIf(outgoing = 1)) AS n_out,
    sumIf(cents, outgoing = 0) AS cents_in,
    sumIf(cents, outgoing = 1) AS cents_out,
    max(cents) AS max_cents,
    min(cents) AS min_cents,
    argMax({_HOUR}, (cents, ts, counterparty, outgoing)) AS max_hour,
    sum(toUInt128(cents) * cents) AS s2,
    sum(toUInt256(cents) * cents * cents) AS s3,
    sum(toUInt256(cents) * cents * cents * cents) AS s4,
    sumIf(toUInt64(ts), outgoing = 0) AS ts_in,
    sumIf(toUInt64(ts), outgoing = 1) AS ts_out,
    min(ts) AS first_ts,
    max(ts) AS last_ts,
    toUInt32(countIf(cents >= {NEAR_THRESHOLD_CENTS[0]} AND cents < {NEAR_THRESHOLD_CENTS[1]})) AS near_threshold,
    toUInt32(countIf(cents < {SMALL_CENTS})) AS small,
    toUInt32(countIf({_HOUR} < 6)) AS night,
    toUInt32(countIf(amount_nano % 100000000 = 0 OR cents % 100000 = 0)) AS round_amounts,
    toUInt32(countIf(cents > cut)) AS outliers,
    groupBitOrIf(bitShiftLeft(toUInt8(1), asset), outgoing = 0) AS asset_in_mask,
    groupBitOrIf(bitShiftLeft(toUInt8(1), asset), outgoing = 1) AS asset_out_mask,
    {", ".join(packed_counts("h", _HOUR, "1", HOURS))},
    {", ".join(packed_counts("ai", "asset", "outgoing = 0", ASSET_SLOTS))},
    {", ".join(packed_counts("ao", "asset", "outgoing = 1", ASSET_SLOTS))},
    quantileExactStateIf(0.5)(cents, outgoing = 0) AS median_in,
    quantileExactStateIf(0.5)(cents, outgoing = 1) AS median_out
FROM ({_LEGS}) AS legs
INNER JOIN (
    SELECT day, quantileExact(0.99)(usd_cents) AS cut
    FROM {{database:Identifier}}.synth_transfers WHERE day BETWEEN {{lo:Date}} AND {{hi:Date}} GROUP BY day
) AS daily USING (day)
GROUP BY day, address_id
"""

PAIR_DAY = f"""
INSERT INTO {{database:Identifier}}.synth_pair_day
SELECT
    day, src, dst, toUInt32(count()) AS n, sum(usd_cents) AS cents, sum(amount_nano) AS nano,
    min(ts) AS first_ts, max(ts) AS last_ts, groupBitOr(bitShiftLeft(toUInt8(1), asset)) AS asset_mask,
    {", ".join(packed_counts("h", _HOUR, "1", HOURS))},
    {", ".join(packed_counts("a", "asset", "1", ASSET_SLOTS))}
FROM {{database:Identifier}}.synth_transfers
WHERE day BETWEEN {{lo:Date}} AND {{hi:Date}}
GROUP BY day, src, dst
"""

LIFE = """
INSERT INTO {database:Identifier}.synth_address_life
SELECT address_id, min(first_ts) FROM {database:Identifier}.synth_address_day GROUP BY address_id
"""

REACTIVATIONS = f"""
INSERT INTO {{database:Identifier}}.synth_reactivations
SELECT day, address_id, gap FROM (
    SELECT day, address_id,
        toUInt32(day - lagInFrame(day) OVER w) AS gap,
        row_number() OVER w AS nth
    FROM {{database:Identifier}}.synth_address_day
    WINDOW w AS (PARTITION BY address_id ORDER BY day ROWS BETWEEN 1 PRECEDING AND CURRENT ROW)
)
WHERE nth > 1 AND gap >= {DORMANT_DAYS}
"""


def build(
    client: Client, database: str, first_day: dt.date, days: int, chunk: int, progress: Callable[[float], None]
) -> None:
    """Fill the daily state tables for ``days`` days from ``first_day``, ``chunk`` days per query."""
    for start in range(0, days, chunk):
        lo = first_day + dt.timedelta(days=start)
        hi = first_day + dt.timedelta(days=min(days, start + chunk) - 1)
        run(client, ADDRESS_DAY, database, lo=lo, hi=hi)
        run(client, PAIR_DAY, database, lo=lo, hi=hi)
        progress(min(days, start + chunk) / days)
    run(client, LIFE, database)
    run(client, REACTIVATIONS, database)
