"""Computing, calibrating and the rules of the cycle's team and cadre assessment (cadres/actions.py)."""

import threading
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from jixiao.audit.models import Event
from jixiao.cadres import actions
from jixiao.cadres.models import CadreAssessment, CadreRules, TeamAssessment
from jixiao.cadres.tests import world
from jixiao.keywork.models import Assessment, KeyTask


def grades(cycle):
    teams = {t.unit.code: (t.score, t.grade) for t in TeamAssessment.objects.filter(cycle=cycle)
             .select_related("unit")}
    cadres = {c.cadre.name + c.unit.code: (c.score, c.grade) for c in CadreAssessment.objects.filter(cycle=cycle)
              .select_related("cadre", "unit")}
    return teams, cadres


@pytest.fixture
def full(cast):
    found = world.full(cast)
    world.DemocraticResult.objects.filter(cycle=cast.cycle, unit=cast.fgw, cadre=None).update(score=D(50))
    return found


def test_compute_grades_every_team_and_cadre(cast, full):
    assert actions.assess(cast.cycle, by=cast.office) == (4, 7)
    teams, cadres = grades(cast.cycle)
    # S01 95×0.6+96×0.4 = 95.4 好; S02 85×0.6+94×0.4 = 88.6 较好, vetoed → 一般; B01 72×0.6+50×0.4 = 63.2 较差;
    # B02 88×0.6+80×0.4 = 84.8 较好. 4 teams × 30 % → 1 place for 好.
    assert teams == {"S01": (D("95.40"), "good"), "S02": (D("88.60"), "average"), "B01": (D("63.20"), "poor"),
                     "B02": (D("84.80"), "fairly_good")}
    # No key tasks: (unit + democratic) ÷ 2. 张华 (95+97)/2 = 96 优秀; 李明 93.5 优秀 but 6 graded × 20 % → 1 place;
    # 王强 90.5, main leader of the vetoed S02 → 称职; 赵丽 85.5; 孙雷 twice (moved), 87.5 and 85; 钱进 ungraded.
    assert cadres == {"张华S01": (D("96.00"), "excellent"), "李明S01": (D("93.50"), "competent"),
                      "王强S02": (D("90.50"), "competent"), "赵丽B01": (D("85.50"), "competent"),
                      "孙雷S01": (D("87.50"), "competent"), "孙雷B02": (D("85.00"), "competent"),
                      "钱进B02": (None, "")}
    qian = CadreAssessment.objects.get(cadre=full["b02_main"])
    assert qian.reasons == ["缺少民主测评结果，未定等次。"] and qian.democratic_score is None
    moved = CadreAssessment.objects.get(cadre=full["moved_b"])
    assert "本年度在本单位任职 2026-07-01 至 2026-12-31，未满全年，按本岗位分别考核。" in moved.reasons
    wang = CadreAssessment.objects.get(cadre=full["s02_main"])
    assert "本单位绩效考核被一票否决，主要领导不能评为“优秀”，调为“称职”。" in wang.reasons
    event = Event.objects.get(code="cadre.assessed")
    assert event.after["teams"] == 4 and event.after["cadres"] == 7


def test_a_key_task_the_cadre_leads_counts(cast, full):
    task = KeyTask.objects.create(cycle=cast.cycle, code="K01", name="营商环境", source="livelihood",
                                  lead_unit=cast.fgw, leader_cadre=full["b01_main"], annual_goal="优化",
                                  points=D(10))
    Assessment.objects.create(task=task, unit=cast.fgw, period_code="Y", score=D(8), comment="好",
                              assessed_by=cast.office, assessed_at=timezone.now())
    actions.assess(cast.cycle, by=cast.office)
    zhao = CadreAssessment.objects.get(cadre=full["b01_main"])
    # 72 × 40 % + 80 × 20 % + 99 × 40 % = 28.8 + 16 + 39.6 = 84.4
    assert zhao.keytask_score == D("80.00") and zhao.score == D("84.40")


def test_compute_without_final_results_is_refused(cast):
    world.scored(cast, stage="preliminary")
    with pytest.raises(ValidationError, match="尚无单位绩效考核的最终结果"):
        actions.assess(cast.cycle, by=cast.office)
    assert not TeamAssessment.objects.exists()


def test_a_double_submit_is_refused(cast, full):
    seen = actions.last_computed(cast.cycle)
    actions.assess(cast.cycle, by=cast.office, seen=seen)
    with pytest.raises(ValidationError, match="刚刚已重新计算"):
        actions.assess(cast.cycle, by=cast.office, seen=seen)
    assert Event.objects.filter(code="cadre.assessed").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_computations_run_one_after_the_other(cast):
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith(("file:memorydb", ":memory:")):
        pytest.skip("an in-memory SQLite database is not shared between threads")
    world.full(cast)
    seen = actions.last_computed(cast.cycle)
    outcomes = []

    def run():
        try:
            actions.assess(cast.cycle, by=cast.office, seen=seen)
            outcomes.append("ok")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["ok", "refused"]


def test_calibration_keeps_the_computed_grade_and_checks_the_quota(cast, full):
    actions.assess(cast.cycle, by=cast.office)
    li = CadreAssessment.objects.get(cadre=full["s01_member"])
    with pytest.raises(ValidationError, match="超过比例上限 20%（6 名干部中至多 1 名）"):
        actions.calibrate(li, grade="excellent", reason="实绩突出", by=cast.office)
    zhang = CadreAssessment.objects.get(cadre=full["s01_main"])
    actions.calibrate(zhang, grade="competent", reason="考核委员会审定", by=cast.office)
    li = actions.calibrate(li, grade="excellent", reason="考核委员会审定：实绩突出", by=cast.office)
    assert (li.computed_grade, li.grade, li.calibrated_by) == ("competent", "excellent", cast.office)
    assert Event.objects.filter(code="cadre.calibrated").count() == 2


def test_calibration_keeps_the_binding_rules(cast, full):
    actions.assess(cast.cycle, by=cast.office)
    wang = CadreAssessment.objects.get(cadre=full["s02_main"])  # main leader of the vetoed S02
    with pytest.raises(ValidationError, match="本单位绩效考核被一票否决，主要领导不能校准为“优秀”。"):
        actions.calibrate(wang, grade="excellent", reason="x", by=cast.office)
    zhao = CadreAssessment.objects.get(cadre=full["b01_main"])  # main leader of B01, whose team is 较差
    with pytest.raises(ValidationError, match="本单位领导班子等次为“较差”"):
        actions.calibrate(zhao, grade="excellent", reason="x", by=cast.office)


def test_calibration_needs_a_reason_and_a_graded_cadre(cast, full):
    actions.assess(cast.cycle, by=cast.office)
    zhao = CadreAssessment.objects.get(cadre=full["b01_main"])
    with pytest.raises(ValidationError, match="请填写校准理由"):
        actions.calibrate(zhao, grade="basic", reason="  ", by=cast.office)
    qian = CadreAssessment.objects.get(cadre=full["b02_main"])
    with pytest.raises(ValidationError, match="未定等次，不能校准"):
        actions.calibrate(qian, grade="competent", reason="x", by=cast.office)


def test_recompute_clears_calibrations_and_says_so(cast, full):
    actions.assess(cast.cycle, by=cast.office)
    zhao = CadreAssessment.objects.get(cadre=full["b01_main"])
    actions.calibrate(zhao, grade="basic", reason="审定", by=cast.office)
    actions.assess(cast.cycle, by=cast.office)
    assert CadreAssessment.objects.get(cadre=full["b01_main"]).grade == "competent"
    assert Event.objects.filter(code="cadre.assessed").order_by("-id").first().after["calibrations_cleared"] == 1


def test_rules_are_checked(cast):
    values = {f: getattr(CadreRules(), f) for f in actions.RULE_FIELDS}
    with pytest.raises(ValidationError) as info:
        actions.save_rules(cast.cycle, {**values, "team_performance_weight": D(70)}, by=cast.office)
    assert "领导班子的单位绩效权重与民主测评权重之和应为 100。" in info.value.messages
    with pytest.raises(ValidationError, match="不得超过 25%"):
        actions.save_rules(cast.cycle, {**values, "excellent_percent": D(30)}, by=cast.office)
    assert not CadreRules.objects.exists()  # nothing written, not even the default row
    actions.save_rules(cast.cycle, {**values, "excellent_percent": D(25)}, by=cast.office)
    assert CadreRules.objects.get(cycle=cast.cycle).excellent_percent == D(25)
    assert Event.objects.filter(code="cadre.rules_updated").count() == 1
