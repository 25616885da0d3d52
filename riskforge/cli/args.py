"""argparse for riskforge's plain commands, failing like every other riskforge command."""

from __future__ import annotations

import argparse
from typing import NoReturn

from riskforge.errors import ConfigError


class ArgumentParser(argparse.ArgumentParser):
    """A usage error is one ``error:`` line (and a hint), not argparse's usage dump."""

    def error(self, message: str) -> NoReturn:
        raise ConfigError(message, hint=f"see `{self.prog} --help`")
