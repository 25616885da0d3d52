"""What a clone gets: no file of the source folders is hidden from git by an ignore rule.

An unanchored ``warehouse/`` rule once kept the whole ``riskforge/warehouse`` package out of every commit
while the editable install in the working tree hid the loss.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ("riskforge", "configs", "schema", "plugins", "tests", "benchmarks", "docs")
BUILD_DEBRIS = ("__pycache__/", ".egg-info/", ".pyc", ".ruff_cache/", ".pytest_cache/")


@pytest.mark.skipif(shutil.which("git") is None or not (ROOT / ".git").exists(), reason="not a git checkout")
def test_no_source_file_is_ignored_by_git() -> None:
    listed = subprocess.run(
        ["git", "ls-files", "--others", "--ignored", "--exclude-standard", "--", *SOURCES],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert [path for path in listed if not any(mark in path for mark in BUILD_DEBRIS)] == []
