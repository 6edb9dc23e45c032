import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError

from jixiao.audit.models import Event
from jixiao.indicators.models import AdjustmentCategory, VetoCondition
from jixiao.org.models import CycleStatus
from jixiao.results.tests.builders import approve
from jixiao.scoring import actions, engine, loader
from jixiao.scoring.models import AppealStatus, RunStatus, ScoreLine, ScoreResult, Stage
from jixiao.scoring.tests.world import scheme_world

T0 = datetime.datetime(2027, 1, 5, 9, 0, tzinfo=datetime.UTC)
DEADLINE = datetime.datetime(2027, 1, 12, 18, 0, tzinfo=datetime.UTC)


@pytest.fixture
def scheme(cast):
    return scheme_world(cast)


def _preliminary_with_window(scheme, cast):
    with time_machine.travel(T0, tick=False):
        run = actions.compute(scheme, Stage.PRELIMINARY, by=cast.office)
        return actions.open_appeals(run, DEADLINE, by=cast.office)


def test_compute_stores_an_explained_snapshot(cast, scheme):
    run = actions.compute(scheme, Stage.PRELIMINARY, by=cast.office)
    results = {r.unit.code: r for r in ScoreResult.objects.filter(run=run).select_related("unit")}
    assert set(results) == {"S01", "S02", "B01", "B02"}
    s01 = results["S01"]
    # Two items of 40 at 110 % → 44 each = 88 in block A; no evaluation → 0 of 20.
    assert s01.total == Decimal("88.00") and s01.rank == 1 and s01.group_size == 2 and s01.grade == "good"
    assert [b["code"] for b in s01.blocks] == ["A", "E"]
    assert ScoreLine.objects.filter(run=run).count() == 8
    line = ScoreLine.objects.filter(run=run, unit=cast.street).first()
    assert "完成率" in line.explanation and line.max_points == Decimal(40)
    assert run.digest == engine.inputs_digest(loader.load(scheme)) and run.unit_count == 4
    assert Event.objects.filter(code="scoring.computed").count() == 1


def test_stored_lines_read_back_exactly_as_the_engine_wrote_them(cast, scheme):
    run = actions.compute(scheme, Stage.PRELIMINARY, by=cast.office)
    expected = {(u.unit, line.item): (line.points, line.max_points, line.base_points, line.status, line.explanation)
                for u in engine.score_scheme(loader.load(scheme)).units for line in u.lines}
    stored = {(row.unit_id, row.item_id): (row.points, row.max_points, row.base_points, row.status, row.explanation)
              for row in ScoreLine.objects.filter(run=run)}
    assert stored == expected
    assert all(row.result.unit_id == row.unit_id for row in ScoreLine.objects.filter(run=run).select_related("result"))


def test_same_inputs_give_the_same_run_and_changed_inputs_a_new_one(cast, scheme):
    first = actions.compute(scheme, Stage.PRELIMINARY, by=cast.office)
    assert actions.compute(scheme, Stage.PRELIMINARY, by=cast.office).pk == first.pk
    bonus = AdjustmentCategory.objects.get(scheme=scheme, code="J1")
    actions.add_adjustment(cycle=cast.cycle, unit=cast.other_street, category=bonus, points=Decimal(4),
                           reason="获市级表彰", by=cast.office)
    second = actions.compute(scheme, Stage.PRELIMINARY, by=cast.office)
    first.refresh_from_db()
    assert second.pk != first.pk and second.supersedes == first and first.status == RunStatus.SUPERSEDED
    assert second.digest != first.digest
    s02 = second.results.get(unit=cast.other_street)
    assert s02.adjustment_total == Decimal("3.00")  # capped at 3
    changes = {c.unit_name: c for c in actions.diff(first, second)}
    assert set(changes) == {"金桥街道"}
    assert changes["金桥街道"].total == (Decimal("84.00"), Decimal("87.00"))


def test_snapshots_are_immutable(cast, scheme):
    run = actions.compute(scheme, Stage.PRELIMINARY, by=cast.office)
    result = run.results.first()
    result.total = Decimal(100)
    with pytest.raises(ValidationError):
        result.save()
    with pytest.raises(ValidationError):
        ScoreLine.objects.filter(run=run).update(points=0)
    run.digest = "x"
    with pytest.raises(ValidationError):
        run.save()


def test_veto_caps_the_grade_of_the_top_unit(cast, scheme):
    veto = VetoCondition.objects.get(scheme=scheme, code="V1")
    actions.flag_veto(cycle=cast.cycle, unit=cast.street, condition=veto, reason="发生较大安全事故", by=cast.office)
    run = actions.compute(scheme, Stage.PRELIMINARY, by=cast.office)
    s01 = run.results.get(unit=cast.street)
    assert s01.rank == 1 and s01.grade == "average" and not s01.award_eligible
    assert s01.vetoes == [{"condition": "V1", "reason": "发生较大安全事故"}]


def test_appeal_window_final_and_publication(cast, scheme):
    run = _preliminary_with_window(scheme, cast)
    with time_machine.travel(DEADLINE - datetime.timedelta(hours=1), tick=False):
        appeal = actions.file_appeal(run, cast.street, by=cast.street_reporter, reason="统计口径有误，实际值应调整",
                                     evidence="统计局出具的更正说明")
        with pytest.raises(ValidationError, match="反馈申诉期尚未结束"):
            actions.compute(scheme, Stage.FINAL, by=cast.office)
    with time_machine.travel(DEADLINE + datetime.timedelta(minutes=1), tick=False):
        with pytest.raises(ValidationError, match="截止"):
            actions.file_appeal(run, cast.other_street, by=cast.street_reporter, reason="逾期提出的申诉理由文字",
                                evidence="无")
        with pytest.raises(ValidationError, match="未处理的申诉"):
            actions.compute(scheme, Stage.FINAL, by=cast.office)
        actions.decide_appeal(appeal, True, "经核实采纳，撤销通报扣分", by=cast.office)
        with pytest.raises(ValidationError):
            actions.decide_appeal(appeal, False, "再次处理", by=cast.office)
        final = actions.compute(scheme, Stage.FINAL, by=cast.office)
        with pytest.raises(ValidationError, match="已生成最终结果"):
            actions.compute(scheme, Stage.PRELIMINARY, by=cast.office)
        approve(final, cast.office)  # the committee's sign-off (results/committee.py) comes before publication
        actions.publish(final, by=cast.office)
        with pytest.raises(ValidationError, match="不能重复发布"):
            actions.publish(final, by=cast.office)
        with pytest.raises(ValidationError, match="已发布"):
            actions.compute(scheme, Stage.FINAL, by=cast.office)
    appeal.refresh_from_db()
    final.refresh_from_db()
    run.refresh_from_db()
    assert run.status == RunStatus.CLOSED
    cast.cycle.refresh_from_db()
    assert appeal.status == AppealStatus.ACCEPTED and appeal.decided_by == cast.office
    assert final.published and final.status == RunStatus.PUBLISHED
    assert cast.cycle.status == CycleStatus.PUBLISHED
    assert Event.objects.filter(code="scoring.published").count() == 1


def test_final_needs_a_preliminary_with_a_closed_window(cast, scheme):
    with pytest.raises(ValidationError, match="尚无初步结果"):
        actions.compute(scheme, Stage.FINAL, by=cast.office)
    actions.compute(scheme, Stage.PRELIMINARY, by=cast.office)
    with pytest.raises(ValidationError, match="尚未进入反馈申诉期"):
        actions.compute(scheme, Stage.FINAL, by=cast.office)


def test_preliminary_cannot_be_published(cast, scheme):
    run = actions.compute(scheme, Stage.PRELIMINARY, by=cast.office)
    with pytest.raises(ValidationError, match="最终结果"):
        actions.publish(run, by=cast.office)


def test_calibration_needs_a_reason_and_is_applied(cast, scheme):
    with pytest.raises(ValidationError):
        actions.calibrate(scheme=scheme, unit=cast.other_street, grade="excellent", reason=" ", by=cast.office)
    actions.calibrate(scheme=scheme, unit=cast.other_street, grade="excellent", reason="考核委员会研究决定",
                      by=cast.office)
    run = actions.compute(scheme, Stage.PRELIMINARY, by=cast.office)
    result = run.results.get(unit=cast.other_street)
    assert result.grade == "excellent" and result.calibration["reason"] == "考核委员会研究决定"
    assert any("校准" in step for step in result.grade_steps)


def test_invalid_scheme_is_refused_in_chinese(cast, scheme):
    item = scheme.items.first()
    item.params = {"cap": "-1"}
    item.save()
    with pytest.raises(ValidationError):
        actions.compute(scheme, Stage.PRELIMINARY, by=cast.office)
