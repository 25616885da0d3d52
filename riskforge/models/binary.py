"""Binary scorers (alert_scorer, and later cluster_scorer): probability that an entity is high risk."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedGroupKFold

from riskforge.config.schema import EvalCfg, ModelCfg
from riskforge.evaluation.bootstrap import entity_bootstrap_auc
from riskforge.evaluation.metrics import binary_metrics, choose_threshold
from riskforge.models import lgbm
from riskforge.models.base import Evaluation, Fitted, ModelType, Progress, TrainingSet

POSITIVE_GRADE = 3  # high or critical


class BinaryModelType(ModelType):
    objective = "binary"
    main_metric = "test_auc"
    default_params: ClassVar[dict[str, Any]] = {
        "metric": ["auc", "binary_logloss"],
        "learning_rate": 0.05,
        "num_leaves": 31,
        "min_data_in_leaf": 40,
        "feature_fraction": 0.8,
        "bagging_fraction": 0.8,
        "bagging_freq": 1,
        "lambda_l2": 1.0,
    }

    def targets(self, grades: np.ndarray, unlabelled: str) -> tuple[np.ndarray, np.ndarray]:
        y = (grades >= POSITIVE_GRADE).astype(np.float32)
        keep = grades > 0 if unlabelled == "exclude" else np.ones(len(grades), dtype=bool)
        return y, keep

    def fit(
        self, data: TrainingSet, cfg: ModelCfg, params: dict[str, Any], cv_folds: int, progress: Progress
    ) -> Fitted:
        train = lgbm.dataset(data.train.X, data.train.y, data.feature_names, weight=data.train.weight)
        valid = lgbm.dataset(data.validation.X, data.validation.y, data.feature_names, reference=train)
        planned = cfg.num_boost_round * (1 + cv_folds)
        booster = lgbm.train(
            params,
            train,
            cfg.num_boost_round,
            valid_set=valid,
            early_stopping_rounds=cfg.early_stopping_rounds,
            on_iteration=lambda i: progress(i, planned),
        )
        rounds = lgbm.best_rounds(booster)
        done = booster.current_iteration()
        validation_auc = roc_auc_score(data.validation.y, booster.predict(data.validation.X, num_iteration=rounds))
        fitted = Fitted(booster=booster, best_iteration=rounds, validation_objective=float(validation_auc))
        folds = self.folds(data, cv_folds, params["seed"])
        if not folds:
            return fitted
        cv = data.cv
        cv_set = lgbm.dataset(cv.X, cv.y, data.feature_names, weight=cv.weight).construct()
        scores = []
        for k, (fold_train, fold_test) in enumerate(folds):
            base = done + k * rounds
            booster_k = lgbm.train(
                params,
                cv_set.subset(fold_train),
                rounds,
                on_iteration=lambda i, base=base: progress(base + i, done + len(folds) * rounds),
            )
            if len(np.unique(cv.y[fold_test])) == 2:
                scores.append(roc_auc_score(cv.y[fold_test], booster_k.predict(cv.X[fold_test])))
        if scores:
            fitted.cv_metrics = {"cv_auc_mean": float(np.mean(scores)), "cv_auc_std": float(np.std(scores))}
        return fitted

    def folds(self, data: TrainingSet, n_folds: int, seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
        """Stratified group k-fold by entity over the train + validation rows (EVALUATION.md)."""
        if n_folds < 2:
            return []
        splitter = StratifiedGroupKFold(n_splits=n_folds, shuffle=True, random_state=seed)
        cv = data.cv
        return [(np.sort(a), np.sort(b)) for a, b in splitter.split(cv.X, cv.y, groups=cv.group)]

    def evaluate(self, fitted: Fitted, data: TrainingSet, cfg: EvalCfg, seed: int) -> Evaluation:
        rounds = fitted.best_iteration
        val_score = fitted.booster.predict(data.validation.X, num_iteration=rounds)
        test = data.test
        test_score = fitted.booster.predict(test.X, num_iteration=rounds)
        threshold = choose_threshold(data.validation.y, val_score)
        baseline_threshold = choose_threshold(data.validation.y, data.validation.baseline)
        metrics = binary_metrics(test.y, test_score, test.day, test.entity_id, threshold, cfg.k)
        baseline = binary_metrics(test.y, test.baseline, test.day, test.entity_id, baseline_threshold, cfg.k)
        intervals = entity_bootstrap_auc(
            test.y, test_score, test.baseline, test.group, cfg.bootstrap, cfg.confidence, seed
        )
        return Evaluation(
            metrics={**metrics, **fitted.cv_metrics},
            baseline_metrics=baseline,
            metrics_ci={"test_auc": intervals["auc"], "lift_test_auc": intervals["lift_auc"]},
            extras={"threshold": threshold, "baseline_threshold": baseline_threshold},
        )
