"""Cluster-level groups (for cluster_scorer): the cluster's own summary, and aggregates of its members.

Members are the cluster's related alerts (``related_alert_ids``) and involved addresses; their rows are
read from the same snapshot (processing_date, window) as the cluster, so nothing comes from later data.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from riskforge.features.address import NUMERIC
from riskforge.features.alert import slug
from riskforge.features.base import SNAPSHOT, FeatureGroup, GroupSQL, SqlContext, float32_columns, severity_rank


def _select(ctx: SqlContext, exprs: dict[str, str], body: str) -> GroupSQL:
    return GroupSQL(f"SELECT {ctx.key_columns},\n            {float32_columns(exprs)}\n        {body}", list(exprs))


@dataclass
class ProfileParams:
    """``cluster_types``: the cluster_type vocabulary one-hot encoded (fixed, so scoring sees the same)."""

    cluster_types: list[str] = field(default_factory=list)


class ClusterProfileGroup(FeatureGroup):
    name = "cluster_profile"
    entity = "cluster"
    tables = ("raw_clusters",)
    description = "the cluster's size, volume, severity, confidence, alert span and type"
    params_schema = ProfileParams

    def select(self, ctx: SqlContext) -> GroupSQL:
        exprs = {
            "cluster_confidence_avg": "e.confidence_avg",
            "cluster_total_alerts": "e.total_alerts",
            "cluster_related_alerts": "length(e.related_alert_ids)",
            "cluster_member_addresses": "length(e.member_addresses)",
            "cluster_log_volume_usd": "log1p(greatest(e.total_volume_usd, 0))",
            "cluster_severity_rank": severity_rank("e.severity_max"),
            "cluster_alert_span": "e.latest_alert_timestamp - e.earliest_alert_timestamp",
        }
        for kind in ctx.params.get("cluster_types", []):
            exprs[f"cluster_type_{slug(kind)}"] = f"lower(e.cluster_type) = lower({ctx.bind(kind, 'String')})"
        return _select(ctx, exprs, "FROM entities AS e")


@dataclass
class MembersParams:
    """``address_columns``: raw_features columns averaged and maxed over the member addresses."""

    address_columns: list[str] = field(
        default_factory=lambda: [
            "total_volume_usd",
            "degree_total",
            "unique_counterparties",
            "velocity_score",
            "structuring_score",
            "burst_factor",
            "reciprocity_ratio",
            "small_transaction_ratio",
            "pagerank",
            "khop2_count",
        ]
    )


class ClusterMembersGroup(FeatureGroup):
    name = "cluster_members"
    entity = "cluster"
    tables = ("raw_clusters", "raw_alerts", "raw_features")
    description = "member alerts' confidence, severity mix and typologies; member addresses' feature aggregates"
    params_schema = MembersParams

    def select(self, ctx: SqlContext) -> GroupSQL:
        present = ctx.columns_of("raw_features")
        columns = [c for c in ctx.params.get("address_columns", []) if c in present and NUMERIC.match(present[c])]
        alert_aggs = {
            "members_alerts_found": "count(a.alert_id)",
            "members_confidence_mean": "avg(a.confidence)",
            "members_confidence_max": "max(a.confidence)",
            "members_high_severity_share": "avg(a.severity_rank >= 2)",
            "members_typologies": "uniqExact(a.typology_type)",
            "members_log_volume_usd": "log1p(sum(a.volume_usd))",
        }
        address_aggs = {"members_with_features": "count(f.address)"}
        address_aggs |= {f"members_{agg}_{c}": f"{agg}(toFloat64(f.{c}))" for c in columns for agg in ("avg", "max")}
        alerts = f"""SELECT processing_date, alert_id, max(toFloat64(alert_confidence_score)) AS confidence,
                    max({severity_rank("severity")}) AS severity_rank, min(typology_type) AS typology_type,
                    max(toFloat64(volume_usd)) AS volume_usd
                FROM {ctx.table("raw_alerts")} WHERE {SNAPSHOT} GROUP BY processing_date, alert_id"""
        features = f"""SELECT processing_date, address{"".join(", " + c for c in columns)}
                FROM {ctx.table("raw_features")} WHERE {SNAPSHOT}"""
        body = f"""FROM entities AS e
        LEFT JOIN ({_members("related_alert_ids", "alert_id", alerts, alert_aggs)}) AS ma
            ON ma.processing_date = e.processing_date AND ma.cluster_id = e.cluster_id
        LEFT JOIN ({_members("member_addresses", "address", features, address_aggs, alias="f")}) AS mf
            ON mf.processing_date = e.processing_date AND mf.cluster_id = e.cluster_id"""
        exprs = {name: f"ma.{name}" for name in alert_aggs} | {name: f"mf.{name}" for name in address_aggs}
        return _select(ctx, exprs, body)


def _members(array: str, key: str, rows: str, aggregates: dict[str, str], alias: str = "a") -> str:
    """Aggregate the rows (``rows``, keyed by ``key``) of each cluster's members (``e.<array>``)."""
    selected = ", ".join(f"{expr} AS {name}" for name, expr in aggregates.items())
    return f"""
            SELECT e.processing_date AS processing_date, e.cluster_id AS cluster_id, {selected}
            FROM entities AS e
            LEFT ARRAY JOIN e.{array} AS member
            LEFT JOIN ({rows}) AS {alias} ON {alias}.processing_date = e.processing_date AND {alias}.{key} = member
            GROUP BY e.processing_date, e.cluster_id"""
