"""Ranking metrics per query group, averaged over groups, exactly as LightGBM defines them.

NDCG@k: gain 2^rel - 1, discount log2(position + 1), a group without any relevant item counts as 1
(LightGBM's convention, so the early-stopping metric and the reported one agree). MAP@k and
precision@k count an item as relevant when its grade is above zero. Ties in score keep a fixed order
(the tie key, e.g. alert_id), as LightGBM's stable sort keeps row order.
"""

from __future__ import annotations

import numpy as np


def _starts(sorted_group: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start index and size of each run of equal values in a grouped array."""
    starts = np.r_[0, np.flatnonzero(sorted_group[1:] != sorted_group[:-1]) + 1] if len(sorted_group) else np.r_[0]
    return starts, np.diff(np.r_[starts, len(sorted_group)])


def _positions(group: np.ndarray, order: np.ndarray) -> np.ndarray:
    """0-based position of each row of ``order`` within its group (rows of one group are adjacent)."""
    starts, sizes = _starts(group[order])
    return np.arange(len(order)) - np.repeat(starts, sizes)


def ranked(score: np.ndarray, group: np.ndarray, tie_key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row order by (group, score descending, tie key) and each ranked row's 0-based position."""
    order = np.lexsort((tie_key, -score, group))
    return order, _positions(group, order)


def per_group(
    relevance: np.ndarray, score: np.ndarray, group: np.ndarray, tie_key: np.ndarray, ks: tuple[int, ...]
) -> dict[str, np.ndarray]:
    """``ndcg@k`` for each k, ``map@10`` and ``precision@10``: one value per group (groups in sorted order)."""
    _, group_index = np.unique(group, return_inverse=True)
    n_groups = int(group_index.max()) + 1 if len(group_index) else 0
    order, position = ranked(score, group_index, tie_key)
    rel = relevance[order].astype(np.float64)
    g = group_index[order]
    gain = np.exp2(rel) - 1.0
    discount = 1.0 / np.log2(position + 2.0)
    ideal_order = np.lexsort((-rel, g))
    ideal_gain = gain[ideal_order]
    ideal_position = _positions(g, ideal_order)
    ideal_discount = 1.0 / np.log2(ideal_position + 2.0)
    out = {}
    for k in ks:
        dcg = np.bincount(g, gain * discount * (position < k), n_groups)
        idcg = np.bincount(g[ideal_order], ideal_gain * ideal_discount * (ideal_position < k), n_groups)
        out[f"ndcg@{k}"] = np.where(idcg > 0, dcg / np.where(idcg > 0, idcg, 1.0), 1.0)
    relevant = rel > 0.5
    running = np.cumsum(relevant)
    starts, sizes = _starts(g)
    hits = running - np.repeat(np.r_[0, running][starts], sizes)  # relevant items so far, within the group
    top10 = position < 10
    n_relevant = np.bincount(g, relevant, n_groups)
    group_size = np.bincount(g, minlength=n_groups)
    ap = np.bincount(g, (relevant & top10) * hits / (position + 1.0), n_groups)
    denominator = np.minimum(n_relevant, np.minimum(group_size, 10))
    out["map@10"] = np.where(n_relevant > 0, ap / np.maximum(denominator, 1), 1.0)
    out["precision@10"] = np.bincount(g, relevant & top10, n_groups) / np.minimum(group_size, 10)
    return out


RANKING_KS = (5, 10, 20)


def ranking_metrics(
    relevance: np.ndarray, score: np.ndarray, group: np.ndarray, tie_key: np.ndarray
) -> dict[str, float]:
    """Test metrics of a ranker: ``test_ndcg@5/@10/@20``, ``test_map@10``, ``test_precision@10``."""
    values = per_group(relevance, score, group, tie_key, RANKING_KS)
    return {f"test_{name}": float(np.mean(v)) for name, v in values.items()}
