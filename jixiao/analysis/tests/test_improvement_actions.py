"""Proposing, adjusting, approving and carrying improvement targets into the next cycle, on a small world."""

from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError

from jixiao.analysis import improvement_actions as actions
from jixiao.analysis import improvement_queries
from jixiao.analysis.models import ImprovementStatus, ImprovementTarget
from jixiao.audit.models import Event
from jixiao.indicators.models import Direction, Indicator, Target, TargetSource
from jixiao.indicators.tests import builders
from jixiao.org.models import Cycle, CycleStatus, Unit, UnitKind


def streets(n):
    district = Unit.objects.get(code="D01")
    return [Unit.objects.create(code=f"S{10 + i}", name=f"第{10 + i}街道", kind=UnitKind.STREET, parent=district,
                                sort_order=10 + i) for i in range(n)]


def actual(cycle, unit, indicator, value):
    Target.objects.create(cycle=cycle, unit=unit, indicator=indicator, target_value=D(1),
                          actual=None if value is None else D(value))


@pytest.fixture
def world(cast):
    return build_world(cast)


def build_world(cast):
    """2026: five streets on one higher-better indicator, year-end actuals 80 (华明), 92, 70, 88, 100 (S12);
    华明's 2024 and 2025 actuals 84 and 83."""
    a, b, c = streets(3)
    units = [cast.street, cast.other_street, a, b, c]
    grp = builders.group(cast.cycle, "G1", units, "街道组")
    scheme = builders.valid_scheme(cast, groups=[grp], n_indicators=1)
    ind = scheme.items.get().indicator
    for unit, value in zip(units, [80, 92, 70, 88, 100], strict=True):
        actual(cast.cycle, unit, ind, value)
    for year, value in ((2024, 84), (2025, 83)):
        actual(builders.cycle(year, CycleStatus.PUBLISHED), cast.street, ind, value)
    return {"units": units, "group": grp, "ind": ind, "cycle": cast.cycle}


def row(world, unit):
    return ImprovementTarget.objects.get(cycle=world["cycle"], unit=unit, indicator=world["ind"])


def test_a_batch_proposes_every_member_and_names_the_benchmark(cast, world):
    # a member without a target of the indicator does not carry it: no proposal for it
    world["group"].units.add(Unit.objects.create(code="S40", name="第40街道", kind=UnitKind.STREET,
                                                 parent=cast.district))
    counts = actions.propose(world["cycle"], data_cycle=world["cycle"], method="quartile", share=D(50), by=cast.office)
    assert (counts.written, counts.with_value, counts.kept) == (5, 5, 0)
    mine = row(world, cast.street)
    # P75 of 70, 80, 88, 92, 100 = 92 (type 7, h = 3); 80 + ½ × 12 = 86
    assert mine.proposed == D(86) and mine.reference == D(92) and mine.current == D(80)
    assert mine.explanation == "组内上四分位 92，本单位 80，缩小差距 50% → 86"
    assert mine.benchmark == "第12街道" and row(world, world["units"][4]).benchmark == "本单位"
    assert row(world, world["units"][4]).explanation == "已达组内上四分位（92），保持 100"
    event = Event.objects.get(code="improvement.proposed")
    assert event.after["written"] == 5 and event.after["method"] == "quartile"


def test_the_default_data_is_the_latest_complete_year(cast, world):
    last = Cycle.objects.get(year=2025)
    scheme = builders.valid_scheme(cast, last, groups=[builders.group(last, "G1", world["units"][:3])],
                                   n_indicators=1)
    ind = scheme.items.get().indicator
    for unit, value in zip(world["units"][:3], [10, 20, 30], strict=True):
        actual(last, unit, ind, value)
    counts = actions.propose(world["cycle"], method="benchmark", share=D(50), by=cast.office)
    assert counts.written == 3
    mine = ImprovementTarget.objects.get(cycle=world["cycle"], unit=cast.street, indicator=ind)
    # 2025's figures: 10 against the 标杆 30 → 20, a target of 2027 kept under the 2026 cycle
    assert mine.data_year == 2025 and mine.proposed == D(20) and mine.target_year == 2027
    Cycle.objects.filter(year__lt=2026).update(status=CycleStatus.RUNNING)
    with pytest.raises(ValidationError, match="没有已完成的考核年度"):
        actions.propose(world["cycle"], method="benchmark", share=D(50), by=cast.office)


def test_best_year_reads_earlier_whole_years(cast, world):
    actions.propose(world["cycle"], data_cycle=world["cycle"], method="best_year", share=D(50), by=cast.office)
    mine = row(world, cast.street)
    # best of 2024's 84 and 2025's 83 is 84; 80 + ½ × 4 = 82
    assert mine.proposed == D(82) and "2024 年" in mine.explanation
    assert row(world, cast.other_street).proposed is None  # no earlier year


def test_an_earlier_year_under_another_definition_is_not_the_best_year(cast, world):
    from jixiao.indicators.models import IndicatorVersion
    IndicatorVersion.objects.create(indicator=world["ind"], valid_from_year=2025, definition="新口径")
    actions.propose(world["cycle"], data_cycle=world["cycle"], method="best_year", share=D(50), by=cast.office)
    # 2024 (old definition) is out; 2025's 83: 80 + ½ × 3 = 81.5
    assert row(world, cast.street).proposed == D("81.5")


def test_a_unit_without_a_figure_and_a_retired_unit_get_a_reason(cast, world):
    Target.objects.filter(unit=cast.other_street).update(actual=None)
    import datetime
    Unit.objects.filter(pk=world["units"][2].pk).update(valid_to=datetime.date(2026, 12, 31))
    actions.propose(world["cycle"], data_cycle=world["cycle"], method="benchmark", share=D(50), by=cast.office)
    assert row(world, cast.other_street).proposed is None
    assert row(world, cast.other_street).explanation == "本单位该年度无已核定数值，无法提出目标"
    assert "撤销或合并" in row(world, world["units"][2]).explanation


def test_interval_indicators_are_listed_with_the_reason(cast, world):
    Indicator.objects.filter(pk=world["ind"].pk).update(direction=Direction.INTERVAL)
    actions.propose(world["cycle"], data_cycle=world["cycle"], method="quartile", share=D(50), by=cast.office)
    mine = row(world, cast.street)
    assert mine.proposed is None and "区间" in mine.explanation


def test_proposing_again_keeps_approved_rows_and_drops_adjustments(cast, world):
    actions.propose(world["cycle"], data_cycle=world["cycle"], method="quartile", share=D(50), by=cast.office)
    actions.adjust(row(world, cast.other_street), D(95), by=cast.office)
    actions.approve(world["cycle"], [row(world, cast.street).pk], by=cast.office)
    counts = actions.propose(world["cycle"], data_cycle=world["cycle"], method="benchmark", share=D(25), by=cast.office)
    assert counts.kept == 1 and counts.written == 4
    assert row(world, cast.street).method == "quartile" and row(world, cast.street).proposed == D(86)
    other = row(world, cast.other_street)
    # 92 + ¼ × (100 − 92) = 94; the earlier adjustment (95) belonged to the earlier proposal
    assert other.adjusted is None and other.proposed == D(94) and other.method == "benchmark"


def test_adjust_is_audited_and_checked_against_the_direction(cast, world):
    actions.propose(world["cycle"], data_cycle=world["cycle"], method="quartile", share=D(50), by=cast.office)
    target = actions.adjust(row(world, cast.street), D("87.5"), by=cast.office)
    assert target.final == D("87.5")
    event = Event.objects.get(code="improvement.adjusted")
    assert event.before["adjusted"] is None and D(event.before["proposed"]) == D(86)
    assert D(event.after["adjusted"]) == D("87.5")
    with pytest.raises(ValidationError, match="目标值须大于 0"):
        actions.adjust(row(world, cast.street), D(0), by=cast.office)


def test_approval_without_the_next_cycle_waits_and_twice_is_harmless(cast, world):
    actions.propose(world["cycle"], data_cycle=world["cycle"], method="quartile", share=D(50), by=cast.office)
    ids = list(ImprovementTarget.objects.values_list("pk", flat=True))
    first = actions.approve(world["cycle"], ids, by=cast.office)
    assert (first.approved, first.applied, first.already) == (5, 0, 0)
    again = actions.approve(world["cycle"], ids, by=cast.office)
    assert (again.approved, again.already) == (0, 5)
    assert Event.objects.filter(code="improvement.approved").count() == 5
    assert set(ImprovementTarget.objects.values_list("status", flat=True)) == {ImprovementStatus.APPROVED}
    with pytest.raises(ValidationError, match="2027年度尚未设立"):
        actions.apply_approved(world["cycle"], by=cast.office)


def test_approved_targets_flow_into_the_next_cycle_through_set_target(cast, world):
    actions.propose(world["cycle"], data_cycle=world["cycle"], method="quartile", share=D(50), by=cast.office)
    actions.adjust(row(world, cast.other_street), D(95), by=cast.office)
    actions.approve(world["cycle"], [row(world, cast.street).pk], by=cast.office)
    following = builders.cycle(2027)
    counts = actions.apply_approved(world["cycle"], by=cast.office)
    assert counts.applied == 1
    target = Target.objects.get(cycle=following, unit=cast.street, indicator=world["ind"])
    assert target.target_value == D(86) and target.baseline == D(80)  # baseline: 2026's actual
    assert Event.objects.filter(code="target.created").exists()
    assert row(world, cast.street).status == ImprovementStatus.APPLIED
    # with 2027 in place, approving carries the (adjusted) figure over at once
    counts = actions.approve(world["cycle"], [row(world, cast.other_street).pk], by=cast.office)
    assert counts.applied == 1
    assert Target.objects.get(cycle=following, unit=cast.other_street).target_value == D(95)


def test_a_row_without_a_figure_cannot_be_approved(cast, world):
    Target.objects.filter(unit=cast.other_street).update(actual=None)
    actions.propose(world["cycle"], data_cycle=world["cycle"], method="quartile", share=D(50), by=cast.office)
    counts = actions.approve(world["cycle"], [row(world, cast.other_street).pk], by=cast.office)
    assert counts.approved == 0 and "没有建议目标" in counts.problems[0]


def test_negative_proposals_of_a_higher_better_indicator_must_be_adjusted_first(cast, world):
    Target.objects.filter(cycle=world["cycle"], indicator=world["ind"]).update(actual=D(-5))
    Target.objects.filter(cycle=world["cycle"], unit=cast.street).update(actual=D(-9))
    actions.propose(world["cycle"], data_cycle=world["cycle"], method="benchmark", share=D(50), by=cast.office)
    # −9 + ½ × (−5 − (−9)) = −7: a target must be above 0 for a higher-better indicator
    assert row(world, cast.street).proposed == D(-7)
    counts = actions.approve(world["cycle"], [row(world, cast.street).pk], by=cast.office)
    assert counts.approved == 0 and "须大于 0" in counts.problems[0]


def test_the_inputs_take_a_fixed_number_of_queries(cast, world, django_assert_max_num_queries):
    streets_more = [Unit.objects.create(code=f"S{30 + i}", name=f"第{30 + i}街道", kind=UnitKind.STREET,
                                        parent=cast.district) for i in range(10)]
    world["group"].units.add(*streets_more)
    for i, unit in enumerate(streets_more):
        actual(world["cycle"], unit, world["ind"], 50 + i)
    with django_assert_max_num_queries(10):
        rows = improvement_queries.inputs(world["cycle"])
    assert len(rows) == 15


def test_a_city_assigned_target_of_the_next_cycle_is_not_replaced(cast, world):
    actions.propose(world["cycle"], data_cycle=world["cycle"], method="quartile", share=D(50), by=cast.office)
    actions.approve(world["cycle"], [row(world, cast.street).pk, row(world, cast.other_street).pk], by=cast.office)
    following = builders.cycle(2027)
    Target.objects.create(cycle=following, unit=cast.street, indicator=world["ind"], target_value=D(99),
                          source=TargetSource.CITY_ASSIGNED)
    counts = actions.apply_approved(world["cycle"], by=cast.office)
    assert counts.applied == 1 and "市下达目标，不能以改进目标替换" in counts.problems[0]
    assert Target.objects.get(cycle=following, unit=cast.street).target_value == D(99)
    assert row(world, cast.street).status == ImprovementStatus.APPROVED  # still waiting, not lost
    assert Target.objects.get(cycle=following, unit=cast.other_street).target_value == D(92)
