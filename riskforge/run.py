"""A train run: the validated config resolved against the installed plugins, before any data is read."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from riskforge.config.schema import TrainCfg, parse_date
from riskforge.data.entities import EntityLevel, entity_level
from riskforge.data.labels import LabelSource
from riskforge.errors import ConfigError
from riskforge.evaluation.split import DateSplit
from riskforge.features.base import FeatureGroup
from riskforge.models.base import Evaluation, Fitted, ModelType
from riskforge.plugin_manager import registry
from riskforge.warehouse import Warehouse


@dataclass
class Run:
    """Everything a train run is made of; plugins receive it in their lifecycle hooks."""

    run_id: str
    cfg: TrainCfg
    config: dict[str, Any]
    model_type: ModelType
    level: EntityLevel
    groups: list[tuple[FeatureGroup, dict[str, Any]]]
    label_source: LabelSource
    warehouse: Warehouse
    output_dir: Path
    started: dt.datetime

    @property
    def network(self) -> str:
        return self.cfg.network

    @property
    def window(self) -> int:
        return self.cfg.window

    @property
    def embargo_days(self) -> int:
        embargo = self.cfg.split.embargo_days
        return self.cfg.window if embargo is None else embargo

    @property
    def start_date(self) -> dt.date | None:
        return parse_date(self.cfg.data.start_date, "data.start_date")

    @property
    def end_date(self) -> dt.date | None:
        return parse_date(self.cfg.data.end_date, "data.end_date")

    @property
    def labels_as_of(self) -> dt.date | None:
        return parse_date(self.cfg.labels.as_of, "labels.as_of")

    def tables(self) -> list[str]:
        """Every table the run reads: the entity table, the label source's and each group's."""
        names = [self.level.table, *self.label_source.tables]
        for group, _ in self.groups:
            names += group.tables
        return list(dict.fromkeys(names))


@dataclass
class TrainResult:
    """What training produced, handed to ``riskforge_after_train`` and then stored."""

    fitted: Fitted
    evaluation: Evaluation
    feature_names: list[str]
    feature_groups: dict[str, list[str]]
    feature_state: dict[str, dict[str, Any]]
    monitoring_reference: dict[str, Any]
    dropped_columns: dict[str, str]
    date_split: DateSplit
    data_stats: dict[str, Any]
    split_stats: dict[str, Any]
    data_fingerprint: str
    as_of: dt.date
    hyperparameters: dict[str, Any]
    data_notes: list[str]
    timings: dict[str, float] = field(default_factory=dict)


def group_params(params: Any) -> dict[str, Any]:
    """A group's options as a plain dict (OmegaConf hands structured options over as dataclasses)."""
    if dataclasses.is_dataclass(params) and not isinstance(params, type):
        return dataclasses.asdict(params)
    return dict(params or {})


def prepare_run(cfg: TrainCfg, config: dict[str, Any], output_dir: Path) -> Run:
    """Resolve model type, feature groups and label source by name; fail before any data is read."""
    plugins = registry()
    model_type = plugins.model_type(cfg.model.name)
    groups = []
    for name, params in cfg.features.items():
        group = plugins.feature_group(name)
        groups.append((group, group_params(params)))
    level = entity_level(model_type.entity)
    wrong_level = [g.name for g, _ in groups if g.entity != level.name]
    if wrong_level:
        raise ConfigError(
            f"feature groups {', '.join(wrong_level)} are not {level.name}-level, as {model_type.name} needs",
        )
    return Run(
        run_id=uuid.uuid4().hex[:12],
        cfg=cfg,
        config=config,
        model_type=model_type,
        level=level,
        groups=groups,
        label_source=plugins.label_source(cfg.labels.name),
        warehouse=Warehouse.from_dsn(cfg.warehouse.dsn, cfg.warehouse.lock_timeout_s),
        output_dir=output_dir,
        started=dt.datetime.now(dt.UTC),
    )
