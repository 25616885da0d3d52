import datetime as dt

import numpy as np
import pytest

from riskforge.arrays import distinct
from riskforge.errors import DataError
from riskforge.evaluation.split import (
    DROPPED,
    TEST,
    TRAIN,
    VALIDATION,
    disjoint_training,
    entity_folds,
    split_dates,
)


def days(n: int, start: dt.date = dt.date(2026, 1, 1)) -> list[dt.date]:
    return [start + dt.timedelta(days=i) for i in range(n)]


@pytest.mark.parametrize(("n", "embargo"), [(120, 30), (120, 7), (40, 7), (17, 7), (60, 0)])
def test_parts_are_time_ordered_with_embargo_at_both_boundaries(n: int, embargo: int) -> None:
    split = split_dates(days(n), validation=0.15, test=0.15, embargo_days=embargo)
    assert split.train and split.validation and split.test
    assert max(split.train) < min(split.validation) and max(split.validation) < min(split.test)
    # the next part starts strictly more than `embargo` days after the previous one ends
    assert (min(split.validation) - max(split.train)).days > embargo
    assert (min(split.test) - max(split.validation)).days > embargo
    assert sorted(split.train + split.validation + split.test + split.embargo) == days(n)


def test_proportions_apply_to_dates_left_after_the_gaps() -> None:
    split = split_dates(days(120), validation=0.15, test=0.15, embargo_days=30)
    assert len(split.test) == len(split.validation) == 9  # 15% of the 60 dates outside the two gaps
    assert len(split.embargo) == 60


def test_too_few_dates_is_refused_with_the_number_needed() -> None:
    with pytest.raises(DataError, match="needs at least 63"):
        split_dates(days(40), validation=0.15, test=0.15, embargo_days=30)


def test_missing_calendar_days_still_respect_the_embargo_in_days() -> None:
    sparse = days(200)[::3]  # every third day
    split = split_dates(sparse, validation=0.15, test=0.15, embargo_days=10)
    assert (min(split.validation) - max(split.train)).days > 10
    assert (min(split.test) - max(split.validation)).days > 10


def test_part_of_assigns_rows_by_date() -> None:
    split = split_dates(days(30), validation=0.2, test=0.2, embargo_days=2)
    dates = np.array(days(30), dtype="datetime64[D]")
    part = split.part_of(dates)
    assert set(part[np.isin(dates, np.array(split.embargo, dtype="datetime64[D]"))]) == {DROPPED}
    assert (part == TRAIN).sum() == len(split.train)


def test_training_rows_of_held_out_entities_are_dropped() -> None:
    part = np.array([TRAIN, TRAIN, TRAIN, VALIDATION, TEST])
    group = np.array(["a", "b", "c", "a", "c"], dtype=object)
    assert disjoint_training(part, group).tolist() == [True, False, True, False, False]


def test_entity_folds_keep_entities_whole_and_spread_positive_entities_evenly() -> None:
    rng = np.random.default_rng(0)
    group = np.array([f"0x{i:04x}" for i in (3_000 * rng.random(20_000) ** 2).astype(int)], dtype=object)  # skewed
    positive_entities = {g for g in np.unique(group) if int(g, 16) % 7 == 0}
    y = np.array([g in positive_entities and rng.random() < 0.5 for g in group], dtype=np.float32)
    positive_entities = set(group[y > 0])
    folds = entity_folds(y, group, 5, seed=3)

    assert len(folds) == 5
    tests = [test for _, test in folds]
    assert sorted(np.concatenate(tests)) == list(range(len(group)))  # every row tested exactly once
    for train, test in folds:
        assert not set(group[train]) & set(group[test])  # no entity on both sides
    per_fold = [len(positive_entities & set(group[test])) for test in tests]
    assert max(per_fold) - min(per_fold) <= 1
    rows = [len(test) for test in tests]
    assert max(rows) < 1.5 * min(rows)
    assert [t.tolist() for t in tests] == [t.tolist() for _, t in entity_folds(y, group, 5, seed=3)]
    assert [t.tolist() for t in tests] != [t.tolist() for _, t in entity_folds(y, group, 5, seed=4)]
    assert entity_folds(y, group, 1, seed=3) == []


def test_distinct_matches_numpy_unique_including_empty_and_negative_codes() -> None:
    rng = np.random.default_rng(3)
    for values in (rng.integers(-50, 50, 1000), np.array([], dtype=np.int64), np.array([7, 7, 7])):
        np.testing.assert_array_equal(distinct(values), np.unique(values))
