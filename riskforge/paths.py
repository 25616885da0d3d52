"""Where riskforge keeps its state: one home directory holding the embedded warehouse, models and runs."""

from __future__ import annotations

import os
from pathlib import Path

HOME_ENV = "RISKFORGE_HOME"


def riskforge_home() -> Path:
    """``$RISKFORGE_HOME``, else ``$XDG_DATA_HOME/riskforge``, else ``~/.local/share/riskforge``."""
    explicit = os.environ.get(HOME_ENV)
    if explicit:
        return Path(explicit).expanduser().resolve()
    data_home = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return (Path(data_home) / "riskforge").resolve()


def warehouse_dir() -> Path:
    """The embedded chDB warehouse used when no server DSN is configured."""
    return riskforge_home() / "warehouse"


def models_dir() -> Path:
    return riskforge_home() / "models"


def runs_dir() -> Path:
    return riskforge_home() / "runs"
