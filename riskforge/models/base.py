"""The model-type contract: what a third party implements to add a model type.

A model type names its LightGBM objective and entity level, turns resolved label grades into targets,
trains on a ``TrainingSet`` (early stopping on validation only) and evaluates on the test part against
its trivial baseline, returning metrics under the names of EVALUATION.md.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

import lightgbm as lgb
import numpy as np

from riskforge.config.schema import EvalCfg, ModelCfg


@dataclass(frozen=True)
class Part:
    """The rows of one split part: features, targets and what evaluation needs beside them."""

    X: np.ndarray
    y: np.ndarray
    day: np.ndarray
    entity_id: np.ndarray
    group: np.ndarray
    baseline: np.ndarray
    weight: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.y)


@dataclass(frozen=True)
class TrainingSet:
    """Train (entity-disjoint), validation and test parts; ``cv`` is train + validation for CV folds."""

    feature_names: list[str]
    train: Part
    validation: Part
    test: Part
    cv: Part


@dataclass
class Fitted:
    booster: lgb.Booster
    best_iteration: int
    validation_objective: float
    cv_metrics: dict[str, float] = field(default_factory=dict)


@dataclass
class Evaluation:
    metrics: dict[str, float]
    baseline_metrics: dict[str, float]
    metrics_ci: dict[str, list[float]]
    extras: dict[str, Any] = field(default_factory=dict)


Progress = Callable[[int, int], None]


class ModelType(ABC):
    """Subclass and register from a plugin's ``riskforge_model_types`` hook."""

    name: ClassVar[str]
    entity: ClassVar[str]
    objective: ClassVar[str]
    main_metric: ClassVar[str]
    description: ClassVar[str] = ""
    default_params: ClassVar[dict[str, Any]] = {}

    def params(self, cfg: ModelCfg, seed: int, deterministic: bool) -> dict[str, Any]:
        """LightGBM parameters: the type's defaults, then the config's, then seed and determinism."""
        params = {"objective": self.objective, "verbosity": -1, **self.default_params, **dict(cfg.params)}
        params["seed"] = seed
        if deterministic:
            params.update(deterministic=True, force_row_wise=True, num_threads=params.get("num_threads", 1))
        return params

    @abstractmethod
    def targets(self, grades: np.ndarray, unlabelled: str) -> tuple[np.ndarray, np.ndarray]:
        """(target per row, mask of rows to keep) from label grades 0 (unlabelled) .. 4 (critical)."""

    @abstractmethod
    def fit(
        self, data: TrainingSet, cfg: ModelCfg, params: dict[str, Any], cv_folds: int, progress: Progress
    ) -> Fitted:
        """Train the final model (early stopping on validation only) and cross-validate in ``cv_folds``."""

    @abstractmethod
    def evaluate(self, fitted: Fitted, data: TrainingSet, cfg: EvalCfg, seed: int) -> Evaluation:
        """Metrics of the model and of the baseline on the test part, with 95% intervals."""
