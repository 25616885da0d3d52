"""Glue between Hydra task functions and riskforge: typed configs and clean failures.

``@task(Schema)`` turns the composed DictConfig into the command's dataclass (running its checks),
rejects top-level keys the schema lacks (Hydra lets ``+key=1`` through), and reports failures: in a
single run as one line and an exit code; in a multirun by raising, so Hydra lets the other jobs finish.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from hydra.core.hydra_config import HydraConfig
from hydra.types import RunMode
from omegaconf import DictConfig, OmegaConf

from riskforge.cli.report import reporting
from riskforge.config.schema import top_level_keys
from riskforge.errors import ConfigError

S = TypeVar("S")


def to_schema(cfg: DictConfig, schema: type[S]) -> S:
    """The composed config as ``schema`` (its ``__post_init__`` checks run here)."""
    unknown = sorted(set(cfg.keys()) - top_level_keys(schema))
    if unknown:
        raise ConfigError(f"Key '{unknown[0]}' is not in '{schema.__name__}'", hint="see `riskforge <command> --help`")
    obj = OmegaConf.to_object(cfg)
    if not isinstance(obj, schema):
        raise ConfigError(f"the composed config is not a {schema.__name__}")
    return obj


def output_dir() -> Path:
    return Path(HydraConfig.get().runtime.output_dir)


def _single_run() -> bool:
    return HydraConfig.get().mode == RunMode.RUN


def task(schema: type[S]) -> Callable[[Callable[[S, DictConfig], Any]], Callable[[DictConfig], Any]]:
    """Decorate ``fn(typed_cfg, raw_cfg)`` into a Hydra task function."""

    def decorate(fn: Callable[[S, DictConfig], Any]) -> Callable[[DictConfig], Any]:
        @functools.wraps(fn)
        def run(cfg: DictConfig) -> Any:
            if not _single_run():
                return fn(to_schema(cfg, schema), cfg)
            with reporting():
                return fn(to_schema(cfg, schema), cfg)

        return run

    return decorate
