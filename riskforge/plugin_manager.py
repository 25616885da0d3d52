"""The plugin manager, built once per process, and the registry of what plugins contribute.

Plugins are found through the ``riskforge`` entry-point group (riskforge's built-ins included). A plugin
that fails to import, or whose hook raises, is recorded under ``errors`` and the others keep working;
``RISKFORGE_DISABLE_PLUGINS=name,...`` switches plugins off by entry-point or distribution name.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass, field
from importlib.metadata import EntryPoint, entry_points
from typing import Any, Generic, TypeVar

import pluggy

from riskforge import hookspecs
from riskforge.errors import ConfigError

DISABLE_ENV = "RISKFORGE_DISABLE_PLUGINS"
T = TypeVar("T")


@dataclass(frozen=True)
class Registered(Generic[T]):
    """One contributed item and the distribution that shipped it."""

    item: T
    plugin: str
    distribution: str
    version: str


@dataclass(frozen=True)
class PluginError:
    plugin: str
    message: str


@dataclass
class Registry:
    """Feature groups, model types and label sources by name, plus the plugins that failed."""

    feature_groups: dict[str, Registered[Any]] = field(default_factory=dict)
    model_types: dict[str, Registered[Any]] = field(default_factory=dict)
    label_sources: dict[str, Registered[Any]] = field(default_factory=dict)
    errors: list[PluginError] = field(default_factory=list)
    conflicts: dict[str, str] = field(default_factory=dict)

    def feature_group(self, name: str) -> Any:
        return self._lookup(self.feature_groups, name, "feature group", "features")

    def model_type(self, name: str) -> Any:
        return self._lookup(self.model_types, name, "model type", "model")

    def label_source(self, name: str) -> Any:
        return self._lookup(self.label_sources, name, "label source", "labels")

    def _lookup(self, table: dict[str, Registered[Any]], name: str, kind: str, key: str) -> Any:
        conflict = self.conflicts.get(f"{kind}/{name}")
        if conflict:
            raise ConfigError(f"cannot use the {kind} {name!r}: {conflict}")
        return _lookup(table, name, kind, key)


def _lookup(table: dict[str, Registered[Any]], name: str, kind: str, key: str) -> Any:
    if name not in table:
        available = ", ".join(sorted(table)) or "none"
        raise ConfigError(
            f"no installed plugin provides the {kind} {name!r} ({key}={name})",
            hint=f"available: {available}",
        )
    return table[name].item


@dataclass(frozen=True)
class _Source:
    name: str
    distribution: str
    version: str


@dataclass
class _Loaded:
    manager: pluggy.PluginManager
    sources: dict[str, _Source]
    errors: list[PluginError]


def _disabled() -> set[str]:
    return {n.strip() for n in os.environ.get(DISABLE_ENV, "").split(",") if n.strip()}


def _describe(ep: EntryPoint) -> _Source:
    dist = ep.dist
    return _Source(ep.name, dist.name if dist else "unknown", dist.version if dist else "unknown")


@functools.cache
def _load() -> _Loaded:
    """Load every enabled entry-point plugin once per process; import failures become registry errors."""
    pm = pluggy.PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    loaded = _Loaded(pm, {}, [])
    disabled = _disabled()
    for ep in sorted(entry_points(group=hookspecs.PROJECT), key=lambda e: e.name):
        source = _describe(ep)
        if source.name in disabled or source.distribution in disabled:
            continue
        try:
            pm.register(ep.load(), name=source.name)
        except Exception as exc:  # a broken third-party plugin must not take riskforge down
            loaded.errors.append(PluginError(source.name, f"{type(exc).__name__}: {exc}"))
            continue
        loaded.sources[source.name] = source
    return loaded


def plugin_manager() -> pluggy.PluginManager:
    """The process-wide plugin manager (built on first use, never pickled)."""
    return _load().manager


@functools.cache
def registry() -> Registry:
    """Collect what every loaded plugin contributes, attributing each item to its distribution."""
    loaded = _load()
    reg = Registry(errors=list(loaded.errors))
    tables = {
        "riskforge_feature_groups": ("feature group", reg.feature_groups),
        "riskforge_model_types": ("model type", reg.model_types),
        "riskforge_label_sources": ("label source", reg.label_sources),
    }
    for hook_name, (kind, table) in tables.items():
        for impl in getattr(loaded.manager.hook, hook_name).get_hookimpls():
            source = loaded.sources.get(impl.plugin_name, _Source(impl.plugin_name, "unknown", "unknown"))
            try:
                items = impl.function() or []
            except Exception as exc:
                reg.errors.append(PluginError(source.name, f"{hook_name}: {type(exc).__name__}: {exc}"))
                continue
            for item in items:
                _add(reg, kind, table, item, source)
    return reg


def _add(reg: Registry, kind: str, table: dict[str, Registered[Any]], item: Any, source: _Source) -> None:
    name = item.name
    first = table.get(name)
    if first is None:
        table[name] = Registered(item, source.name, source.distribution, source.version)
        return
    message = (
        f"duplicate name {name!r}: provided by {first.distribution} ({first.plugin}) "
        f"and {source.distribution} ({source.name})"
    )
    reg.errors.append(PluginError(source.name, message))
    reg.conflicts[f"{kind}/{name}"] = message


def config_searchpaths() -> list[str]:
    """YAML directories contributed by plugins, in plugin-name order."""
    return [p for p in plugin_manager().hook.riskforge_config_searchpath() if p]
