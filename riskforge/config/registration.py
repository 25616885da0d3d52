"""Everything Hydra must know before composing a riskforge config, done once per process.

- the ``riskforge_home`` resolver (run directories live under ``$RISKFORGE_HOME``, never in the cwd);
- riskforge's dataclass schemas and every plugin's, in Hydra's ConfigStore;
- one SearchPathPlugin that appends plugins' YAML directories after riskforge's own configs, so a
  plugin can add options (``features=[...,my_group]``) but not shadow built-ins.

Each Hydra command module calls ``setup()`` at import time, so launcher workers that import the task
function get the same registrations.
"""

from __future__ import annotations

import functools

from hydra.core.config_search_path import ConfigSearchPath
from hydra.core.config_store import ConfigStore
from hydra.core.plugins import Plugins
from hydra.plugins.search_path_plugin import SearchPathPlugin
from omegaconf import OmegaConf

from riskforge import paths
from riskforge.config.schema import register_schemas
from riskforge.plugin_manager import config_searchpaths, plugin_manager

CONFIG_PACKAGE = "pkg://riskforge.configs"


class PluginConfigSearchPath(SearchPathPlugin):
    """Appends the config directories of riskforge plugins to riskforge's own apps only."""

    def manipulate_search_path(self, search_path: ConfigSearchPath) -> None:
        if not any(element.path == CONFIG_PACKAGE for element in search_path.get_path()):
            return
        for path in config_searchpaths():
            search_path.append(provider="riskforge-plugin", path=path)


@functools.cache
def setup() -> None:
    """Register resolver, schemas and search path (idempotent)."""
    if not OmegaConf.has_resolver("riskforge_home"):
        OmegaConf.register_new_resolver("riskforge_home", lambda: str(paths.riskforge_home()))
    store = ConfigStore.instance()
    register_schemas(store)
    plugin_manager().hook.riskforge_register_configs(config_store=store)
    Plugins.instance().register(PluginConfigSearchPath)
