"""The queries of 横比纵比 on a small world built in code: which value counts, peers, last year, query counts."""

import datetime
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from jixiao.analysis import compare
from jixiao.indicators.models import Direction, Target
from jixiao.indicators.tests import builders
from jixiao.org.models import Group, GroupPurpose, Unit, UnitKind
from jixiao.reporting.actions import default_dates
from jixiao.reporting.models import Period, Submission, Value

AS_OF = datetime.date(2026, 7, 31)  # H1 / Q2 of 2026 is the latest period ended


def verified(unit, cycle, indicator, code, number, *, verified_at=True):
    kind = {"Q": "quarter", "H": "half", "M": "month"}.get(code[0], "year")
    period, _ = Period.objects.get_or_create(cycle=cycle, code=code,
                                             defaults={"kind": kind, **default_dates(cycle.year, code)})
    sub, _ = Submission.objects.get_or_create(unit=unit, period=period, cycle=cycle, defaults={"status": "locked"})
    return Value.objects.create(submission=sub, cycle=cycle, unit=unit, indicator=indicator,
                                number=None if number is None else D(number),
                                verified_at=timezone.now() if verified_at else None)


def streets(n, start=10):
    return [Unit.objects.create(code=f"S{start + i:02d}", name=f"第{start + i}街道", kind=UnitKind.STREET,
                                parent_id=Unit.objects.get(code="D01").pk, sort_order=start + i) for i in range(n)]


@pytest.fixture
def world(cast):
    """2026 scheme, group G1 = 华明, 金桥 and three more streets; 2025 cycle for last year's figures."""
    extra = streets(3)
    units = [cast.street, cast.other_street, *extra]
    grp = builders.group(cast.cycle, "G1", units, "街道组")
    scheme = builders.valid_scheme(cast, groups=[grp], n_indicators=1)
    ind = scheme.items.get().indicator
    last = builders.cycle(2025)
    return {"units": units, "group": grp, "scheme": scheme, "ind": ind, "last": last, "cycle": cast.cycle}


def test_the_value_is_the_latest_verified_period_and_ranks_with_ties(world):
    s1, s2, a, b, c = world["units"]
    ind, cyc = world["ind"], world["cycle"]
    verified(s1, cyc, ind, "Q1", 50)
    verified(s1, cyc, ind, "Q2", 120)  # the latest period counts: 120, not 50
    verified(s2, cyc, ind, "Q2", 100)
    verified(a, cyc, ind, "Q2", 100)
    verified(b, cyc, ind, "Q2", 80)
    # c: nothing reported → missing, listed apart
    table = compare.indicator_table(cyc, ind, compare.peer_set(cyc, ind, "G1"), as_of=AS_OF)
    assert [(r.unit.code, r.standing.rank) for r in table.rows] == [("S01", 1), ("S02", 2), ("S10", 2), ("S11", 4)]
    assert [r.unit.code for r in table.missing] == ["S12"]
    # values 120, 100, 100, 80: median (100 + 100)/2 = 100, mean 400/4 = 100
    assert table.comparison.median == 100 and table.comparison.mean == 100 and table.size == 4
    assert [u.code for u in table.best_units] == ["S01"]
    assert table.row_of(b.pk).standing.gap == 40  # 120 − 80
    assert table.row_of(s1.pk).current.note == "第二季度已核定报送值"


def test_a_value_changed_after_unlocking_is_missing_not_the_old_figure(world):
    s1, s2, *_ = world["units"]
    ind, cyc = world["ind"], world["cycle"]
    verified(s1, cyc, ind, "Q2", 100, verified_at=False)
    verified(s2, cyc, ind, "Q2", 90)
    table = compare.indicator_table(cyc, ind, compare.peer_set(cyc, ind, "G1"), as_of=AS_OF)
    assert table.row_of(s1.pk).standing is None
    assert "尚未重新核定" in table.row_of(s1.pk).current.note


def test_lower_better_indicator_ranks_the_smallest_first(world):
    s1, s2, *_ = world["units"]
    ind, cyc = world["ind"], world["cycle"]
    ind.direction = Direction.LOWER_BETTER
    ind.save(update_fields=["direction"])
    verified(s1, cyc, ind, "Q2", 3)
    verified(s2, cyc, ind, "Q2", 1)
    table = compare.indicator_table(cyc, ind, compare.peer_set(cyc, ind, "G1"), as_of=AS_OF)
    assert [r.unit.code for r in table.rows] == ["S02", "S01"]
    assert table.row_of(s1.pk).standing.gap == 2


def test_last_year_is_the_same_period_never_the_whole_year(world):
    s1, s2, a, *_ = world["units"]
    ind, cyc, last = world["ind"], world["cycle"], world["last"]
    verified(s1, cyc, ind, "Q2", 120)
    verified(s1, last, ind, "Q2", 100)
    verified(s1, last, ind, "Q4", 400)  # last year's whole year: never set against a half year
    verified(s2, cyc, ind, "Q2", 90)  # no 2025 Q2 for 金桥: not comparable, not the whole year either
    verified(s2, last, ind, "Q4", 300)
    verified(a, cyc, ind, "Q2", 50)
    verified(a, last, ind, "Q2", 0)
    table = compare.indicator_table(cyc, ind, compare.peer_set(cyc, ind, "G1"), as_of=AS_OF)
    row = table.row_of(s1.pk)
    assert row.previous.number == 100 and row.change == 20 and row.growth.value == 20  # (120 − 100)/100
    row = table.row_of(s2.pk)
    assert row.previous.number is None and "同期不可比" in row.previous.note and row.change is None
    row = table.row_of(a.pk)
    assert row.change == 50 and row.growth.value is None and "为 0" in row.growth.reason


def test_whole_year_values_compare_with_last_years_target_actual(world, cast):
    s1, *_ = world["units"]
    ind, cyc, last = world["ind"], world["cycle"], world["last"]
    Target.objects.create(cycle=cyc, unit=s1, indicator=ind, target_value=D(10), actual=D(330))
    Target.objects.create(cycle=last, unit=s1, indicator=ind, target_value=D(10), actual=D(300))
    table = compare.indicator_table(cyc, ind, compare.peer_set(cyc, ind, "G1"), as_of=datetime.date(2026, 12, 31))
    row = table.row_of(s1.pk)
    assert row.current.number == 330 and row.current.full_year
    assert row.previous.number == 300 and row.growth.value == 10


def test_peer_sets_offer_the_scheme_group_the_office_groups_and_all(world, cast):
    ind, cyc = world["ind"], world["cycle"]
    mine = Group.objects.create(cycle=cyc, code="C1", name="城区街道", purpose=GroupPurpose.COMPARE)
    mine.units.set(world["units"][:2])
    sets = compare.peer_sets(cyc, ind)
    assert [(s.kind, s.code) for s in sets] == [("scheme", "G1"), ("compare", "C1"), ("all", "all")]
    assert sets[1].unit_ids == {world["units"][0].pk, world["units"][1].pk}
    assert len(sets[2].unit_ids) == 5
    assert compare.peer_set(cyc, ind, "nope") is None
    assert compare.peer_set(cyc, ind).code == "G1"


def test_a_group_where_everything_is_missing_explains_itself(world):
    ind, cyc = world["ind"], world["cycle"]
    table = compare.indicator_table(cyc, ind, compare.peer_set(cyc, ind, "G1"), as_of=AS_OF)
    assert table.rows == [] and len(table.missing) == 5
    assert any("均无数值" in note for note in table.notes)


def _count(fn):
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def test_query_count_does_not_grow_with_the_units(world, cast):
    ind, cyc, last = world["ind"], world["cycle"], world["last"]

    def fill(units):
        for i, unit in enumerate(units):
            verified(unit, cyc, ind, "Q2", 100 + i)
            verified(unit, last, ind, "Q2", 90 + i)

    fill(world["units"])
    small = _count(lambda: compare.indicator_table(cyc, ind, compare.peer_set(cyc, ind, "G1"), as_of=AS_OF))
    more = streets(20, start=30)
    world["group"].units.add(*more)
    fill(more)
    big = _count(lambda: compare.indicator_table(cyc, ind, compare.peer_set(cyc, ind, "G1"), as_of=AS_OF))
    assert small == big
    table = compare.indicator_table(cyc, ind, compare.peer_set(cyc, ind, "G1"), as_of=AS_OF)
    assert table.size == 25


def test_unit_rows_give_rank_window_and_years_with_a_trend(world, cast):
    s1, s2, a, b, c = world["units"]
    ind, cyc = world["ind"], world["cycle"]
    for year, number in {2020: 100, 2021: 110, 2022: 120, 2023: 130, 2024: 140, 2025: 150}.items():
        past = world["last"] if year == 2025 else builders.cycle(year)
        verified(s1, past, ind, "Q4", number)
    for unit, number in ((s1, 80), (s2, 90), (a, 70), (b, 60)):
        verified(unit, cyc, ind, "Q2", number)
    rows = compare.unit_rows(cyc, s1, as_of=AS_OF)
    assert len(rows) == 1
    one = rows[0]
    assert one.row.standing.rank == 2 and one.table.size == 4
    assert [s.key for s in one.window] == [s2.pk, s1.pk, a.pk, b.pk]
    # the running year's half-year figure is shown but never trended with whole years
    assert [p.year for p in one.years] == [2020, 2021, 2022, 2023, 2024, 2025, 2026]
    # 2020–2025 strictly rising, n = 6: S = 15, Var = 6·5·17/18 = 28.333, Z = 14/5.3229 = 2.630, p = 0.0085
    assert one.trend.n == 6 and one.trend.s == 15 and one.trend.direction == "上升"
    assert one.trend.slope == 10


def test_unit_rows_query_count_does_not_grow_with_the_units(world, cast):
    ind, cyc = world["ind"], world["cycle"]
    for unit in world["units"]:
        verified(unit, cyc, ind, "Q2", 5)
    small = _count(lambda: compare.unit_rows(cyc, cast.street, as_of=AS_OF))
    more = streets(15, start=40)
    world["group"].units.add(*more)
    for unit in more:
        verified(unit, cyc, ind, "Q2", 7)
    assert _count(lambda: compare.unit_rows(cyc, cast.street, as_of=AS_OF)) == small


def test_years_under_another_definition_are_shown_but_not_trended(world, cast):
    from jixiao.indicators.models import IndicatorVersion

    s1, s2, *_ = world["units"]
    ind, cyc = world["ind"], world["cycle"]
    # builders give the indicator a definition from 2020; a new one from 2023 makes 2020–2022 incomparable
    IndicatorVersion.objects.create(indicator=ind, valid_from_year=2023, definition="新口径")
    years = {2020: 10, 2021: 11, 2022: 12, 2023: 100, 2024: 110, 2025: 120}
    for year, number in years.items():
        past = world["last"] if year == 2025 else builders.cycle(year)
        verified(s1, past, ind, "Q4", number)
    Target.objects.create(cycle=cyc, unit=s1, indicator=ind, target_value=D(1), actual=D(130))
    one = compare.unit_rows(cyc, s1, as_of=datetime.date(2026, 12, 31))[0]
    assert [(p.year, p.same_definition) for p in one.years] == [
        (2020, False), (2021, False), (2022, False), (2023, True), (2024, True), (2025, True), (2026, True)]
    # only 2023–2026 count: four years, below the five the test needs
    assert one.trend.s is None and "只有 4 个年份" in one.trend.reason


def test_a_definition_changed_this_year_is_said_beside_last_years_figure(world, cast):
    from jixiao.indicators.models import IndicatorVersion

    ind, cyc = world["ind"], world["cycle"]
    IndicatorVersion.objects.create(indicator=ind, valid_from_year=2026, definition="新口径")
    table = compare.indicator_table(cyc, ind, compare.peer_set(cyc, ind, "G1"), as_of=AS_OF)
    assert any("口径自 2026 年起调整" in note for note in table.notes)
