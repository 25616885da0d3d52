"""A stored model made usable again: its verified booster and the run it came from, re-resolved."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import lightgbm as lgb
import numpy as np
import pyarrow as pa
from omegaconf import OmegaConf

from riskforge.config.schema import TrainCfg
from riskforge.data.entities import EntityLevel, entity_level
from riskforge.data.extract import ExtractPlan, plan_extract
from riskforge.data.labels import LabelSource
from riskforge.data.window import Tables
from riskforge.errors import IntegrityError
from riskforge.evaluation.calibration import Calibrator
from riskforge.features.base import FeatureGroup
from riskforge.features.matrix import build_matrix, model_columns
from riskforge.models.base import ModelType
from riskforge.plugin_manager import registry
from riskforge.run import group_params
from riskforge.store.loader import load_booster
from riskforge.store.registry import ModelRow


def train_config(config: dict[str, Any]) -> TrainCfg:
    """The stored (composed) train config as a validated TrainCfg, with its model type's own schema."""
    model_type = registry().model_type(config["model"]["name"])
    schema = OmegaConf.structured(TrainCfg)
    schema.model = OmegaConf.structured(model_type.config_schema)
    return OmegaConf.to_object(OmegaConf.merge(schema, config))  # type: ignore[return-value]


@dataclass
class StoredModel:
    """Everything scoring needs from a model: booster, features in order, fitted states, calibration."""

    row: ModelRow
    metadata: dict[str, Any]
    booster: lgb.Booster
    cfg: TrainCfg
    model_type: ModelType
    level: EntityLevel
    groups: list[tuple[FeatureGroup, dict[str, Any]]]

    @classmethod
    def load(cls, row: ModelRow) -> StoredModel:
        metadata = row.metadata()
        booster = load_booster(row)
        if booster.feature_name() != metadata["feature_names"]:
            raise IntegrityError(f"model {row.model_id}: the booster's features differ from its metadata's")
        cfg = train_config(metadata["reproducibility"]["config"])
        plugins = registry()
        model_type = plugins.model_type(cfg.model.name)
        groups = [(plugins.feature_group(name), group_params(params)) for name, params in cfg.features.items()]
        return cls(row, metadata, booster, cfg, model_type, entity_level(model_type.entity), groups)

    def plan(self, labels: LabelSource | None, tables: Tables) -> ExtractPlan:
        """The training run's extraction query (with ``labels`` for backtests, without for scoring)."""
        return plan_extract(self.level, self.groups, labels, self.cfg.window, tables.columns_of, tables.engine_of)

    def tables(self, labels: LabelSource | None = None) -> list[str]:
        """Every table the model's extraction reads."""
        names = [self.level.table, *(labels.tables if labels else ())]
        for group, _ in self.groups:
            names += group.tables
        return list(dict.fromkeys(names))

    def features(self, table: pa.Table, plan: ExtractPlan) -> np.ndarray:
        """The model's feature matrix for extracted rows: its stored states, its columns, its order."""
        groups = [(g, p, plan.columns_by_group[g.name]) for g, p in self.groups]
        matrix = build_matrix(table, groups, states=self.metadata.get("feature_state", {}))
        return model_columns(matrix, self.feature_names)

    @property
    def feature_names(self) -> list[str]:
        return list(self.metadata["feature_names"])

    @property
    def best_iteration(self) -> int:
        return int(self.metadata["best_iteration"])

    def raw_scores(self, X: np.ndarray) -> np.ndarray:
        return self.booster.predict(X, num_iteration=self.best_iteration, raw_score=True)

    def scores(self, raw: np.ndarray) -> np.ndarray:
        """What the model type reports: probabilities for binary models, raw scores for rankers."""
        return raw if self.model_type.objective == "lambdarank" else self.probabilities(raw)

    def probabilities(self, raw: np.ndarray) -> np.ndarray:
        """Binary scores as probabilities: the sigmoid, then the stored calibration map if any."""
        probability = 1.0 / (1.0 + np.exp(-raw))
        calibration = self.metadata.get("calibration")
        if calibration:
            probability = Calibrator(np.asarray(calibration["x"]), np.asarray(calibration["y"]))(probability)
        return probability
