"""flow_shape on a hand-built snapshot whose shapes are known: a peel hop, a smurf collector, a fan-out."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pytest
from riskforge.data.entities import entity_level
from riskforge.data.extract import feature_table, fetch, plan_extract
from riskforge.plugin_manager import registry
from riskforge.warehouse import Warehouse, table_columns
from riskforge.warehouse.migrate import migrate

from riskforge_flowshape.group import FlowShapeGroup

DAY = dt.date(2026, 6, 1)
FLOWS = [  # (from, to, usd)
    ("x", "peel", 100.0),
    ("peel", "y", 95.0),
    ("y", "z1", 40.0),
    ("y", "z2", 40.0),
    *[(f"s{i}", "smurf", 9.0) for i in range(6)],
    ("smurf", "exit", 50.0),
    *[("fan", f"r{i}", 10.0) for i in range(5)],
    ("dust", "fan", 0.5),
]


def _flows() -> pa.Table:
    usd = pa.array([Decimal(str(v)) for _, _, v in FLOWS], pa.decimal128(38, 18))
    return pa.table(
        {
            "window_days": pa.array([7] * len(FLOWS), pa.uint16()),
            "processing_date": [DAY] * len(FLOWS),
            "from_address": [f for f, _, _ in FLOWS],
            "to_address": [t for _, t, _ in FLOWS],
            "amount_usd_sum": usd,
        }
    )


def _alerts(addresses: list[str]) -> pa.Table:
    n = len(addresses)
    return pa.table(
        {
            "window_days": pa.array([7] * n, pa.uint16()),
            "processing_date": [DAY] * n,
            "alert_id": [f"a-{a}" for a in addresses],
            "address": addresses,
            "typology_type": ["test"] * n,
            "alert_confidence_score": pa.array([0.5] * n, pa.float32()),
            "description": [""] * n,
            "evidence_json": ["{}"] * n,
            "risk_indicators": [[] for _ in addresses],
        }
    )


@pytest.fixture
def shapes(tmp_path: Path) -> dict[str, dict[str, float]]:
    warehouse = Warehouse.from_dsn(f"chdb://{tmp_path / 'warehouse'}")
    with warehouse.connect(create=True) as client:
        migrate(client, "shapes")
        client.insert_arrow("risk_scoring_shapes.raw_money_flows", _flows())
        client.insert_arrow("risk_scoring_shapes.raw_alerts", _alerts(["peel", "smurf", "fan", "quiet"]))
        group = FlowShapeGroup()
        plan = plan_extract(
            entity_level("alert"),
            [(group, group.default_params())],
            None,
            7,
            lambda table: table_columns(client, "risk_scoring_shapes", table),
        )
        parameters = {"database": "risk_scoring_shapes", "window": 7, "start_date": DAY, "end_date": DAY}
        table = fetch(client, plan, {**parameters, "as_of": DAY, "dates": [DAY]})
    rows = feature_table(table, plan).to_pylist()
    return {row["group_key"]: row for row in rows}


def test_the_plugin_is_discovered_through_the_entry_point_group() -> None:
    assert registry().feature_groups["flow_shape"].distribution == "riskforge-flowshape"


def test_a_peel_hop_is_peel_like_with_its_second_hop(shapes) -> None:
    peel = shapes["peel"]
    assert (peel["flow_fan_in"], peel["flow_fan_out"], peel["flow_peel_like"]) == (1, 1, 1)
    assert peel["flow_pass_through"] == pytest.approx(0.95)
    assert peel["flow_second_hop_recipients"] == 2  # y forwards to z1 and z2


def test_a_collector_of_many_small_senders_is_smurf_like(shapes) -> None:
    smurf = shapes["smurf"]
    assert (smurf["flow_fan_in"], smurf["flow_smurf_like"], smurf["flow_peel_like"]) == (6, 1, 0)
    assert smurf["flow_top_sender_share"] == pytest.approx(1 / 6)


def test_dust_is_ignored_and_a_fan_out_is_counted(shapes) -> None:
    fan = shapes["fan"]
    assert (fan["flow_fan_in"], fan["flow_fan_out"]) == (0, 5)
    assert fan["flow_top_recipient_share"] == pytest.approx(0.2)


def test_an_address_without_flows_has_no_shape(shapes) -> None:
    quiet = shapes["quiet"]
    assert math.isnan(quiet["flow_fan_out"]) and quiet["flow_second_hop_recipients"] == 0
