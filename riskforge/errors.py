"""Errors a user can act on: the CLI prints them as one line (plus an optional hint), never a traceback."""

from __future__ import annotations


class RiskforgeError(Exception):
    """A failure caused by input or environment, reported to the user as ``error: <message>``."""

    exit_code = 1

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.hint = hint


class ConfigError(RiskforgeError):
    """A bad override, option or value: the run never starts."""

    exit_code = 2


class DataError(RiskforgeError):
    """The warehouse lacks what the run needs (database, table, rows, dates, positives)."""


class WarehouseBusy(RiskforgeError):
    """Another process holds the embedded warehouse longer than we are willing to wait."""


class IntegrityError(RiskforgeError):
    """Stored artefacts do not match what was recorded (missing file, wrong checksum)."""
