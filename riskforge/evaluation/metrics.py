"""Binary metrics exactly as EVALUATION.md names and defines them.

Every function takes the same arrays for the model and for the baseline, so the two are always
computed the same way on the same rows. Ties in rankings are broken by a fixed key (the entity id).
"""

from __future__ import annotations

import numpy as np
from sklearn.metrics import average_precision_score, log_loss, precision_recall_curve, roc_auc_score

EPS = 1e-7


def choose_threshold(y: np.ndarray, score: np.ndarray) -> float:
    """The threshold maximising F1 on the given (validation) rows."""
    precision, recall, thresholds = precision_recall_curve(y, score)
    f1 = np.where(precision + recall > 0, 2 * precision * recall / np.maximum(precision + recall, EPS), 0.0)
    best = int(np.argmax(f1[:-1])) if len(thresholds) else 0
    return float(thresholds[best]) if len(thresholds) else 0.5


def daily_top_k(score: np.ndarray, day: np.ndarray, tie_key: np.ndarray, k: int) -> np.ndarray:
    """Mask of the top ``k`` rows of each day by score (descending), ties broken by ``tie_key``."""
    order = np.lexsort((tie_key, -score, day))
    sorted_day = day[order]
    starts = np.r_[0, np.flatnonzero(sorted_day[1:] != sorted_day[:-1]) + 1]
    rank = np.arange(len(order)) - np.repeat(starts, np.diff(np.r_[starts, len(order)]))
    top = np.zeros(len(order), dtype=bool)
    top[order[rank < k]] = True
    return top


def precision_at_recall(y: np.ndarray, score: np.ndarray, min_recall: float) -> float:
    """The best precision among thresholds whose recall is at least ``min_recall``."""
    precision, recall, _ = precision_recall_curve(y, score)
    ok = recall >= min_recall
    return float(precision[ok].max()) if ok.any() else 0.0


def binary_metrics(
    y: np.ndarray, score: np.ndarray, day: np.ndarray, tie_key: np.ndarray, threshold: float, k: int
) -> dict[str, float]:
    """The test metrics of a binary model (EVALUATION.md, Metrics), keys prefixed with ``test_``."""
    y = y.astype(np.float64)
    predicted = score >= threshold
    tp = float(np.sum(predicted & (y == 1)))
    precision = tp / max(float(predicted.sum()), 1.0)
    recall = tp / max(float(y.sum()), 1.0)
    top = daily_top_k(score, day, tie_key, k)
    clipped = np.clip(score, EPS, 1 - EPS)
    return {
        "test_auc": float(roc_auc_score(y, score)),
        "test_pr_auc": float(average_precision_score(y, score)),
        "test_brier": float(np.mean((clipped - y) ** 2)),
        "test_logloss": float(log_loss(y, clipped, labels=[0, 1])),
        "test_precision": precision,
        "test_recall": recall,
        "test_f1": 2 * precision * recall / (precision + recall) if precision + recall > 0 else 0.0,
        "test_precision_at_k": float(y[top].mean()) if top.any() else 0.0,
        "test_recall_at_k": float(y[top].sum() / max(y.sum(), 1)),
        "test_precision_at_recall_80": precision_at_recall(y, score, 0.80),
    }
