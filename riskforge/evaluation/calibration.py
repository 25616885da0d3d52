"""Keeping binary scores readable as probabilities.

Without reweighting, LightGBM's binary scores are already calibrated probabilities, and riskforge only
measures that (expected calibration error, reliability curve). When a run reweights the classes
(``is_unbalance`` or ``scale_pos_weight``), an isotonic map fitted on the validation rows is stored with
the model and applied to every prediction, so scores stay probabilities.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.isotonic import IsotonicRegression

BINS = 10


def reliability(y: np.ndarray, score: np.ndarray, bins: int = BINS) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(mean score, observed positive rate, row count) per equal-width score bin; empty bins dropped."""
    index = np.clip((score * bins).astype(int), 0, bins - 1)
    count = np.bincount(index, minlength=bins)
    mean_score = np.bincount(index, score, bins)
    positives = np.bincount(index, y.astype(np.float64), bins)
    keep = count > 0
    return mean_score[keep] / count[keep], positives[keep] / count[keep], count[keep]


def expected_calibration_error(y: np.ndarray, score: np.ndarray, bins: int = BINS) -> float:
    """Row-weighted mean |observed rate - mean score| over equal-width bins."""
    mean_score, observed, count = reliability(y, np.clip(score, 0.0, 1.0), bins)
    return float(np.sum(count * np.abs(observed - mean_score)) / max(count.sum(), 1))


@dataclass(frozen=True)
class Calibrator:
    """A monotone map from raw scores to probabilities (isotonic, fitted on validation rows)."""

    x: np.ndarray
    y: np.ndarray

    @classmethod
    def fit(cls, y: np.ndarray, score: np.ndarray) -> Calibrator:
        iso = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip").fit(score, y)
        return cls(np.asarray(iso.X_thresholds_), np.asarray(iso.y_thresholds_))

    def __call__(self, score: np.ndarray) -> np.ndarray:
        return np.interp(score, self.x, self.y)

    def to_json(self) -> dict[str, Any]:
        return {"method": "isotonic", "x": self.x.tolist(), "y": self.y.tolist()}


def reweights(params: dict[str, Any]) -> bool:
    """True when LightGBM parameters reweight the classes (scores then need calibrating)."""
    return bool(params.get("is_unbalance")) or float(params.get("scale_pos_weight", 1.0)) != 1.0
