"""Array helpers for the hot paths, where numpy's general routine is slow on this workload."""

from __future__ import annotations

import numpy as np


def distinct(values: np.ndarray) -> np.ndarray:
    """The sorted distinct values of an integer array, by one sort: numpy 2.4's ``np.unique`` hashes
    integers and takes about 50 times longer on a million distinct codes (0.9 s against 0.02 s here)."""
    ordered = np.sort(values, axis=None)
    return ordered[np.r_[True, ordered[1:] != ordered[:-1]]] if len(ordered) else ordered
