"""The world's knobs: presets are valid SynthCfg values, bad values fail before any table is touched."""

from __future__ import annotations

from importlib import resources

import pytest
from omegaconf import OmegaConf

from riskforge.errors import ConfigError
from riskforge.synth.config import SynthCfg


@pytest.mark.parametrize("name", ["demo", "test", "bench"])
def test_presets_are_global_packages_of_valid_knobs(name: str) -> None:
    path = resources.files("riskforge.configs") / "preset" / f"{name}.yaml"
    assert path.read_text().startswith("# @package _global_")
    cfg = SynthCfg(**OmegaConf.to_container(OmegaConf.load(path)))
    assert cfg.preset == name and cfg.sim_days == cfg.history_days + cfg.days - 1


def test_demo_preset_matches_the_defaults() -> None:
    demo = OmegaConf.to_container(OmegaConf.load(resources.files("riskforge.configs") / "preset" / "demo.yaml"))
    assert SynthCfg(**demo) == SynthCfg()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"history_days": 7}, "history_days=7 is shorter than the largest window"),
        ({"windows": [7, 7]}, "must not repeat"),
        ({"label_noise": 1.5}, "label_noise must be in [0, 1]"),
        ({"typology_mix": {"fan_in": 1.0, "bogus": 1.0}}, "unknown typologies in typology_mix: bogus"),
        ({"typology_mix": {"fan_in": 0.0}}, "positive total"),
        ({"mixers": 0}, "mixers=0"),
        ({"alerts_per_day": 0}, "alerts_per_day must be positive"),
        ({"network": "Bad-Name"}, "invalid network"),
    ],
)
def test_bad_knobs_are_config_errors(overrides: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("[", r"\[").replace("]", r"\]")):
        SynthCfg(**overrides)
