"""Population stability: how far a scoring day's features and scores drift from what the model saw.

At training, the distribution of the most important features (training rows) and of the scores
(validation rows) is stored as quantile bins; each scoring day is compared to it with the population
stability index (PSI: < 0.1 stable, 0.1-0.25 moderate shift, > 0.25 major shift).
"""

from __future__ import annotations

from typing import Any

import numpy as np

BINS = 10
EPS = 1e-4


def reference(values: np.ndarray, bins: int = BINS) -> dict[str, Any]:
    """Quantile bin edges of the finite values, their share per bin, and the null share."""
    finite = values[np.isfinite(values)]
    edges = np.unique(np.quantile(finite, np.linspace(0, 1, bins + 1))) if len(finite) else np.array([0.0])
    return {
        "edges": edges.tolist(),
        "fractions": _fractions(finite, edges).tolist(),
        "null_rate": float(1 - len(finite) / max(len(values), 1)),
    }


def _fractions(finite: np.ndarray, edges: np.ndarray) -> np.ndarray:
    inner = np.asarray(edges)[1:-1]
    counts = np.bincount(np.searchsorted(inner, finite, side="right"), minlength=max(len(edges) - 1, 1))
    return counts / max(counts.sum(), 1)


def psi(ref: dict[str, Any], values: np.ndarray) -> float:
    """Population stability index of ``values`` against a stored ``reference``."""
    finite = values[np.isfinite(values)]
    if not len(finite):
        return float("nan")
    expected = np.asarray(ref["fractions"]) + EPS
    actual = _fractions(finite, np.asarray(ref["edges"])) + EPS
    return float(np.sum((actual - expected) * np.log(actual / expected)))


def training_reference(
    X: np.ndarray, names: list[str], gain: np.ndarray, scores: np.ndarray, top: int = 10
) -> dict[str, Any]:
    """The stored reference: the ``top`` features by gain (training rows) and the validation scores."""
    order = np.argsort(gain)[::-1][:top]
    return {
        "features": {names[j]: reference(X[:, j]) for j in order},
        "score": reference(scores),
    }
