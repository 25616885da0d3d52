"""riskforge's built-in model types, registered through the entry-point group like any plugin."""

from __future__ import annotations

from hydra.core.config_store import ConfigStore

from riskforge.hookspecs import hookimpl
from riskforge.models.base import ModelType
from riskforge.models.binary import BinaryModelType
from riskforge.models.ranker import AlertRanker


class AlertScorer(BinaryModelType):
    name = "alert_scorer"
    entity = "alert"
    description = "probability that an alert's address is high or critical risk"


class ClusterScorer(BinaryModelType):
    name = "cluster_scorer"
    entity = "cluster"
    description = "probability that a cluster holds a high or critical risk member (alert or address)"


MODEL_TYPES: tuple[ModelType, ...] = (AlertScorer(), AlertRanker(), ClusterScorer())


@hookimpl
def riskforge_model_types() -> list[ModelType]:
    return list(MODEL_TYPES)


@hookimpl
def riskforge_register_configs(config_store: ConfigStore) -> None:
    for model_type in MODEL_TYPES:
        config_store.store(group="schema/model", name=model_type.name, node=model_type.config_schema)
