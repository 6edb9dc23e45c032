import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from jixiao.audit.models import Event
from jixiao.indicators import actions
from jixiao.indicators.models import AdjustmentStatus, Direction, Target, adjustment_deadline
from jixiao.indicators.tests import builders
from jixiao.indicators.validation import check_decomposition, target_value_problems

D = Decimal


@pytest.mark.parametrize(("direction", "value", "upper", "text", "expected"), [
    (Direction.HIGHER_BETTER, D("100"), None, "", []),
    (Direction.HIGHER_BETTER, D("0"), None, "", ["越大越好的指标，目标值须大于 0"]),
    (Direction.HIGHER_BETTER, D("-5"), None, "", ["越大越好的指标，目标值须大于 0"]),
    (Direction.HIGHER_BETTER, None, None, "", ["该指标为数量型指标，须填写目标值"]),
    (Direction.LOWER_BETTER, D("0"), None, "", []),
    (Direction.LOWER_BETTER, D("-1"), None, "", ["越小越好的指标，目标值不能为负数（可以为 0）"]),
    (Direction.INTERVAL, D("95"), D("105"), "", []),
    (Direction.INTERVAL, D("95"), None, "", ["区间型指标须同时填写下限（目标值）和上限"]),
    (Direction.INTERVAL, D("95"), D("90"), "", ["区间上限不能小于下限"]),
    (Direction.LOWER_BETTER, D("3"), D("5"), "", ["只有区间型指标可以填写区间上限"]),
    (Direction.QUALITATIVE, None, None, "全年无重大舆情", []),
    (Direction.MILESTONE, None, None, "", ["定性或节点类指标须填写目标描述"]),
])
def test_direction_rules(direction, value, upper, text, expected):
    assert target_value_problems(direction, value, upper, text) == expected


def test_set_target_refuses_what_the_direction_forbids_and_writes_nothing(cast):
    ind = builders.indicator("F01")
    with pytest.raises(ValidationError, match="须大于 0"):
        actions.set_target(cycle=cast.cycle, unit=cast.street, indicator=ind, by=cast.office, target_value=D(0))
    assert not Target.objects.exists()
    assert not Event.objects.filter(code__startswith="target.").exists()


def test_set_target_takes_the_baseline_from_last_years_actual(cast):
    ind = builders.indicator("F01")
    last_year = builders.cycle(2025)
    old = actions.set_target(cycle=last_year, unit=cast.street, indicator=ind, by=cast.office,
                             target_value=D("1000"))
    old.actual = D("1080.5")
    old.save()
    target = actions.set_target(cycle=cast.cycle, unit=cast.street, indicator=ind, by=cast.office,
                                target_value=D("1150"))
    assert target.baseline == D("1080.5")
    assert actions.baseline_from_previous_cycle(cast.cycle, cast.other_street, ind) is None
    updated = actions.set_target(cycle=cast.cycle, unit=cast.street, indicator=ind, by=cast.office,
                                 target_value=D("1200"))
    assert updated.pk == target.pk
    event = Event.objects.filter(code="target.updated").get()
    assert event.before["target_value"] == "1150.0000" and event.after["target_value"] == "1200"


def test_one_target_per_cycle_unit_indicator(cast):
    ind = builders.indicator("F01")
    Target.objects.create(cycle=cast.cycle, unit=cast.street, indicator=ind, target_value=1)
    with pytest.raises(IntegrityError):
        Target.objects.create(cycle=cast.cycle, unit=cast.street, indicator=ind, target_value=2)


def test_milestones_are_replaced_and_audited(cast):
    ind = builders.indicator("F01")
    target = actions.set_target(cycle=cast.cycle, unit=cast.street, indicator=ind, by=cast.office,
                                target_value=D("100"))
    actions.set_milestones(target, {"H1": D("45"), "Q3": D("70")}, by=cast.office)
    actions.set_milestones(target, {"Q1": D("20")}, by=cast.office)
    assert list(target.milestones.values_list("period", "value")) == [("Q1", D("20"))]
    with pytest.raises(ValidationError):
        actions.set_milestones(target, {"Q9": D("1")}, by=cast.office)


def _district_target(cast, ind, value):
    return actions.set_target(cycle=cast.cycle, unit=cast.district, indicator=ind, by=cast.office,
                              target_value=D(value), source="city_assigned")


def test_sum_decomposition_must_cover_the_whole(cast):
    ind = builders.indicator("C01", category="city_key")
    parent = _district_target(cast, ind, "100")
    assert check_decomposition(parent) == "该目标尚未分解到单位"
    message = actions.decompose(parent, {cast.street: D("60"), cast.other_street: D("35")}, by=cast.office)
    assert message == "分解未覆盖上级目标：下级目标求和为 95，上级目标为 100（相差 -5）"
    assert actions.decompose(parent, {cast.other_street: D("40")}, by=cast.office) is None
    child = Target.objects.get(unit=cast.other_street, indicator=ind)
    assert (child.parent, child.source) == (parent, "city_assigned")
    assert Event.objects.filter(code="target.decomposed").count() == 2


def test_over_covering_is_fine_for_higher_better_but_not_for_a_ceiling(cast):
    more = builders.indicator("C02", category="city_key")
    parent = _district_target(cast, more, "100")
    assert actions.decompose(parent, {cast.street: D("70"), cast.other_street: D("40")}, by=cast.office) is None
    ceiling = builders.indicator("C03", category="city_key", direction=Direction.LOWER_BETTER)
    cap = _district_target(cast, ceiling, "10")
    assert actions.decompose(cap, {cast.street: D("4"), cast.other_street: D("5")}, by=cast.office) is None
    assert "相差 2" in actions.decompose(cap, {cast.other_street: D("8")}, by=cast.office)


@pytest.mark.parametrize(("aggregation", "parts", "parent", "ok"), [
    ("average", ["90", "96"], "93", True),
    ("average", ["90", "94"], "93", False),
    ("max", ["5", "7"], "7", True),
    ("min", ["98", "99"], "98", True),
    ("min", ["97", "99"], "98", False),
])
def test_other_aggregations(cast, aggregation, parts, parent, ok):
    ind = builders.indicator("C10", category="city_key", aggregation=aggregation)
    whole = _district_target(cast, ind, parent)
    message = actions.decompose(whole, {cast.street: D(parts[0]), cast.other_street: D(parts[1])}, by=cast.office)
    assert (message is None) == ok, message


def test_decomposition_refuses_a_child_of_another_indicator(cast):
    a, b = builders.indicator("C01"), builders.indicator("C02")
    parent = _district_target(cast, a, "100")
    with pytest.raises(ValidationError, match="同一指标"):
        actions.set_target(cycle=cast.cycle, unit=cast.street, indicator=b, by=cast.office,
                           target_value=D(5), parent=parent)


# --- Adjustments -----------------------------------------------------------------------------------


@pytest.fixture
def street_target(cast):
    ind = builders.indicator("F01")
    return actions.set_target(cycle=cast.cycle, unit=cast.street, indicator=ind, by=cast.office,
                              target_value=D("1000"))


def test_default_deadline_is_31_october(cast):
    assert adjustment_deadline(cast.cycle) == datetime.date(2026, 10, 31)


def test_request_before_deadline_then_approve_changes_the_target_audited(cast, street_target):
    # 23:00 UTC is already 1 November in Beijing: closed.
    late = datetime.datetime(2026, 10, 31, 23, 0, tzinfo=datetime.UTC)
    with time_machine.travel(late, tick=False), pytest.raises(ValidationError, match="已于 2026年10月31日 截止"):
        actions.request_adjustment(street_target, requested_value=D("900"), reason="园区企业外迁",
                                   by=cast.street_reporter)
    with time_machine.travel(datetime.datetime(2026, 10, 31, 12, 0, tzinfo=datetime.UTC), tick=False):
        adjustment = actions.request_adjustment(street_target, requested_value=D("900"), reason="园区企业外迁",
                                                by=cast.street_reporter)
        with pytest.raises(ValidationError, match="已有待审批"):
            actions.request_adjustment(street_target, requested_value=D("800"), reason="再降",
                                       by=cast.street_reporter)
    actions.approve_adjustment(adjustment, by=cast.office, reason="情况属实")
    street_target.refresh_from_db()
    adjustment.refresh_from_db()
    assert street_target.target_value == D("900")
    assert adjustment.status == AdjustmentStatus.APPROVED and adjustment.decided_by == cast.office
    event = Event.objects.get(code="target.adjusted")
    assert event.before == {"target_value": "1000.0000"}
    assert event.after["target_value"] == "900" and event.after["adjustment"] == adjustment.pk
    assert Event.objects.filter(code="adjustment.requested").count() == 1
    with pytest.raises(ValidationError, match="已审批"):
        actions.refuse_adjustment(adjustment, by=cast.office, reason="x")


@time_machine.travel(datetime.datetime(2026, 6, 1, 8, 0, tzinfo=datetime.UTC), tick=False)
def test_refuse_needs_a_reason_and_keeps_the_target(cast, street_target):
    adjustment = actions.request_adjustment(street_target, requested_value=D("500"), reason="困难",
                                            by=cast.street_reporter)
    with pytest.raises(ValidationError, match="驳回须填写理由"):
        actions.refuse_adjustment(adjustment, by=cast.office, reason=" ")
    actions.refuse_adjustment(adjustment, by=cast.office, reason="理由不充分")
    street_target.refresh_from_db()
    assert street_target.target_value == D("1000")
    event = Event.objects.get(code="adjustment.refused")
    assert event.after == {"status": "refused", "reason": "理由不充分"}


@time_machine.travel(datetime.datetime(2026, 6, 1, 8, 0, tzinfo=datetime.UTC), tick=False)
def test_requested_value_obeys_the_direction(cast, street_target):
    with pytest.raises(ValidationError, match="须大于 0"):
        actions.request_adjustment(street_target, requested_value=D("-1"), reason="x", by=cast.street_reporter)


def test_configurable_deadline(cast, street_target):
    actions.set_adjustment_deadline(cast.cycle, datetime.date(2026, 6, 30), by=cast.office)
    assert adjustment_deadline(cast.cycle) == datetime.date(2026, 6, 30)
    after = datetime.datetime(2026, 7, 1, 4, 0, tzinfo=datetime.UTC)
    with time_machine.travel(after, tick=False), pytest.raises(ValidationError, match="2026年6月30日"):
        actions.request_adjustment(street_target, requested_value=D("900"), reason="x", by=cast.street_reporter)
    assert Event.objects.filter(code="target.deadline_set").exists()


@time_machine.travel(datetime.datetime(2026, 6, 1, 8, 0, tzinfo=datetime.UTC), tick=False)
def test_nobody_decides_their_own_request(cast, street_target):
    adjustment = actions.request_adjustment(street_target, requested_value=D("900"), reason="x", by=cast.office)
    with pytest.raises(ValidationError, match="本人"):
        actions.approve_adjustment(adjustment, by=cast.office)


def test_a_changed_target_value_carries_its_milestones_along(cast):
    """Each milestone keeps its share of the year's target; the change is in the target's audit event."""
    ind = builders.indicator("F01")
    target = actions.set_target(cycle=cast.cycle, unit=cast.street, indicator=ind, by=cast.office,
                                target_value=D("1200"))
    actions.set_milestones(target, {"Q1": D("300"), "H1": D("610"), "Q4": D("1200")}, by=cast.office)
    actions.set_target(cycle=cast.cycle, unit=cast.street, indicator=ind, by=cast.office, target_value=D("1350.5"))
    # 300 × 1350.5 / 1200 = 337.625 and 610 × … = 686.504…, rounded to 0.01; the year-end one is the target.
    assert dict(target.milestones.values_list("period", "value")) == {
        "Q1": D("337.63"), "H1": D("686.50"), "Q4": D("1350.5")}
    event = Event.objects.filter(code="target.updated").latest("pk")
    assert event.before["milestones"] == {"Q1": "300.0000", "H1": "610.0000", "Q4": "1200.0000"}
    assert event.after["milestones"] == {"Q1": "337.63", "H1": "686.50", "Q4": "1350.5"}
    # A change that leaves the value alone (only the baseline) leaves the milestones alone.
    actions.set_target(cycle=cast.cycle, unit=cast.street, indicator=ind, by=cast.office, baseline=D("1100"))
    assert "milestones" not in Event.objects.filter(code="target.updated").latest("pk").after
    assert target.milestones.get(period="Q1").value == D("337.63")


@time_machine.travel(datetime.datetime(2026, 6, 1, 8, 0, tzinfo=datetime.UTC), tick=False)
def test_an_approved_adjustment_carries_the_milestones_along(cast, street_target):
    actions.set_milestones(street_target, {"Q2": D("480"), "Q4": D("1000")}, by=cast.office)
    adjustment = actions.request_adjustment(street_target, requested_value=D("900"), reason="园区企业外迁",
                                            by=cast.street_reporter)
    actions.approve_adjustment(adjustment, by=cast.office, reason="情况属实")
    assert dict(street_target.milestones.values_list("period", "value")) == {"Q2": D("432"), "Q4": D("900")}
    event = Event.objects.get(code="target.adjusted")
    assert event.after["milestones"] == {"Q2": "432.00", "Q4": "900"}
