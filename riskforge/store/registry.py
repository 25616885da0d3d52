"""The model registry: which stored model is where, which is in production, and what happened to it.

Promotions and rollbacks are rows of ``model_events`` (never updates in place): the production model of a
(network, model type, window) is the one named by its newest event. Models are found by id across every
network's tracking table.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from clickhouse_connect.driver.client import Client

from riskforge.errors import IntegrityError, RiskforgeError
from riskforge.store import tracking
from riskforge.warehouse.migrate import migrate
from riskforge.warehouse.names import network_database

EVENTS = "model_events"


@dataclass(frozen=True)
class ModelRow:
    """What the tracking table says about one model."""

    model_id: str
    model_type: str
    network: str
    window_days: int
    model_path: Path
    model_sha256: str
    created_at: dt.datetime

    @property
    def metadata_path(self) -> Path:
        return self.model_path.with_suffix(".json")

    def metadata(self) -> dict[str, Any]:
        if not self.metadata_path.is_file():
            raise IntegrityError(f"metadata of {self.model_id} is missing: {self.metadata_path}")
        return json.loads(self.metadata_path.read_text())


ROW_COLUMNS = "model_id, model_type, network, window_days, model_path, model_sha256, created_at"


def _rows(client: Client, network: str, where: str, parameters: dict[str, Any]) -> list[ModelRow]:
    result = client.query(
        f"SELECT {ROW_COLUMNS} FROM {{database:Identifier}}.trained_models WHERE {where} ORDER BY created_at, model_id",
        parameters={"database": network_database(network), **parameters},
    )
    return [
        ModelRow(r[0], r[1], r[2], int(r[3]), Path(r[4]), r[5], r[6].replace(tzinfo=dt.UTC)) for r in result.result_rows
    ]


def find(client: Client, model_id: str) -> ModelRow:
    """The tracking row of ``model_id`` in whichever network holds it."""
    for network in tracking.tracked_networks(client):
        rows = _rows(client, network, "model_id = {model_id:String}", {"model_id": model_id})
        if rows:
            return rows[0]
    raise RiskforgeError(f"no stored model {model_id!r}", hint="see `riskforge models list`")


def candidates(client: Client, network: str, model_type: str, window: int) -> list[ModelRow]:
    """Every stored model of a (network, model type, window), oldest first."""
    if network not in tracking.tracked_networks(client, network):
        return []
    return _rows(
        client,
        network,
        "model_type = {model_type:String} AND window_days = {window:UInt16}",
        {"model_type": model_type, "window": window},
    )


def _events(client: Client, network: str, model_type: str, window: int) -> list[tuple[str, str]]:
    """(event, model_id) of a slot, oldest first; ``model_id`` is the model the event put in production."""
    if not _has_events(client, network):
        return []
    return [
        (event, model_id)
        for event, model_id in client.query(
            "SELECT event, model_id FROM {database:Identifier}.model_events "
            "WHERE model_type = {model_type:String} AND window_days = {window:UInt16} ORDER BY event_time",
            parameters={"database": network_database(network), "model_type": model_type, "window": window},
        ).result_rows
    ]


def _production_stack(events: list[tuple[str, str]]) -> list[str]:
    """Replay promotions (push) and rollbacks (pop): the top is in production, the one below is next."""
    stack: list[str] = []
    for event, model_id in events:
        if event == "promote":
            stack.append(model_id)
        elif stack:
            stack.pop()
    return stack


def production(client: Client, network: str, model_type: str, window: int) -> str | None:
    """The model id currently in production for a (network, model type, window), if any."""
    stack = _production_stack(_events(client, network, model_type, window))
    return stack[-1] if stack else None


def promote(client: Client, row: ModelRow, reason: str) -> str | None:
    """Put ``row`` in production; returns the model it replaces."""
    current = production(client, row.network, row.model_type, row.window_days)
    if current == row.model_id:
        raise RiskforgeError(f"{row.model_id} is already the production model")
    record_event(client, "promote", row, current, reason)
    return current


def rollback(client: Client, row: ModelRow, reason: str) -> tuple[str, str]:
    """Put back the production model that preceded the current one in ``row``'s slot: (from, to)."""
    stack = _production_stack(_events(client, row.network, row.model_type, row.window_days))
    if len(stack) < 2:
        raise RiskforgeError(
            f"nothing to roll back to for {row.model_type} on {row.network!r}, window {row.window_days}",
            hint="a rollback needs two promotions in this slot's history",
        )
    current, target = stack[-1], stack[-2]
    record_event(client, "rollback", find(client, target), current, reason)
    return current, target


def resolve(client: Client, network: str, model_type: str, window: int, model_id: str | None) -> ModelRow:
    """``model_id`` if given, else the production model of the slot, else its newest model."""
    if model_id:
        return find(client, model_id)
    slot = candidates(client, network, model_type, window)
    if not slot:
        raise RiskforgeError(
            f"no stored {model_type} model for network {network!r}, window {window}",
            hint=f"train one: riskforge train network={network} model={model_type} window={window}",
        )
    chosen = production(client, network, model_type, window)
    return next((row for row in slot if row.model_id == chosen), slot[-1])


def _has_events(client: Client, network: str) -> bool:
    return bool(
        client.query(
            "SELECT count() FROM system.tables WHERE database = {db:String} AND name = {t:String}",
            parameters={"db": network_database(network), "t": EVENTS},
        ).result_rows[0][0]
    )


def record_event(client: Client, event: str, row: ModelRow, previous: str | None, reason: str) -> None:
    """Append a promotion or rollback to ``model_events``."""
    migrate(client, row.network, tables=(EVENTS,))
    client.insert(
        EVENTS,
        [
            [
                dt.datetime.now(dt.UTC).replace(tzinfo=None),
                event,
                row.model_id,
                row.model_type,
                row.network,
                row.window_days,
                previous or "",
                reason,
            ]
        ],
        column_names=[
            "event_time",
            "event",
            "model_id",
            "model_type",
            "network",
            "window_days",
            "previous_model_id",
            "reason",
        ],
        database=network_database(row.network),
    )
