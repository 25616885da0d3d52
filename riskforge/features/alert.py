"""``alert``: what the analyzer said about the alert itself."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from riskforge.features.base import FeatureGroup, GroupSQL, SqlContext

SEVERITY_RANK = (
    "multiIf(lower(e.severity) = 'critical', 3, lower(e.severity) = 'high', 2, lower(e.severity) = 'medium', 1, 0)"
)


@dataclass
class AlertParams:
    """Vocabularies one-hot encoded (fixed in config so training and scoring agree on the columns)."""

    typologies: list[str] = field(default_factory=list)
    address_types: list[str] = field(default_factory=list)


def slug(value: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", value.lower()).strip("_") or "blank"


class AlertGroup(FeatureGroup):
    name = "alert"
    entity = "alert"
    tables = ("raw_alerts",)
    description = "confidence, severity, log volume, typology and suspected address type, risk indicator count"
    params_schema = AlertParams

    def select(self, ctx: SqlContext) -> GroupSQL:
        exprs = {
            "alert_confidence": "toFloat32(e.alert_confidence_score)",
            "alert_severity_rank": f"toFloat32({SEVERITY_RANK})",
            "alert_log_volume_usd": "toFloat32(log1p(greatest(e.volume_usd, 0)))",
            "alert_typology_count": "toFloat32(length(e.typologies))",
            "alert_risk_indicator_count": "toFloat32(length(e.risk_indicators))",
        }
        for typology in ctx.params.get("typologies", []):
            exprs[f"alert_typology_{slug(typology)}"] = f"toFloat32(has(e.typologies, {ctx.bind(typology, 'String')}))"
        for kind in ctx.params.get("address_types", []):
            exprs[f"alert_suspected_{slug(kind)}"] = (
                f"toFloat32(lower(e.suspected_address_type) = lower({ctx.bind(kind, 'String')}))"
            )
        select = ",\n            ".join(f"{expr} AS {name}" for name, expr in exprs.items())
        return GroupSQL(
            sql=f"SELECT {ctx.key_columns},\n            {select}\n        FROM entities AS e",
            columns=list(exprs),
        )
