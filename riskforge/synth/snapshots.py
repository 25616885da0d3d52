"""Daily snapshots of one window for a batch of processing dates: money flows, graph metrics, features,
alerts and clusters, each stage reading what the previous one left in the batch's scratch tables.
"""

from __future__ import annotations

import datetime as dt
import itertools
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pyarrow as pa
from clickhouse_connect.driver.client import Client

from riskforge.synth import alerts, clusters, features, flows, graph
from riskforge.synth.config import SynthCfg
from riskforge.synth.sql import address, run
from riskforge.synth.tables import drop_scratch
from riskforge.warehouse import table_columns

GRAPH_STREAM = 5


def build_batch(client: Client, database: str, cfg: SynthCfg, window: int, first: dt.date, last: dt.date) -> None:
    """Write every contract table's rows of ``window`` for the processing dates ``first``..``last``."""
    params = {"window": window, "first": first, "last": last, "seed": cfg.seed}
    drop_scratch(client, database)
    run(client, flows.MERGE, database, **params)
    edges = client.query_arrow(
        "SELECT processing_date, src, dst, cents FROM {database:Identifier}.synth_tmp_flows "
        "ORDER BY processing_date, src, dst",
        parameters={"database": database},
    )
    # the graph metrics (numpy, releases the GIL) run while ClickHouse writes the money flows
    with ThreadPoolExecutor(max_workers=1) as pool:
        metrics = pool.submit(_graph_metrics, edges, cfg.seed, window)
        run(client, flows.WRITE, database, **params)
        graph_table = metrics.result()
    columns = ", ".join(f"{name} {kind}" for name, kind in graph.COLUMNS.items())
    run(
        client,
        f"CREATE TABLE {{database:Identifier}}.synth_tmp_graph (processing_date Date, {columns}) ENGINE = Memory",
        database,
    )
    if graph_table.num_rows:
        client.insert_arrow("synth_tmp_graph", graph_table, database=database)
    run(client, features.METRICS, database, **params)
    run(client, features.COMPUTE, database, **params)
    _write_features(client, database, cfg.seed)
    alerts.build(client, database, cfg, params)
    clusters.build(client, database, cfg.seed, window)
    drop_scratch(client, database)


def _graph_metrics(edges: pa.Table, seed: int, window: int) -> pa.Table:
    """Graph metrics of each snapshot in ``edges`` (sorted by date), one stream of randomness per snapshot."""
    dates = edges["processing_date"].cast(pa.int32()).to_numpy()
    src, dst, cents = (edges[c].to_numpy() for c in ("src", "dst", "cents"))
    bounds = np.flatnonzero(np.r_[True, dates[1:] != dates[:-1], True]) if len(dates) else np.zeros(1, np.int64)
    parts = [pa.table({"processing_date": pa.array([], pa.date32())})]
    for lo, hi in itertools.pairwise(bounds):
        rng = np.random.default_rng([seed, GRAPH_STREAM, int(dates[lo]), window])
        metrics = graph.compute(src[lo:hi], dst[lo:hi], cents[lo:hi], rng)
        day = pa.array(np.full(len(metrics["address_id"]), dates[lo], dtype=np.int32)).cast(pa.date32())
        parts.append(pa.table({"processing_date": day, **metrics}))
    return pa.concat_tables(parts, promote_options="default")


def _write_features(client: Client, database: str, seed: int) -> None:
    names = list(table_columns(client, database, "raw_features"))
    values = [address("address_id") if name == "address" else name for name in names]
    run(
        client,
        f"INSERT INTO {{database:Identifier}}.raw_features ({', '.join(names)}) "
        f"SELECT {', '.join(values)} FROM {{database:Identifier}}.synth_tmp_features",
        database,
        seed=seed,
    )
