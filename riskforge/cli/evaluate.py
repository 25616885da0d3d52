"""``riskforge evaluate MODEL_ID``: a backtest report — metrics, per day, per typology, workload saved."""

from __future__ import annotations

import json

import hydra
from omegaconf import DictConfig
from rich.table import Table

from riskforge.cli.hydra_app import output_dir, task
from riskforge.cli.tables import console, metrics_table
from riskforge.config.registration import CONFIG_PACKAGE, setup
from riskforge.config.schema import EvaluateCfg, parse_date
from riskforge.scoring.backtest import Backtest, backtest
from riskforge.scoring.stored import StoredModel
from riskforge.store import registry
from riskforge.store.files import write_new
from riskforge.warehouse import Warehouse

setup()


def breakdown_table(title: str, rows: list[dict], metric: str) -> Table:
    table = Table(title=title, title_justify="left")
    for column in ("", "rows", "positives", f"model {metric}", f"baseline {metric}"):
        table.add_column(column, justify="left" if not column else "right")
    for row in rows:
        table.add_row(
            row["key"], str(row["rows"]), str(row["positives"]), f"{row['model']:.4f}", f"{row['baseline']:.4f}"
        )
    return table


def show_backtest(result: Backtest, main_metric: str) -> None:
    out = console()
    report = result.report()
    out.print(metrics_table(f"backtest of {result.model_id}: {result.start}..{result.end}", report, main_metric))
    metric = "ndcg@10" if "ndcg" in main_metric else "auc"
    out.print(breakdown_table("per day", result.per_day, metric))
    if result.per_segment:
        out.print(breakdown_table("per typology / segment", result.per_segment, metric))
    saved = result.workload_saved_at_95_recall
    out.print(f"review workload saved at 95% recall: model {saved['model']:.1%}, baseline {saved['baseline']:.1%}")


@hydra.main(version_base=None, config_path=CONFIG_PACKAGE, config_name="evaluate")
@task(EvaluateCfg)
def main(cfg: EvaluateCfg, raw: DictConfig) -> None:
    warehouse = Warehouse.from_dsn(cfg.warehouse.dsn, cfg.warehouse.lock_timeout_s)
    with warehouse.connect() as client:
        row = registry.find(client, cfg.model_id)
    stored = StoredModel.load(row)
    start = parse_date(cfg.data.start_date, "data.start_date")
    end = parse_date(cfg.data.end_date, "data.end_date")
    result = backtest(stored, warehouse, start, end, cfg.eval, cfg.seed)
    show_backtest(result, stored.model_type.main_metric)
    path = write_new(output_dir() / "evaluation.json", json.dumps(result.report(), indent=2, default=str).encode())
    console().print(f"report: {path}")
