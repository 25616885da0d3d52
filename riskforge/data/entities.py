"""The entity set of a run: what one row of the training matrix is, before any feature is attached.

For alerts: one row per (processing_date, alert_id) of the window, deduplicated as the contract says
(raw_alerts' sort key includes typology_type, so one alert can span rows: typologies are aggregated).
The CTE exposes the columns feature groups and label sources key on, plus the baseline's score.
"""

from __future__ import annotations

from dataclasses import dataclass

from riskforge.errors import ConfigError


@dataclass(frozen=True)
class EntityLevel:
    """How one entity level is read: its source table, key, CV group key and baseline score."""

    name: str
    table: str
    id_column: str
    group_column: str
    baseline_column: str
    sql: str


ALERTS = EntityLevel(
    name="alert",
    table="raw_alerts",
    id_column="alert_id",
    group_column="address",
    baseline_column="alert_confidence_score",
    sql="""
    SELECT
        processing_date,
        alert_id,
        min(address) AS address,
        arraySort(groupUniqArray(typology_type)) AS typologies,
        min(severity) AS severity,
        min(suspected_address_type) AS suspected_address_type,
        max(toFloat64(alert_confidence_score)) AS alert_confidence_score,
        max(toFloat64(volume_usd)) AS volume_usd,
        arraySort(arrayDistinct(arrayFlatten(groupArray(risk_indicators)))) AS risk_indicators
    FROM {database:Identifier}.raw_alerts
    WHERE window_days = {window:UInt16}
      AND processing_date BETWEEN {start_date:Date} AND {end_date:Date}
    GROUP BY processing_date, alert_id
    """,
)

LEVELS = {level.name: level for level in (ALERTS,)}


def entity_level(name: str) -> EntityLevel:
    if name not in LEVELS:
        raise ConfigError(f"unknown entity level {name!r}", hint=f"known: {', '.join(sorted(LEVELS))}")
    return LEVELS[name]
