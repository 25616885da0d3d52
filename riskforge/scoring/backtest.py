"""Backtests: a stored model re-scored on any window of the warehouse, judged as training judged it.

The model's own feature groups, fitted states and decisions (e.g. its validation threshold) are reused,
never refitted on the backtest window; the report adds per-day and per-segment breakdowns and the review
workload saved at 95% recall.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from riskforge.config.schema import EvalCfg
from riskforge.data.extract import fetch
from riskforge.data.window import inspect_window
from riskforge.errors import DataError
from riskforge.evaluation.breakdown import by_key, workload_saved
from riskforge.features.matrix import protocol_rows
from riskforge.models.base import Evaluation, Part
from riskforge.plugin_manager import registry
from riskforge.scoring.stored import StoredModel
from riskforge.warehouse import Warehouse


@dataclass
class Backtest:
    model_id: str
    start: dt.date
    end: dt.date
    evaluation: Evaluation
    per_day: list[dict[str, Any]]
    per_segment: list[dict[str, Any]]
    workload_saved_at_95_recall: dict[str, float]
    part: Part = field(repr=False)
    score: np.ndarray = field(repr=False)

    def report(self) -> dict[str, Any]:
        return {
            "model_id": self.model_id,
            "window": {"start_date": str(self.start), "end_date": str(self.end)},
            "rows": len(self.part),
            "metrics": self.evaluation.metrics,
            "baseline_metrics": self.evaluation.baseline_metrics,
            "metrics_ci": self.evaluation.metrics_ci,
            "workload_saved_at_95_recall": self.workload_saved_at_95_recall,
            "per_day": self.per_day,
            "per_segment": self.per_segment,
        }


def backtest(
    stored: StoredModel,
    warehouse: Warehouse,
    start: dt.date | None,
    end: dt.date | None,
    cfg: EvalCfg,
    seed: int = 0,
) -> Backtest:
    """Score every snapshot of ``stored``'s network and window between ``start`` and ``end``."""
    train_cfg = stored.cfg
    labels = registry().label_source(train_cfg.labels.name)
    with warehouse.connect() as client:
        info = inspect_window(
            client,
            train_cfg.network,
            train_cfg.window,
            stored.tables(labels),
            start,
            end,
            labels.newest_date_sql(),
            None,
            train_cfg.labels.maturity_days,
            entity_table=stored.level.table,
        )
        plan = stored.plan(labels, info.tables)
        parameters = {
            "database": info.database,
            "window": train_cfg.window,
            "start_date": info.dates[0],
            "end_date": info.dates[-1],
            "as_of": info.as_of,
            "dates": info.dates,
        }
        table = fetch(client, plan, parameters)
    rows = protocol_rows(table)
    X = stored.features(table, plan)
    y, keep = stored.model_type.targets(rows.grade, train_cfg.model, train_cfg.labels.unlabelled)
    if not (y[keep] > 0).any() or (y[keep] > 0).all():
        raise DataError(f"the backtest window {info.dates[0]}..{info.dates[-1]} holds a single class")
    index = np.flatnonzero(keep)
    part = Part(
        X=X[index],
        y=y[index],
        day=rows.day[index],
        entity_id=rows.entity_id[index],
        group=rows.group[index],
        baseline=rows.baseline[index],
    )
    score = stored.scores(stored.raw_scores(part.X))
    decisions = {k: v for k, v in stored.metadata.get("evaluation", {}).items() if isinstance(v, int | float)}
    evaluation = stored.model_type.measure(part, score, decisions, cfg, seed)
    ranking = stored.model_type.objective == "lambdarank"
    segment = rows.segment[index]
    return Backtest(
        model_id=stored.row.model_id,
        start=info.dates[0],
        end=info.dates[-1],
        evaluation=evaluation,
        per_day=by_key(part.day.astype(str), part.y, score, part.baseline, ranking, part.entity_id),
        per_segment=[] if ranking else by_key(segment, part.y, score, part.baseline, False, part.entity_id),
        workload_saved_at_95_recall={
            "model": workload_saved(part.y, score, part.entity_id),
            "baseline": workload_saved(part.y, part.baseline, part.entity_id),
        },
        part=part,
        score=score,
    )
