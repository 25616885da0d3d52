import datetime as dt

import numpy as np
import pytest

from riskforge.errors import DataError
from riskforge.evaluation.split import DROPPED, TEST, TRAIN, VALIDATION, disjoint_training, split_dates


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
