"""A plugin module for tests/test_plugins.py: it registers a feature group under a built-in's name."""

from riskforge.features.alert import AlertGroup
from riskforge.hookspecs import hookimpl


@hookimpl
def riskforge_feature_groups() -> list[AlertGroup]:
    return [AlertGroup()]
