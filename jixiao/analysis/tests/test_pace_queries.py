"""The pace of a cycle's items read from the database: which figures count, what a unit sees, constant queries."""

import datetime
from decimal import Decimal as D

import pytest

from jixiao.analysis import pace, pace_queries
from jixiao.analysis.models import PaceRule
from jixiao.indicators.models import Indicator, Target
from jixiao.keywork.models import KeyTask
from jixiao.org.models import Unit, UnitKind
from jixiao.reporting.models import Period, Status, Submission, Value, period_bounds

NOV_25 = datetime.date(2026, 11, 25)


def indicator(code, *, direction="higher_better", aggregation="sum", frequency="quarter"):
    return Indicator.objects.create(code=code, name=f"指标{code}", category="economic_core", measure_unit="万元",
                                    direction=direction, frequency=frequency, aggregation=aggregation)


def period(cycle, code):
    starts, ends = period_bounds(cycle.year, code)
    later = ends + datetime.timedelta(days=10)
    return Period.objects.get_or_create(cycle=cycle, code=code, defaults=dict(
        kind="quarter", starts_on=starts, ends_on=ends, opens_on=ends, deadline=later, verify_deadline=later))[0]


def report(cycle, unit, code, figures: dict, status=Status.VERIFIED):
    """One submission of `unit` for period `code` with {indicator: number}."""
    submission, _ = Submission.objects.get_or_create(period=period(cycle, code), unit=unit,
                                                     defaults={"cycle": cycle, "status": status})
    for ind, number in figures.items():
        Value.objects.create(submission=submission, cycle=cycle, unit=unit, indicator=ind, number=D(number))


def task(cast, unit, code, met: list[str]):
    """A key task with four quarterly milestones led by `unit`, its reports meeting the quarters in `met`."""
    t = KeyTask.objects.create(cycle=cast.cycle, code=code, name=f"重点工作{code}", source="other", lead_unit=unit,
                               annual_goal="完成")
    for q, month in (("Q1", 3), ("Q2", 6), ("Q3", 9), ("Q4", 12)):
        t.milestones.create(period_code=q, due_on=period_bounds(2026, q)[1], description=f"{q}节点")
        if q in met or (month < 11 and met == "all"):
            t.progress_reports.create(unit=unit, period_code=q, text="进展", percent=month * 8, milestone_met=True,
                                      reported_by=cast.street_reporter, reported_at=datetime.datetime(2026, month, 28,
                                                                                                     tzinfo=datetime.UTC))
    return t


@pytest.fixture
def world(cast):
    gdp, pm25 = indicator("K01"), indicator("K02", direction="lower_better", aggregation="average")
    for unit, target in ((cast.street, 1200), (cast.other_street, 400)):
        Target.objects.create(cycle=cast.cycle, unit=unit, indicator=gdp, target_value=D(target))
        Target.objects.create(cycle=cast.cycle, unit=unit, indicator=pm25, target_value=D(35))
    Target.objects.create(cycle=cast.cycle, unit=cast.district, indicator=gdp, target_value=D(1600))
    # 华明街道 Q3 800 of 1200 at 9/12 → behind by 100; its Q2 600 is older. 金桥街道 Q3 330 of 400 → ahead
    # (330 × 12 = 3960 ≥ 1.1 × 9 × 400 = 3960, exactly on the line), a draft Q3 figure of 金桥 would not count.
    report(cast.cycle, cast.street, "Q2", {gdp: 600})
    report(cast.cycle, cast.street, "Q3", {gdp: 800, pm25: 30})
    report(cast.cycle, cast.other_street, "Q3", {gdp: 330})
    return {"gdp": gdp, "pm25": pm25}


def by_unit(rows, kind=pace_queries.INDICATOR, code="K01"):
    return {r.unit.code: r for r in rows if r.kind == kind and r.code == code}


def test_rows_judge_each_units_latest_reported_figure(cast, world):
    found = pace_queries.rows(cast.cycle, NOV_25)
    gdp = by_unit(found)
    assert set(gdp) == {"S01", "S02"}  # the district's own target is not a unit's to report
    assert (gdp["S01"].pace.status, gdp["S01"].pace.figure, gdp["S01"].shortfall_text) == (pace.BEHIND, D(800),
                                                                                           "100万元")
    assert (gdp["S01"].period_label, gdp["S01"].completion_text, gdp["S01"].elapsed_text) == ("三季度", "66.7%",
                                                                                              "75.0%")
    assert gdp["S02"].pace.status == pace.AHEAD
    assert by_unit(found, code="K02")["S01"].pace.status == pace.NOT_APPLICABLE
    assert found[0].pace.status == pace.BEHIND  # 欠进度 first


def test_a_figure_not_yet_submitted_does_not_count(cast, world):
    report(cast.cycle, cast.other_street, "Q2", {world["gdp"]: 10}, status=Status.DRAFT)
    Submission.objects.filter(unit=cast.other_street).update(status=Status.RETURNED)
    row = by_unit(pace_queries.rows(cast.cycle, NOV_25))["S02"]
    assert (row.pace.status, row.pace.reason) == (pace.UNKNOWN, "尚无已报送的数据。")


def test_the_cycles_rule_moves_the_line(cast, world):
    PaceRule.objects.create(cycle=cast.cycle, on_pace_ratio=D("0.85"), ahead_ratio=D("1.20"))
    # 800 × 12 = 9600 ≥ 0.85 × 9 × 1200 = 9180 → on pace; 金桥 3960 < 1.2 × 9 × 400 = 4320 → on pace.
    gdp = by_unit(pace_queries.rows(cast.cycle, NOV_25))
    assert (gdp["S01"].pace.status, gdp["S02"].pace.status) == (pace.ON_PACE, pace.ON_PACE)


def test_key_tasks_are_judged_for_their_lead_unit(cast, world):
    task(cast, cast.street, "ZD01", met=["Q1", "Q2"])
    task(cast, cast.other_street, "ZD02", met="all")
    tasks = {r.code: r for r in pace_queries.rows(cast.cycle, NOV_25) if r.kind == pace_queries.TASK}
    assert (tasks["ZD01"].pace.status, tasks["ZD01"].shortfall_text, tasks["ZD01"].unit) == (
        pace.BEHIND, "1个节点", cast.street)
    assert tasks["ZD02"].pace.status == pace.ON_PACE


def test_behind_for_unit_lists_only_that_units_behind_indicators(cast, world, django_assert_num_queries):
    task(cast, cast.street, "ZD01", met=["Q1"])
    behind = pace_queries.behind_for_unit(cast.street, NOV_25)
    assert [(r.kind, r.code) for r in behind] == [("indicator", "K01")]  # the task is on the to-do as lagging
    with django_assert_num_queries(3):  # the rule, the targets, the values
        assert pace_queries.behind_for_unit(cast.other_street, NOV_25, cast.cycle) == []
    assert {r.unit for r in pace_queries.behind_for_district(cast.cycle, NOV_25)} == {cast.street}


def _grow(cast, world, n):
    """`n` more streets, each with a target, two figures and a key task."""
    for i in range(n):
        unit = Unit.objects.create(code=f"S9{i:02d}", name=f"街道{i}", kind=UnitKind.STREET, parent=cast.district)
        Target.objects.create(cycle=cast.cycle, unit=unit, indicator=world["gdp"], target_value=D(100))
        report(cast.cycle, unit, "Q2", {world["gdp"]: 40})
        report(cast.cycle, unit, "Q3", {world["gdp"]: 70})
        task(cast, unit, f"ZT{i:02d}", met=["Q1"])


def test_the_query_count_does_not_grow_with_units(cast, world, django_assert_num_queries):
    _grow(cast, world, 2)
    with django_assert_num_queries(6) as small:
        few = pace_queries.rows(cast.cycle, NOV_25)
    _grow_more = 12
    for i in range(_grow_more):
        unit = Unit.objects.create(code=f"S8{i:02d}", name=f"新街道{i}", kind=UnitKind.STREET, parent=cast.district)
        Target.objects.create(cycle=cast.cycle, unit=unit, indicator=world["gdp"], target_value=D(100))
        report(cast.cycle, unit, "Q3", {world["gdp"]: 70})
        task(cast, unit, f"ZU{i:02d}", met=[])
    with django_assert_num_queries(len(small.captured_queries)):
        many = pace_queries.rows(cast.cycle, NOV_25)
    assert len(many) == len(few) + 2 * _grow_more


def test_a_look_back_sees_only_what_was_reported_by_then(cast, world):
    # 华明街道's Q3 figure was first sent on 10 October and its task's Q3 report made on 28 September.
    Submission.objects.filter(unit=cast.street, period__code="Q3").update(
        first_submitted_at=datetime.datetime(2026, 10, 10, 2, 0, tzinfo=datetime.UTC))
    task(cast, cast.street, "ZD01", met=["Q1", "Q2", "Q3"])
    on_oct_5 = {(r.kind, r.code): r for r in pace_queries.rows(cast.cycle, datetime.date(2026, 10, 5),
                                                               units=[cast.street.pk])}
    # The Q2 figure 600 of 1200 at 6/12 is the one judged: exactly on pace.
    assert (on_oct_5[("indicator", "K01")].pace.period_code, on_oct_5[("indicator", "K01")].pace.status) == (
        "Q2", pace.ON_PACE)
    on_sep_20 = {(r.kind, r.code): r for r in pace_queries.rows(cast.cycle, datetime.date(2026, 9, 20),
                                                                units=[cast.street.pk])}
    # By 20 September the Q3 report (28 September) was not made; Q1 and Q2 were due and met: on pace, 2 of 4.
    assert (on_sep_20[("task", "ZD01")].pace.status, on_sep_20[("task", "ZD01")].pace.figure) == (pace.ON_PACE, 2)
    assert on_oct_5[("task", "ZD01")].pace.figure == 3


def test_a_shortfall_of_things_counted_is_whole():
    def text(missing, unit, kind=pace_queries.INDICATOR):
        row = pace_queries.PaceRow(kind, None, 1, "K07", "科技型企业数量", "120", unit,
                                   pace.Pace(pace.BEHIND, shortfall=D(missing)))
        return row.shortfall_text

    assert text("0.58", "家") == "1家"  # 0.58 of a firm short is one firm to win
    assert text("2", "家") == "2家"
    assert text("1523.3612", "万元") == "1523.36万元"
    assert text("1", "个节点", kind=pace_queries.TASK) == "1个节点"
