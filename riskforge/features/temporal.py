"""``temporal``: the calendar of the processing date and the address's activity timing, as durations
relative to the snapshot (never absolute timestamps, which would let a model learn the calendar drift)."""

from __future__ import annotations

from riskforge.features.base import SNAPSHOT, FeatureGroup, GroupSQL, SqlContext, float32_columns

SNAPSHOT_END = "toUnixTimestamp(toDateTime(e.processing_date + 1, 'UTC'))"
RAW = {
    "temporal_activity_days": "f.activity_days",
    "temporal_activity_span_days": "f.activity_span_days",
    "temporal_activity_density": "f.activity_days / {window:UInt16}",
    "temporal_hourly_entropy": "f.hourly_entropy",
    "temporal_daily_entropy": "f.daily_entropy",
    "temporal_weekend_ratio": "f.weekend_transaction_ratio",
    "temporal_night_ratio": "f.night_transaction_ratio",
}
SOURCES = {
    "temporal_activity_days": ("activity_days",),
    "temporal_activity_span_days": ("activity_span_days",),
    "temporal_activity_density": ("activity_days",),
    "temporal_hourly_entropy": ("hourly_entropy",),
    "temporal_daily_entropy": ("daily_entropy",),
    "temporal_weekend_ratio": ("weekend_transaction_ratio",),
    "temporal_night_ratio": ("night_transaction_ratio",),
    "temporal_days_since_first_activity": ("first_activity_timestamp",),
    "temporal_days_since_last_activity": ("last_activity_timestamp",),
}


def _days_before_snapshot(column: str) -> str:
    """Days between a Unix timestamp (seconds, or milliseconds as some exports write) and the snapshot end."""
    seconds = f"if(f.{column} > 100000000000, intDiv(f.{column}, 1000), f.{column})"
    return f"if(f.{column} > 0, ({SNAPSHOT_END} - toInt64({seconds})) / 86400, NULL)"


class TemporalGroup(FeatureGroup):
    name = "temporal"
    entity = "alert"
    tables = ("raw_features",)
    description = "day of week/month of the snapshot; days since first/last activity; activity days; entropies"

    def select(self, ctx: SqlContext) -> GroupSQL:
        present = ctx.columns_of("raw_features")
        exprs = {
            "temporal_day_of_week": "toDayOfWeek(e.processing_date)",
            "temporal_is_weekend": "toDayOfWeek(e.processing_date) >= 6",
            "temporal_day_of_month": "toDayOfMonth(e.processing_date)",
            "temporal_days_since_first_activity": _days_before_snapshot("first_activity_timestamp"),
            "temporal_days_since_last_activity": _days_before_snapshot("last_activity_timestamp"),
            **RAW,
        }
        exprs = {name: expr for name, expr in exprs.items() if all(c in present for c in SOURCES.get(name, ()))}
        needed = sorted({c for name in exprs for c in SOURCES.get(name, ())})
        return GroupSQL(
            f"""SELECT {ctx.key_columns},
            {float32_columns(exprs)}
        FROM entities AS e
        LEFT JOIN (
            SELECT processing_date, address{"".join(", " + c for c in needed)}
            FROM {ctx.table("raw_features")}
            WHERE {SNAPSHOT}
        ) AS f ON f.processing_date = e.processing_date AND f.address = e.address""",
            list(exprs),
        )
