import threading
from pathlib import Path

import pytest

from riskforge.errors import ConfigError, DataError, WarehouseBusy
from riskforge.warehouse import Warehouse, check_network, network_database, table_columns
from riskforge.warehouse.dsn import resolve
from riskforge.warehouse.lock import exclusive
from riskforge.warehouse.migrate import MIGRATIONS_TABLE, migrate, schema_files


@pytest.mark.parametrize("bad", ["ETH-1", "../../tmp/x", "a; DROP TABLE b", "", "9lives", "x" * 33, "Ethereum"])
def test_network_names_are_identifiers(bad: str) -> None:
    with pytest.raises(ConfigError):
        check_network(bad)


def test_network_database_name() -> None:
    assert network_database("ethereum") == "risk_scoring_ethereum"


def test_default_target_is_embedded_under_home(home: Path) -> None:
    assert resolve(None).embedded_path == home / "warehouse"


def test_server_dsn_without_password(monkeypatch: pytest.MonkeyPatch, home: Path) -> None:
    target = resolve("https://analyst@ch.example.com/")
    assert (target.host, target.port, target.secure, target.username) == ("ch.example.com", 8443, True, "analyst")
    monkeypatch.setenv("RISKFORGE_WAREHOUSE_DSN", "clickhouse://svc@10.0.0.5:8123/")
    assert resolve(None).describe() == "http://svc@10.0.0.5:8123/"


@pytest.mark.parametrize(
    "dsn", ["clickhouse://u:s3cret@host:8123/", "https://u:p@h/", "chdb://relative/path", "ftp://h/"]
)
def test_bad_dsns_are_refused(dsn: str, home: Path) -> None:
    with pytest.raises(ConfigError) as info:
        resolve(dsn)
    assert "s3cret" not in str(info.value)


def test_missing_embedded_warehouse_is_not_created_by_readers(warehouse: Warehouse, home: Path) -> None:
    with pytest.raises(DataError, match="no warehouse"), warehouse.connect():
        pass
    assert not (home / "warehouse").exists()


def test_migrator_is_idempotent_and_records_what_it_applied(warehouse: Warehouse) -> None:
    with warehouse.connect(create=True) as client:
        first = migrate(client, "testnet")
        second = migrate(client, "testnet")
        recorded = client.query(f"SELECT name FROM risk_scoring_testnet.{MIGRATIONS_TABLE} ORDER BY name").result_rows
        features = table_columns(client, "risk_scoring_testnet", "raw_features")
    assert first == [s.table for s in schema_files()]
    assert second == []
    assert [r[0] for r in recorded] == first
    assert len(features) == 99  # the 98 contract columns + created_at


def test_a_second_holder_waits_then_fails_with_one_line(tmp_path: Path) -> None:
    lock_file = tmp_path / ".warehouse.lock"
    held, release = threading.Event(), threading.Event()

    def holder() -> None:
        with exclusive(lock_file, 1, "wh"):
            held.set()
            release.wait(5)

    thread = threading.Thread(target=holder)
    thread.start()
    held.wait(5)
    try:
        with pytest.raises(WarehouseBusy, match="warehouse busy"), exclusive(lock_file, 0.2, "wh"):
            pass
    finally:
        release.set()
        thread.join()
    with exclusive(lock_file, 0.2, "wh"):  # free again once the holder is done
        pass
