"""The target page's comparisons: the unit's own years (纵比) and its peer group (横比), in a fixed number of
queries, with other units named only to those who may see every target."""

from decimal import Decimal

import pytest
from django.urls import reverse

from jixiao.analysis import target_comparison
from jixiao.indicators.models import Direction, Target
from jixiao.indicators.tests import builders
from jixiao.org.models import Group, Unit, UnitKind

D = Decimal


@pytest.mark.parametrize(("new", "old", "expected"), [
    (D(110), D(100), D("10.0")), (D(95), D(100), D("-5.0")), (D(1), D(3), D("-66.7")), (D(5), D(0), None),
    (None, D(1), None), (D(1), None, None),
])
def test_percent_change(new, old, expected):
    assert target_comparison.percent_change(new, old) == expected


@pytest.mark.parametrize(("direction", "value", "actual", "expected"), [
    (Direction.HIGHER_BETTER, D(100), D(100), True), (Direction.HIGHER_BETTER, D(100), D("99.9"), False),
    (Direction.LOWER_BETTER, D(100), D(100), True), (Direction.LOWER_BETTER, D(100), D("100.1"), False),
    (Direction.HIGHER_BETTER, D(100), None, None), (Direction.QUALITATIVE, None, None, None),
])
def test_met(direction, value, actual, expected):
    assert target_comparison.met(direction, value, actual) is expected


def _cycles(*years):
    from jixiao.org.models import Cycle

    return [Cycle.objects.filter(year=year).first() or builders.cycle(year) for year in years]


def test_history_lists_every_year_with_whether_it_was_met_and_the_growth(cast):
    indicator = builders.indicator("H01")
    cycles = _cycles(2024, 2025, 2026)
    for cycle, (value, actual) in zip(cycles, [(100, 104), (110, 108), (120, None)], strict=True):
        Target.objects.create(cycle=cycle, unit=cast.street, indicator=indicator, target_value=value, actual=actual)
    Target.objects.create(cycle=cycles[2], unit=cast.other_street, indicator=indicator, target_value=999)
    current = Target.objects.get(cycle=cycles[2], unit=cast.street)
    rows = target_comparison.history(current)
    assert [(r.year, r.met, r.growth) for r in rows] == [(2024, True, None), (2025, False, D("3.8")),
                                                        (2026, None, None)]
    chart = target_comparison.history_chart(rows, "万元")
    assert chart["xAxis"]["data"] == ["2024年", "2025年", "2026年"]
    assert [s["data"] for s in chart["series"]] == [[100.0, 110.0, 120.0], [104.0, 108.0, None]]


def _peers(cast, direction, values):
    """A peer group of the cycle with the two streets and two more units; `values`: code -> (target, baseline)."""
    indicator = builders.indicator("P01", direction=direction)
    units = [cast.street, cast.other_street,
             Unit.objects.create(code="S03", name="新立街道", kind=UnitKind.STREET, parent=cast.district),
             Unit.objects.create(code="S04", name="丰年街道", kind=UnitKind.STREET, parent=cast.district)]
    group = Group.objects.create(cycle=cast.cycle, code="PG", name="涉农街道")
    group.units.set(units)
    for unit in units:
        if unit.code in values:
            value, baseline = values[unit.code]
            Target.objects.create(cycle=cast.cycle, unit=unit, indicator=indicator, target_value=value,
                                  baseline=baseline)
    return Target.objects.get(cycle=cast.cycle, unit=cast.street, indicator=indicator)


def test_peers_are_ranked_by_how_far_their_target_lifts_their_baseline(cast):
    target = _peers(cast, Direction.HIGHER_BETTER, {"S01": (110, 100), "S02": (2200, 2000), "S03": (1300, 1000),
                                                    "S04": (50, None)})
    (group,) = target_comparison.peer_groups(target)
    assert [(r.target.unit.code, r.lift, r.rank) for r in group.rows] == [
        ("S03", D("30.0"), 1), ("S01", D("10.0"), 2), ("S02", D("10.0"), 2), ("S04", None, None)]
    assert (group.ranked, group.median_lift, group.best.target.unit.code, group.own.rank) == (3, D("10.0"), "S03", 2)


def test_for_a_lower_better_indicator_the_deepest_cut_ranks_first(cast):
    target = _peers(cast, Direction.LOWER_BETTER, {"S01": (95, 100), "S02": (80, 100), "S03": (99, 100)})
    (group,) = target_comparison.peer_groups(target)
    assert [(r.target.unit.code, r.rank) for r in group.rows] == [("S02", 1), ("S01", 2), ("S03", 3)]


def test_the_page_names_peers_to_the_office_and_only_ranks_for_the_unit(cast, login):
    target = _peers(cast, Direction.HIGHER_BETTER, {"S01": (110, 100), "S02": (2200, 2000), "S03": (1300, 1000)})
    url = reverse("indicators:target_detail", args=[target.pk])
    office = login(cast.office).get(url).content.decode()
    assert 'data-testid="peers"' in office and "新立街道" in office and "本单位第 2 / 3 名" in office
    street = login(cast.street_reporter).get(url).content.decode()
    assert "本单位第 2 / 3 名" in street and "组内中位数 10.0%" in street and "最高 30.0%" in street
    assert 'data-testid="peers"' not in street and "新立街道" not in street and "金桥街道" not in street


def test_the_page_reads_a_fixed_number_of_queries_whatever_the_years_and_peers(cast, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    target = _peers(cast, Direction.HIGHER_BETTER, {"S01": (110, 100), "S02": (2200, 2000)})
    client = login(cast.office)
    url = reverse("indicators:target_detail", args=[target.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for year in (2021, 2022, 2023):
        Target.objects.create(cycle=_cycles(year)[0], unit=cast.street, indicator=target.indicator, target_value=1)
    extra = Unit.objects.create(code="S05", name="华新街道", kind=UnitKind.STREET, parent=cast.district)
    Group.objects.get(code="PG").units.add(extra)
    Target.objects.create(cycle=cast.cycle, unit=extra, indicator=target.indicator, target_value=5, baseline=4)
    with CaptureQueriesContext(connection) as many:
        body = client.get(url).content.decode()
    assert "2021（" not in body and "2021" in body and "华新街道" in body
    assert len(many) == len(few)
