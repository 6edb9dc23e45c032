"""The queries of 纵比 across reorganisations: indicator values, scores and satisfaction read for a unit and its
predecessors, in a fixed number of queries."""

import datetime
from decimal import Decimal as D

import pytest
from django.utils import timezone

from jixiao.analysis import compare, history
from jixiao.analysis.tests.test_compare import AS_OF, verified
from jixiao.analysis.tests.test_compare import world as world  # noqa: F401 (fixture)
from jixiao.evaluation.models import Answer, Campaign, Dimension, Questionnaire, RaterGroup, Rating
from jixiao.indicators.models import Scheme
from jixiao.indicators.tests import builders
from jixiao.org.models import CycleStatus, Succession, Unit, UnitKind
from jixiao.scoring.models import ScoreResult, ScoreRun

DAY = datetime.date


def _old(cast, code, name, until):
    return Unit.objects.create(code=code, name=name, kind=UnitKind.STREET, parent=cast.district,
                               valid_from=DAY(2019, 1, 1), valid_to=until)


def _succeed(old, new, kind, on):
    Succession.objects.create(predecessor=old, successor=new, kind=kind, on=on)


def test_indicator_years_follow_a_rename_and_are_trended(world, cast):
    s1 = world["units"][0]
    ind, cyc = world["ind"], world["cycle"]
    old = _old(cast, "S90", "华明镇", DAY(2022, 12, 31))
    _succeed(old, s1, "rename", DAY(2023, 1, 1))
    for year, number in {2020: 100, 2021: 110, 2022: 120}.items():
        verified(old, builders.cycle(year), ind, "Q4", number)
    for year, number in {2023: 130, 2024: 140}.items():
        verified(s1, builders.cycle(year), ind, "Q4", number)
    verified(s1, world["last"], ind, "Q4", 150)
    verified(s1, cyc, ind, "Q2", 80)
    one = compare.unit_rows(cyc, s1, as_of=AS_OF)[0]
    assert [(p.year, p.source) for p in one.years][:4] == [(2020, "原华明镇"), (2021, "原华明镇"),
                                                           (2022, "原华明镇"), (2023, "")]
    assert one.trend.n == 6 and one.trend.s == 15


def test_a_merger_shows_both_predecessors_and_sums_a_count(world, cast):
    s1 = world["units"][0]
    ind, cyc = world["ind"], world["cycle"]
    a, b = _old(cast, "S91", "甲镇", DAY(2024, 12, 31)), _old(cast, "S92", "乙镇", DAY(2024, 12, 31))
    s1.valid_from = DAY(2025, 1, 1)
    s1.save(update_fields=["valid_from"])
    for old in (a, b):
        _succeed(old, s1, "merge", DAY(2025, 1, 1))
    c2024 = builders.cycle(2024)
    verified(a, c2024, ind, "Q4", 60)
    verified(b, c2024, ind, "Q4", 40)
    verified(s1, world["last"], ind, "Q4", 110)
    ind.aggregation = "average"
    ind.save(update_fields=["aggregation"])
    one = compare.unit_rows(cyc, s1, as_of=AS_OF)[0]
    listed = [(p.year, p.source, p.comparable) for p in one.years if p.year == 2024]
    assert listed == [(2024, "原甲镇", False), (2024, "原乙镇", False)]
    ind.aggregation = "sum"
    ind.save(update_fields=["aggregation"])
    one = compare.unit_rows(cyc, s1, as_of=AS_OF)[0]
    summed = [p for p in one.years if p.year == 2024]
    assert len(summed) == 1 and summed[0].value.number == 100 and summed[0].source == "原甲镇、原乙镇"


def _result(scheme, run, unit, group, total, rank, size, grade="good"):
    return ScoreResult.objects.create(run=run, unit=unit, group=group, total=D(total), block_total=D(total),
                                      adjustment_total=0, outside_total=0, rank=rank, group_size=size,
                                      threshold_grade=grade, grade=grade, lost_points=0)


def _run(cast, year, *, status=CycleStatus.PUBLISHED, released=True):
    cyc = builders.cycle(year, status)
    scheme = Scheme.objects.create(cycle=cyc, assessing_unit=cast.district, code=f"S-{year}", name=f"{year}方案")
    run = ScoreRun.objects.create(scheme=scheme, cycle=cyc, stage="final", digest="x", engine_version="1",
                                  created_at=timezone.now(), status="published" if released else "computed",
                                  published=released)
    return cyc, scheme, run


def test_score_history_reads_predecessors_and_hides_unreleased_runs(cast):
    old = _old(cast, "S90", "华明镇", DAY(2022, 12, 31))
    _succeed(old, cast.street, "rename", DAY(2023, 1, 1))
    totals = {2021: ("88.5", old), 2022: ("90", old), 2023: ("91", cast.street), 2024: ("91", cast.street)}
    for year, (total, unit) in totals.items():
        cyc, scheme, run = _run(cast, year, released=year != 2024)
        _result(scheme, run, unit, builders.group(cyc, "G", [unit]), total, 2, 7)
    line = history.lineage(cast.street)
    everything = history.score_history(line, ScoreRun.objects.all(), up_to=2026)
    assert [(y.year, y.value, y.figures[0].label) for y in everything.years] == [
        (2021, D("88.5"), "原华明镇"), (2022, D(90), "原华明镇"), (2023, D(91), ""), (2024, D(91), "")]
    assert everything.years[1].growth.value.quantize(D("0.01")) == D("1.69")  # 1.5 ÷ 88.5 × 100
    assert everything.years[0].figures[0].grade == "良好" and everything.years[0].figures[0].rank == 2
    assert history.SHORT_TREND in everything.trend_reason
    released = history.score_history(line, ScoreRun.objects.released(), up_to=2026)
    assert [y.year for y in released.years] == [2021, 2022, 2023]


def _ratings(campaign, unit, value, n=5):
    group = RaterGroup.objects.create(campaign=campaign, kind="public", name="群众", weight=D(100))
    questionnaire = Questionnaire.objects.create(rater_group=group)
    dimension = Dimension.objects.create(campaign=campaign, code="D1", name="服务水平")
    for _ in range(n):
        answer = Answer.objects.create(campaign=campaign, rater_group=group, questionnaire=questionnaire,
                                       channel="web", submitted_on=DAY(campaign.cycle.year, 11, 1))
        Rating.objects.create(answer=answer, campaign=campaign, rater_group=group, unit=unit, dimension=dimension,
                              value=value)


def test_satisfaction_history_follows_a_split_for_reference_only(cast):
    old = _old(cast, "S90", "华明镇", DAY(2023, 12, 31))
    _succeed(old, cast.street, "split", DAY(2024, 1, 1))
    for year, unit, value in ((2023, old, 70), (2024, cast.street, 80), (2025, cast.street, 90)):
        cyc = builders.cycle(year, CycleStatus.PUBLISHED)
        when = timezone.make_aware(datetime.datetime(year, 11, 1))
        campaign = Campaign.objects.create(cycle=cyc, assessing_unit=cast.district, name=f"{year}评议",
                                           opens_at=when, closes_at=when + datetime.timedelta(days=20))
        campaign.units.add(unit)
        _ratings(campaign, unit, value)
    line = history.lineage(cast.street)
    out = history.satisfaction_history(line, up_to=2026)
    assert [(y.year, y.figures[0].value, y.figures[0].label, y.comparable) for y in out.years] == [
        (2023, D(70), "由华明镇拆分，仅供参考", False), (2024, D(80), "", True), (2025, D(90), "", True)]
    assert out.years[1].growth.value is None and out.years[2].growth.value == D(12.5)  # 10 ÷ 80 × 100
    assert [y.year for y in history.satisfaction_history(line, up_to=2026, shown_years={2025}).years] == [2025]


@pytest.mark.parametrize("predecessors", [1, 4])
def test_the_queries_do_not_grow_with_the_predecessors(cast, predecessors, django_assert_num_queries,
                                                      django_assert_max_num_queries):
    for i in range(predecessors):
        _succeed(_old(cast, f"S9{i}", f"旧镇{i}", DAY(2023, 12, 31)), cast.street, "merge", DAY(2024, 1, 1))
    with django_assert_num_queries(2):
        line = history.lineage(cast.street)
    with django_assert_max_num_queries(2):  # no run: the results are not asked for
        history.score_history(line, ScoreRun.objects.all(), up_to=2026)
    with django_assert_num_queries(1):  # no campaign: nothing more to read
        history.satisfaction_history(line, up_to=2026)


def test_a_unit_renamed_this_year_is_set_against_its_predecessors_same_period(world, cast):
    s1 = world["units"][0]
    ind, cyc = world["ind"], world["cycle"]
    old = _old(cast, "S90", "华明镇", DAY(2025, 12, 31))
    verified(old, world["last"], ind, "Q2", 100)
    verified(s1, cyc, ind, "Q2", 120)
    assert compare.unit_rows(cyc, s1, as_of=AS_OF)[0].row.previous.number is None  # not recorded yet
    _succeed(old, s1, "rename", DAY(2026, 1, 1))
    row = compare.unit_rows(cyc, s1, as_of=AS_OF)[0].row
    assert row.previous.number == 100 and row.previous.note.startswith("原华明镇2025年")
    assert row.change == 20 and row.growth.value == 20
    table = compare.indicator_table(cyc, ind, compare.peer_set(cyc, ind, "G1"), as_of=AS_OF)  # the office's table
    assert table.row_of(s1.pk).previous.note.startswith("原华明镇") and table.row_of(s1.pk).growth.value == 20
    _succeed(_old(cast, "S91", "甲镇", DAY(2025, 12, 31)), s1, "merge", DAY(2026, 1, 1))
    assert compare.unit_rows(cyc, s1, as_of=AS_OF)[0].row.previous.number is None  # a merger: not compared
