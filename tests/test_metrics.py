import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from riskforge.evaluation.bootstrap import entity_bootstrap_auc, weighted_auc
from riskforge.evaluation.metrics import binary_metrics, choose_threshold, daily_top_k, precision_at_recall


@pytest.fixture
def scored() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(3)
    y = (rng.random(3000) < 0.1).astype(np.float32)
    score = np.round(rng.normal(size=3000) + y, 1)  # rounding creates ties on purpose
    return y, score


def test_weighted_auc_matches_sklearn_with_ties_and_weights(scored: tuple[np.ndarray, np.ndarray]) -> None:
    y, score = scored
    weights = np.random.default_rng(0).integers(0, 4, size=(3, len(y))).astype(float)
    ours = weighted_auc(y, score, weights)
    for row, value in zip(weights, ours, strict=True):
        assert value == pytest.approx(roc_auc_score(y, score, sample_weight=row), abs=1e-12)


def test_bootstrap_interval_brackets_the_point_estimate_and_detects_lift(scored) -> None:
    y, score = scored
    entity = np.arange(len(y)) // 3
    noisy = score + np.random.default_rng(1).normal(scale=2.0, size=len(y))
    ci = entity_bootstrap_auc(y, score, noisy, entity, replicates=300, confidence=0.95, seed=0)
    assert ci["auc"][0] < roc_auc_score(y, score) < ci["auc"][1]
    assert ci["lift_auc"][0] > 0  # the noisy baseline is clearly worse


def test_bootstrap_of_a_model_equal_to_its_baseline_has_no_lift(scored) -> None:
    y, score = scored
    ci = entity_bootstrap_auc(y, score, score, np.arange(len(y)), replicates=100, confidence=0.95, seed=0)
    assert ci["lift_auc"] == [0.0, 0.0]


def test_daily_top_k_takes_k_per_day_and_breaks_ties_by_key() -> None:
    score = np.array([0.9, 0.5, 0.5, 0.1, 0.8, 0.8])
    day = np.array([1, 1, 1, 1, 2, 2])
    key = np.array(["d", "c", "b", "a", "z", "y"], dtype=object)
    assert daily_top_k(score, day, key, 2).tolist() == [True, False, True, False, True, True]


def test_precision_at_recall_is_not_the_base_rate() -> None:
    y = np.array([1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], dtype=float)
    perfect = np.linspace(1, 0, len(y))
    assert precision_at_recall(y, perfect, 0.8) == 1.0


def test_binary_metrics_names_and_ranges(scored) -> None:
    y, score = scored
    prob = 1 / (1 + np.exp(-score))
    day = np.arange(len(y)) % 10
    metrics = binary_metrics(y, prob, day, np.arange(len(y)).astype(str), choose_threshold(y, prob), k=20)
    assert set(metrics) == {
        "test_auc",
        "test_pr_auc",
        "test_brier",
        "test_logloss",
        "test_precision",
        "test_recall",
        "test_f1",
        "test_precision_at_k",
        "test_recall_at_k",
        "test_precision_at_recall_80",
    }
    assert all(v >= 0 for v in metrics.values())
    assert metrics["test_auc"] == pytest.approx(roc_auc_score(y, prob))
    assert metrics["test_recall_at_k"] == pytest.approx(
        y[daily_top_k(prob, day, np.arange(len(y)), 20)].sum() / y.sum()
    )


def test_the_entity_bootstrap_is_the_exact_weighted_auc_of_each_replicate(scored) -> None:
    """Each replicate's AUC, computed on compressed ROC columns, equals sklearn's on its row weights."""
    y, score = scored
    entity = np.arange(len(y)) // 4
    n_units, replicates = entity.max() + 1, 40
    draws = np.random.default_rng(5).integers(0, n_units, size=(replicates, n_units))  # what seed 5 draws
    exact = [roc_auc_score(y, score, sample_weight=np.bincount(d, minlength=n_units)[entity]) for d in draws]
    ci = entity_bootstrap_auc(y, score, score, entity, replicates=replicates, confidence=0.9, seed=5)
    assert ci["auc"] == pytest.approx([np.quantile(exact, 0.05), np.quantile(exact, 0.95)], abs=1e-12)
