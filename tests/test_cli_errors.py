"""Bad input gets one ``error:`` line (and at most a ``hint:``), a non-zero exit and no traceback."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from riskforge.cli.main import main


def run_cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "argv", ["riskforge", *args])
    code = 0
    try:
        main()
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else 1
    out, err = capsys.readouterr()
    return code, out, err


BAD = [
    (["train", "window=abc"], "could not be converted to Integer"),
    (["train", "window=0"], "window must be positive"),
    (["train", "model=no_such_model"], "Could not find 'model/no_such_model'"),
    (["train", "features=[alert,no_such_group]"], "Could not load 'features/no_such_group'"),
    (["train", "network=ETH-1"], "invalid network"),
    (["train", "network=../../tmp/x"], "invalid network"),
    (["train", "no_such_key=1"], "Key 'no_such_key' not in 'TrainCfg'"),
    (["train", "+no_such_key=1"], "Key 'no_such_key' is not in 'TrainCfg'"),
    (["train", "data.start_date=2026-05-01", "data.end_date=2026-01-01"], "is before"),
    (["train", "split.train=0.5"], "add up to 1"),
    (["train", "warehouse.dsn=clickhouse://u:s3cr3tcanary@localhost:8123/"], "contains a password"),
    (["train"], "no warehouse at"),
    (["nonsense"], "unknown command"),
    (["models", "show", "nope"], "no stored model"),
    (["models", "list", "--network", "Bad-Name"], "invalid network"),
    (["models", "frobnicate"], "invalid choice"),
]


@pytest.mark.parametrize(("args", "expected"), BAD, ids=[" ".join(a) for a, _ in BAD])
def test_bad_input_is_one_line(monkeypatch, capsys, home: Path, args: list[str], expected: str) -> None:
    code, out, err = run_cli(monkeypatch, capsys, *args)
    lines = [line for line in err.splitlines() if line.strip()]
    assert code != 0
    assert 1 <= len(lines) <= 2, err
    assert lines[0].startswith("error: ") and expected in lines[0]
    assert "Traceback" not in err + out
    assert "s3cr3tcanary" not in err + out


def test_password_is_refused_before_hydra_creates_a_run_directory(monkeypatch, capsys, home: Path) -> None:
    run_cli(monkeypatch, capsys, "train", "warehouse.dsn=https://u:s3cr3tcanary@h:8443/")
    assert not (home / "runs").exists()


def test_completion_of_the_command_word(monkeypatch, capsys) -> None:
    monkeypatch.setenv("COMP_LINE", "riskforge tr")
    code, out, _ = run_cli(monkeypatch, capsys, "-sc", "query=bash")
    assert code == 0 and out.split() == ["train"]


def test_models_list_on_an_empty_home_is_an_empty_json_list(monkeypatch, capsys, home: Path) -> None:
    code, out, err = run_cli(monkeypatch, capsys, "models", "list", "--json")
    assert (code, out.strip(), err) == (0, "[]", "")
    assert not home.exists()
