"""Model types: LightGBM objectives with their labels, query groups, metrics and baseline."""
