"""Hydra configs; shipped in the wheel as ``riskforge.configs`` and found by ``pkg://riskforge.configs``."""
