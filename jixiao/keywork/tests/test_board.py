"""The task boards open on the year asked for, else the running one, by the shared cycle picker's rules."""

import pytest

from jixiao.keywork import board
from jixiao.org.models import Cycle, CycleStatus


@pytest.fixture
def years(cast):
    Cycle.objects.create(year=cast.cycle.year - 1, name="上一年度", status=CycleStatus.ARCHIVED,
                         starts_on=cast.cycle.starts_on.replace(year=cast.cycle.year - 1),
                         ends_on=cast.cycle.ends_on.replace(year=cast.cycle.year - 1))
    return cast.cycle


@pytest.mark.parametrize("value", [None, "", "abc", "0", "1999", " "])
def test_a_missing_or_unknown_year_opens_the_running_cycle(years, value):
    assert board.pick_cycle(value) == years


def test_a_named_year_opens_that_year(years):
    assert board.pick_cycle(str(years.year - 1)).year == years.year - 1
