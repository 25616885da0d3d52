"""Two stored models of one slot, re-evaluated on the same window: which is better, by how much, and why
they differ (features added and removed, config keys changed)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np

from riskforge.config.schema import EvalCfg
from riskforge.errors import ConfigError
from riskforge.evaluation.bootstrap import day_bootstrap_mean, entity_bootstrap_auc
from riskforge.evaluation.ranking import per_group
from riskforge.scoring.backtest import Backtest, backtest
from riskforge.scoring.stored import StoredModel
from riskforge.warehouse import Warehouse


def flatten(tree: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(tree, dict):
        out: dict[str, Any] = {}
        for key, value in tree.items():
            out.update(flatten(value, f"{prefix}{key}."))
        return out
    return {prefix.rstrip("."): tree}


def config_diff(a: dict[str, Any], b: dict[str, Any]) -> dict[str, list[Any]]:
    """Keys whose value differs between two composed configs: key -> [a's value, b's value]."""
    fa, fb = flatten(a), flatten(b)
    return {k: [fa.get(k), fb.get(k)] for k in sorted(set(fa) | set(fb)) if fa.get(k) != fb.get(k)}


def _paired(a: Backtest, b: Backtest, ranking: bool, cfg: EvalCfg, seed: int) -> dict[str, list[float]]:
    """Interval of (B - A) on the rows both backtests scored, resampling entities (binary) or days."""
    key_a = np.char.add(a.part.day.astype(str), a.part.entity_id.astype(str))
    key_b = np.char.add(b.part.day.astype(str), b.part.entity_id.astype(str))
    _, ia, ib = np.intersect1d(key_a, key_b, return_indices=True)
    part, score_a, score_b = b.part, a.score[ia], b.score[ib]
    if ranking:
        day, y, tie = part.day[ib], part.y[ib], part.entity_id[ib]
        ndcg_a = per_group(y, score_a, day, tie, (10,))["ndcg@10"]
        ndcg_b = per_group(y, score_b, day, tie, (10,))["ndcg@10"]
        _, diff = day_bootstrap_mean(ndcg_b, ndcg_a, cfg.bootstrap, cfg.confidence, seed)
        return {"lift_test_ndcg@10": diff}
    intervals = entity_bootstrap_auc(part.y[ib], score_b, score_a, part.group[ib], cfg.bootstrap, cfg.confidence, seed)
    return {"lift_test_auc": intervals["lift_auc"]}


def compare(
    a: StoredModel, b: StoredModel, warehouse: Warehouse, start: dt.date | None, end: dt.date | None, cfg: EvalCfg
) -> dict[str, Any]:
    if (a.row.network, a.row.model_type, a.row.window_days) != (b.row.network, b.row.model_type, b.row.window_days):
        raise ConfigError("compare needs two models of the same network, model type and window")
    if start is None and end is None:  # default: the newer model's test period
        newer = max((a, b), key=lambda m: m.row.created_at)
        test = newer.metadata["split"]["test"]
        start, end = dt.date.fromisoformat(test["start"]), dt.date.fromisoformat(test["end"])
    ranking = b.model_type.objective == "lambdarank"
    results = {m.row.model_id: backtest(m, warehouse, start, end, cfg) for m in (a, b)}
    bt_a, bt_b = results[a.row.model_id], results[b.row.model_id]
    overlap = [
        m.row.model_id for m in (a, b) if dt.date.fromisoformat(m.metadata["split"]["validation"]["end"]) >= bt_a.start
    ]
    fa, fb = a.feature_names, b.feature_names
    return {
        "window": {"start_date": str(bt_a.start), "end_date": str(bt_a.end)},
        "models": {
            mid: {"metrics": r.evaluation.metrics, "metrics_ci": r.evaluation.metrics_ci} for mid, r in results.items()
        },
        "baseline_metrics": bt_b.evaluation.baseline_metrics,
        "b_minus_a": _paired(bt_a, bt_b, ranking, cfg, 0),
        "features_added": [f for f in fb if f not in fa],
        "features_removed": [f for f in fa if f not in fb],
        "config_diff": config_diff(a.metadata["reproducibility"]["config"], b.metadata["reproducibility"]["config"]),
        "trained_on_window": overlap,
    }
