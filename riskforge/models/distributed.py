"""The final model boosted by LightGBM's own distributed mode (``lightgbm.dask``), for ``trainer=dask``.

A scheduler address connects to an existing Dask cluster; without one a LocalCluster is started for the
fit and closed after it. Rankers get partitions cut at query-group boundaries (LightGBM needs every group
whole on one worker). lightgbm.dask has no early-stopping callback, so every round runs and the best
validation round is kept, which selects the same model early stopping would have.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import lightgbm as lgb
import numpy as np

HIGHER_IS_BETTER = ("auc", "ndcg", "map", "average_precision")


@contextlib.contextmanager
def _client(settings: dict[str, Any]) -> Iterator[Any]:
    from dask.distributed import Client, LocalCluster

    if settings.get("scheduler_address"):
        with Client(settings["scheduler_address"]) as client:
            yield client
        return
    with (
        LocalCluster(
            n_workers=settings.get("n_workers", 2),
            threads_per_worker=settings.get("threads_per_worker", 1),
            processes=True,
            dashboard_address=None,
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client


def row_chunks(n_rows: int, parts: int, groups: np.ndarray | None) -> tuple[tuple[int, ...], tuple[int, ...] | None]:
    """Near-equal row chunks and, for rankers, the number of query groups in each (cut between groups)."""
    if groups is None:
        bounds = np.unique(np.linspace(0, n_rows, parts + 1).round().astype(int))
        return tuple(int(b) for b in np.diff(bounds)), None
    ends = np.cumsum(groups)
    cuts = np.searchsorted(ends, np.linspace(0, n_rows, parts + 1)[1:-1]) + 1
    group_bounds = np.unique(np.r_[0, np.clip(cuts, 1, len(groups)), len(groups)])
    row_bounds = np.r_[0, ends][group_bounds]
    return tuple(int(r) for r in np.diff(row_bounds)), tuple(int(g) for g in np.diff(group_bounds))


def _arrays(dataset: lgb.Dataset, parts: int) -> dict[str, Any]:
    import dask.array as da

    X, y = np.asarray(dataset.data), np.asarray(dataset.label)
    groups = None if dataset.group is None else np.asarray(dataset.group)
    rows, group_chunks = row_chunks(len(y), parts, groups)
    out = {"X": da.from_array(X, chunks=(rows, X.shape[1])), "y": da.from_array(y, chunks=(rows,))}
    if dataset.weight is not None:
        out["weight"] = da.from_array(np.asarray(dataset.weight), chunks=(rows,))
    if groups is not None:
        out["group"] = da.from_array(groups, chunks=(group_chunks,))
    return out


def train_dask(
    params: dict[str, Any], rounds: int, settings: dict[str, Any], train: lgb.Dataset, valid: lgb.Dataset
) -> lgb.Booster:
    """Fit on the cluster, then cut the booster at its best validation round."""
    from lightgbm.dask import DaskLGBMClassifier, DaskLGBMRanker, DaskLGBMRegressor

    objective = params.get("objective", "regression")
    estimator = {"binary": DaskLGBMClassifier, "lambdarank": DaskLGBMRanker}.get(objective, DaskLGBMRegressor)
    with _client(settings) as client:
        parts = max(1, len(client.scheduler_info()["workers"]))
        t, v = _arrays(train, parts), _arrays(valid, parts)
        fit: dict[str, Any] = {"sample_weight": t.get("weight"), "eval_X": (v["X"],), "eval_y": (v["y"],)}
        fit["eval_names"] = ["validation"]
        if objective == "lambdarank":
            fit.update(group=t["group"], eval_group=[v["group"]], eval_at=params.get("eval_at", [10]))
        local = {k: v for k, v in params.items() if k != "num_threads"}  # each worker sizes its own threads
        model = estimator(client=client, n_estimators=rounds, **local)
        model.fit(t["X"], t["y"], **fit)
        booster = model.booster_
        history = model.evals_result_["validation"]
    metric = next(iter(history))
    curve = np.asarray(history[metric])
    best = int(np.argmax(curve) if metric.startswith(HIGHER_IS_BETTER) else np.argmin(curve)) + 1
    booster.best_iteration = best
    return booster
