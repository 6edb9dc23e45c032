"""数据质量预警 read from the database: which history and which peers a figure meets, the awkward cases (a
group of one, all tied, no history, a unit set up lately, a changed definition), and constant query counts."""

import datetime
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from jixiao.analysis import quality_queries
from jixiao.analysis.models import QualityRule
from jixiao.indicators.models import IndicatorVersion
from jixiao.indicators.tests import builders
from jixiao.org.models import Cycle, Unit, UnitKind
from jixiao.reporting.actions import default_dates
from jixiao.reporting.models import Period, Status, Submission, Value

HISTORY = {2021: 100, 2022: 110, 2023: 120, 2024: 130, 2025: 140}  # median 120, MAD 10


def period_of(cycle, code="Q3"):
    return Period.objects.get_or_create(cycle=cycle, code=code,
                                        defaults={"kind": "quarter", **default_dates(cycle.year, code)})[0]


def sent(unit, cycle, indicator, number, *, item=None, status=Status.APPROVED, verified=False, code="Q3"):
    sub, _ = Submission.objects.get_or_create(unit=unit, period=period_of(cycle, code), cycle=cycle,
                                              defaults={"status": status})
    return Value.objects.create(submission=sub, cycle=cycle, unit=unit, indicator=indicator, item=item,
                                number=None if number is None else D(number),
                                verified_at=timezone.now() if verified else None)


def streets(n, start=10, since=datetime.date(2020, 1, 1)):
    district = Unit.objects.get(code="D01")
    return [Unit.objects.create(code=f"S{start + i:02d}", name=f"第{start + i}街道", kind=UnitKind.STREET,
                                parent=district, sort_order=start + i, valid_from=since) for i in range(n)]


def past(unit, indicator, years=HISTORY, *, verified=True):
    for year, number in years.items():
        cycle = Cycle.objects.filter(year=year).first() or builders.cycle(year)
        sent(unit, cycle, indicator, number, status=Status.LOCKED, verified=verified)


@pytest.fixture
def world(cast):
    """A 2026 scheme with one indicator and group 街道组 of five streets; 华明街道 has five years of Q3 history."""
    units = [cast.street, cast.other_street, *streets(3)]
    grp = builders.group(cast.cycle, "G1", units, "街道组")
    scheme = builders.valid_scheme(cast, groups=[grp], n_indicators=1)
    item = scheme.items.get()
    past(cast.street, item.indicator)
    return {"units": units, "group": grp, "item": item, "ind": item.indicator, "period": period_of(cast.cycle)}


def fill(world, mine, others=(100, 105, 110, 115), units=None):
    """华明街道's Q3 figure awaiting verification, and the other streets' verified ones."""
    first, *rest = units or world["units"]
    value = sent(first, first_cycle(), world["ind"], mine, item=world["item"])
    for unit, number in zip(rest, others, strict=False):
        sent(unit, first_cycle(), world["ind"], number, item=world["item"], status=Status.VERIFIED, verified=True)
    return value


def first_cycle():
    return Cycle.objects.get(year=2026)


def test_a_figure_far_from_its_history_and_its_group_is_flagged_with_both_reasons(world):
    value = fill(world, 200)
    found = quality_queries.assess_values(world["period"], [value])[value.pk]
    assert found.flagged
    # History 100…140: M = 0.6745 × 80 ÷ 10 = 5.396. Group 200, 100, 105, 110, 115: median 110, MAD 5,
    # M = 0.6745 × 90 ÷ 5 = 12.141.
    assert (found.history.m, found.peers.m) == (D("5.396"), D("12.141"))
    assert found.reason == ("较本单位近 5 年同期中位数 120 偏高 8.0 个 MAD（修正 z 值 5.4，|M| > 3.5）；"
                            "较考核组别“街道组”（5 个单位）中位数 110 偏高 18.0 个 MAD（修正 z 值 12.1，|M| > 3.5）")


def test_the_office_threshold_of_the_cycle_is_used(world, cast):
    value = fill(world, 150)  # history: M = 0.6745 × 30 ÷ 10 = 2.02; group 150,100…115: median 110, MAD 5 → 5.4
    QualityRule.objects.create(cycle=cast.cycle, threshold=D("6.0"))
    found = quality_queries.assess_values(world["period"], [value])[value.pk]
    assert not found.flagged and found.peers.m == D("5.396")


def test_history_counts_only_verified_figures_of_the_same_period_in_the_five_years_before(world, cast):
    unit, ind = world["units"][1], world["ind"]
    past(unit, ind, {2019: 1000, 2022: 100, 2023: 100})  # 2019 lies outside the five years
    past(unit, ind, {2024: 100}, verified=False)  # changed after unlocking: not history
    sent(unit, Cycle.objects.get(year=2025), ind, 100, code="Q2", status=Status.LOCKED, verified=True)
    value = sent(unit, cast.cycle, ind, 500, item=world["item"])
    found = quality_queries.assess_values(world["period"], [value])[value.pk]
    assert found.history.n == 2 and found.history.reason.startswith("历史数据不足，未检验（近 5 年同期只有 2 个")


def test_a_unit_set_up_last_year_has_no_history_and_says_why(world, cast):
    (new,) = streets(1, start=40, since=datetime.date(2025, 7, 1))
    world["group"].units.add(new)
    fill(world, 100)
    value = sent(new, cast.cycle, world["ind"], 900, item=world["item"])
    found = quality_queries.assess_values(world["period"], [value])[value.pk]
    assert found.history.reason.startswith("历史数据不足，未检验（本单位 2025 年起设立，近 5 年同期只有 0 个")
    assert found.peers.flagged  # still tested against its group


def test_years_under_another_definition_are_left_out(world):
    IndicatorVersion.objects.create(indicator=world["ind"], valid_from_year=2024, definition="新口径")
    value = fill(world, 200)
    history = quality_queries.assess_values(world["period"], [value])[value.pk].history
    # Only 2024 and 2025 share the definition in force in 2026: two points, below the three needed.
    assert history.n == 2 and history.reason.endswith("（另有 3 个年份口径不同，未纳入）")


def test_a_group_of_one_and_a_group_all_tied_are_explained(world, cast):
    alone = builders.indicator("K99")
    value = sent(cast.street, cast.cycle, alone, 7)  # no scheme item: set against every unit reporting K99
    found = quality_queries.assess_values(world["period"], [value])[value.pk]
    assert found.peers.reason == "本期全部报送单位只有本单位报送，没有可比的单位，未检验"
    tied = fill(world, 110, others=(110, 110, 110, 110))
    peers = quality_queries.assess_values(world["period"], [tied])[tied.pk].peers
    assert peers.reason == "同组其他单位数值完全相同（均为 110），无法计算离散度，未检验"


def test_drafts_are_not_peers_and_missing_figures_are_not_tested(world, cast):
    value = fill(world, 200, others=(100, 105))
    draft = sent(world["units"][3], cast.cycle, world["ind"], 110, item=world["item"], status=Status.DRAFT)
    empty = sent(world["units"][4], cast.cycle, world["ind"], None, item=world["item"])
    found = quality_queries.assess_values(world["period"], [value, draft, empty])
    assert found[value.pk].peers.n == 2 and "至少需要 3 个" in found[value.pk].peers.reason
    assert empty.pk not in found


def test_flags_lists_only_the_flagged_figures_of_the_period(world, cast):
    value = fill(world, 200)
    flagged, tested = quality_queries.flags(world["period"])
    assert [f.value.pk for f in flagged] == [value.pk] and tested == 5
    assert quality_queries.flags(world["period"], indicator_ids=[]) == ([], 0)
    assert [p.code for p in quality_queries.periods_with_figures(cast.cycle)] == ["Q3"]


def _count(fn):
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def test_query_count_does_not_grow_with_the_values(world, cast):
    fill(world, 200)
    period = Period.objects.select_related("cycle").get(pk=world["period"].pk)
    small = _count(lambda: quality_queries.flags(period))
    more = streets(20, start=50)
    world["group"].units.add(*more)
    for i, unit in enumerate(more):
        past(unit, world["ind"], {2024: 100 + i, 2025: 101 + i})
        sent(unit, cast.cycle, world["ind"], 100 + i, item=world["item"], status=Status.VERIFIED, verified=True)
    big = _count(lambda: quality_queries.flags(period))
    assert small == big <= 8
    assert quality_queries.flags(period)[1] == 25
