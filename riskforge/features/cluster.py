"""``cluster``: the clusters an alert belongs to in its snapshot — how many, how large, how voluminous,
how severe and how confident (clusters naming the alert in related_alert_ids, or its address)."""

from __future__ import annotations

from riskforge.features.base import (
    SNAPSHOT,
    FeatureGroup,
    GroupSQL,
    SqlContext,
    array_of_strings,
    float32_columns,
    severity_rank,
)

AGGREGATES = {
    "clusters": "count()",
    "max_alerts": "max(total_alerts)",
    "max_addresses": "max(length(addresses_involved))",
    "log_volume_usd": "log1p(max(toFloat64(total_volume_usd)))",
    "max_severity": f"max({severity_rank('severity_max')})",
    "mean_confidence": "avg(confidence_avg)",
    "max_confidence": "max(confidence_avg)",
}


class ClusterGroup(FeatureGroup):
    name = "cluster"
    entity = "alert"
    tables = ("raw_clusters",)
    description = "count, size, volume, severity and confidence of the clusters the alert and its address are in"

    def select(self, ctx: SqlContext) -> GroupSQL:
        present = ctx.columns_of("raw_clusters")
        arrays = {
            c: array_of_strings(c, present.get(c, "Array(String)")) for c in ("related_alert_ids", "addresses_involved")
        }
        clusters = (
            "SELECT processing_date, total_alerts, total_volume_usd, severity_max, confidence_avg, "
            f"{arrays['related_alert_ids']} AS related_alert_ids, {arrays['addresses_involved']} AS addresses_involved "
            f"FROM {ctx.table('raw_clusters')} WHERE {SNAPSHOT}"
        )
        by_alert = ", ".join(f"{expr} AS {name}" for name, expr in AGGREGATES.items())
        exprs = {f"cluster_{name}": f"ifNull(a.{name}, 0)" for name in AGGREGATES}
        exprs["cluster_address_memberships"] = "ifNull(m.memberships, 0)"
        return GroupSQL(
            f"""SELECT {ctx.key_columns},
            {float32_columns(exprs)}
        FROM entities AS e
        LEFT JOIN (
            SELECT processing_date, member AS alert_id, {by_alert}
            FROM ({clusters}) ARRAY JOIN related_alert_ids AS member
            GROUP BY processing_date, member
        ) AS a ON a.processing_date = e.processing_date AND a.alert_id = e.alert_id
        LEFT JOIN (
            SELECT processing_date, member AS address, count() AS memberships
            FROM ({clusters}) ARRAY JOIN addresses_involved AS member
            GROUP BY processing_date, member
        ) AS m ON m.processing_date = e.processing_date AND m.address = e.address""",
            list(exprs),
        )
