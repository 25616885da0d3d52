"""Thin, general LightGBM training primitives shared by every model type.

They accept what any model type may need: sample weights (on the Dataset), an explicit evaluation set,
a learning-rate schedule, and early stopping switched off (``early_stopping_rounds=None``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import lightgbm as lgb
import numpy as np

from riskforge.models.base import FitPlan


def dataset(
    X: np.ndarray,
    y: np.ndarray,
    feature_names: Sequence[str],
    *,
    weight: np.ndarray | None = None,
    group: np.ndarray | None = None,
    reference: lgb.Dataset | None = None,
    params: dict[str, Any] | None = None,
) -> lgb.Dataset:
    """A LightGBM Dataset that keeps its raw data (so subsets can reuse its bins)."""
    return lgb.Dataset(
        X,
        label=y,
        weight=weight,
        group=group,
        reference=reference,
        feature_name=list(feature_names),
        params=params,
        free_raw_data=False,
    )


def train(
    plan: FitPlan,
    train_set: lgb.Dataset,
    *,
    valid_set: lgb.Dataset | None = None,
    on_iteration: Callable[[int], None] | None = None,
) -> tuple[lgb.Booster, int]:
    """(booster, rounds run): boost by ``plan``, stopping early on ``valid_set``'s first metric when the
    plan asks for it; a plan with ``distributed`` settings boosts through lightgbm.dask instead.

    The rounds run include the early-stopping patience: LightGBM returns the booster cut at its best
    round, so ``current_iteration()`` no longer tells how much work was done."""
    if plan.distributed is not None and valid_set is not None:
        from riskforge.models.distributed import train_dask

        booster = train_dask(plan.params, plan.num_boost_round, plan.distributed, train_set, valid_set)
        if on_iteration is not None:
            on_iteration(booster.current_iteration())
        return booster, plan.num_boost_round
    ran = 0

    def count(env: lgb.callback.CallbackEnv) -> None:
        nonlocal ran
        ran = env.iteration + 1

    callbacks: list[Callable[..., Any]] = [count]
    if valid_set is not None and plan.early_stopping_rounds:
        callbacks.append(lgb.early_stopping(plan.early_stopping_rounds, first_metric_only=True, verbose=False))
    if plan.learning_rates is not None:
        callbacks.append(lgb.reset_parameter(learning_rate=plan.learning_rates))
    if on_iteration is not None:
        callbacks.append(lambda env: on_iteration(env.iteration + 1))
    booster = lgb.train(
        plan.params,
        train_set,
        num_boost_round=plan.num_boost_round,
        valid_sets=[valid_set] if valid_set is not None else None,
        valid_names=["validation"] if valid_set is not None else None,
        callbacks=callbacks,
    )
    return booster, ran


def best_rounds(booster: lgb.Booster) -> int:
    """The number of rounds to keep: the early-stopping optimum, or every round that ran."""
    return booster.best_iteration if booster.best_iteration > 0 else booster.current_iteration()
