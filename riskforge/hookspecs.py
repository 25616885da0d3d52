"""Hook specifications: everything a plugin can contribute to riskforge, grouped by phase.

A plugin is a module (or object) listed under the ``riskforge`` entry-point group whose functions carry
``@hookimpl``. riskforge's own feature groups, model types and label sources register exactly this way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from hydra.core.config_store import ConfigStore

    from riskforge.data.labels import LabelSource
    from riskforge.features.base import FeatureGroup
    from riskforge.models.base import ModelType
    from riskforge.run import Run, TrainResult
    from riskforge.store.model_store import StoredModel

PROJECT = "riskforge"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


# --- registries: what a run can use -----------------------------------------------------------------


@hookspec
def riskforge_feature_groups() -> list[FeatureGroup]:
    """Return the feature groups this plugin provides.

    Names are global: two distributions registering the same name is an error naming both.
    """


@hookspec
def riskforge_model_types() -> list[ModelType]:
    """Return the model types (objective, labels, metrics, baseline) this plugin provides."""


@hookspec
def riskforge_label_sources() -> list[LabelSource]:
    """Return the label sources (where ground truth comes from) this plugin provides."""


# --- configuration: how a plugin's options reach Hydra ------------------------------------------------


@hookspec
def riskforge_config_searchpath() -> str | None:
    """Return a directory of this plugin's YAML options (``pkg://my_plugin.conf`` or ``file://...``).

    It is appended after riskforge's own configs: a plugin adds options, it cannot shadow built-ins.
    """


@hookspec
def riskforge_register_configs(config_store: ConfigStore) -> None:
    """Store this plugin's dataclass schemas so its YAML options are validated at composition."""


# --- lifecycle of a train run (Kedro's before/after/on-error naming) --------------------------------


@hookspec
def riskforge_before_train(run: Run) -> None:
    """Called once the run's config is validated, before any data is read."""


@hookspec
def riskforge_after_train(run: Run, result: TrainResult) -> None:
    """Called after the model is trained and evaluated, before it is stored."""


@hookspec
def riskforge_model_stored(record: StoredModel) -> None:
    """Called after the model files and the tracking row are written."""


@hookspec
def riskforge_on_error(run: Run, error: BaseException) -> None:
    """Called when a run fails or is interrupted; nothing of it has been stored."""
