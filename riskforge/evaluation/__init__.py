"""The evaluation protocol of EVALUATION.md: leakage-safe splits, metrics, baselines and intervals."""
