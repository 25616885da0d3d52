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
    return root


def list_models(network: str | None = None) -> list[dict[str, Any]]:
    warehouse = Warehouse.from_dsn(None)
    if not warehouse.exists():
        return []
    with warehouse.connect() as client:
        return tracking.list_rows(client, network)


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
    else:
        metadata = load_metadata(args.model_id)
        if args.json:
            print(json.dumps(metadata, indent=2))
        else:
            show(model_table(metadata))
