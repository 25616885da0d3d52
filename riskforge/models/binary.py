"""Binary scorers (alert_scorer, and later cluster_scorer): probability that an entity is high risk."""

from __future__ import annotations

import dataclasses
from typing import Any, ClassVar

import numpy as np
from sklearn.metrics import roc_auc_score

from riskforge.config.schema import EvalCfg, ModelCfg
from riskforge.evaluation import plots
from riskforge.evaluation.bootstrap import entity_bootstrap_auc
from riskforge.evaluation.calibration import Calibrator, expected_calibration_error, reweights
from riskforge.evaluation.metrics import binary_metrics, choose_threshold
from riskforge.evaluation.split import entity_folds
from riskforge.models import lgbm
from riskforge.models.base import Evaluation, FitPlan, Fitted, ModelType, Part, Progress, TrainingSet

POSITIVE_GRADE = 3  # high or critical


class BinaryModelType(ModelType):
    objective = "binary"
    main_metric = "test_auc"
    default_params: ClassVar[dict[str, Any]] = {"metric": ["auc", "binary_logloss"]}

    def targets(self, grades: np.ndarray, cfg: ModelCfg, unlabelled: str) -> tuple[np.ndarray, np.ndarray]:
        y = (grades >= POSITIVE_GRADE).astype(np.float32)
        keep = grades > 0 if unlabelled == "exclude" else np.ones(len(grades), dtype=bool)
        return y, keep

    def fit(self, data: TrainingSet, plan: FitPlan, progress: Progress) -> Fitted:
        train = lgbm.dataset(data.train.X, data.train.y, data.feature_names, weight=data.train.weight)
        valid = lgbm.dataset(data.validation.X, data.validation.y, data.feature_names, reference=train)
        planned = plan.num_boost_round * (1 + plan.cv_folds)
        booster, done = lgbm.train(plan, train, valid_set=valid, on_iteration=lambda i: progress(i, planned))
        rounds = lgbm.best_rounds(booster)
        validation_score = booster.predict(data.validation.X, num_iteration=rounds)
        fitted = Fitted(booster, rounds, float(roc_auc_score(data.validation.y, validation_score)), rounds_run=done)
        if reweights(plan.params):  # reweighted scores are not probabilities until mapped back
            fitted.calibrator = Calibrator.fit(data.validation.y, validation_score)
        folds = self.folds(data, plan.cv_folds, plan.params["seed"])
        if not folds:
            return fitted
        cv = data.cv
        cv_set = lgbm.dataset(cv.X, cv.y, data.feature_names, weight=cv.weight).construct()
        fold_plan = dataclasses.replace(plan, num_boost_round=rounds, early_stopping_rounds=None, distributed=None)
        scores = []
        fitted.cv_rounds = [rounds] * len(folds)
        for k, (fold_train, fold_test) in enumerate(folds):
            base = done + k * rounds
            booster_k, _ = lgbm.train(
                fold_plan,
                cv_set.subset(fold_train),
                on_iteration=lambda i, base=base: progress(base + i, done + len(folds) * rounds),
            )
            if len(np.unique(cv.y[fold_test])) == 2:
                scores.append(roc_auc_score(cv.y[fold_test], booster_k.predict(cv.X[fold_test])))
        if scores:
            fitted.cv_metrics = {"cv_auc_mean": float(np.mean(scores)), "cv_auc_std": float(np.std(scores))}
        return fitted

    def folds(self, data: TrainingSet, n_folds: int, seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
        """Stratified group k-fold by entity over the train + validation rows (EVALUATION.md)."""
        return entity_folds(data.cv.y, data.cv.group, n_folds, seed)

    def decide(self, fitted: Fitted, validation: Part) -> dict[str, float]:
        """The thresholds maximising F1 on validation, for the model and for the baseline."""
        return {
            "threshold": choose_threshold(validation.y, fitted.predict(validation.X)),
            "baseline_threshold": choose_threshold(validation.y, validation.baseline),
        }

    def measure(
        self, part: Part, score: np.ndarray, decisions: dict[str, float], cfg: EvalCfg, seed: int
    ) -> Evaluation:
        metrics = binary_metrics(part.y, score, part.day, part.entity_id, decisions["threshold"], cfg.k)
        baseline = binary_metrics(
            part.y, part.baseline, part.day, part.entity_id, decisions["baseline_threshold"], cfg.k
        )
        metrics["test_ece"] = expected_calibration_error(part.y, score)
        baseline["test_ece"] = expected_calibration_error(part.y, part.baseline)
        intervals = entity_bootstrap_auc(part.y, score, part.baseline, part.group, cfg.bootstrap, cfg.confidence, seed)
        return Evaluation(
            metrics=metrics,
            baseline_metrics=baseline,
            metrics_ci={"test_auc": intervals["auc"], "lift_test_auc": intervals["lift_auc"]},
        )

    def plots(self, part: Part, score: np.ndarray, names: list[str], gain: np.ndarray) -> dict[str, bytes]:
        return {
            "roc": plots.roc(part.y, score, part.baseline),
            "precision_recall": plots.precision_recall(part.y, score, part.baseline),
            "reliability": plots.reliability_curve(part.y, score, part.baseline),
            "score_distribution": plots.score_distribution(score, part.y),
            "feature_importance": plots.importance(names, gain),
        }
