"""riskforge: config-driven, honestly evaluated LightGBM risk models for blockchain AML alerts."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("riskforge")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"
