"""Benchmark: riskforge train on the bench world against the floor of the same LightGBM work.

    python benchmarks/run.py --sizes 100000,1000000

For each size: the bench world of that many alerts (window 7) is synthesized once into
``<--home>/n<size>`` (reused on later runs); ``riskforge train network=bench model=alert_scorer window=7``
runs in a subprocess with the extract cache off, and its per-phase times come from the stored metadata.
Peak memory is the subprocess's peak RSS minus that of an interpreter that only imported riskforge's
dependencies. The floor is the same LightGBM work done by a plain script on the same in-memory float32
matrix: Dataset construction plus every fit riskforge ran (the final model for as many rounds as it ran,
and each CV fold for the rounds it used). Results are appended to ``benchmarks/results.json`` and the
table in ``benchmarks/RESULTS.md`` is rewritten.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results.json"
REPORT = HERE / "RESULTS.md"
BENCH_DAYS = 64
BUDGET_FILL = 0.93  # share of the analyzers' daily alert budget the bench world fills (1.04M of 1.12M)
IMPORTS = "import riskforge.cli.train, lightgbm, chdb, sklearn, pyarrow"
RISKFORGE = (sys.executable, "-m", "riskforge")  # the riskforge of this interpreter, whatever PATH says
PHASES = ("extract", "features", "train", "evaluate", "store")


def run(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, peak RSS in MB) of a subprocess."""
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(process.pid, 0)
    stderr = process.stderr.read() if process.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(command)} failed: {stderr.strip().splitlines()[-1:] or status}")
    return time.perf_counter() - started, usage.ru_maxrss / 1024


def world(home: Path, size: int, env: dict[str, str]) -> float | None:
    """Synthesize the bench world of ``size`` alerts once; returns the seconds it took (None if reused)."""
    marker = home / ".bench-world"
    if marker.exists():
        return None
    per_day = math.ceil(size / BENCH_DAYS / BUDGET_FILL)
    addresses = max(20_000, round(180_000 * per_day / 17_500))
    seconds, _ = run(
        [
            *RISKFORGE,
            "synth",
            "network=bench",
            "preset=bench",
            f"alerts_per_day={per_day}",
            f"addresses={addresses}",
            "replace=true",
        ],
        env,
    )
    marker.write_text(str(seconds))
    return seconds


def newest_metadata(home: Path) -> dict:
    files = sorted((home / "models" / "bench").glob("alert_scorer_*.json"), key=lambda p: p.stat().st_mtime)
    return json.loads(files[-1].read_text())


def measure_in_child(home: Path, env: dict[str, str]) -> dict:
    """The floor and the world's alert count, measured in a child interpreter: the parent stays small, so
    that the next run's peak RSS is its own (a forked child's ``ru_maxrss`` counts the parent's pages it
    held before ``exec``)."""
    out = subprocess.run(
        [sys.executable, __file__, "--floor-of", str(home)], env=env, check=True, capture_output=True, text=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def measure_floor(home: Path) -> float:
    """The same LightGBM work as the newest stored run, done by a plain script on the same float32 matrix."""
    meta = newest_metadata(home)
    os.environ["RISKFORGE_HOME"] = str(home)
    import lightgbm as lgb

    from riskforge import pipeline
    from riskforge.run import prepare_run
    from riskforge.scoring.stored import train_config

    cfg = train_config(meta["reproducibility"]["config"])
    run_ = prepare_run(cfg, meta["reproducibility"]["config"], home)
    _, date_split, plan, table, _ = pipeline.extract(run_)
    data, *_ = pipeline.build_training_set(run_, table, plan, date_split)
    params = {k: v for k, v in meta["hyperparameters"].items() if k not in ("num_boost_round", "early_stopping_rounds")}
    params = {k: v for k, v in params.items() if not k.startswith("learning_rate_")}
    folds = run_.model_type.folds(data, len(meta["boosting"]["cv_rounds"]), params["seed"])
    started = time.perf_counter()
    train = lgb.Dataset(data.train.X, data.train.y, free_raw_data=False)
    valid = lgb.Dataset(data.validation.X, data.validation.y, reference=train)
    lgb.train(params, train, num_boost_round=meta["boosting"]["rounds_run"], valid_sets=[valid])
    for (fold_train, _), rounds in zip(folds, meta["boosting"]["cv_rounds"], strict=True):
        lgb.train(params, lgb.Dataset(data.cv.X[fold_train], data.cv.y[fold_train]), num_boost_round=rounds)
    return time.perf_counter() - started


def alerts_in_world(home: Path) -> int:
    os.environ["RISKFORGE_HOME"] = str(home)
    from riskforge.warehouse import Warehouse

    with Warehouse.from_dsn(None).connect() as client:
        return int(
            client.query(
                "SELECT uniqExact(alert_id) FROM risk_scoring_bench.raw_alerts WHERE window_days = 7"
            ).result_rows[0][0]
        )


def machine() -> str:
    return f"{platform.machine()}, {os.cpu_count()} cores, {platform.python_version()}"


def commit() -> str:
    """The code measured: its short commit, marked dirty when riskforge's sources differ from it."""
    git = ("git", "-C", str(HERE))
    head = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    changed = subprocess.run(
        [*git, "status", "--porcelain", "--", "../riskforge", "../configs", "../schema"], capture_output=True, text=True
    ).stdout.strip()
    return (head or "unknown") + ("-dirty" if changed else "")


def write_report(rows: list[dict]) -> None:
    lines = [
        "# Benchmark results",
        "",
        "Measured with `python benchmarks/run.py --sizes ...` (see the script's docstring). Times in seconds;",
        "peak RSS in MB above an interpreter that only imported riskforge's dependencies; `ratio` is riskforge's",
        "total (all phases) over the floor (the same LightGBM work done by a plain script on the same matrix).",
        "",
        "| date | commit | alerts | features | " + " | ".join(PHASES) + " | total | floor | ratio | peak RSS |",
        "|---|---|---:|---:|" + "---:|" * (len(PHASES) + 4),
    ]
    for r in rows:
        phases = " | ".join(f"{r['phases'][f'{name}_s']:.1f}" for name in PHASES)
        lines.append(
            f"| {r['date'][:10]} | {r.get('commit', '')} | {r['n_alerts']:,} | {r['n_features']} | {phases} "
            f"| {r['phases']['total_s']:.1f} | {r['floor_s']:.1f} | {r['ratio']:.2f} | {r['peak_rss_mb']:.0f} |"
        )
    existing = REPORT.read_text() if REPORT.exists() else ""
    notes = existing.split("\n## ", 1)[1] if "\n## " in existing else ""
    REPORT.write_text("\n".join(lines) + "\n" + (f"\n## {notes}" if notes else ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100000,1000000", help="comma-separated alert counts")
    parser.add_argument("--home", default=str(Path.home() / ".cache" / "riskforge-bench"), help="where worlds live")
    parser.add_argument("--floor-of", type=Path, help=argparse.SUPPRESS)  # internal: one floor, in a child
    args = parser.parse_args()
    if args.floor_of:
        print(json.dumps({"floor_s": measure_floor(args.floor_of), "n_alerts": alerts_in_world(args.floor_of)}))
        return
    rows = json.loads(RESULTS.read_text())["results"] if RESULTS.exists() else []
    _, baseline_rss = run([sys.executable, "-c", IMPORTS], dict(os.environ))
    for size in (int(s) for s in args.sizes.split(",")):
        home = Path(args.home) / f"n{size}"
        env = {**os.environ, "RISKFORGE_HOME": str(home)}
        synth_s = world(home, size, env)
        command = [*RISKFORGE, "train", "network=bench", "model=alert_scorer", "window=7", "data.cache=false"]
        wall, peak = run(command, env)
        meta = newest_metadata(home)
        child = measure_in_child(home, env)
        floor = child["floor_s"]
        total = meta["timings"]["total_s"]
        row = {
            "n_alerts": child["n_alerts"],
            "n_rows_extracted": meta["data_stats"]["rows_extracted"],
            "n_features": meta["data_stats"]["num_features"],
            "phases": meta["timings"],
            "wall_s": round(wall, 2),
            "synth_s": None if synth_s is None else round(synth_s, 1),
            "floor_s": round(floor, 2),
            "ratio": round(total / floor, 3),
            "peak_rss_mb": round(peak - baseline_rss, 1),
            "command": "riskforge " + " ".join(command[3:]),
            "machine": machine(),
            "commit": commit(),
            "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        }
        rows.append(row)
        print(json.dumps(row))
        RESULTS.write_text(json.dumps({"results": rows}, indent=2) + "\n")
        write_report(rows)


if __name__ == "__main__":
    main()
