"""Bootstrap intervals over entities: resample whole entities (addresses), never single rows.

Rows of one entity are correlated (many snapshots, one label), so resampling rows would make the
intervals too narrow. Each replicate is a vector of draw counts per entity; multiplied by sparse
(entity, score column) class counts it gives the replicate's weighted ROC counts, a chunk of replicates
at a time.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse

from riskforge.arrays import distinct

CHUNK = 64


def _roc_columns(y: np.ndarray, score: np.ndarray) -> tuple[np.ndarray, int]:
    """Each row's column in the ROC count matrices, ascending by score: one column per distinct score of
    a positive, and one for the negatives scored strictly between two of those (a negative tied with a
    positive shares its column, counted half). The AUC needs nothing finer, and there are at most twice
    as many columns as the positives' distinct scores, against one per distinct score."""
    _, rank = np.unique(score, return_inverse=True)
    rank = rank.ravel()
    positive_ranks = distinct(rank[y == 1])
    below = np.searchsorted(positive_ranks, rank)  # how many positive scores lie below each row's
    tied = np.append(positive_ranks, -1)[below] == rank
    return 2 * below + tied, 2 * len(positive_ranks) + 1


def weighted_auc(y: np.ndarray, score: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """ROC AUC under row weights (Mann-Whitney with ties counted half); ``weights`` is (replicates, rows).
    The bootstrap's own computation with every row its own entity."""
    pos, neg = _per_unit(y, score, np.arange(len(y)), len(y))
    return _auc(np.asarray(weights @ pos), np.asarray(weights @ neg))


def _auc(pos: np.ndarray, neg: np.ndarray) -> np.ndarray:
    """AUC per replicate from the weighted positives and negatives in each score column (ascending)."""
    below = np.cumsum(neg, axis=1) - neg
    total = pos.sum(axis=1) * neg.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, (pos * (below + 0.5 * neg)).sum(axis=1) / total, np.nan)


def _per_unit(y: np.ndarray, score: np.ndarray, unit: np.ndarray, n_units: int) -> tuple[sparse.csr_matrix, ...]:
    """Positive and negative rows counted per (entity, score column): a replicate's draw counts of the
    entities times these matrices are its weighted class totals per column, without a row-sized pass."""
    rank, n_ranks = _roc_columns(y, score)
    return tuple(
        sparse.csr_matrix((np.ones(int(mask.sum())), (unit[mask], rank[mask])), shape=(n_units, n_ranks))
        for mask in (y == 1, y == 0)
    )


def entity_bootstrap_auc(
    y: np.ndarray,
    model: np.ndarray,
    baseline: np.ndarray,
    entity: np.ndarray,
    replicates: int,
    confidence: float,
    seed: int,
) -> dict[str, list[float]]:
    """Percentile intervals of the model's AUC and of its lift over the baseline."""
    _, unit = np.unique(entity, return_inverse=True)
    unit = unit.ravel()
    n_units = int(unit.max()) + 1
    model_pos, model_neg = _per_unit(y, model, unit, n_units)
    base_pos, base_neg = _per_unit(y, baseline, unit, n_units)
    rng = np.random.default_rng(seed)
    model_auc, lift = [np.empty(0)], [np.empty(0)]
    for start in range(0, replicates, CHUNK):
        reps = min(CHUNK, replicates - start)
        draws = rng.integers(0, n_units, size=(reps, n_units))
        counts = np.stack([np.bincount(d, minlength=n_units) for d in draws]).astype(np.float64)
        m = _auc(counts @ model_pos, counts @ model_neg)
        model_auc.append(m)
        lift.append(m - _auc(counts @ base_pos, counts @ base_neg))
    alpha = (1 - confidence) / 2
    return {
        "auc": _interval(np.concatenate(model_auc), alpha),
        "lift_auc": _interval(np.concatenate(lift), alpha),
    }


def day_bootstrap_mean(
    model: np.ndarray, baseline: np.ndarray, replicates: int, confidence: float, seed: int
) -> tuple[list[float], list[float]]:
    """Intervals of the mean per-day metric and of its mean lift, resampling whole days."""
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, len(model), size=(replicates, len(model)))
    alpha = (1 - confidence) / 2
    return _interval(model[draws].mean(axis=1), alpha), _interval((model - baseline)[draws].mean(axis=1), alpha)


def _interval(values: np.ndarray, alpha: float) -> list[float]:
    values = values[np.isfinite(values)]
    if not len(values):
        return [float("nan"), float("nan")]
    return [float(np.quantile(values, alpha)), float(np.quantile(values, 1 - alpha))]
