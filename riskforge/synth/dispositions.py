"""alert_dispositions: what an analyst team decided about the alerts it had time to investigate.

The team picks more of the confident alerts (a selection bias, as in real queues), decides from what
investigation reveals (the ground truth, with mistakes) and records the decision days later. Decisions
after ``end_date`` are not known yet.
"""

from __future__ import annotations

import datetime as dt

from clickhouse_connect.driver.client import Client

from riskforge.synth.sql import run

# uniform [0, 1) draws from the alert id: one per decision (investigated?, outcome, delay)
_DRAW = "cityHash64({seed:UInt64}, alert_id, %d) / 18446744073709551616"

WRITE = f"""
INSERT INTO {{database:Identifier}}.alert_dispositions (alert_id, disposition, decided_at)
SELECT alert_id,
    if(involved,
        multiIf({_DRAW % 2} < 0.55, 'sar_filed', {_DRAW % 2} < 0.9, 'escalated', 'closed_false_positive'),
        multiIf({_DRAW % 2} < 0.9, 'closed_false_positive', 'escalated')) AS disposition,
    toDateTime(processing_date, 'UTC') + toIntervalSecond(toUInt32(86400 + {_DRAW % 3} * 14 * 86400)) AS decided_at
FROM (
    SELECT a.alert_id AS alert_id, a.processing_date AS processing_date, a.alert_confidence_score AS confidence,
        max(a.processing_date BETWEEN g.start_date AND g.end_date + toIntervalDay(a.window_days)) AS involved
    FROM {{database:Identifier}}.raw_alerts AS a
    LEFT JOIN (
        SELECT DISTINCT address, start_date, end_date FROM {{database:Identifier}}.synth_ground_truth
    ) AS g ON g.address = a.address
    GROUP BY alert_id, processing_date, confidence
)
WHERE {_DRAW % 1} < 0.05 + 0.3 * confidence * confidence
  AND toDate(decided_at) <= {{end:Date}}
"""


def build(client: Client, database: str, seed: int, end: dt.date) -> None:
    run(client, WRITE, database, seed=seed, end=end)
