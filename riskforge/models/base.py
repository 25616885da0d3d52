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
from riskforge.evaluation.calibration import Calibrator


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
    """The final booster, the round it is cut at, and what was learned beside it."""

    booster: lgb.Booster
    best_iteration: int
    validation_objective: float
    cv_metrics: dict[str, float] = field(default_factory=dict)
    calibrator: Calibrator | None = None
    rounds_run: int = 0
    cv_rounds: list[int] = field(default_factory=list)

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Scores as the stored model gives them: cut at the best round, calibrated when a map was fitted."""
        raw = self.booster.predict(X, num_iteration=self.best_iteration)
        return self.calibrator(raw) if self.calibrator is not None else raw


@dataclass
class Evaluation:
    """Test metrics of the model and of its baseline (same keys), intervals, and PNG plots by name."""

    metrics: dict[str, float]
    baseline_metrics: dict[str, float]
    metrics_ci: dict[str, list[float]]
    extras: dict[str, Any] = field(default_factory=dict)
    plots: dict[str, bytes] = field(default_factory=dict)


Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class FitPlan:
    """How to boost: LightGBM parameters and the schedule around them.

    ``early_stopping_rounds=None`` switches early stopping off; ``learning_rates`` maps the iteration to
    a learning rate (LightGBM's ``reset_parameter``); ``cv_folds=0`` skips cross-validation;
    ``distributed`` (scheduler address or LocalCluster size) boosts the final model with lightgbm.dask.
    """

    params: dict[str, Any]
    num_boost_round: int
    early_stopping_rounds: int | None = None
    learning_rates: Callable[[int], float] | None = None
    cv_folds: int = 0
    embargo_days: int = 0
    options: dict[str, Any] = field(default_factory=dict)
    distributed: dict[str, Any] | None = None


def linear_decay(start: float, step: float, floor: float) -> Callable[[int], float]:
    """``max(floor, start - step * iteration)``: the schedule of LightGBM's own ranking tests."""
    return lambda iteration: max(floor, start - step * iteration)


class ModelType(ABC):
    """Subclass and register from a plugin's ``riskforge_model_types`` hook."""

    name: ClassVar[str]
    entity: ClassVar[str]
    objective: ClassVar[str]
    main_metric: ClassVar[str]
    description: ClassVar[str] = ""
    default_params: ClassVar[dict[str, Any]] = {}
    config_schema: ClassVar[type[ModelCfg]] = ModelCfg

    # Only what the objective needs; tuning defaults live in the model type's YAML option, where
    # `riskforge train --cfg job` shows them and `model.params.<name>=...` overrides them.

    def plan(
        self, cfg: ModelCfg, *, seed: int = 0, deterministic: bool = False, cv_folds: int = 0, embargo_days: int = 0
    ) -> FitPlan:
        """The fit plan of a config: the type's default parameters, then the config's, then the seed."""
        params = {"objective": self.objective, "verbosity": -1, **self.default_params, **dict(cfg.params)}
        params["seed"] = seed
        if deterministic:
            params.update(deterministic=True, force_row_wise=True, num_threads=params.get("num_threads", 1))
        schedule = None
        if cfg.learning_rate_decay > 0:
            schedule = linear_decay(params.get("learning_rate", 0.1), cfg.learning_rate_decay, cfg.learning_rate_floor)
        return FitPlan(params, cfg.num_boost_round, cfg.early_stopping_rounds, schedule, cv_folds, embargo_days)

    def output_table(self) -> str:
        """Where ``riskforge score`` writes: probabilities per alert or cluster, or a ranking of alerts."""
        if self.objective == "lambdarank":
            return "alert_rankings"
        return "cluster_scores" if self.entity == "cluster" else "alert_scores"

    @abstractmethod
    def targets(self, grades: np.ndarray, cfg: ModelCfg, unlabelled: str) -> tuple[np.ndarray, np.ndarray]:
        """(target per row, mask of rows to keep) from label grades 0 (unlabelled) .. 4 (critical);
        a target above zero is a positive (binary) or relevant (ranking) row."""

    @abstractmethod
    def fit(self, data: TrainingSet, plan: FitPlan, progress: Progress) -> Fitted:
        """Train the final model (early stopping on validation only), then cross-validate."""

    def decide(self, fitted: Fitted, validation: Part) -> dict[str, float]:
        """Decisions fitted on validation rows and reused on any later data (e.g. a binary threshold)."""
        return {}

    @abstractmethod
    def measure(
        self, part: Part, score: np.ndarray, decisions: dict[str, float], cfg: EvalCfg, seed: int
    ) -> Evaluation:
        """Metrics of ``score`` and of the baseline on ``part`` (same keys), with intervals of the main
        metric and of its lift (``metrics_ci``)."""

    def plots(self, part: Part, score: np.ndarray, names: list[str], gain: np.ndarray) -> dict[str, bytes]:
        """PNG plots of an evaluation, by name (stored next to the model)."""
        return {}

    def evaluate(self, fitted: Fitted, data: TrainingSet, cfg: EvalCfg, seed: int) -> Evaluation:
        """Decide on validation, then measure once on the test part; plots and CV metrics included."""
        decisions = self.decide(fitted, data.validation)
        score = fitted.predict(data.test.X)
        evaluation = self.measure(data.test, score, decisions, cfg, seed)
        evaluation.metrics.update(fitted.cv_metrics)
        evaluation.extras.update(decisions)
        gain = fitted.booster.feature_importance("gain", iteration=fitted.best_iteration)
        evaluation.plots = self.plots(data.test, score, data.feature_names, gain)
        return evaluation
