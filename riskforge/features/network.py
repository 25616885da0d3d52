"""``network``: the alert address's money flows in its snapshot, from raw_money_flows.

In/out degree and volume, reciprocity, how active its counterparties are, and its exposure to
counterparties labelled high or critical by labels dated strictly BEFORE the snapshot — never counting the
address itself. This is the one built-in group that reads labels, and it declares it does so only for
other entities and only point in time.
"""

from __future__ import annotations

from riskforge.data.labels import GRADE_SQL
from riskforge.features.base import SNAPSHOT, FeatureGroup, GroupSQL, SqlContext, float32_columns

ACTIVITY = ("degree_total", "total_volume_usd")
AGGREGATES = {
    "network_out_degree": "uniqExactIf(cp, outgoing)",
    "network_in_degree": "uniqExactIf(cp, NOT outgoing)",
    "network_log_out_volume_usd": "log1p(sumIf(usd, outgoing))",
    "network_log_in_volume_usd": "log1p(sumIf(usd, NOT outgoing))",
    "network_tx_count": "sum(tx_count)",
    "network_reciprocity": "avg(reciprocity_ratio)",
    "network_bidirectional_share": "avg(is_bidirectional)",
    "network_counterparty_log_degree": "avg(log1p(cp_degree))",
    "network_counterparty_log_volume_usd": "avg(log1p(cp_volume))",
    "network_risky_counterparties": "uniqExactIf(cp, flagged)",
    "network_risky_volume_share": "sumIf(usd, flagged) / nullIf(sum(usd), 0)",
}


class NetworkGroup(FeatureGroup):
    name = "network"
    entity = "alert"
    tables = ("raw_money_flows", "raw_features", "raw_address_labels")
    reads_labels = "others_before_snapshot"
    description = "in/out degree and volume, reciprocity, counterparties' activity, exposure to labelled risk"

    def select(self, ctx: SqlContext) -> GroupSQL:
        flows = ctx.table("raw_money_flows")
        present = ctx.columns_of("raw_features")
        activity = {c: f"toFloat64({c})" if c in present else "CAST(NULL, 'Nullable(Float64)')" for c in ACTIVITY}
        sides = " UNION ALL ".join(
            f"""SELECT processing_date, {me} AS address, {other} AS cp, toFloat64(amount_usd_sum) AS usd, tx_count,
                    reciprocity_ratio, toUInt8(is_bidirectional) AS is_bidirectional, {outgoing} AS outgoing
                FROM {flows}
                WHERE {SNAPSHOT} AND {me} != {other}
                    AND {me} IN (SELECT alerted.address FROM entities AS alerted)"""
            for me, other, outgoing in (("from_address", "to_address", 1), ("to_address", "from_address", 0))
        )
        aggregates = ", ".join(f"{expr} AS {name}" for name, expr in AGGREGATES.items())
        return GroupSQL(
            f"""SELECT {ctx.key_columns},
            {float32_columns({name: f"n.{name}" for name in AGGREGATES})}
        FROM entities AS e
        LEFT JOIN (
            SELECT processing_date, address, {aggregates}
            FROM (
                SELECT s.*, c.cp_degree_total AS cp_degree, c.cp_total_volume_usd AS cp_volume,
                    ifNull(r.first_flagged < s.processing_date, 0) AS flagged
                FROM ({sides}) AS s
                LEFT JOIN (
                    SELECT processing_date AS cp_date, address AS cp_address,
                        {", ".join(f"{e} AS cp_{c}" for c, e in activity.items())}
                    FROM {ctx.table("raw_features")} WHERE {SNAPSHOT}
                ) AS c ON c.cp_date = s.processing_date AND c.cp_address = s.cp
                LEFT JOIN (
                    SELECT address AS flagged_address, min(processing_date) AS first_flagged
                    FROM {ctx.table("raw_address_labels")}
                    WHERE {GRADE_SQL} >= 3 AND processing_date < {{end_date:Date}}
                    GROUP BY address
                ) AS r ON r.flagged_address = s.cp
            )
            GROUP BY processing_date, address
        ) AS n ON n.processing_date = e.processing_date AND n.address = e.address""",
            list(AGGREGATES),
        )
