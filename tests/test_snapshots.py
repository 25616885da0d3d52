"""Export then ingest round trips every table; a tampered snapshot is rejected alone."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyarrow.parquet as pq

from riskforge.snapshots.export import export
from riskforge.snapshots.ingest import ingest
from riskforge.warehouse import Warehouse

TABLES = ("raw_alerts", "raw_features", "raw_clusters", "raw_money_flows", "raw_address_labels")


def counts(client, network: str) -> dict[str, int]:
    return {t: client.query(f"SELECT count() FROM risk_scoring_{network}.{t}").result_rows[0][0] for t in TABLES}


def renamed(root: Path, dest: Path, network: str) -> Path:
    shutil.copytree(root / "ethereum", dest / network)
    (dest / network / "ethereum_address_labels.parquet").rename(dest / network / f"{network}_address_labels.parquet")
    return dest


def test_export_ingest_round_trip_and_tamper(world: Path, tmp_path: Path) -> None:
    warehouse = Warehouse.from_dsn(None)
    with warehouse.connect() as client:
        report = export(client, "ethereum", tmp_path / "out", lambda *_: None)
        original = counts(client, "ethereum")
    meta = json.loads(next((tmp_path / "out" / "ethereum").glob("*/7/META.json")).read_text())
    assert {"files", "sha256", "counts", "network", "processing_date", "window_days"} <= set(meta)
    assert report.snapshots > 0

    with warehouse.connect() as client:
        first = ingest(client, "copy", renamed(tmp_path / "out", tmp_path / "a", "copy"), lambda *_: None)
        again = ingest(client, "copy", tmp_path / "a", lambda *_: None)  # re-ingesting replaces
        assert not first.rejected and not again.rejected
        assert counts(client, "copy") == original

    source = renamed(tmp_path / "out", tmp_path / "b", "tampered")
    files = sorted((source / "tampered").glob("*/7/alerts.parquet"))
    bad, good = files[-1], files[0]
    table = pq.read_table(bad)
    pq.write_table(table.slice(0, table.num_rows - 1), bad)
    with warehouse.connect() as client:
        report = ingest(client, "tampered", source, lambda *_: None)
        date_of = lambda path: path.parent.parent.name  # noqa: E731
        loaded = dict(
            client.query(
                "SELECT toString(processing_date), count() FROM risk_scoring_tampered.raw_alerts "
                "WHERE window_days = 7 GROUP BY processing_date"
            ).result_rows
        )
    assert [label for label, _ in report.rejected] == [f"{date_of(bad)}/7"]
    assert date_of(bad) not in loaded and loaded[date_of(good)] > 0
