"""What a world holds, read back from the warehouse: its knobs, row counts, labels, typologies and the
columns computed by approximation (``riskforge synth ... describe=true`` prints this).
"""

from __future__ import annotations

import json
from typing import Any

from clickhouse_connect.driver.client import Client

from riskforge.synth import graph
from riskforge.synth.tables import DISPOSITIONS, WORLD_TABLE, list_tables
from riskforge.warehouse import database_exists, network_database
from riskforge.warehouse.migrate import INPUT_TABLES

METADATA_KEY = "world"
APPROXIMATIONS = {
    **graph.APPROXIMATIONS,
    "degree_in/degree_out/degree_total": "transaction counts, not distinct counterparties (as upstream)",
    "median_tx_in_usd/median_tx_out_usd": "exact (quantileExact states merged over the window)",
    "behavioral/graph/neighborhood/global_anomaly_score": "mean distance of a few log-scaled metrics from their "
    "snapshot median, in units of their 10-90% range, capped at 1",
    "is_whale/is_high_volume_trader/is_retail_*/is_whale_inactive": "volume and count quantiles of the snapshot",
}

_POSITIVE = "lower(risk_level) IN ('high', 'critical')"


def write_metadata(client: Client, database: str, metadata: dict[str, Any]) -> None:
    client.command(
        "INSERT INTO {database:Identifier}.synth_world (key, value) VALUES ({key:String}, {value:String})",
        parameters={"database": database, "key": METADATA_KEY, "value": json.dumps(metadata, sort_keys=True)},
    )


def world_exists(client: Client, network: str) -> bool:
    """True when the network's database holds a completely generated world."""
    database = network_database(network)
    if not database_exists(client, database) or WORLD_TABLE not in list_tables(client, database):
        return False
    return bool(_scalar(client, database, f"SELECT count() FROM {{database:Identifier}}.{WORLD_TABLE}"))


def describe_world(client: Client, network: str) -> dict[str, Any]:
    """A JSON-serialisable summary of the network's world (empty ``tables`` when there is none)."""
    database = network_database(network)
    if not world_exists(client, network):
        return {"network": network, "database": database, "world": None, "tables": {}}
    meta = json.loads(
        _scalar(client, database, f"SELECT value FROM {{database:Identifier}}.{WORLD_TABLE} WHERE key = 'world'")
    )
    tables = [t for t in list_tables(client, database) if t in (*INPUT_TABLES, DISPOSITIONS) or t.startswith("synth_")]
    return {
        "network": network,
        "database": database,
        "world": meta,
        "tables": {
            t: int(_scalar(client, database, f"SELECT count() FROM {{database:Identifier}}.{t}")) for t in tables
        },
        "snapshots": _snapshots(client, database),
        "labels": _labels(client, database),
        "label_delay_days": _label_delay(client, database),
        "typologies": _typologies(client, database),
        "approximations": APPROXIMATIONS,
    }


def _scalar(client: Client, database: str, sql: str) -> Any:
    return client.query(sql, parameters={"database": database}).result_rows[0][0]


def _rows(client: Client, database: str, sql: str) -> list[tuple]:
    return client.query(sql, parameters={"database": database}).result_rows


def _snapshots(client: Client, database: str) -> dict[str, Any]:
    rows = _rows(
        client,
        database,
        "SELECT window_days, count(), uniqExact(processing_date), min(processing_date), max(processing_date), "
        "uniqExact(address) FROM {database:Identifier}.raw_alerts GROUP BY window_days ORDER BY window_days",
    )
    return {
        str(w): {
            "alerts": n,
            "dates": d,
            "first_date": str(lo),
            "last_date": str(hi),
            "alerted_addresses": a,
            "alerts_per_date": round(n / d, 1),
        }
        for w, n, d, lo, hi, a in rows
    }


def _labels(client: Client, database: str) -> dict[str, Any]:
    rows, positive_rows, addresses, positive_addresses = _rows(
        client,
        database,
        f"SELECT count(), countIf({_POSITIVE}), uniqExact(address), uniqExactIf(address, {_POSITIVE}) "
        "FROM {database:Identifier}.raw_address_labels",
    )[0]
    levels = dict(
        _rows(
            client,
            database,
            "SELECT risk_level, count() FROM {database:Identifier}.raw_address_labels "
            "GROUP BY risk_level ORDER BY risk_level",
        )
    )
    sources = dict(
        _rows(
            client,
            database,
            "SELECT source, count() FROM {database:Identifier}.raw_address_labels GROUP BY source ORDER BY source",
        )
    )
    labelled_alerts = _rows(
        client,
        database,
        f"""SELECT a.window_days, count(), countIf(l.grade >= 3)
        FROM {{database:Identifier}}.raw_alerts AS a
        INNER JOIN (
            SELECT address, max(multiIf({_POSITIVE}, 3, lower(risk_level) = 'medium', 2, 1)) AS grade
            FROM {{database:Identifier}}.raw_address_labels GROUP BY address
        ) AS l USING (address)
        GROUP BY a.window_days ORDER BY a.window_days""",
    )
    after = _rows(
        client,
        database,
        f"""SELECT countIf(l.first > a.first), count() FROM
        (SELECT address, min(processing_date) AS first FROM {{database:Identifier}}.raw_address_labels
         WHERE {_POSITIVE} GROUP BY address) AS l
        INNER JOIN (SELECT address, min(processing_date) AS first FROM {{database:Identifier}}.raw_alerts
         GROUP BY address) AS a USING (address)""",
    )[0]
    return {
        "rows": rows,
        "positive_rows": positive_rows,
        "positive_rate": round(positive_rows / rows, 4) if rows else 0.0,
        "addresses": addresses,
        "positive_addresses": positive_addresses,
        "risk_levels": levels,
        "sources": sources,
        "labelled_alerts": {
            str(w): {"alerts": n, "positive": p, "positive_rate": round(p / n, 4) if n else 0.0}
            for w, n, p in labelled_alerts
        },
        "alerted_positive_addresses_labelled_after_first_alert": {"after": after[0], "of": after[1]},
    }


def _label_delay(client: Client, database: str) -> dict[str, Any]:
    """Days from the end of an instance to each label of its members (investigation labels)."""
    rows = _rows(
        client,
        database,
        """SELECT min(delay), quantilesExact(0.1, 0.5, 0.9)(delay), max(delay), avg(delay), count() FROM (
            SELECT toInt32(l.processing_date) - toInt32(g.end_date) AS delay
            FROM {database:Identifier}.raw_address_labels AS l
            INNER JOIN {database:Identifier}.synth_ground_truth AS g USING (address)
            WHERE l.source = 'investigation' AND l.processing_date >= g.end_date
        )""",
    )[0]
    low, (p10, p50, p90), high, mean, count = rows
    if not count:
        return {"labels": 0}
    return {"labels": count, "min": low, "p10": p10, "median": p50, "p90": p90, "max": high, "mean": round(mean, 1)}


def _typologies(client: Client, database: str) -> dict[str, Any]:
    planted = _rows(
        client,
        database,
        "SELECT typology, uniqExact(instance_id), uniqExact(address_id) FROM {database:Identifier}.synth_ground_truth "
        "WHERE instance_id > 0 GROUP BY typology ORDER BY typology",
    )
    alerts = _rows(
        client,
        database,
        "SELECT typology_type, window_days, count() FROM {database:Identifier}.raw_alerts "
        "GROUP BY typology_type, window_days ORDER BY typology_type, window_days",
    )
    result: dict[str, Any] = {name: {"instances": i, "participants": m, "alerts": {}} for name, i, m in planted}
    for name, window, count in alerts:
        result.setdefault(name, {"instances": 0, "participants": 0, "alerts": {}})["alerts"][str(window)] = count
    return result
