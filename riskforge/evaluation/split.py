"""Time-ordered holdout with an embargo at both boundaries, and entity-disjoint training rows.

Consecutive snapshots overlap (a 30-day window on day D and D+1 share 29 days), so ``embargo_days``
calendar days are dropped after the last training date and after the last validation date: the next part
starts strictly more than ``embargo_days`` later. Proportions apply to the dates left once the gaps are
taken out, so that the embargo costs data, not test days.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from riskforge.arrays import distinct
from riskforge.errors import DataError

TRAIN, VALIDATION, TEST, DROPPED = 0, 1, 2, -1
PART_NAMES = {TRAIN: "train", VALIDATION: "validation", TEST: "test"}


@dataclass(frozen=True)
class DateSplit:
    train: list[dt.date]
    validation: list[dt.date]
    test: list[dt.date]
    embargo: list[dt.date]
    embargo_days: int

    def part_of(self, dates: np.ndarray) -> np.ndarray:
        """TRAIN/VALIDATION/TEST/DROPPED for each entry of a datetime64[D] array."""
        part = np.full(len(dates), DROPPED, dtype=np.int8)
        for code, days in ((TRAIN, self.train), (VALIDATION, self.validation), (TEST, self.test)):
            part[np.isin(dates, np.array(days, dtype="datetime64[D]"))] = code
        return part

    def describe(self) -> dict[str, object]:
        def span(days: list[dt.date]) -> dict[str, object]:
            return {"start": str(days[0]), "end": str(days[-1]), "num_dates": len(days)}

        return {
            "train": span(self.train),
            "validation": span(self.validation),
            "test": span(self.test),
            "embargo_days": self.embargo_days,
            "embargo_dates": [str(d) for d in self.embargo],
        }


def min_dates_needed(embargo_days: int) -> int:
    """At least one date per part plus two embargo gaps of ``embargo_days`` consecutive days."""
    return 3 + 2 * embargo_days


def split_dates(dates: list[dt.date], validation: float, test: float, embargo_days: int) -> DateSplit:
    """Assign sorted distinct dates to train / validation / test with the embargo gaps between; training
    gets what the validation and test proportions and the gaps leave."""
    dates = sorted(set(dates))
    needed = min_dates_needed(embargo_days)
    span_days = (dates[-1] - dates[0]).days + 1 if dates else 0
    if span_days < needed:
        raise DataError(
            f"too few dates for the split: {len(dates)} processing dates spanning {span_days} days; it needs "
            f"at least {needed} (3 parts and 2 embargo gaps of {embargo_days} days)",
            hint="widen data.start_date/data.end_date, or lower split.embargo_days (default: the window)",
        )
    usable = max(3, len(dates) - 2 * embargo_days)
    n_test = max(1, round(usable * test))
    n_validation = max(1, round(usable * validation))
    test_part = dates[-n_test:]
    before_test = [d for d in dates if (test_part[0] - d).days > embargo_days]
    validation_part = before_test[-n_validation:]
    train_part = [d for d in before_test if validation_part and (validation_part[0] - d).days > embargo_days]
    if not train_part:
        raise DataError(
            f"too few dates for the split: {len(dates)} processing dates leave none for training after "
            f"{n_validation} validation and {n_test} test dates and two {embargo_days}-day embargo gaps",
            hint=f"the split needs at least {needed} consecutive dates; widen the data window",
        )
    kept = set(train_part) | set(validation_part) | set(test_part)
    return DateSplit(
        train=train_part,
        validation=validation_part,
        test=test_part,
        embargo=[d for d in dates if d not in kept],
        embargo_days=embargo_days,
    )


def disjoint_training(part: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Mask of training rows whose entity also appears in validation or test (to be dropped)."""
    held_out = distinct(group[(part == VALIDATION) | (part == TEST)])
    return (part == TRAIN) & np.isin(group, held_out)


def entity_folds(y: np.ndarray, group: np.ndarray, n_folds: int, seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Stratified group k-fold: (train rows, test rows) per fold, every entity's rows in one fold.

    Entities with a positive row and those without are dealt to the folds separately, largest first in
    a snake order (0..k-1, k-1..0) with ties shuffled by ``seed``, so each fold gets the same number of
    positive entities (±1) and about the same number of rows. Vectorised: sklearn's
    StratifiedGroupKFold searches fold by fold for every entity, which takes tens of seconds at 10^5
    addresses.
    """
    if n_folds < 2:
        return []
    _, entity = np.unique(group, return_inverse=True)
    entity = entity.ravel()
    size = np.bincount(entity)
    positive = np.bincount(entity, weights=y > 0) > 0
    tie = np.random.default_rng(seed).permutation(len(size))
    order = np.lexsort((tie, -size, ~positive))  # positive entities first, largest first within each
    rank = np.empty(len(size), dtype=np.int64)
    rank[order] = np.arange(len(size)) - np.where(positive[order], 0, positive.sum())
    cycle, place = np.divmod(rank, n_folds)
    fold = np.where(cycle % 2 == 0, place, n_folds - 1 - place)[entity]
    return [(np.flatnonzero(fold != k), np.flatnonzero(fold == k)) for k in range(n_folds)]
