"""The entity set of a run: what one row of the training matrix is, before any feature is attached.

For alerts: one row per (processing_date, alert_id) of the window, deduplicated as the contract says
(raw_alerts' sort key includes typology_type, so one alert can span rows: typologies are aggregated).
For clusters: one row per (processing_date, cluster_id); its members are the related alerts and the
involved addresses (plus the primary address). Cluster ids embed the date, so cross-validation groups
clusters by primary address. The CTE exposes the columns feature groups and label sources key on, plus
the baseline's score.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from string import Template

from riskforge.errors import ConfigError
from riskforge.features.base import array_of_strings, table_ref


@dataclass(frozen=True)
class EntityLevel:
    """How one entity level is read: its source table, key, CV group key, baseline score, the segment a
    backtest breaks metrics down by (typology, cluster type), and which of its columns a label source's
    key is found in (``label_keys``: key -> (column, is it an array))."""

    name: str
    table: str
    id_column: str
    group_column: str
    baseline_column: str
    segment_sql: str
    label_keys: dict[str, tuple[str, bool]]
    template: str
    array_columns: tuple[str, ...] = ()

    def sql(self, columns_of: Callable[[str], dict[str, str]], engine_of: Callable[[str], str] | None = None) -> str:
        """The entity CTE for this warehouse: array columns read whether stored as arrays or as text, and a
        ReplacingMergeTree source read with FINAL (the latest ``_version`` of each row wins)."""
        columns = columns_of(self.table)
        arrays = {c: array_of_strings(f"raw.{c}", columns.get(c, "Array(String)")) for c in self.array_columns}
        source = table_ref(self.table, engine_of(self.table) if engine_of else "MergeTree")
        return Template(self.template).substitute(source=source, **arrays)


ALERTS = EntityLevel(
    name="alert",
    table="raw_alerts",
    id_column="alert_id",
    group_column="address",
    baseline_column="alert_confidence_score",
    segment_sql="arrayStringConcat(e.typologies, '+')",
    label_keys={"address": ("address", False), "alert_id": ("alert_id", False)},
    array_columns=("risk_indicators",),
    template="""
    SELECT
        raw.processing_date AS processing_date,
        raw.alert_id AS alert_id,
        min(raw.address) AS address,
        arraySort(groupUniqArray(raw.typology_type)) AS typologies,
        min(raw.severity) AS severity,
        min(raw.suspected_address_type) AS suspected_address_type,
        max(toFloat64(raw.alert_confidence_score)) AS alert_confidence_score,
        max(toFloat64(raw.volume_usd)) AS volume_usd,
        arraySort(arrayDistinct(arrayFlatten(groupArray($risk_indicators)))) AS risk_indicators
    FROM $source AS raw
    WHERE raw.window_days = {window:UInt16}
      AND raw.processing_date BETWEEN {start_date:Date} AND {end_date:Date}
    GROUP BY raw.processing_date, raw.alert_id
    """,
)

CLUSTERS = EntityLevel(
    name="cluster",
    table="raw_clusters",
    id_column="cluster_id",
    group_column="primary_address",
    baseline_column="confidence_avg",
    segment_sql="e.cluster_type",
    label_keys={"address": ("member_addresses", True), "alert_id": ("related_alert_ids", True)},
    array_columns=("related_alert_ids", "addresses_involved"),
    template="""
    SELECT
        raw.processing_date AS processing_date,
        raw.cluster_id AS cluster_id,
        min(raw.primary_address) AS primary_address,
        min(raw.cluster_type) AS cluster_type,
        min(raw.severity_max) AS severity_max,
        max(toFloat64(raw.confidence_avg)) AS confidence_avg,
        max(raw.total_alerts) AS total_alerts,
        max(toFloat64(raw.total_volume_usd)) AS total_volume_usd,
        min(raw.earliest_alert_timestamp) AS earliest_alert_timestamp,
        max(raw.latest_alert_timestamp) AS latest_alert_timestamp,
        arraySort(arrayDistinct(arrayFlatten(groupArray($related_alert_ids)))) AS related_alert_ids,
        arraySort(arrayFilter(a -> a != '', arrayDistinct(
            arrayConcat(arrayFlatten(groupArray($addresses_involved)), groupArray(raw.primary_address))
        ))) AS member_addresses
    FROM $source AS raw
    WHERE raw.window_days = {window:UInt16}
      AND raw.processing_date BETWEEN {start_date:Date} AND {end_date:Date}
    GROUP BY raw.processing_date, raw.cluster_id
    """,
)

LEVELS = {level.name: level for level in (ALERTS, CLUSTERS)}


def entity_level(name: str) -> EntityLevel:
    if name not in LEVELS:
        raise ConfigError(f"unknown entity level {name!r}", hint=f"known: {', '.join(sorted(LEVELS))}")
    return LEVELS[name]
