"""Why an alert scored high: LightGBM's own TreeSHAP contributions (``pred_contrib``), condensed.

``{"base_value": b, "raw_score": r, "top": [{"name", "value", "contribution"}, ...], "rest": x}`` with
b + sum(top contributions) + x = r, the model's raw (pre-sigmoid) score. TreeSHAP costs far more than
prediction, so only the top rows of each day are explained.
"""

from __future__ import annotations

import json

import lightgbm as lgb
import numpy as np


def explanations(
    booster: lgb.Booster, X: np.ndarray, names: list[str], best_iteration: int, top_features: int
) -> list[str]:
    """One JSON explanation per row of ``X``."""
    if not len(X):
        return []
    contributions = booster.predict(X, num_iteration=best_iteration, pred_contrib=True)
    out = []
    for row, values in zip(contributions, X, strict=True):
        features, base = row[:-1], float(row[-1])
        order = np.argsort(-np.abs(features), kind="stable")[:top_features]
        top = [
            {
                "name": names[j],
                "value": None if np.isnan(values[j]) else float(values[j]),
                "contribution": float(features[j]),
            }
            for j in order
        ]
        rest = float(features.sum() - features[order].sum())
        out.append(json.dumps({"base_value": base, "raw_score": float(row.sum()), "top": top, "rest": rest}))
    return out
