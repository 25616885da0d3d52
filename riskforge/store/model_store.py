"""Writing a trained model: files first (atomic, never overwritten), tracking row last.

If anything fails, or the process is interrupted, before the tracking row is in, the files written so
far are removed: a reader never sees a model without a row, or a row pointing at missing files.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from riskforge import __version__, paths
from riskforge.run import Run, TrainResult
from riskforge.store import tracking
from riskforge.store.files import remove_quietly, write_new
from riskforge.store.metadata import build_metadata
from riskforge.store.naming import model_id as make_model_id


@dataclass(frozen=True)
class StoredModel:
    model_id: str
    network: str
    model_path: Path
    metadata_path: Path
    metadata: dict[str, Any]
    plot_paths: tuple[Path, ...] = ()

    @property
    def files(self) -> tuple[Path, ...]:
        return (self.model_path, self.metadata_path, *self.plot_paths)


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


def _finite(value: Any) -> float:
    return float(value) if isinstance(value, int | float) and math.isfinite(value) else float("nan")


def store_model(run: Run, result: TrainResult, started: float) -> StoredModel:
    """Write ``<id>.txt`` and ``<id>.json`` under the models directory, then the tracking row."""
    created_at = dt.datetime.now(dt.UTC)
    split = result.date_split
    directory = paths.models_dir() / run.network
    directory.mkdir(parents=True, exist_ok=True)
    text = result.fitted.booster.model_to_string(num_iteration=result.fitted.best_iteration).encode()
    model_path = metadata_path = None
    plot_paths: list[Path] = []
    try:
        for _ in range(5):  # a fresh random suffix on the (rare) collision
            model_id = make_model_id(
                run.model_type.name, run.network, __version__, split.train[0], split.test[-1], run.window, created_at
            )
            try:
                model_path = write_new(directory / f"{model_id}.txt", text)
                break
            except FileExistsError:
                continue
        else:
            raise FileExistsError(f"could not find a free model file name in {directory}")
        for name, png in result.evaluation.plots.items():
            plot_paths.append(write_new(directory / f"{model_id}.{name}.png", png))
        result.timings["store"] = time.perf_counter() - started
        result.timings["total"] = sum(v for k, v in result.timings.items() if k != "total")
        metadata = build_metadata(run, result, model_id, created_at)
        metadata["model_path"] = str(model_path)
        metadata["model_sha256"] = hashlib.sha256(text).hexdigest()
        metadata["plots"] = [path.name for path in plot_paths]
        metadata_path = write_new(model_path.with_suffix(".json"), json.dumps(metadata, indent=2, default=str).encode())
        with run.warehouse.connect() as client:
            tracking.insert_row(client, run.network, tracking_row(metadata, created_at))
    except BaseException:
        remove_quietly(model_path, metadata_path, *plot_paths)
        raise
    return StoredModel(model_id, run.network, model_path, metadata_path, metadata, tuple(plot_paths))


def tracking_row(metadata: dict[str, Any], created_at: dt.datetime) -> dict[str, Any]:
    metrics = metadata["metrics"]
    period = metadata["training_period"]
    return {
        "model_id": metadata["model_id"],
        "model_type": metadata["model_type"],
        "version": metadata["version"],
        "network": metadata["network"],
        "training_start_date": dt.date.fromisoformat(period["start_date"]),
        "training_end_date": dt.date.fromisoformat(period["end_date"]),
        "created_at": created_at.replace(tzinfo=None),
        "model_path": metadata["model_path"],
        "metrics_json": _json(metrics),
        "hyperparameters_json": _json(metadata["hyperparameters"]),
        "feature_names": metadata["feature_names"],
        "num_samples": metadata["data_stats"]["num_samples"],
        "num_features": metadata["data_stats"]["num_features"],
        "test_auc": _finite(metrics.get("test_auc")),
        "cv_auc_mean": _finite(metrics.get("cv_auc_mean")),
        "cv_auc_std": _finite(metrics.get("cv_auc_std")),
        "window_days": period["window_days"],
        "baseline_metrics_json": _json(metadata["baseline_metrics"]),
        "metrics_ci_json": _json(metadata["metrics_ci"]),
        "model_sha256": metadata["model_sha256"],
        "stage": metadata["stage"],
        "run_id": metadata["run_id"],
    }


def unstore(stored: StoredModel, run: Run) -> None:
    """Undo a completed store (the run was interrupted while storing): row first, then files."""
    with run.warehouse.connect() as client:
        tracking.delete_row(client, stored.network, stored.model_id)
    remove_quietly(*stored.files)
