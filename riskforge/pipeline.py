"""The phases of a train run: extract → features → train → evaluate → store.

The warehouse is open only while a phase reads or writes (extract, store), never while LightGBM trains,
so other processes can use an embedded warehouse in between.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import time
from typing import Any

import numpy as np
import pyarrow as pa
from clickhouse_connect.driver.exceptions import ClickHouseError

from riskforge import signals
from riskforge.arrays import distinct
from riskforge.data import cache
from riskforge.data.extract import ExtractPlan, fetch, plan_extract
from riskforge.data.window import WindowInfo, inspect_window
from riskforge.errors import DataError
from riskforge.evaluation.monitoring import training_reference
from riskforge.evaluation.split import (
    DROPPED,
    PART_NAMES,
    TEST,
    TRAIN,
    VALIDATION,
    DateSplit,
    disjoint_training,
    split_dates,
)
from riskforge.features.matrix import FeatureMatrix, Rows, build_matrix, protocol_rows
from riskforge.models.base import Part, TrainingSet
from riskforge.plugin_manager import plugin_manager
from riskforge.progress import RunProgress
from riskforge.run import Run, TrainResult
from riskforge.store.model_store import StoredModel, store_model, unstore
from riskforge.warehouse.client import first_line

PHASES = ("extract", "features", "train", "evaluate", "store")
log = logging.getLogger("riskforge")


def train(run: Run, progress: RunProgress) -> StoredModel:
    """Run every phase; plugins hear about the run before, after, and on error."""
    hook = plugin_manager().hook
    hook.riskforge_before_train(run=run)
    try:
        with signals.interruptible():
            result = _train(run, progress)
            hook.riskforge_after_train(run=run, result=result)
            with progress.phase("store"), signals.deferred() as caught:
                stored = store_model(run, result, time.perf_counter())
            if caught:
                unstore(stored, run)
                raise signals.Interrupted(caught[0])
    except BaseException as error:
        hook.riskforge_on_error(run=run, error=error)
        raise
    hook.riskforge_model_stored(record=stored)
    return stored


def _train(run: Run, progress: RunProgress) -> TrainResult:
    with progress.phase("extract"):
        info, date_split, plan, table, fingerprint = extract(run)
    with progress.phase("features"):
        data, matrix, data_stats, split_stats = build_training_set(run, table, plan, date_split)
    cfg = run.cfg
    fit_plan = run.model_type.plan(
        cfg.model,
        seed=cfg.seed,
        deterministic=cfg.deterministic,
        cv_folds=cfg.split.cv_folds,
        embargo_days=run.embargo_days,
    )
    if cfg.trainer.name == "dask":
        settings = {k: getattr(cfg.trainer, k) for k in ("scheduler_address", "n_workers", "threads_per_worker")}
        fit_plan = dataclasses.replace(fit_plan, distributed=settings)
    with progress.phase("train"):
        fitted = run.model_type.fit(data, fit_plan, progress.rounds)
    with progress.phase("evaluate"):
        evaluation = run.model_type.evaluate(fitted, data, run.cfg.eval, run.cfg.seed)
        gain = fitted.booster.feature_importance("gain", iteration=fitted.best_iteration)
        drift_reference = training_reference(data.train.X, data.feature_names, gain, fitted.predict(data.validation.X))
    return TrainResult(
        fitted=fitted,
        evaluation=evaluation,
        feature_names=data.feature_names,
        feature_groups=_columns_by_group(run, plan, data.feature_names),
        feature_state=matrix.states,
        monitoring_reference=drift_reference,
        dropped_columns=matrix.dropped,
        date_split=date_split,
        data_stats=data_stats,
        split_stats=split_stats,
        data_fingerprint=fingerprint,
        as_of=info.as_of,
        data_notes=info.tables.drift(),
        hyperparameters={
            **fit_plan.params,
            "num_boost_round": fit_plan.num_boost_round,
            "early_stopping_rounds": fit_plan.early_stopping_rounds,
            "learning_rate_decay": run.cfg.model.learning_rate_decay,
            "learning_rate_floor": run.cfg.model.learning_rate_floor,
        },
        timings=dict(progress.timings),
    )


def _columns_by_group(run: Run, plan: ExtractPlan, kept: list[str]) -> dict[str, list[str]]:
    """Each group's final columns that made it into the model."""
    return {
        group.name: [c for c in group.outputs(plan.columns_by_group[group.name], params) if c in kept]
        for group, params in run.groups
    }


def extract(run: Run) -> tuple[WindowInfo, DateSplit, ExtractPlan, pa.Table, str]:
    """Check the window, split its dates (failing fast), then fetch every row in one Arrow table."""
    cfg = run.cfg
    with run.warehouse.connect() as client:
        info = inspect_window(
            client,
            run.network,
            run.window,
            run.tables(),
            run.start_date,
            run.end_date,
            run.label_source.newest_date_sql(),
            run.labels_as_of,
            cfg.labels.maturity_days,
            entity_table=run.level.table,
        )
        date_split = split_dates(info.dates, cfg.split.validation, cfg.split.test, run.embargo_days)
        plan = plan_extract(
            run.level, run.groups, run.label_source, run.window, info.tables.columns_of, info.tables.engine_of
        )
        for note in info.tables.drift():
            log.info("data: %s", note)
        kept = sorted(date_split.train + date_split.validation + date_split.test)
        parameters = {
            "database": info.database,
            "window": run.window,
            "start_date": kept[0],
            "end_date": kept[-1],
            "as_of": info.as_of,
            "dates": kept,
        }
        try:
            fingerprint = data_fingerprint(client, info.database, run.tables())
            digest = cache.key(plan.sql, {**parameters, **plan.parameters}, fingerprint, run.warehouse.describe())
            table = cache.load(digest) if cfg.data.cache else None
            if table is None:
                table = fetch(client, plan, parameters, deterministic=cfg.deterministic)
                if cfg.data.cache:
                    cache.store(digest, table)
            else:
                log.info("extract: reusing the cached extract of this window, feature set and data")
        except ClickHouseError as exc:
            raise DataError(f"the feature query failed on {info.database}: {first_line(exc)}") from None
    return info, date_split, plan, table, fingerprint


def data_fingerprint(client: Any, database: str, tables: list[str]) -> str:
    """A digest of the active data parts of every table read: it changes whenever their data does."""
    rows = client.query(
        "SELECT table, name, hash_of_all_files FROM system.parts "
        "WHERE database = {database:String} AND has({tables:Array(String)}, table) AND active ORDER BY table, name",
        parameters={"database": database, "tables": tables},
    ).result_rows
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def build_training_set(
    run: Run, table: pa.Table, plan: ExtractPlan, date_split: DateSplit
) -> tuple[TrainingSet, FeatureMatrix, dict[str, Any], dict[str, Any]]:
    """Targets, split parts, entity-disjoint training, sanity gates, and the feature matrix of the rows
    kept (stateful groups fitted and uninformative columns dropped on the training rows only)."""
    rows = protocol_rows(table)
    check_unique(rows)
    y, labelled = run.model_type.targets(rows.grade, run.cfg.model, run.cfg.labels.unlabelled)
    part = date_split.part_of(rows.day)
    coverage = {PART_NAMES[p]: float(np.mean(rows.grade[part == p] > 0)) for p in PART_NAMES if (part == p).any()}
    part[~labelled] = DROPPED
    in_cv = (part == TRAIN) | (part == VALIDATION)
    overlap = disjoint_training(part, rows.group_code) if run.cfg.split.entity_disjoint else np.zeros(len(part), bool)
    part[overlap] = DROPPED
    counts = class_counts(part, y, rows.group_code)
    check_gates(counts, run.cfg.split.min_positives)
    groups = [(group, params, plan.columns_by_group[group.name]) for group, params in run.groups]
    matrix_rows = np.flatnonzero(in_cv | (part == TEST))  # date order: CV rows (train, validation), test
    matrix = build_matrix(table, groups, rows=matrix_rows, fit_rows=part[matrix_rows] == TRAIN)
    if not matrix.feature_names:
        raise DataError("every feature column is constant or null on the training rows")
    at = part[matrix_rows]
    data = TrainingSet(
        feature_names=matrix.feature_names,
        train=_part(matrix.X, rows, y, matrix_rows, np.flatnonzero(at == TRAIN)),
        validation=_part(matrix.X, rows, y, matrix_rows, np.flatnonzero(at == VALIDATION)),
        test=_part(matrix.X, rows, y, matrix_rows, np.flatnonzero(at == TEST)),
        cv=_part(matrix.X, rows, y, matrix_rows, np.flatnonzero(at != TEST)),
    )
    used = part != DROPPED
    data_stats = {
        "num_samples": int(used.sum()),
        "num_features": len(matrix.feature_names),
        "positive_rate": float((y[used] > 0).mean()),
        "rows_extracted": len(rows),
        "unlabelled_rows_excluded": int((~labelled).sum()) if run.cfg.labels.unlabelled == "exclude" else 0,
        "label_coverage": coverage,
        "classes": counts,
    }
    split_stats = {"rows_dropped_entity_disjoint": int(overlap.sum()), "entity_disjoint": run.cfg.split.entity_disjoint}
    return data, matrix, data_stats, split_stats


def _part(X: np.ndarray, rows: Rows, y: np.ndarray, matrix_rows: np.ndarray, positions: np.ndarray) -> Part:
    """The part at ``positions`` of the matrix (whose rows are ``matrix_rows`` of the extract): a view when
    they are one run of rows, as every part is unless entity-disjoint training took rows out of train."""
    index = matrix_rows[positions]
    one_run = len(positions) and positions[-1] - positions[0] + 1 == len(positions)
    return Part(
        X=X[positions[0] : positions[-1] + 1] if one_run else X[positions],
        y=y[index],
        day=rows.day[index],
        entity_id=rows.entity_id[index],
        group=rows.group[index],
        baseline=rows.baseline[index],
    )


def check_unique(rows: Rows) -> None:
    """One row per (processing_date, entity) after deduplication, or the run is refused."""
    keys = rows.day.astype(np.int64) * (int(rows.entity_code.max(initial=0)) + 1) + rows.entity_code
    duplicated = len(keys) - len(distinct(keys))
    if duplicated:
        raise DataError(
            f"{duplicated} duplicated entity rows after deduplication",
            hint="an input table holds duplicated rows that are not versions of a ReplacingMergeTree",
        )


def class_counts(part: np.ndarray, y: np.ndarray, group: np.ndarray) -> dict[str, dict[str, int]]:
    """Rows and distinct entities of each class in each part (positive: a target above zero)."""
    counts = {}
    for code, name in PART_NAMES.items():
        rows = part == code
        positive, negative = rows & (y > 0), rows & (y == 0)
        counts[name] = {
            "rows": int(rows.sum()),
            "positives": int(positive.sum()),
            "negatives": int(negative.sum()),
            "positive_entities": len(distinct(group[positive])),
            "negative_entities": len(distinct(group[negative])),
        }
    return counts


def check_gates(counts: dict[str, dict[str, int]], min_positives: int) -> None:
    """Refuse to train when any part lacks a class or has fewer positive entities than required."""
    short = [
        name
        for name, c in counts.items()
        if c["positive_entities"] < min_positives or c["negative_entities"] == 0 or c["rows"] == 0
    ]
    if short:
        held = "; ".join(
            f"{name} {c['positive_entities']} positive / {c['negative_entities']} negative entities"
            for name, c in counts.items()
        )
        raise DataError(
            f"too few positives to train and evaluate honestly: {held} (split.min_positives={min_positives})",
            hint="widen the data window, lower split.min_positives, or check the label source",
        )
