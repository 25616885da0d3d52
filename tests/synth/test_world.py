"""The `test` preset world, generated once for the module: contract tables, realism properties and
determinism (a second world from the same seed is row-for-row identical)."""

from __future__ import annotations

import json
from collections.abc import Callable
from importlib import resources
from pathlib import Path

import pytest
from omegaconf import OmegaConf

from riskforge.synth import SynthCfg, build_world, describe_world, world_exists
from riskforge.warehouse import Warehouse, table_columns
from riskforge.warehouse.migrate import INPUT_TABLES, migrate

NETWORK = "ethereum"
DB = f"risk_scoring_{NETWORK}"
Query = Callable[[str], list[tuple]]
TABLES = (*INPUT_TABLES, "alert_dispositions", "synth_transfers", "synth_ground_truth", "synth_entities")


def preset(name: str, **overrides: object) -> SynthCfg:
    values = OmegaConf.to_container(OmegaConf.load(resources.files("riskforge.configs") / "preset" / f"{name}.yaml"))
    return SynthCfg(**{**values, **overrides})


def generate(path: Path, cfg: SynthCfg) -> tuple[dict, list[tuple[str, float]]]:
    stages: list[tuple[str, float]] = []
    with Warehouse.from_dsn(f"chdb://{path}").connect(create=True) as client:
        migrate(client, cfg.network)
        summary = build_world(client, cfg.network, cfg, progress=lambda stage, f: stages.append((stage, f)))
    return summary, stages


def fingerprints(path: Path) -> dict[str, tuple[int, int]]:
    """Row count and an order-independent hash of every row, per table."""
    with Warehouse.from_dsn(f"chdb://{path}").connect() as client:
        return {
            table: tuple(client.query(f"SELECT count(), groupBitXor(cityHash64(*)) FROM {DB}.{table}").result_rows[0])
            for table in TABLES
        }


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict, list[tuple[str, float]]]:
    path = tmp_path_factory.mktemp("synth") / "wh"
    summary, stages = generate(path, preset("test"))
    return path, summary, stages


@pytest.fixture
def query(world: tuple[Path, dict, list]) -> Query:
    path = world[0]

    def run(sql: str) -> list[tuple]:
        with Warehouse.from_dsn(f"chdb://{path}").connect() as client:
            return client.query(sql.replace("{db}", DB)).result_rows

    return run


def test_every_input_table_is_filled_and_the_summary_says_so(world: tuple[Path, dict, list]) -> None:
    path, summary, stages = world
    json.dumps(summary)  # JSON-serialisable
    assert all(summary["tables"][t] > 0 for t in (*INPUT_TABLES, "alert_dispositions"))
    assert summary["world"]["preset"] == "test" and summary["world"]["seed"] == preset("test").seed
    assert 0 < summary["labels"]["positive_rate"] < 0.5
    assert {"median", "p10", "p90"} <= set(summary["label_delay_days"])
    assert set(summary["typologies"]) >= {"fan_in", "peel_chain", "structuring"}
    assert "betweenness" in summary["approximations"]
    assert [s for s, _ in stages if _ == 1.0] == ["simulate", "aggregate", "snapshots", "labels"]
    with Warehouse.from_dsn(f"chdb://{path}").connect() as client:
        assert world_exists(client, NETWORK) and not world_exists(client, "other")
        assert describe_world(client, "other")["world"] is None


def test_raw_features_has_every_contract_column_and_few_constant_ones(
    world: tuple[Path, dict, list], query: Query
) -> None:
    with Warehouse.from_dsn(f"chdb://{world[0]}").connect() as client:
        columns = table_columns(client, DB, "raw_features")
    assert len(columns) == 98 + 1 and "created_at" in columns  # the contract's 98 columns, then created_at
    numeric = [
        c
        for c, t in columns.items()
        if not t.startswith(("Array", "String")) and c not in ("window_days", "processing_date")
    ]
    newest = "(SELECT max(processing_date) FROM {db}.raw_features WHERE window_days = 7)"
    distinct = query(
        f"SELECT {', '.join(f'uniqExact({c})' for c in numeric)} FROM {{db}}.raw_features "
        f"WHERE window_days = 7 AND processing_date = {newest}"
    )[0]
    constant = [c for c, n in zip(numeric, distinct, strict=True) if n <= 1]
    assert len(constant) <= 8, constant


def test_most_positive_addresses_are_labelled_after_their_first_alert(query: Query) -> None:
    after, total = query(
        """SELECT countIf(l.d > a.d), count() FROM
        (SELECT address, min(processing_date) d FROM {db}.raw_address_labels
         WHERE lower(risk_level) IN ('high', 'critical') GROUP BY address) l
        JOIN (SELECT address, min(processing_date) d FROM {db}.raw_alerts GROUP BY address) a USING address"""
    )[0]
    assert total >= 30 and after >= 0.5 * total


def test_case_reviews_label_alerted_addresses_within_a_week_of_their_first_alert(query: Query) -> None:
    rows = query(
        """SELECT l.source, countIf(l.processing_date <= a.d OR l.processing_date > a.d + 7), count(),
        groupUniqArray(l.risk_level) FROM {db}.raw_address_labels AS l
        INNER JOIN (SELECT address, min(processing_date) AS d FROM {db}.raw_alerts GROUP BY address) AS a USING address
        WHERE l.source IN ('sar_filing', 'alert_review') GROUP BY l.source ORDER BY l.source"""
    )
    assert [(source, early_or_late) for source, early_or_late, _, _ in rows] == [("alert_review", 0), ("sar_filing", 0)]
    assert all(n > 0 for _, _, n, _ in rows)
    assert sorted(rows[1][3]) == ["critical", "high"]  # principals critical, other members high


def test_unlabelled_alerts_are_mostly_ordinary_addresses(query: Query) -> None:
    """Labels do not single out the benign addresses: what stays unlabelled is mostly ordinary activity,
    even in the test world, where most alerts are on participants."""
    members = "(SELECT address FROM {db}.synth_ground_truth)"
    unlabelled_members, unlabelled, members_alerted, alerts = query(
        f"""SELECT countIf(address IN {members} AND address NOT IN (SELECT address FROM {{db}}.raw_address_labels)),
        countIf(address NOT IN (SELECT address FROM {{db}}.raw_address_labels)), countIf(address IN {members}),
        count() FROM {{db}}.raw_alerts"""
    )[0]
    assert 0 < unlabelled_members < 0.3 * unlabelled
    assert unlabelled_members / unlabelled < 0.5 * members_alerted / alerts


def test_alerts_follow_the_contract(query: Query) -> None:
    assert query("SELECT count() - uniqExact(window_days, processing_date, alert_id) FROM {db}.raw_alerts")[0][0] == 0
    wrong_severity = query(
        """SELECT count() FROM {db}.raw_alerts WHERE severity != multiIf(alert_confidence_score >= 0.9, 'critical',
        alert_confidence_score >= 0.75, 'high', alert_confidence_score >= 0.6, 'medium', 'low')"""
    )[0][0]
    assert wrong_severity == 0
    dated = query(
        """SELECT countIf(position(alert_id, formatDateTime(processing_date, '%Y%m%d')) = 0) FROM {db}.raw_alerts
        UNION ALL SELECT countIf(position(cluster_id, formatDateTime(processing_date, '%Y%m%d')) = 0)
        FROM {db}.raw_clusters"""
    )
    assert [row[0] for row in dated] == [0, 0]
    assert query("SELECT min(length(addresses_involved)) FROM {db}.raw_clusters")[0][0] >= 2


def test_nothing_is_copied_from_the_ground_truth(query: Query) -> None:
    """Labels and alerts come from separate processes: both err in both directions."""
    for table in INPUT_TABLES:
        names = {
            row[0] for row in query(f"SELECT name FROM system.columns WHERE database = '{DB}' AND table = '{table}'")
        }
        assert not names & {"instance_id", "role", "typology", "address_id"}
    members = "(SELECT address FROM {db}.synth_ground_truth)"
    false_alarms, alerted_members = query(
        f"SELECT countIf(address NOT IN {members}), uniqExactIf(address, address IN {members}) FROM {{db}}.raw_alerts"
    )[0]
    all_members = query("SELECT uniqExact(address) FROM {db}.synth_ground_truth")[0][0]
    assert false_alarms > 0 and 0 < alerted_members < all_members  # false positives and misses
    wrong_high, cleared = query(
        f"""SELECT countIf(lower(risk_level) IN ('high', 'critical') AND address NOT IN {members}),
        countIf(lower(risk_level) = 'low' AND address IN {members} AND source = 'investigation')
        FROM {{db}}.raw_address_labels"""
    )[0]
    assert wrong_high > 0 and cleared > 0
    unmatched = query(
        """SELECT count() FROM {db}.raw_alerts AS a INNER JOIN {db}.synth_ground_truth AS g USING (address)
        WHERE a.typology_type != g.typology"""
    )[0][0]
    assert unmatched > 0  # the rules do not read the planted typology


def test_rebuilding_replaces_the_world_with_an_identical_one(world: tuple[Path, dict, list]) -> None:
    """Same seed, same rows; and replacing empties every table first (counts would double otherwise)."""
    before = fingerprints(world[0])
    generate(world[0], preset("test"))
    assert fingerprints(world[0]) == before
