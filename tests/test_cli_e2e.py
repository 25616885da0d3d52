"""One end-to-end run of the real CLI in subprocesses: synth, train, models list/show."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FAST_TRAIN

pytestmark = pytest.mark.slow


def riskforge(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RISKFORGE_")}
    env["RISKFORGE_HOME"] = str(home)
    return subprocess.run(
        [sys.executable, "-m", "riskforge", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        cwd=home.parent,
    )


def test_synth_train_list_show(tmp_path: Path) -> None:
    home = tmp_path / "home"
    synth = riskforge(home, "synth", "network=ethereum", "preset=test")
    assert synth.returncode == 0, synth.stderr
    again = riskforge(home, "synth", "network=ethereum", "preset=test")
    assert again.returncode == 0 and "already present" in again.stdout

    train = riskforge(home, "train", "network=ethereum", "model=alert_scorer", "window=7", *FAST_TRAIN)
    assert train.returncode == 0, train.stderr
    assert train.stderr == ""  # logs and progress go to stdout; stderr carries errors only
    for phase in ("extract", "features", "train", "evaluate", "store"):
        assert f"phase {phase}: start" in train.stdout
    assert not list(tmp_path.glob("outputs")) and (home / "runs" / "train").is_dir()

    listing = riskforge(home, "models", "list", "--json")
    [model] = json.loads(listing.stdout)
    assert {"model_id", "model_type", "network", "window_days", "created_at", "model_path"} <= set(model)
    assert {"metrics", "baseline_metrics", "metrics_ci"} <= set(model)
    assert Path(model["model_path"]).is_file()

    shown = riskforge(home, "models", "show", model["model_id"], "--json")
    assert json.loads(shown.stdout) == json.loads(Path(model["model_path"]).with_suffix(".json").read_text())
