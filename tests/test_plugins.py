"""The plugin registry: built-ins through the entry-point group, broken plugins isolated, switches."""

from __future__ import annotations

from collections.abc import Iterator
from importlib.metadata import EntryPoint, entry_points

import pytest

from riskforge import plugin_manager
from riskforge.cli.plugins import describe
from riskforge.errors import ConfigError


@pytest.fixture
def fresh_registry(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    """Rebuild the process-wide plugin manager for the test, and again afterwards."""
    plugin_manager._load.cache_clear()
    plugin_manager.registry.cache_clear()
    yield monkeypatch
    monkeypatch.undo()
    plugin_manager._load.cache_clear()
    plugin_manager.registry.cache_clear()


def with_extra(monkeypatch: pytest.MonkeyPatch, *extra: EntryPoint) -> None:
    installed = list(entry_points(group="riskforge"))
    monkeypatch.setattr(plugin_manager, "entry_points", lambda group: [*installed, *extra])


def test_plugins_json_lists_the_built_ins_in_shape(fresh_registry) -> None:
    data = describe(plugin_manager.registry())
    groups = {g["name"]: g for g in data["feature_groups"]}
    assert {"alert", "address", "temporal", "statistical", "cluster", "network"} <= set(groups)
    assert groups["alert"]["entity"] == "alert" and groups["alert"]["distribution"] == "riskforge"
    assert "alert_confidence" in groups["alert"]["columns"]
    assert {(m["name"], m["objective"]) for m in data["model_types"]} >= {
        ("alert_scorer", "binary"),
        ("alert_ranker", "lambdarank"),
        ("cluster_scorer", "binary"),
    }
    assert {s["name"] for s in data["label_sources"]} >= {"address_labels", "alert_dispositions"}
    assert data["errors"] == []


def test_a_plugin_that_fails_to_import_is_an_error_entry_and_the_rest_work(fresh_registry) -> None:
    with_extra(fresh_registry, EntryPoint("broken", "riskforge_no_such_plugin_module", "riskforge"))
    registry = plugin_manager.registry()
    assert [(e.plugin, "ModuleNotFoundError" in e.message) for e in registry.errors] == [("broken", True)]
    assert registry.feature_group("alert").name == "alert"


def test_disabled_plugins_are_not_loaded(fresh_registry) -> None:
    fresh_registry.setenv("RISKFORGE_DISABLE_PLUGINS", "builtin_labels")
    registry = plugin_manager.registry()
    assert registry.label_sources == {}
    with pytest.raises(ConfigError, match="no installed plugin provides the label source 'address_labels'"):
        registry.label_source("address_labels")


def test_two_plugins_with_one_name_make_it_unusable_naming_both(fresh_registry) -> None:
    with_extra(fresh_registry, EntryPoint("copycat", "duplicate_plugin", "riskforge"))
    registry = plugin_manager.registry()
    assert any("duplicate name 'alert'" in e.message for e in registry.errors)
    with pytest.raises(ConfigError, match=r"provided by riskforge .* and unknown \(copycat\)"):
        registry.feature_group("alert")
    assert registry.feature_group("address").name == "address"


def test_selecting_a_group_no_plugin_provides_names_the_available_ones(fresh_registry) -> None:
    with pytest.raises(ConfigError) as info:
        plugin_manager.registry().feature_group("flow_shape_missing")
    assert "alert" in info.value.hint and "address" in info.value.hint
