"""How failures reach the user: one ``error:`` line on stderr (and at most one ``hint:`` line), an exit
code, and no traceback — Hydra's own multi-line reports included. ``RISKFORGE_DEBUG=1`` re-raises."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from hydra.errors import HydraException
from omegaconf.errors import OmegaConfBaseException

from riskforge.errors import RiskforgeError
from riskforge.signals import Interrupted

DEBUG_ENV = "RISKFORGE_DEBUG"
USAGE_EXIT = 2


def _first_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[0] if lines else ""


def find_riskforge_error(exc: BaseException) -> RiskforgeError | None:
    """The RiskforgeError that caused ``exc``, when a library wrapped it (e.g. OmegaConf.to_object)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, RiskforgeError):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


def describe(exc: BaseException) -> tuple[str, str | None, int]:
    """(message, hint, exit code) for any exception that reaches the top of a command."""
    found = find_riskforge_error(exc)
    if found is not None:
        return str(found), found.hint, found.exit_code
    if isinstance(exc, HydraException | OmegaConfBaseException):
        return _hydra_message(exc)
    return f"internal error: {type(exc).__name__}: {_first_line(str(exc))}", f"{DEBUG_ENV}=1 shows the traceback", 1


def _hydra_message(exc: BaseException) -> tuple[str, str | None, int]:
    text = str(exc).strip()
    message = (_first_line(text) or type(exc).__name__).rstrip(".")
    message = re.sub(r"^In '[^']+': ", "", message)
    cause = exc.__cause__
    if cause is not None and (detail := _first_line(str(cause))) and detail not in message:
        message = f"{message}: {detail}"
    options = re.search(r"Available options in '[^']+':\n(.*?)(?:\n\S|\Z)", text, re.S)
    hint = None
    if options:
        hint = "available: " + ", ".join(line.strip() for line in options.group(1).splitlines() if line.strip())
    elif missing := re.search(r"Could not (?:load|find) '(\w+)/", text):
        hint = _registered_options(missing.group(1))
    return message, hint, USAGE_EXIT


def _registered_options(group: str) -> str | None:
    """For plugin-backed groups, the names installed plugins provide (option name == registered name)."""
    from riskforge.plugin_manager import registry

    names = {
        "features": registry().feature_groups,
        "model": registry().model_types,
        "labels": registry().label_sources,
    }.get(group)
    return f"available: {', '.join(sorted(names))}" if names else None


def print_error(message: str, hint: str | None) -> None:
    print(f"error: {message}", file=sys.stderr)
    if hint:
        print(f"hint: {hint}", file=sys.stderr)
    sys.stderr.flush()


@contextmanager
def reporting() -> Iterator[None]:
    """Turn any failure escaping the block into a clean exit."""
    try:
        yield
    except SystemExit:
        raise
    except Interrupted as exc:
        print_error(str(exc), None)
        raise SystemExit(exc.exit_code) from None
    except BrokenPipeError:  # e.g. `riskforge models list --json | head`: the reader left, so do we
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise SystemExit(141) from None
    except KeyboardInterrupt:
        print_error("interrupted", None)
        raise SystemExit(130) from None
    except BaseException as exc:
        if os.environ.get(DEBUG_ENV):
            raise
        message, hint, code = describe(exc)
        print_error(message, hint)
        raise SystemExit(code) from None
