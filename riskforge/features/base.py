"""The feature-group contract: a named, declarative piece of SQL that ClickHouse executes.

A group reads the run's entity set (the CTE ``entities``: one row per alert, or per cluster, of the
window) and the warehouse tables it declares, and returns one row per entity keyed like ``entities``
with its own output columns. The runner composes the selected groups into one query per entity level.
Values reach SQL only through ``SqlContext.bind``; table names only through ``SqlContext.table``.
"""

from __future__ import annotations

import dataclasses
import re
from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Any, ClassVar

import numpy as np

from riskforge.data.contract import contract_columns
from riskforge.errors import ConfigError

IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
ENTITY_KEYS = {"alert": ("processing_date", "alert_id"), "cluster": ("processing_date", "cluster_id")}


SNAPSHOT = "window_days = {window:UInt16} AND processing_date BETWEEN {start_date:Date} AND {end_date:Date}"
"""Rows of the run's window and processing_date range: the snapshots its entities come from."""


def severity_rank(column: str) -> str:
    """critical 3, high 2, medium 1, anything else 0, whatever the case the warehouse stores."""
    return f"multiIf(lower({column}) = 'critical', 3, lower({column}) = 'high', 2, lower({column}) = 'medium', 1, 0)"


def float32_columns(exprs: dict[str, str]) -> str:
    """A group's SELECT list: ``toFloat32(<expr>) AS <name>`` for each output column."""
    return ",\n            ".join(f"toFloat32({expr}) AS {name}" for name, expr in exprs.items())


def table_ref(name: str, engine: str) -> str:
    qualified = "{database:Identifier}." + check_identifier(name, "table")
    return f"(SELECT * FROM {qualified} FINAL)" if engine.startswith("Replacing") else qualified


def array_of_strings(column: str, ch_type: str) -> str:
    """``column`` as Array(String), whether stored as an array or as its text (``['a','b']`` or JSON)."""
    if ch_type.removeprefix("Nullable(").startswith("Array"):
        return f"arrayMap(x -> toString(x), {column})"
    return f"JSONExtract(replaceAll(ifNull({column}, ''), '\\'', '\"'), 'Array(String)')"


def check_identifier(name: str, what: str) -> str:
    if not IDENTIFIER.fullmatch(name):
        raise ConfigError(f"{what} {name!r} is not an identifier ([A-Za-z_][A-Za-z0-9_]*)")
    return name


@dataclasses.dataclass
class SqlContext:
    """What a group may know while writing its SQL, and the only way it passes values to ClickHouse.

    The run's standard parameters are always bound: ``{database:Identifier}``, ``{window:UInt16}``,
    ``{start_date:Date}``, ``{end_date:Date}`` (the run's processing_date range) and ``{as_of:Date}``
    (the label cut-off).
    """

    entity: str
    window: int
    params: dict[str, Any]
    columns_of: Callable[[str], dict[str, str]]
    bindings: dict[str, Any] = dataclasses.field(default_factory=dict)
    engine_of: Callable[[str], str] | None = None

    def bind(self, value: Any, ch_type: str) -> str:
        """Return a server-side parameter placeholder for ``value`` (never format values into SQL)."""
        name = f"p{len(self.bindings)}"
        self.bindings[name] = value
        return f"{{{name}:{ch_type}}}"

    def table(self, name: str) -> str:
        """A reference to one of the network's tables, usable after FROM or JOIN. A ReplacingMergeTree
        table is read with FINAL, so duplicated versions collapse to the latest before any feature."""
        return table_ref(name, self.engine_of(name) if self.engine_of else "MergeTree")

    @property
    def keys(self) -> tuple[str, ...]:
        return ENTITY_KEYS[self.entity]

    @property
    def key_columns(self) -> str:
        """The entity keys, selected from ``entities AS e`` under their own names (start a group's SELECT)."""
        return ", ".join(f"e.{k} AS {k}" for k in self.keys)


@dataclasses.dataclass(frozen=True)
class GroupSQL:
    """A group's contribution: a SELECT keyed by the entity keys, and the columns it outputs."""

    sql: str
    columns: list[str]


class FeatureGroup(ABC):
    """Subclass, set the class attributes, implement ``select``; register it from a plugin's
    ``riskforge_feature_groups`` hook. The group's YAML option must be named like the group.

    A group that reads a label table must declare ``reads_labels = "others_before_snapshot"``: it may use
    labels of OTHER entities dated strictly before the snapshot (point in time), never the entity's own;
    any other group naming a label table is rejected when the run is composed.
    """

    name: ClassVar[str]
    entity: ClassVar[str] = "alert"
    tables: ClassVar[tuple[str, ...]] = ()
    description: ClassVar[str] = ""
    params_schema: ClassVar[type | None] = None
    stateful: ClassVar[bool] = False
    reads_labels: ClassVar[str] = "never"

    @abstractmethod
    def select(self, ctx: SqlContext) -> GroupSQL:
        """SQL reading ``entities`` (and ``ctx.table(...)``) that returns ``ctx.keys`` plus the columns."""

    def fit(self, columns: dict[str, np.ndarray], params: dict[str, Any]) -> dict[str, Any]:
        """Stateful groups (``stateful = True``): statistics of the TRAINING rows of the SQL columns,
        JSON-serialisable; they are stored with the model and reused when a new day is scored."""
        return {}

    def transform(
        self, columns: dict[str, np.ndarray], state: dict[str, Any], params: dict[str, Any]
    ) -> dict[str, np.ndarray]:
        """The Python-over-Arrow escape hatch: final feature columns from the SQL columns (default: as is)."""
        return columns

    def outputs(self, sql_columns: list[str], params: dict[str, Any]) -> list[str]:
        """Names ``transform`` returns for these SQL columns (default: the same)."""
        return list(sql_columns)

    def default_params(self) -> dict[str, Any]:
        return dataclasses.asdict(self.params_schema()) if self.params_schema else {}

    def columns(self, ctx: SqlContext | None = None) -> list[str]:
        """The final feature columns; without a context, those on a warehouse that follows the contract."""
        if ctx is None:
            ctx = SqlContext(self.entity, window=7, params=self.default_params(), columns_of=contract_columns)
        return self.outputs(self.select(ctx).columns, ctx.params)
