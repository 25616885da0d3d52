"""The synthetic AML world: a seeded transfer graph with planted typologies, and everything upstream
pipelines derive from it (money flows, features, alerts, clusters, late and noisy labels)."""
