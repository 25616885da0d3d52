"""``riskforge plugins [--json]``: what the installed plugins contribute, and which failed to load."""

from __future__ import annotations

import argparse
import json
from typing import Any

from rich.table import Table

from riskforge.cli.args import ArgumentParser
from riskforge.cli.tables import console
from riskforge.plugin_manager import Registry, registry


def describe(reg: Registry) -> dict[str, Any]:
    """The registry as plain data (the shape of ``--json``)."""

    def origin(entry: Any) -> dict[str, str]:
        return {"distribution": entry.distribution, "version": entry.version}

    return {
        "feature_groups": [
            {"name": name, "entity": e.item.entity, "columns": e.item.columns(), **origin(e)}
            for name, e in sorted(reg.feature_groups.items())
        ],
        "model_types": [
            {"name": name, "entity": e.item.entity, "objective": e.item.objective, **origin(e)}
            for name, e in sorted(reg.model_types.items())
        ],
        "label_sources": [
            {"name": name, "key": e.item.key, "tables": list(e.item.tables), **origin(e)}
            for name, e in sorted(reg.label_sources.items())
        ],
        "errors": [{"plugin": err.plugin, "message": err.message} for err in reg.errors],
    }


def _table(data: dict[str, Any]) -> Table:
    table = Table(title="riskforge plugins", title_justify="left")
    for column in ("kind", "name", "entity / key", "what", "from"):
        table.add_column(column, overflow="fold")
    for group in data["feature_groups"]:
        what = f"{len(group['columns'])} columns"
        table.add_row("feature group", group["name"], group["entity"], what, group["distribution"])
    for model in data["model_types"]:
        table.add_row("model type", model["name"], model["entity"], model["objective"], model["distribution"])
    for source in data["label_sources"]:
        tables = ", ".join(source["tables"])
        table.add_row("label source", source["name"], source["key"], tables, source["distribution"])
    for error in data["errors"]:
        table.add_row("[red]error[/red]", error["plugin"], "", error["message"], "")
    return table


def main(argv: list[str]) -> None:
    parser = ArgumentParser(prog="riskforge plugins", description="List installed riskforge plugins.")
    parser.add_argument("--json", action="store_true", help="print the registry as JSON (pure JSON on stdout)")
    args: argparse.Namespace = parser.parse_args(argv)
    data = describe(registry())
    if args.json:
        print(json.dumps(data, indent=2))
    else:
        console().print(_table(data))
