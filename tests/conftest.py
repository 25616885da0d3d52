"""Shared fixtures: an isolated RISKFORGE_HOME per test, and small warehouses that are always closed."""

from __future__ import annotations

from pathlib import Path

import pytest

from riskforge.warehouse import Warehouse

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh, empty RISKFORGE_HOME; no server DSN or password leaks in from the environment."""
    path = tmp_path / "home"
    monkeypatch.setenv("RISKFORGE_HOME", str(path))
    for name in ("RISKFORGE_WAREHOUSE_DSN", "RISKFORGE_WAREHOUSE_PASSWORD", "RISKFORGE_DISABLE_PLUGINS"):
        monkeypatch.delenv(name, raising=False)
    return path


@pytest.fixture
def warehouse(home: Path) -> Warehouse:
    """The embedded warehouse under ``home`` (created on first ``connect(create=True)``)."""
    return Warehouse.from_dsn(None, lock_timeout_s=5)
