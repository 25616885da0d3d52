"""alert_ranker: LightGBM LambdaRank over each day's alerts, judged by the day's order.

One query group per (processing_date, window_days), cut into contiguous sub-groups of at most
``max_group_size`` rows (LightGBM's limit is 10,000) in alert_id order, so the cut is deterministic.
Relevance grades are integers from the resolved label grades by a configurable mapping (LightGBM
refuses fractional ones); every alert of a day is ranked, unlabelled ones included.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, ClassVar

import lightgbm as lgb
import numpy as np

from riskforge.config.schema import EvalCfg, ModelCfg
from riskforge.errors import ConfigError
from riskforge.evaluation import plots
from riskforge.evaluation.bootstrap import day_bootstrap_mean
from riskforge.evaluation.ranking import RANKING_KS, per_group
from riskforge.models import lgbm
from riskforge.models.base import Evaluation, FitPlan, Fitted, ModelType, Part, Progress, TrainingSet

GRADE_NAMES = ("unlabelled", "low", "medium", "high", "critical")
LIGHTGBM_MAX_GROUP = 10_000
MAIN = "ndcg@10"


@dataclass
class RankerCfg(ModelCfg):
    """LambdaRank options: integer relevance per resolved label grade, and the query sub-group size."""

    relevance: dict[str, int] = field(
        default_factory=lambda: {"unlabelled": 0, "low": 0, "medium": 1, "high": 2, "critical": 3}
    )
    max_group_size: int = LIGHTGBM_MAX_GROUP

    def __post_init__(self) -> None:
        super().__post_init__()
        if set(self.relevance) != set(GRADE_NAMES):
            raise ConfigError(f"model.relevance must map exactly {', '.join(GRADE_NAMES)} to integer grades")
        if any(not 0 <= grade <= 30 for grade in self.relevance.values()):
            raise ConfigError("model.relevance grades must be integers in 0..30 (LightGBM's label_gain)")
        if not 1 <= self.max_group_size <= LIGHTGBM_MAX_GROUP:
            raise ConfigError(
                f"model.max_group_size={self.max_group_size}: LightGBM accepts at most "
                f"{LIGHTGBM_MAX_GROUP:,} rows per query group"
            )


def query_sizes(day: np.ndarray, max_group_size: int) -> np.ndarray:
    """Sizes of consecutive query groups: each day's rows, cut into near-equal chunks <= max size."""
    if not len(day):
        return np.zeros(0, dtype=np.int64)
    starts = np.r_[0, np.flatnonzero(day[1:] != day[:-1]) + 1]
    sizes = np.diff(np.r_[starts, len(day)])
    pieces = -(-sizes // max_group_size)
    cuts = [np.diff(np.linspace(0, n, k + 1).round().astype(np.int64)) for n, k in zip(sizes, pieces, strict=True)]
    return np.concatenate(cuts)


def day_metrics(part: Part, score: np.ndarray) -> dict[str, np.ndarray]:
    """Per-day ranking metrics of ``score`` on a part (one query group per day, ties by entity id)."""
    return per_group(part.y, score, part.day, part.entity_id, RANKING_KS)


class AlertRanker(ModelType):
    name = "alert_ranker"
    entity = "alert"
    objective = "lambdarank"
    main_metric = f"test_{MAIN}"
    description = "the best order of each day's alerts (LambdaRank), judged by NDCG@10 per day"
    default_params: ClassVar[dict[str, Any]] = {"metric": "ndcg", "eval_at": [10]}
    config_schema = RankerCfg

    def targets(self, grades: np.ndarray, cfg: ModelCfg, unlabelled: str) -> tuple[np.ndarray, np.ndarray]:
        mapping = getattr(cfg, "relevance", RankerCfg().relevance)
        lookup = np.array([mapping[name] for name in GRADE_NAMES], dtype=np.float32)
        return lookup[grades], np.ones(len(grades), dtype=bool)

    def plan(self, cfg: ModelCfg, **run: Any) -> FitPlan:
        max_group_size = getattr(cfg, "max_group_size", LIGHTGBM_MAX_GROUP)
        return dataclasses.replace(super().plan(cfg, **run), options={"max_group_size": max_group_size})

    def dataset(self, part: Part, names: list[str], plan: FitPlan, reference: lgb.Dataset | None = None) -> lgb.Dataset:
        """A Dataset whose query groups are the part's days, cut to the plan's maximum group size."""
        groups = query_sizes(part.day, plan.options.get("max_group_size", LIGHTGBM_MAX_GROUP))
        return lgbm.dataset(part.X, part.y, names, weight=part.weight, group=groups, reference=reference)

    def fit(self, data: TrainingSet, plan: FitPlan, progress: Progress) -> Fitted:
        train = self.dataset(data.train, data.feature_names, plan)
        valid = self.dataset(data.validation, data.feature_names, plan, reference=train)
        planned = plan.num_boost_round * (1 + plan.cv_folds)
        booster, done = lgbm.train(plan, train, valid_set=valid, on_iteration=lambda i: progress(i, planned))
        rounds = lgbm.best_rounds(booster)
        validation = day_metrics(data.validation, booster.predict(data.validation.X, num_iteration=rounds))
        fitted = Fitted(booster, rounds, float(np.mean(validation[MAIN])), rounds_run=done)
        folds = rolling_origin_folds(data.cv.day, plan.cv_folds, plan.embargo_days)
        fold_plan = dataclasses.replace(plan, num_boost_round=rounds, early_stopping_rounds=None, distributed=None)
        scores = []
        fitted.cv_rounds = [rounds] * len(folds)
        for k, (fold_train, fold_test) in enumerate(folds):
            train_part, test_part = _rows(data.cv, fold_train), _rows(data.cv, fold_test)
            booster_k, _ = lgbm.train(
                fold_plan,
                self.dataset(train_part, data.feature_names, plan),
                on_iteration=lambda i, base=done + k * rounds: progress(base + i, done + len(folds) * rounds),
            )
            scores.append(float(np.mean(day_metrics(test_part, booster_k.predict(test_part.X))[MAIN])))
        if scores:
            fitted.cv_metrics = {f"cv_{MAIN}_mean": float(np.mean(scores)), f"cv_{MAIN}_std": float(np.std(scores))}
        return fitted

    def measure(
        self, part: Part, score: np.ndarray, decisions: dict[str, float], cfg: EvalCfg, seed: int
    ) -> Evaluation:
        model = day_metrics(part, score)
        baseline = day_metrics(part, part.baseline)
        main_ci, lift_ci = day_bootstrap_mean(model[MAIN], baseline[MAIN], cfg.bootstrap, cfg.confidence, seed)
        return Evaluation(
            metrics={f"test_{k}": float(np.mean(v)) for k, v in model.items()},
            baseline_metrics={f"test_{k}": float(np.mean(v)) for k, v in baseline.items()},
            metrics_ci={self.main_metric: main_ci, f"lift_{self.main_metric}": lift_ci},
            extras={"test_days": len(model[MAIN]), "relevant_share": float(np.mean(part.y > 0))},
        )

    def plots(self, part: Part, score: np.ndarray, names: list[str], gain: np.ndarray) -> dict[str, bytes]:
        ks = tuple(range(1, 21))
        curves = [
            [float(np.mean(per_group(part.y, s, part.day, part.entity_id, ks)[f"ndcg@{k}"])) for k in ks]
            for s in (score, part.baseline)
        ]
        return {
            "ndcg_at_k": plots.ndcg_at_k(list(ks), *curves),
            "score_distribution": plots.score_distribution(score, part.y, label="relevance"),
            "feature_importance": plots.importance(names, gain),
        }


def _rows(part: Part, rows: np.ndarray) -> Part:
    return Part(
        X=part.X[rows],
        y=part.y[rows],
        day=part.day[rows],
        entity_id=part.entity_id[rows],
        group=part.group[rows],
        baseline=part.baseline[rows],
        weight=None if part.weight is None else part.weight[rows],
    )


def rolling_origin_folds(day: np.ndarray, n_folds: int, embargo_days: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Rolling-origin folds over whole days: the days are cut into ``n_folds + 1`` blocks; fold k tests on
    block k+1 and trains on the days more than ``embargo_days`` before it. Days are never cut."""
    if n_folds < 2:
        return []
    days = np.unique(day)
    gap = np.timedelta64(embargo_days, "D") if np.issubdtype(days.dtype, np.datetime64) else embargo_days
    folds = []
    for block in np.array_split(days, n_folds + 1)[1:]:
        train_days = days[days < block[0] - gap]
        if len(train_days) and len(block):
            folds.append((np.flatnonzero(np.isin(day, train_days)), np.flatnonzero(np.isin(day, block))))
    return folds
