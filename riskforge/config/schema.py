"""Dataclass schemas behind the YAML in ``configs/``: bad overrides fail at composition, with Hydra's
precise messages, and semantic checks run in ``__post_init__`` when a config becomes an object.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
from typing import Any

from hydra.core.config_store import ConfigStore
from omegaconf import MISSING

from riskforge.errors import ConfigError
from riskforge.warehouse.names import check_network


def parse_date(value: str | None, key: str) -> dt.date | None:
    """An ISO date (``YYYY-MM-DD``) from the config, or None; anything else is a ConfigError."""
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ConfigError(f"{key}={value!r} is not a date (YYYY-MM-DD)") from None


def positive(value: float, key: str) -> None:
    if value <= 0:
        raise ConfigError(f"{key} must be positive, got {value}")


@dataclass
class WarehouseCfg:
    """Where the data lives: ``dsn`` null means RISKFORGE_WAREHOUSE_DSN, else the embedded warehouse."""

    dsn: str | None = None
    lock_timeout_s: float = 120.0

    def __post_init__(self) -> None:
        positive(self.lock_timeout_s, "warehouse.lock_timeout_s")


@dataclass
class DataCfg:
    """The processing_date range to read (inclusive; null means every date present), and whether to reuse
    a cached extract of the same query on unchanged data."""

    start_date: str | None = None
    end_date: str | None = None
    cache: bool = True

    def __post_init__(self) -> None:
        start = parse_date(self.start_date, "data.start_date")
        end = parse_date(self.end_date, "data.end_date")
        if start and end and end < start:
            raise ConfigError(f"data.end_date {end} is before data.start_date {start}")


@dataclass
class LabelsCfg:
    """Which label source resolves ground truth, as of when, and how mature a snapshot must be."""

    name: str = MISSING
    as_of: str | None = None
    maturity_days: int = 0
    unlabelled: str = "exclude"

    def __post_init__(self) -> None:
        parse_date(self.as_of, "labels.as_of")
        if self.maturity_days < 0:
            raise ConfigError(f"labels.maturity_days must be >= 0, got {self.maturity_days}")
        if self.unlabelled not in ("exclude", "negative"):
            raise ConfigError(f"labels.unlabelled must be 'exclude' or 'negative', got {self.unlabelled!r}")


@dataclass
class SplitCfg:
    """Time-ordered holdout with an embargo at both boundaries (EVALUATION.md, Splits)."""

    train: float = 0.70
    validation: float = 0.15
    test: float = 0.15
    embargo_days: int | None = None
    entity_disjoint: bool = True
    min_positives: int = 30
    cv_folds: int = 5

    def __post_init__(self) -> None:
        for key in ("train", "validation", "test"):
            positive(getattr(self, key), f"split.{key}")
        if abs(self.train + self.validation + self.test - 1.0) > 1e-6:
            raise ConfigError("split.train + split.validation + split.test must add up to 1")
        if self.embargo_days is not None and self.embargo_days < 0:
            raise ConfigError(f"split.embargo_days must be >= 0, got {self.embargo_days}")
        if self.min_positives < 1:
            raise ConfigError(f"split.min_positives must be >= 1, got {self.min_positives}")
        if self.cv_folds < 0 or self.cv_folds == 1:
            raise ConfigError("split.cv_folds must be 0 (no cross-validation) or at least 2")


@dataclass
class EvalCfg:
    """How the test set is judged: daily review budget and bootstrap intervals."""

    k: int = 20
    bootstrap: int = 1000
    confidence: float = 0.95

    def __post_init__(self) -> None:
        positive(self.k, "eval.k")
        if self.bootstrap < 0:
            raise ConfigError(f"eval.bootstrap must be >= 0, got {self.bootstrap}")
        if not 0 < self.confidence < 1:
            raise ConfigError(f"eval.confidence must be in (0, 1), got {self.confidence}")


@dataclass
class ModelCfg:
    """A model type by name, its LightGBM parameters and its boosting schedule.

    ``early_stopping_rounds: null`` switches early stopping off; ``learning_rate_decay`` > 0 lowers the
    learning rate linearly per round down to ``learning_rate_floor``.
    """

    name: str = MISSING
    params: dict[str, Any] = field(default_factory=dict)
    num_boost_round: int = 500
    early_stopping_rounds: int | None = 50
    learning_rate_decay: float = 0.0
    learning_rate_floor: float = 0.0

    def __post_init__(self) -> None:
        positive(self.num_boost_round, "model.num_boost_round")
        if self.early_stopping_rounds is not None:
            positive(self.early_stopping_rounds, "model.early_stopping_rounds")
        if self.learning_rate_decay < 0 or self.learning_rate_floor < 0:
            raise ConfigError("model.learning_rate_decay and model.learning_rate_floor must be >= 0")


@dataclass
class TrainerCfg:
    """Where the final model is boosted: ``local`` (lightgbm.train) or ``dask`` (lightgbm.dask)."""

    name: str = "local"
    scheduler_address: str | None = None
    n_workers: int = 2
    threads_per_worker: int = 1

    def __post_init__(self) -> None:
        if self.name not in ("local", "dask"):
            raise ConfigError(f"trainer {self.name!r} is unknown", hint="trainer=local or trainer=dask")
        positive(self.n_workers, "trainer.n_workers")
        positive(self.threads_per_worker, "trainer.threads_per_worker")


@dataclass
class TrainCfg:
    """``riskforge train``: one network, one window, one model type, the selected feature groups."""

    network: str = "ethereum"
    window: int = 7
    seed: int = 0
    deterministic: bool = False
    model: ModelCfg = MISSING
    features: dict[str, Any] = field(default_factory=dict)
    labels: LabelsCfg = MISSING
    data: DataCfg = field(default_factory=DataCfg)
    split: SplitCfg = field(default_factory=SplitCfg)
    eval: EvalCfg = field(default_factory=EvalCfg)
    trainer: TrainerCfg = field(default_factory=TrainerCfg)
    warehouse: WarehouseCfg = field(default_factory=WarehouseCfg)

    def __post_init__(self) -> None:
        check_network(self.network)
        positive(self.window, "window")
        if not self.features:
            raise ConfigError("no feature groups selected", hint="e.g. features=[alert,address]")


@dataclass
class ScoreCfg:
    """``riskforge score``: one processing date, one model type, written to the score tables.

    ``model`` picks the model type (its option's name); ``features`` is ignored: a stored model is always
    scored with the feature groups and parameters it was trained with.
    """

    network: str = "ethereum"
    model: ModelCfg = MISSING
    features: dict[str, Any] = field(default_factory=dict)
    window: int = 7
    date: str = MISSING
    model_id: str | None = None
    explain_top: int = 50
    explain_features: int = 10
    warehouse: WarehouseCfg = field(default_factory=WarehouseCfg)

    def __post_init__(self) -> None:
        check_network(self.network)
        positive(self.window, "window")
        parse_date(self.date, "date")
        if self.explain_top < 0 or self.explain_features < 1:
            raise ConfigError("explain_top must be >= 0 and explain_features >= 1")


@dataclass
class EvaluateCfg:
    """``riskforge evaluate MODEL_ID``: a backtest of a stored model on any processing_date range."""

    model_id: str = MISSING
    data: DataCfg = field(default_factory=DataCfg)
    eval: EvalCfg = field(default_factory=EvalCfg)
    seed: int = 0
    warehouse: WarehouseCfg = field(default_factory=WarehouseCfg)


@dataclass
class IngestCfg:
    """``riskforge ingest``: snapshot files under ``source`` loaded into ``network`` (which may differ
    from the network the files were exported from)."""

    network: str = MISSING
    source: str = MISSING
    warehouse: WarehouseCfg = field(default_factory=WarehouseCfg)

    def __post_init__(self) -> None:
        check_network(self.network)


@dataclass
class ExportCfg:
    """``riskforge export``: a network's warehouse written as snapshot files under ``dest``."""

    network: str = MISSING
    dest: str = MISSING
    warehouse: WarehouseCfg = field(default_factory=WarehouseCfg)

    def __post_init__(self) -> None:
        check_network(self.network)


@dataclass
class DemoCfg:
    """``riskforge demo``: seed the demo world if absent, train each model type, show one table."""

    network: str = "ethereum"
    preset: str = "demo"
    window: int = 7
    models: list[str] | None = None
    train_overrides: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        check_network(self.network)
        positive(self.window, "window")


def top_level_keys(schema: type) -> set[str]:
    """Field names of a command's schema (Hydra lets ``+key=`` through; the CLI rejects unknown keys)."""
    return {f.name for f in fields(schema)}


def register_schemas(cs: ConfigStore) -> None:
    """Store riskforge's own schemas where the YAML in ``configs/`` extends them."""
    from riskforge.synth.config import SynthCfg

    cs.store(name="train_schema", node=TrainCfg)
    cs.store(name="synth_schema", node=SynthCfg)
    cs.store(name="demo_schema", node=DemoCfg)
    cs.store(name="score_schema", node=ScoreCfg)
    cs.store(name="evaluate_schema", node=EvaluateCfg)
    cs.store(name="ingest_schema", node=IngestCfg)
    cs.store(name="export_schema", node=ExportCfg)
    cs.store(group="schema/model", name="model", node=ModelCfg)
    cs.store(group="schema/labels", name="labels", node=LabelsCfg)
