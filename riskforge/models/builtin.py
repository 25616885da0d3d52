"""riskforge's built-in model types, registered through the entry-point group like any plugin."""

from __future__ import annotations

from riskforge.hookspecs import hookimpl
from riskforge.models.base import ModelType
from riskforge.models.binary import BinaryModelType


class AlertScorer(BinaryModelType):
    name = "alert_scorer"
    entity = "alert"
    description = "probability that an alert's address is high or critical risk"


@hookimpl
def riskforge_model_types() -> list[ModelType]:
    return [AlertScorer()]
