"""The metadata JSON stored beside every model: what was trained, on what, how well, and how to redo it."""

from __future__ import annotations

import datetime as dt
import subprocess
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from riskforge import __version__
from riskforge.run import Run, TrainResult
from riskforge.warehouse.dsn import has_password

PACKAGES = ("riskforge", "lightgbm", "numpy", "pyarrow", "scikit-learn", "clickhouse-connect", "chdb", "hydra-core")
SECRET_KEYS = ("password", "secret", "token")


def redact(value: Any) -> Any:
    """A copy of a config tree with secret-looking keys and passwords inside DSNs masked."""
    if isinstance(value, dict):
        return {
            k: "***" if any(s in str(k).lower() for s in SECRET_KEYS) and v is not None else redact(v)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [redact(v) for v in value]
    if isinstance(value, str) and "://" in value and has_password(value):
        return "***"
    return value


def package_versions() -> dict[str, str]:
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = version(name)
        except PackageNotFoundError:
            continue
    return versions


def git_sha() -> str | None:
    """The commit of the riskforge checkout that trained the model, when it runs from one."""
    root = Path(__file__).resolve().parents[2]
    if not (root / ".git").exists():
        return None
    try:
        out = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=5, check=True
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None


def iso_utc(moment: dt.datetime) -> str:
    """``2026-11-26T07:36:21.695Z``: millisecond precision, UTC, sortable as text."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def build_metadata(run: Run, result: TrainResult, model_id: str, created_at: dt.datetime) -> dict[str, Any]:
    split = result.date_split
    evaluation = result.evaluation
    main = run.model_type.main_metric
    lift = evaluation.metrics_ci.get(f"lift_{main}", [float("nan")] * 2)
    return {
        "model_id": model_id,
        "model_type": run.model_type.name,
        "network": run.network,
        "version": __version__,
        "created_at": iso_utc(created_at),
        "run_id": run.run_id,
        "stage": "candidate",
        "training_period": {
            "start_date": str(split.train[0]),
            "end_date": str(split.test[-1]),
            "window_days": run.window,
        },
        "data_stats": result.data_stats,
        "metrics": evaluation.metrics,
        "baseline_metrics": evaluation.baseline_metrics,
        "metrics_ci": evaluation.metrics_ci,
        "main_metric": main,
        "beats_baseline": bool(lift[0] > 0),
        "baseline": f"sort by {run.level.baseline_column}, ties by {run.level.id_column}",
        "hyperparameters": result.hyperparameters,
        "feature_names": result.feature_names,
        "feature_groups": result.feature_groups,
        "feature_state": result.feature_state,
        "monitoring_reference": result.monitoring_reference,
        "dropped_columns": result.dropped_columns,
        "data_notes": result.data_notes,
        "best_iteration": result.fitted.best_iteration,
        "boosting": {"rounds_run": result.fitted.rounds_run, "cv_rounds": result.fitted.cv_rounds},
        "validation_objective": result.fitted.validation_objective,
        "calibration": result.fitted.calibrator.to_json() if result.fitted.calibrator else None,
        "num_trees": result.fitted.booster.num_trees(),
        "evaluation": evaluation.extras,
        "labels": {
            "source": run.label_source.name,
            "as_of": str(result.as_of),
            "maturity_days": run.cfg.labels.maturity_days,
            "unlabelled": run.cfg.labels.unlabelled,
            "notes": list(run.label_source.notes),
        },
        "split": {**split.describe(), **result.split_stats},
        "timings": {f"{k}_s": round(v, 3) for k, v in result.timings.items()},
        "reproducibility": {
            "config": redact(run.config),
            "data_fingerprint": result.data_fingerprint,
            "package_versions": package_versions(),
            "git_sha": git_sha(),
            "seed": run.cfg.seed,
            "warehouse": run.warehouse.describe(),
        },
    }
