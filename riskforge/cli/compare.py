"""``riskforge models compare A B``: both models re-evaluated on one window, side by side."""

from __future__ import annotations

import json
from typing import Any

from rich.table import Table

from riskforge.cli.tables import console
from riskforge.config.schema import EvalCfg, parse_date
from riskforge.scoring.compare import compare
from riskforge.scoring.stored import StoredModel
from riskforge.store import registry
from riskforge.warehouse import Warehouse


def _table(result: dict[str, Any], a: str, b: str) -> Table:
    window = result["window"]
    table = Table(title=f"{window['start_date']}..{window['end_date']}", title_justify="left")
    for column in ("metric", "A", "B", "baseline", "B - A", "95% interval of B - A"):
        table.add_column(column, justify="left" if column == "metric" else "right")
    ma, mb = result["models"][a]["metrics"], result["models"][b]["metrics"]
    for name in mb:
        interval = result["b_minus_a"].get(f"lift_{name}")
        table.add_row(
            name,
            f"{ma.get(name, float('nan')):.4f}",
            f"{mb[name]:.4f}",
            f"{result['baseline_metrics'].get(name, float('nan')):.4f}",
            f"{mb[name] - ma.get(name, float('nan')):+.4f}",
            f"[{interval[0]:+.4f}, {interval[1]:+.4f}]" if interval else "",
        )
    return table


def run_compare(a: str, b: str, start: str | None, end: str | None, as_json: bool) -> None:
    warehouse = Warehouse.from_dsn(None)
    with warehouse.connect() as client:
        rows = registry.find(client, a), registry.find(client, b)
    models = [StoredModel.load(row) for row in rows]
    result = compare(*models, warehouse, parse_date(start, "--start"), parse_date(end, "--end"), EvalCfg())
    if as_json:
        print(json.dumps(result, indent=2, default=str))
        return
    out = console()
    out.print(f"A = {a}\nB = {b}")
    out.print(_table(result, a, b))
    out.print(f"features added in B: {', '.join(result['features_added']) or 'none'}")
    out.print(f"features removed in B: {', '.join(result['features_removed']) or 'none'}")
    for key, (va, vb) in result["config_diff"].items():
        out.print(f"config {key}: {va!r} -> {vb!r}")
    for model_id in result["trained_on_window"]:
        out.print(f"[yellow]note:[/yellow] {model_id} was trained or validated on dates in this window")
