"""``statistical``: where an alert sits relative to the TRAINING distribution, and its address's history.

Volume and confidence become z-scores and percentiles against statistics fitted on the training rows
only; those statistics are stored with the model and reused when a new day is scored (no train/serve
skew). The address's history uses earlier snapshots only: alerts in the 30 days before the snapshot,
their mean confidence, and the days since its previous alert.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from riskforge.features.base import FeatureGroup, GroupSQL, SqlContext

SCALED = {"stat_log_volume_usd": "stat_volume", "stat_confidence": "stat_confidence"}
HISTORY = ("stat_prior_alerts_30d", "stat_prior_confidence_30d", "stat_days_since_prior_alert")
GRID = np.linspace(0.0, 1.0, 101)


class StatisticalGroup(FeatureGroup):
    name = "statistical"
    entity = "alert"
    tables = ("raw_alerts",)
    description = "volume/confidence z-scores and percentiles vs the training rows; the address's alert history"
    stateful = True

    def select(self, ctx: SqlContext) -> GroupSQL:
        return GroupSQL(
            f"""SELECT {ctx.key_columns},
            toFloat32(log1p(greatest(e.volume_usd, 0))) AS stat_log_volume_usd,
            toFloat32(e.alert_confidence_score) AS stat_confidence,
            toFloat32(ifNull(h.prior_alerts, 0)) AS stat_prior_alerts_30d,
            toFloat32(h.prior_confidence) AS stat_prior_confidence_30d,
            toFloat32(if(h.previous > toDate(0), dateDiff('day', h.previous, e.processing_date), NULL))
                AS stat_days_since_prior_alert
        FROM entities AS e
        LEFT JOIN (
            SELECT address, processing_date,
                sum(alerts) OVER last_30 AS prior_alerts,
                sum(confidence) OVER last_30 / nullIf(sum(alerts) OVER last_30, 0) AS prior_confidence,
                max(processing_date) OVER before AS previous
            FROM (
                SELECT address, processing_date, uniqExact(alert_id) AS alerts,
                    sum(toFloat64(alert_confidence_score)) AS confidence
                FROM {ctx.table("raw_alerts")}
                WHERE window_days = {{window:UInt16}} AND processing_date <= {{end_date:Date}}
                GROUP BY address, processing_date
            )
            WINDOW
                last_30 AS (PARTITION BY address ORDER BY processing_date RANGE BETWEEN 30 PRECEDING AND 1 PRECEDING),
                before AS (
                    PARTITION BY address ORDER BY processing_date ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
                )
        ) AS h ON h.address = e.address AND h.processing_date = e.processing_date""",
            [*SCALED, *HISTORY],
        )

    def fit(self, columns: dict[str, np.ndarray], params: dict[str, Any]) -> dict[str, Any]:
        state = {}
        for column in SCALED:
            values = columns[column][np.isfinite(columns[column])]
            if not len(values):
                values = np.zeros(1)
            state[column] = {
                "mean": float(values.mean()),
                "std": float(values.std()) or 1.0,
                "quantiles": np.quantile(values, GRID).tolist(),
            }
        return state

    def transform(
        self, columns: dict[str, np.ndarray], state: dict[str, Any], params: dict[str, Any]
    ) -> dict[str, np.ndarray]:
        out = {}
        for column, stem in SCALED.items():
            values, fitted = columns[column], state[column]
            out[f"{stem}_z"] = (values - fitted["mean"]) / fitted["std"]
            quantiles = np.asarray(fitted["quantiles"])
            out[f"{stem}_percentile"] = np.where(np.isfinite(values), np.interp(values, quantiles, GRID), np.nan)
        return {**out, **{name: columns[name] for name in HISTORY}}

    def outputs(self, sql_columns: list[str], params: dict[str, Any]) -> list[str]:
        return [f"{stem}_{kind}" for stem in SCALED.values() for kind in ("z", "percentile")] + list(HISTORY)
