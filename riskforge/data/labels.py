"""Label sources: where ground truth comes from, resolved to one risk grade per entity key.

Grades are 0 (unlabelled), 1 low, 2 medium, 3 high, 4 critical; model types map them to targets.
Label SQL is kept apart from feature SQL: the runner joins it on the entity set only, so nothing derived
from an entity's own labels can become one of its features.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import ClassVar

from riskforge.hookspecs import hookimpl

RISK_GRADES = {"low": 1, "medium": 2, "high": 3, "critical": 4}
GRADE_SQL = (
    "multiIf(lower(risk_level) = 'critical', 4, lower(risk_level) = 'high', 3, "
    "lower(risk_level) = 'medium', 2, lower(risk_level) = 'low', 1, 0)"
)


class LabelSource(ABC):
    """Subclass and register from a plugin's ``riskforge_label_sources`` hook."""

    name: ClassVar[str]
    key: ClassVar[str]
    tables: ClassVar[tuple[str, ...]]
    notes: ClassVar[tuple[str, ...]] = ()

    @abstractmethod
    def grades_sql(self) -> str:
        """SELECT ``key``, ``label_grade`` (UInt8) using rows dated on or before ``{as_of:Date}``."""

    @abstractmethod
    def newest_date_sql(self) -> str:
        """SELECT the newest date any label is known (the default ``labels.as_of``)."""


class AddressLabels(LabelSource):
    """raw_address_labels as DATA_CONTRACT.md resolves it: the highest risk_level of the address among
    rows dated on or before ``labels.as_of``, whatever their window_days."""

    name = "address_labels"
    key = "address"
    tables = ("raw_address_labels",)

    def grades_sql(self) -> str:
        return f"""
        SELECT address, toUInt8(max({GRADE_SQL})) AS label_grade
        FROM {{database:Identifier}}.raw_address_labels
        WHERE processing_date <= {{as_of:Date}}
        GROUP BY address
        """

    def newest_date_sql(self) -> str:
        return "SELECT max(processing_date) FROM {database:Identifier}.raw_address_labels"


DISPOSITION_GRADE_SQL = (
    "multiIf(d IN ('sar_filed', 'sar', 'reported'), 4, d IN ('escalated', 'confirmed'), 3, "
    "d IN ('closed_false_positive', 'false_positive', 'closed', 'dismissed'), 1, 0)"
)


class AlertDispositions(LabelSource):
    """Outcomes analysts recorded for the alerts they investigated: SAR filed (critical), escalated (high),
    closed as a false positive (low); decisions dated after ``labels.as_of`` are ignored."""

    name = "alert_dispositions"
    key = "alert_id"
    tables = ("alert_dispositions",)
    notes = (
        "selection bias: only alerts an analyst chose to investigate carry a disposition, so the model "
        "learns to separate outcomes among investigated alerts, not the risk of every alert",
    )

    def grades_sql(self) -> str:
        return f"""
        SELECT alert_id, toUInt8(max({DISPOSITION_GRADE_SQL})) AS label_grade
        FROM (
            SELECT alert_id, replaceAll(lower(trim(disposition)), ' ', '_') AS d
            FROM {{database:Identifier}}.alert_dispositions
            WHERE toDate(decided_at) <= {{as_of:Date}}
        )
        GROUP BY alert_id
        """

    def newest_date_sql(self) -> str:
        return "SELECT max(toDate(decided_at)) FROM {database:Identifier}.alert_dispositions"


@hookimpl
def riskforge_label_sources() -> list[LabelSource]:
    return [AddressLabels(), AlertDispositions()]
