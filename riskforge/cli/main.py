"""``riskforge <command> ...``: dispatch to a Hydra app (train, synth, demo) or a plain command (models).

Hydra has no subcommands, so the command word is popped from ``sys.argv`` (``argv[0]`` stays the script,
which Hydra's help and completion read) before the command's ``@hydra.main`` runs. Two things happen
before Hydra sees the arguments: a DSN carrying a password is refused (Hydra would save it in the run's
``.hydra/`` directory), and shell completion of the command word itself.
"""

from __future__ import annotations

import importlib
import os
import re
import sys
from dataclasses import dataclass

import rich

from riskforge import __version__
from riskforge.cli.report import print_error, reporting
from riskforge.warehouse.dsn import PASSWORD_ENV, has_password


@dataclass(frozen=True)
class Command:
    module: str
    summary: str
    hydra: bool = True
    positional: str | None = None  # a Hydra command's leading bare argument becomes this override
    flags: tuple[str, ...] = ()  # `--name` flags accepted as shorthand for the override `name=true`


COMMANDS = {
    "train": Command("riskforge.cli.train", "train, evaluate and store a model (Hydra app)"),
    "synth": Command(
        "riskforge.cli.synth", "write a seeded synthetic AML world into the warehouse (Hydra app)", flags=("describe",)
    ),
    "score": Command("riskforge.cli.score", "score one processing date with a stored model (Hydra app)"),
    "evaluate": Command(
        "riskforge.cli.evaluate", "backtest a stored model on any window (Hydra app)", positional="model_id"
    ),
    "ingest": Command("riskforge.cli.ingest", "load snapshot files into a network (Hydra app)"),
    "export": Command("riskforge.cli.export", "write a network out as snapshot files (Hydra app)"),
    "demo": Command("riskforge.cli.demo", "seed the demo world if absent, train every model type, show results"),
    "models": Command("riskforge.cli.models", "list and show stored models", hydra=False),
    "plugins": Command("riskforge.cli.plugins", "list feature groups, model types, label sources", hydra=False),
}
NON_TTY_WIDTH = 140
URL_WITH_PASSWORD = re.compile(r"[a-z][a-z0-9+.-]*://[^\s/@:]*:[^\s/@]*@", re.IGNORECASE)


def usage() -> str:
    width = max(map(len, COMMANDS))
    lines = [f"usage: riskforge <command> [args]    (riskforge {__version__})", "", "commands:"]
    lines += [f"  {name:<{width}}  {cmd.summary}" for name, cmd in COMMANDS.items()]
    lines += ["", "Hydra commands take overrides (key=value), -m for sweeps, --help, --cfg job."]
    return "\n".join(lines)


def refuse_passwords(args: list[str]) -> None:
    for arg in args:
        if URL_WITH_PASSWORD.search(arg) or ("://" in arg and has_password(arg.split("=", 1)[-1])):
            print_error(
                "refusing a warehouse DSN that contains a password",
                f"put the password in {PASSWORD_ENV} and use clickhouse://user@host:8123/",
            )
            raise SystemExit(2)


def from_stored(args: list[str]) -> list[str]:
    """``train --from MODEL_ID [overrides]``: re-run with the stored config of a model, as a primary
    config written to a private directory that Hydra is pointed at."""
    from riskforge.cli.retrain import stored_config_dir

    position = args.index("--from")
    if position + 1 >= len(args) or args[position + 1].startswith("-"):
        print_error("--from needs a model id", "riskforge train --from MODEL_ID")
        raise SystemExit(2)
    model_id = args[position + 1]
    directory, name = stored_config_dir(model_id)
    return ["--config-dir", str(directory), "--config-name", name, *args[:position], *args[position + 2 :]]


def complete(args: list[str]) -> None:
    """Hydra's bash completion, extended to the command word (``riskforge -sc install=bash``)."""
    line = os.environ.get("COMP_LINE", "")
    words = line.split()
    if "query=bash" in args and (len(words) < 2 or (len(words) == 2 and not line.endswith(" "))):
        prefix = words[1] if len(words) == 2 else ""
        print(" ".join(name for name in COMMANDS if name.startswith(prefix)))
        return
    name = words[1] if "query=bash" in args else "train"
    command = COMMANDS.get(name)
    if command is None or not command.hydra:
        return
    if "query=bash" in args:
        os.environ["COMP_LINE"] = " ".join([words[0], *words[2:]]) + (" " if line.endswith(" ") else "")
        os.environ["COMP_POINT"] = str(len(os.environ["COMP_LINE"]))
    sys.argv = [sys.argv[0], *args]
    importlib.import_module(command.module).main()


def main() -> None:
    if not sys.stdout.isatty():  # logs and tables piped to a file: wide lines, no wrapping at 80 columns
        rich.reconfigure(width=NON_TTY_WIDTH)
    args = sys.argv[1:]
    if args and args[0] in ("-sc", "--shell-completion"):
        complete(args)
        return
    if not args or args[0] in ("-h", "--help", "help"):
        print(usage())
        return
    if args[0] == "--version":
        print(f"riskforge {__version__}")
        return
    name, rest = args[0], args[1:]
    command = COMMANDS.get(name)
    if command is None:
        print_error(f"unknown command {name!r}", f"commands: {', '.join(COMMANDS)}")
        raise SystemExit(2)
    refuse_passwords(rest)
    with reporting():
        if name == "train" and "--from" in rest:
            rest = from_stored(rest)
        rest = [f"{arg[2:]}=true" if arg[2:] in command.flags and arg.startswith("--") else arg for arg in rest]
        if command.positional and rest and "=" not in rest[0] and not rest[0].startswith("-"):
            rest = [f"{command.positional}={rest[0]}", *rest[1:]]
        module = importlib.import_module(command.module)
        if command.hydra:
            os.environ["HYDRA_FULL_ERROR"] = "1"  # exceptions reach `reporting` instead of Hydra's multi-line report
            sys.argv = [sys.argv[0], *rest]
            module.main()
        else:
            module.main(rest)
