"""``address``: the raw_features row of the alert's address for the same snapshot and window.

Identifiers and absolute timestamps are excluded by default (they let a model memorise entities or the
drift of the positive rate); columns outside the contract join only when ``include`` names them; label-
like and bookkeeping columns never do. Columns a warehouse lacks are skipped, so older exports work.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from riskforge.data.contract import contract_columns
from riskforge.errors import ConfigError
from riskforge.features.base import SNAPSHOT, FeatureGroup, GroupSQL, SqlContext, check_identifier

NOT_FEATURES = {
    "window_days",
    "processing_date",
    "address",
    "community_id",
    "first_activity_timestamp",
    "last_activity_timestamp",
}
FORBIDDEN = re.compile(r"^(risk_.*|.*label.*|created_at|_version)$")
NUMERIC = re.compile(r"^(Nullable\()?(U?Int\d+|Float\d+|Decimal.*|Bool|Boolean)\)?$")


@dataclass
class AddressParams:
    """``include``: extra raw_features columns to use; ``exclude``: contract columns to leave out."""

    include: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)


class AddressGroup(FeatureGroup):
    name = "address"
    entity = "alert"
    tables = ("raw_features",)
    description = "the alert address's raw_features row for the same processing_date and window"
    params_schema = AddressParams

    def select(self, ctx: SqlContext) -> GroupSQL:
        present = ctx.columns_of("raw_features")
        include = [check_identifier(c, "address.include column") for c in ctx.params.get("include", [])]
        if bad := [c for c in include if FORBIDDEN.match(c) or c in NOT_FEATURES]:
            raise ConfigError(f"address.include names columns that may never be features: {', '.join(bad)}")
        exclude = set(ctx.params.get("exclude", []))
        wanted = [c for c in contract_columns("raw_features") if c not in NOT_FEATURES and not FORBIDDEN.match(c)]
        columns = [
            c
            for c in dict.fromkeys([*wanted, *include])
            if c in present and c not in exclude and NUMERIC.match(present[c])
        ]
        inner = ", ".join(columns)
        outer = ",\n            ".join(f"toFloat32(f.{c}) AS {c}" for c in columns)
        return GroupSQL(
            sql=f"""SELECT {ctx.key_columns},
            {outer}
        FROM entities AS e
        LEFT JOIN (
            SELECT processing_date, address, {inner}
            FROM {ctx.table("raw_features")}
            WHERE {SNAPSHOT}
        ) AS f ON f.processing_date = e.processing_date AND f.address = e.address""",
            columns=columns,
        )
