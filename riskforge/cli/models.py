"""``riskforge models list|show``: what is stored, read from the tracking table and metadata files."""

from __future__ import annotations

import argparse
import json
from typing import Any

from rich.table import Table

from riskforge.cli.args import ArgumentParser
from riskforge.cli.tables import console, model_table, show
from riskforge.errors import RiskforgeError
from riskforge.store import registry, tracking
from riskforge.store.loader import load_booster
from riskforge.warehouse import Warehouse, check_network

MAIN_METRICS = ("test_auc", "test_ndcg@10")


def parser() -> argparse.ArgumentParser:
    root = ArgumentParser(prog="riskforge models", description="List and show stored models.")
    sub = root.add_subparsers(dest="action", required=True, parser_class=ArgumentParser)
    listing = sub.add_parser("list", help="every stored model, oldest first")
    listing.add_argument("--network", help="only this network")
    listing.add_argument("--json", action="store_true", help="print a JSON list (pure JSON on stdout)")
    showing = sub.add_parser("show", help="one model's stored metadata")
    showing.add_argument("model_id")
    showing.add_argument("--json", action="store_true", help="print exactly the stored metadata object")
    promoting = sub.add_parser("promote", help="make a model the production model of its network/type/window")
    promoting.add_argument("model_id")
    promoting.add_argument("--reason", required=True, help="why (recorded with the event)")
    rolling = sub.add_parser("rollback", help="put back the production model that preceded the current one")
    rolling.add_argument("model_id", help="any model of the network/type/window to roll back")
    rolling.add_argument("--reason", required=True, help="why (recorded with the event)")
    comparing = sub.add_parser("compare", help="re-evaluate two models on the same window, side by side")
    comparing.add_argument("a")
    comparing.add_argument("b")
    comparing.add_argument("--start", help="first processing_date (default: the newer model's test period)")
    comparing.add_argument("--end", help="last processing_date")
    comparing.add_argument("--json", action="store_true", help="print the comparison as JSON")
    return root


def list_models(network: str | None = None) -> list[dict[str, Any]]:
    warehouse = Warehouse.from_dsn(None)
    if not warehouse.exists():
        return []
    with warehouse.connect() as client:
        models = tracking.list_rows(client, network)
        slots = {(m["network"], m["model_type"], m["window_days"]) for m in models}
        live = {registry.production(client, *slot) for slot in slots}
    for model in models:  # the stage follows the registry's events, not the row written at training
        model["stage"] = "production" if model["model_id"] in live else "candidate"
    return models


def load_metadata(model_id: str) -> dict[str, Any]:
    """The stored metadata of ``model_id`` (the JSON beside its model file)."""
    warehouse = Warehouse.from_dsn(None)
    if not warehouse.exists():
        raise RiskforgeError(f"no stored model {model_id!r}", hint="see `riskforge models list`")
    with warehouse.connect() as client:
        row = registry.find(client, model_id)
    return row.metadata()


def _list_table(models: list[dict[str, Any]]) -> Table:
    table = Table(title="stored models", title_justify="left")
    for column in ("model_id", "type", "network", "window", "created_at", "test metric", "lift interval"):
        table.add_column(column)
    for m in models:
        main = next((k for k in MAIN_METRICS if k in m["metrics"]), "")
        lift = m["metrics_ci"].get(f"lift_{main}")
        table.add_row(
            m["model_id"],
            m["model_type"],
            m["network"],
            str(m["window_days"]),
            m["created_at"],
            f"{main}={m['metrics'].get(main, float('nan')):.4f}" if main else "",
            f"[{lift[0]:+.4f}, {lift[1]:+.4f}]" if lift else "",
        )
    return table


def main(argv: list[str]) -> None:
    args = parser().parse_args(argv)
    if args.action == "list":
        models = list_models(args.network and check_network(args.network))
        if args.json:
            print(json.dumps(models, indent=2))
        else:
            console().print(_list_table(models))
    elif args.action == "show":
        metadata = load_metadata(args.model_id)
        if args.json:
            print(json.dumps(metadata, indent=2))
        else:
            show(model_table(metadata))
    elif args.action == "compare":
        from riskforge.cli.compare import run_compare

        run_compare(args.a, args.b, args.start, args.end, args.json)
    else:
        change_stage(args.action, args.model_id, args.reason)


def change_stage(action: str, model_id: str, reason: str) -> None:
    """``promote`` (after proving the model file is intact) or ``rollback``, recorded as an event."""
    warehouse = Warehouse.from_dsn(None)
    if not warehouse.exists():
        raise RiskforgeError(f"no stored model {model_id!r}", hint="see `riskforge models list`")
    with warehouse.connect() as client:
        row = registry.find(client, model_id)
        if action == "promote":
            load_booster(row)
            previous = registry.promote(client, row, reason)
            message = f"{model_id} is now in production" + (f" (replacing {previous})" if previous else "")
        else:
            current, target = registry.rollback(client, row, reason)
            message = f"rolled back {current} -> {target} is in production again"
    console().print(message)
