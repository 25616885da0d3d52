"""``alert``: what the analyzer said about the alert itself."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from riskforge.features.base import FeatureGroup, GroupSQL, SqlContext, float32_columns, severity_rank


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
            "alert_confidence": "e.alert_confidence_score",
            "alert_severity_rank": severity_rank("e.severity"),
            "alert_log_volume_usd": "log1p(greatest(e.volume_usd, 0))",
            "alert_typology_count": "length(e.typologies)",
            "alert_risk_indicator_count": "length(e.risk_indicators)",
        }
        for typology in ctx.params.get("typologies", []):
            exprs[f"alert_typology_{slug(typology)}"] = f"has(e.typologies, {ctx.bind(typology, 'String')})"
        for kind in ctx.params.get("address_types", []):
            exprs[f"alert_suspected_{slug(kind)}"] = (
                f"lower(e.suspected_address_type) = lower({ctx.bind(kind, 'String')})"
            )
        return GroupSQL(
            sql=f"SELECT {ctx.key_columns},\n            {float32_columns(exprs)}\n        FROM entities AS e",
            columns=list(exprs),
        )
