"""The synthetic AML world: a seeded transfer graph with planted typologies, and everything upstream
pipelines derive from it (money flows, features, alerts, clusters, late and noisy labels)."""

from riskforge.synth.config import SynthCfg
from riskforge.synth.describe import describe_world, world_exists
from riskforge.synth.world import build_world

__all__ = ["SynthCfg", "build_world", "describe_world", "world_exists"]
