"""Scoring one processing date with a stored model: exactly the training features, then predictions.

Phases mirror training (extract → features → predict → store). The warehouse is open only while reading
and while writing; the score slice is replaced atomically and the batch_metadata row is written last.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa

from riskforge import signals
from riskforge.config.schema import ScoreCfg, parse_date
from riskforge.data.extract import ExtractPlan, fetch
from riskforge.data.window import DayInfo, inspect_day
from riskforge.errors import DataError
from riskforge.evaluation.monitoring import psi
from riskforge.features.matrix import protocol_rows
from riskforge.progress import RunProgress
from riskforge.scoring.explain import explanations
from riskforge.scoring.stored import StoredModel
from riskforge.scoring.write import replace_slice
from riskforge.store import registry
from riskforge.warehouse import Warehouse
from riskforge.warehouse.client import first_line
from riskforge.warehouse.migrate import migrate

PHASES = ("resolve", "extract", "features", "predict", "store")


@dataclass
class DayScores:
    """The outcome of one scoring batch."""

    model_id: str
    date: dt.date
    table: str
    rows: int
    explained: int
    timings: dict[str, float] = field(default_factory=dict)
    monitoring: dict[str, Any] = field(default_factory=dict)


def score_day(cfg: ScoreCfg, progress: RunProgress) -> DayScores:
    warehouse = Warehouse.from_dsn(cfg.warehouse.dsn, cfg.warehouse.lock_timeout_s)
    date = parse_date(cfg.date, "date")
    started = time.perf_counter()
    with signals.interruptible():
        with progress.phase("resolve"), warehouse.connect() as client:
            row = registry.resolve(client, cfg.network, cfg.model.name, cfg.window, cfg.model_id)
        stored = StoredModel.load(row)
        _check_slot(stored, cfg)
        with progress.phase("extract"), warehouse.connect() as client:
            info = inspect_day(client, cfg.network, cfg.window, date, stored.level, stored.tables())
            plan = stored.plan(None, info.tables)
            parameters = {
                "database": info.database,
                "window": cfg.window,
                "start_date": date,
                "end_date": date,
                "as_of": date,
                "dates": [date],
            }
            table = fetch(client, plan, parameters)
        try:
            output, explained, timings, monitoring = _predict(stored, cfg, table, plan, date, info, progress)
            table_name = stored.model_type.output_table()
            batch = _batch_row(stored, cfg, date, info.counts, {table_name: output.num_rows}, timings, monitoring)
            with progress.phase("store"), signals.deferred() as caught, warehouse.connect() as client:
                migrate(client, cfg.network, tables=(table_name, "batch_metadata"))
                replace_slice(client, info.database, table_name, output, date, cfg.window, stored.model_type.name)
                _insert_batch(client, info.database, batch)
        except Exception as error:  # the batch started: leave a FAILED row saying why, then fail
            _record_failure(warehouse, stored, cfg, date, info, error)
            raise
        if caught:
            raise signals.Interrupted(caught[0])
    timings["total"] = time.perf_counter() - started
    return DayScores(row.model_id, date, table_name, output.num_rows, explained, timings, monitoring)


def _predict(
    stored: StoredModel,
    cfg: ScoreCfg,
    table: pa.Table,
    plan: ExtractPlan,
    date: dt.date,
    info: DayInfo,
    progress: RunProgress,
) -> tuple[pa.Table, int, dict[str, float], dict[str, Any]]:
    """Features, scores (or ranks) and explanations of one snapshot, and its drift monitoring."""
    with progress.phase("features"):
        X = stored.features(table, plan)
    with progress.phase("predict"):
        rows = protocol_rows(table)
        raw = stored.raw_scores(X)
        output, explained = _output(stored, cfg, rows, raw, X, date)
    monitoring = _monitoring(stored, X, raw, info.counts)
    timings = dict(progress.timings)
    if "latency_ms" in output.column_names:  # the batch's extract-to-prediction time, per alert
        per_alert = 1000 * sum(timings[p] for p in ("extract", "features", "predict")) / max(output.num_rows, 1)
        column = output.schema.get_field_index("latency_ms")
        output = output.set_column(column, "latency_ms", pa.array([per_alert] * output.num_rows, pa.float64()))
    return output, explained, timings, monitoring


def _insert_batch(client: Any, database: str, batch: dict[str, Any]) -> None:
    client.insert("batch_metadata", [list(batch.values())], column_names=list(batch), database=database)


def _record_failure(
    warehouse: Warehouse, stored: StoredModel, cfg: ScoreCfg, date: dt.date, info: DayInfo, error: Exception
) -> None:
    """Best effort: a FAILED batch_metadata row with the error's first line (never masking the error)."""
    batch = _batch_row(stored, cfg, date, info.counts, {}, {}, {}, status="FAILED", error=first_line(error))
    with contextlib.suppress(Exception), warehouse.connect() as client:
        migrate(client, cfg.network, tables=("batch_metadata",))
        _insert_batch(client, info.database, batch)


def _check_slot(stored: StoredModel, cfg: ScoreCfg) -> None:
    """A model picked by id must be of the network, type and window being scored."""
    row = stored.row
    if (row.network, row.model_type, row.window_days) != (cfg.network, cfg.model.name, cfg.window):
        raise DataError(
            f"model {row.model_id} is a {row.model_type} for network {row.network!r}, window {row.window_days}; "
            f"this batch scores {cfg.model.name} for {cfg.network!r}, window {cfg.window}"
        )


def _output(
    stored: StoredModel, cfg: ScoreCfg, rows: Any, raw: np.ndarray, X: np.ndarray, date: dt.date
) -> tuple[pa.Table, int]:
    """The rows of the model type's output table, and how many carry an explanation."""
    n = len(raw)
    common = {
        "processing_date": pa.array([date] * n, pa.date32()),
        stored.level.id_column: pa.array(rows.entity_id.tolist(), pa.string()),
        "model_version": pa.array([stored.metadata["version"]] * n, pa.string()),
        "window_days": pa.array([cfg.window] * n, pa.uint16()),
        "model_type": pa.array([stored.model_type.name] * n, pa.string()),
        "model_id": pa.array([stored.row.model_id] * n, pa.string()),
    }
    if stored.model_type.objective == "lambdarank":
        order = np.lexsort((rows.entity_id, -raw))
        rank = np.empty(n, dtype=np.int32)
        rank[order] = np.arange(1, n + 1, dtype=np.int32)
        return pa.table({**common, "rank": pa.array(rank, pa.int32())}), 0
    score = stored.probabilities(raw)
    if stored.level.name != "alert":
        return pa.table({**common, "score": pa.array(score, pa.float64())}), 0
    top = np.lexsort((rows.entity_id, -score))[: cfg.explain_top]
    explained = [""] * n
    for j, text in zip(
        top,
        explanations(stored.booster, X[top], stored.feature_names, stored.best_iteration, cfg.explain_features),
        strict=True,
    ):
        explained[j] = text
    return (
        pa.table(
            {
                **common,
                "score": pa.array(score, pa.float64()),
                "latency_ms": pa.array(np.zeros(n), pa.float64()),  # filled in once the batch is timed
                "explain_json": pa.array(explained, pa.string()),
            }
        ),
        len(top),
    )


def _monitoring(stored: StoredModel, X: np.ndarray, raw: np.ndarray, counts: dict[str, int]) -> dict[str, Any]:
    """Drift of the day against training: null rates, PSI of the main features and of the scores."""
    reference = stored.metadata.get("monitoring_reference", {})
    index = {n: j for j, n in enumerate(stored.feature_names)}
    features = reference.get("features", {})
    scores = stored.scores(raw)
    return {
        "alerts_without_feature_row": counts.get("without_features", 0),
        "null_rates": {n: float(np.mean(np.isnan(X[:, index[n]]))) for n in features if n in index},
        "psi": {n: psi(ref, X[:, index[n]]) for n, ref in features.items() if n in index},
        "score_psi": psi(reference["score"], scores) if "score" in reference else None,
    }


def _batch_row(
    stored: StoredModel,
    cfg: ScoreCfg,
    date: dt.date,
    counts: dict[str, int],
    outputs: dict[str, int],
    timings: dict[str, float],
    monitoring: dict[str, Any],
    status: str = "COMPLETED",
    error: str = "",
) -> dict[str, Any]:
    ms = {k: 1000 * v for k, v in timings.items()}
    return {
        "processing_date": date,
        "processed_at": dt.datetime.now(dt.UTC).replace(tzinfo=None),
        "window_days": cfg.window,
        "input_counts_alerts": counts.get("alerts", 0),
        "input_counts_features": counts.get("features", 0),
        "input_counts_clusters": counts.get("clusters", 0),
        "output_counts_alert_scores": outputs.get("alert_scores", 0),
        "output_counts_alert_rankings": outputs.get("alert_rankings", 0),
        "output_counts_cluster_scores": outputs.get("cluster_scores", 0),
        "latencies_ms_total": sum(ms.values()),
        "latencies_ms_features": ms.get("extract", 0) + ms.get("features", 0),
        "latencies_ms_predict": ms.get("predict", 0),
        "model_versions": {stored.model_type.name: stored.row.model_id},
        "status": status,
        "error_message": error,
        "monitoring_json": json.dumps(monitoring, default=str),
    }
