"""Rich tables printed at the end of a command (stdout)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from rich import get_console
from rich.console import Console
from rich.progress import Progress
from rich.table import Table


def _fmt(value: Any) -> str:
    return f"{value:.4f}" if isinstance(value, int | float) else "—"


def _interval(values: list[float] | None) -> str:
    return f"[{values[0]:+.4f}, {values[1]:+.4f}]" if values else "—"


def metrics_table(title: str, result: dict[str, Any], main: str) -> Table:
    """Metrics next to the baseline's (same keys), the lift, and the lift's interval where one exists."""
    metrics, baseline, ci = result["metrics"], result["baseline_metrics"], result["metrics_ci"]
    table = Table(title=title, title_justify="left")
    for column in ("metric", "model", "baseline", "lift", "95% interval of lift"):
        table.add_column(column, justify="left" if column == "metric" else "right")
    for name, value in metrics.items():
        if name not in baseline:
            continue
        table.add_row(
            f"[bold]{name}[/bold]" if name == main else name,
            _fmt(value),
            _fmt(baseline[name]),
            f"{value - baseline[name]:+.4f}",
            _interval(ci.get(f"lift_{name}")),
        )
    for name, value in metrics.items():
        if name not in baseline:
            table.add_row(name, _fmt(value), "", "", "")
    lift = ci.get(f"lift_{main}")
    if lift:
        verdict = "beats" if lift[0] > 0 else "does NOT beat"
        table.caption = f"{verdict} the baseline on {main} (lower end of the lift's interval {lift[0]:+.4f})"
    return table


def model_table(metadata: dict[str, Any]) -> Table:
    """A stored model's test metrics next to its baseline's."""
    table = metrics_table(metadata["model_id"], metadata, metadata["main_metric"])
    table.caption = f"{metadata['model_type']} {table.caption} — baseline: {metadata['baseline']}"
    return table


def summary_table(models: Iterable[dict[str, Any]]) -> Table:
    """One row per model: its key metric, the baseline's, and the lift with its interval."""
    table = Table(title="riskforge demo results", title_justify="left")
    for column in ("model", "window", "key metric", "model", "baseline", "lift", "95% interval", "beats baseline"):
        table.add_column(column, justify="left" if column in ("model", "key metric") else "right")
    for m in models:
        main = m["main_metric"]
        value, base = m["metrics"][main], m["baseline_metrics"][main]
        table.add_row(
            m["model_type"],
            str(m["training_period"]["window_days"]),
            main,
            _fmt(value),
            _fmt(base),
            f"{value - base:+.4f}",
            _interval(m["metrics_ci"].get(f"lift_{main}")),
            "yes" if m["beats_baseline"] else "no",
        )
    return table


def console() -> Console:
    """The process-wide rich console on stdout (the one Hydra's rich log handler writes to)."""
    return get_console()


@contextmanager
def counter(description: str) -> Iterator[Callable[[int, int], None]]:
    """A progress bar for work counted in steps; yields ``advance(done, total)``."""
    with Progress(console=console()) as bar:
        task_id = bar.add_task(description, total=None)
        yield lambda done, total: bar.update(task_id, completed=done, total=total)


def show(table: Table) -> None:
    console().print(table)


def _flatten(value: Any, prefix: str = "") -> Iterable[tuple[str, str]]:
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _flatten(inner, f"{prefix}{key}.")
    elif isinstance(value, list) and len(value) > 8:
        yield prefix.rstrip("."), f"{len(value)} entries: {', '.join(map(str, value[:8]))}, ..."
    else:
        yield prefix.rstrip("."), str(value)


def world_table(network: str, summary: dict[str, Any]) -> Table:
    """The synthetic world's self-description, flattened to key/value rows."""
    table = Table(title=f"synthetic world: {network}", title_justify="left")
    table.add_column("what")
    table.add_column("value", overflow="fold")
    for key, value in _flatten(summary):
        table.add_row(key, value)
    return table
