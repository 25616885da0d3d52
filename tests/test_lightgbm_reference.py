"""riskforge's model-type code path reproduces LightGBM's own reference results (EVALUATION.md).

The data is LightGBM's example data under ../shared/data/lightgbm_examples (MIT); the expected numbers
were measured with LightGBM 4.7.0. These tests drive AlertRanker / AlertScorer (plan, fit, evaluate),
not bare LightGBM calls, so they also prove the contract accepts an explicit evaluation set, sample
weights, a learning-rate schedule and early stopping switched off.
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import SHARED_DATA
from sklearn.datasets import load_svmlight_file

from riskforge.config.schema import EvalCfg, ModelCfg
from riskforge.evaluation.ranking import per_group
from riskforge.models.base import Part, TrainingSet
from riskforge.models.builtin import AlertScorer
from riskforge.models.ranker import AlertRanker, RankerCfg

EXAMPLES = SHARED_DATA / "lightgbm_examples"
pytestmark = pytest.mark.skipif(not EXAMPLES.is_dir(), reason=f"LightGBM example data not found at {EXAMPLES}")


def part(X: np.ndarray, y: np.ndarray, day: np.ndarray, weight: np.ndarray | None = None) -> Part:
    rows = np.arange(len(y))
    return Part(X=X, y=y, day=day, entity_id=rows, group=rows, baseline=np.zeros(len(y)), weight=weight)


def no_progress(_done: int, _total: int) -> None:
    return None


def test_lambdarank_matches_lightgbm_reference() -> None:
    """LightGBM's test_lambdarank: 50 rounds, NDCG@1/@3, early stopping after 10, lr max(0.01, 0.1-0.01 i)."""
    folder = EXAMPLES / "lambdarank"
    X, y = load_svmlight_file(str(folder / "rank.train"))
    X_test, y_test = load_svmlight_file(str(folder / "rank.test"), n_features=X.shape[1])
    query = np.repeat(np.arange(201), np.loadtxt(folder / "rank.train.query").astype(int))
    query_test = np.repeat(np.arange(50), np.loadtxt(folder / "rank.test.query").astype(int))
    train = part(X.toarray().astype(np.float32), y.astype(np.float32), query)
    test = part(X_test.toarray().astype(np.float32), y_test.astype(np.float32), query_test)
    names = [f"f{i}" for i in range(X.shape[1])]
    data = TrainingSet(feature_names=names, train=train, validation=test, test=test, cv=train)
    cfg = RankerCfg(
        name="alert_ranker",
        # LGBMRanker's defaults, which riskforge's own ranker defaults deliberately differ from
        params={
            "metric": "ndcg",
            "eval_at": [1, 3],
            "learning_rate": 0.1,
            "min_data_in_leaf": 20,
            "feature_fraction": 1.0,
            "lambda_l2": 0.0,
            "lambdarank_truncation_level": 30,
        },
        num_boost_round=50,
        early_stopping_rounds=10,
        learning_rate_decay=0.01,
        learning_rate_floor=0.01,
    )
    ranker = AlertRanker()
    fitted = ranker.fit(data, ranker.plan(cfg), no_progress)
    score = fitted.booster.predict(test.X, num_iteration=fitted.best_iteration)
    ndcg = per_group(test.y, score, test.day, test.entity_id, (1, 3))

    assert fitted.best_iteration == 7
    assert fitted.rounds_run == 17  # the work done includes the early-stopping patience
    assert np.mean(ndcg["ndcg@1"]) == pytest.approx(0.613143, abs=1e-4)
    assert np.mean(ndcg["ndcg@3"]) == pytest.approx(0.606981, abs=1e-4)


def load_tsv(path) -> tuple[np.ndarray, np.ndarray]:
    table = np.loadtxt(path, dtype=np.float64)
    return table[:, 1:].astype(np.float32), table[:, 0].astype(np.float32)


def test_binary_matches_lightgbm_reference() -> None:
    """binary_classification/train.conf with seed 0, 100 rounds, no early stopping, training weights."""
    folder = EXAMPLES / "binary_classification"
    X, y = load_tsv(folder / "binary.train")
    X_test, y_test = load_tsv(folder / "binary.test")
    weight = np.loadtxt(folder / "binary.train.weight")
    train = part(X, y, np.zeros(len(y)), weight=weight)
    test = part(X_test, y_test, np.zeros(len(y_test)))
    data = TrainingSet([f"f{i}" for i in range(X.shape[1])], train=train, validation=test, test=test, cv=train)
    cfg = ModelCfg(
        name="alert_scorer",
        params={
            "metric": ["binary_logloss", "auc"],
            "learning_rate": 0.1,
            "num_leaves": 63,
            "feature_fraction": 0.8,
            "bagging_freq": 5,
            "bagging_fraction": 0.8,
            "min_data_in_leaf": 50,
            "min_sum_hessian_in_leaf": 5.0,
            "max_bin": 255,
            "lambda_l2": 0.0,
        },
        num_boost_round=100,
        early_stopping_rounds=None,
    )
    scorer = AlertScorer()
    fitted = scorer.fit(data, scorer.plan(cfg, seed=0), no_progress)
    metrics = scorer.evaluate(fitted, data, EvalCfg(bootstrap=0), seed=0).metrics

    assert fitted.booster.current_iteration() == 100
    assert metrics["test_auc"] == pytest.approx(0.827980, abs=1e-4)
    assert metrics["test_logloss"] == pytest.approx(0.506175, abs=1e-4)
