"""riskforge's built-in feature groups, registered through the entry-point group like any plugin."""

from __future__ import annotations

from hydra.core.config_store import ConfigStore

from riskforge.features.address import AddressGroup
from riskforge.features.alert import AlertGroup
from riskforge.features.base import FeatureGroup
from riskforge.features.cluster import ClusterGroup
from riskforge.features.cluster_entity import ClusterMembersGroup, ClusterProfileGroup
from riskforge.features.network import NetworkGroup
from riskforge.features.statistical import StatisticalGroup
from riskforge.features.temporal import TemporalGroup
from riskforge.hookspecs import hookimpl

GROUPS: tuple[FeatureGroup, ...] = (
    AlertGroup(),
    AddressGroup(),
    TemporalGroup(),
    StatisticalGroup(),
    ClusterGroup(),
    NetworkGroup(),
    ClusterProfileGroup(),
    ClusterMembersGroup(),
)


@hookimpl
def riskforge_feature_groups() -> list[FeatureGroup]:
    return list(GROUPS)


@hookimpl
def riskforge_register_configs(config_store: ConfigStore) -> None:
    for group in GROUPS:
        if group.params_schema is not None:
            config_store.store(group="schema/features", name=group.name, node=group.params_schema)
