"""Backtest breakdowns: the main metric per day and per segment (typology, cluster type), and the review
workload a model saves at a target recall compared with reviewing everything."""

from __future__ import annotations

import math

import numpy as np
from sklearn.metrics import roc_auc_score

from riskforge.evaluation.ranking import per_group


def workload_saved(y: np.ndarray, score: np.ndarray, tie_key: np.ndarray, recall: float = 0.95) -> float:
    """1 - the share of rows reviewed, best score first, until ``recall`` of the positives are found."""
    positives = y > 0
    total = int(positives.sum())
    if not total:
        return float("nan")
    order = np.lexsort((tie_key, -score))
    found = np.cumsum(positives[order])
    reviewed = int(np.searchsorted(found, math.ceil(recall * total))) + 1
    return 1.0 - reviewed / len(y)


def _auc(y: np.ndarray, score: np.ndarray) -> float:
    positives = y > 0
    return float(roc_auc_score(positives, score)) if 0 < positives.sum() < len(y) else float("nan")


def by_key(
    key: np.ndarray, y: np.ndarray, score: np.ndarray, baseline: np.ndarray, ranking: bool, tie_key: np.ndarray
) -> list[dict[str, object]]:
    """Rows, positives and the main metric (AUC, or NDCG@10 for a ranker) of model and baseline per key."""
    rows = []
    if ranking:
        model = per_group(y, score, key, tie_key, (10,))["ndcg@10"]
        base = per_group(y, baseline, key, tie_key, (10,))["ndcg@10"]
    for i, value in enumerate(np.unique(key)):
        mask = key == value
        entry: dict[str, object] = {"key": str(value), "rows": int(mask.sum()), "positives": int((y[mask] > 0).sum())}
        if ranking:
            entry.update(model=float(model[i]), baseline=float(base[i]))
        else:
            entry.update(model=_auc(y[mask], score[mask]), baseline=_auc(y[mask], baseline[mask]))
        rows.append(entry)
    return rows
