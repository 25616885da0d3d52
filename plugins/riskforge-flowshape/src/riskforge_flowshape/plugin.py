"""The plugin module riskforge loads through the ``riskforge`` entry-point group."""

from __future__ import annotations

from hydra.core.config_store import ConfigStore
from riskforge.hookspecs import hookimpl

from riskforge_flowshape.group import FlowShapeGroup, FlowShapeParams


@hookimpl
def riskforge_feature_groups() -> list[FlowShapeGroup]:
    return [FlowShapeGroup()]


@hookimpl
def riskforge_config_searchpath() -> str:
    return "pkg://riskforge_flowshape.conf"


@hookimpl
def riskforge_register_configs(config_store: ConfigStore) -> None:
    config_store.store(group="schema/features", name="flow_shape", node=FlowShapeParams)
