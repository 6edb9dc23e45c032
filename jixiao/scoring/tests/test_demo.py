"""The demo district's scored history shows what issue 7 asks for: a quota-limited 优秀 and a vetoed unit."""

import datetime

import pytest

from jixiao.demo import build
from jixiao.indicators.models import GradeRule
from jixiao.results.models import Rectification
from jixiao.scoring.models import ScoreResult

STEPS = ["org", "accounts", "keywork", "evaluation", "indicators", "reporting", "scoring", "results"]


@pytest.fixture
def demo(db, settings):
    settings.DEMO_MODE = True
    build.load(only=STEPS)


def _published():
    return ScoreResult.objects.filter(run__published=True).select_related("run__cycle", "group")


def test_demo_history_has_a_quota_limited_excellent_a_vetoed_unit_and_streets_outside_evaluation(demo):
    """One test, one demo load (about 20 s): the three stories of the scored history, and its rectification."""
    results = list(_published())
    limited = [r for r in results if r.threshold_grade == "excellent" and r.grade != "excellent" and not r.vetoes]
    assert limited, "no unit above the 优秀 line was held back by the quota"
    for r in limited:
        assert "超出名额" in r.grade_steps[-1]
        group = [x for x in results if x.run_id == r.run_id and x.group_id == r.group_id]
        quota = GradeRule.objects.get(scheme=r.run.scheme_id, grade="excellent").quota_percent
        assert sum(x.grade == "excellent" for x in group) == len(group) * quota // 100  # every place used
        assert any(x.grade == "excellent" and x.total >= r.total for x in group)
    vetoed = [r for r in results if r.vetoes]
    assert len(vetoed) == 1 and vetoed[0].run.cycle.year == 2023
    unit = vetoed[0]
    assert unit.rank == 1 and unit.threshold_grade == "excellent" and unit.grade == "average"
    assert not unit.award_eligible and "一票否决" in unit.grade_steps[-1]
    # streets and parks are not rated by the district's 综合评议: the block does not apply, it does not score 0
    street = _published().filter(run__scheme__code="D01-2025", group__code="G01").first()
    evaluation = next(b for b in street.blocks if b["kind"] == "evaluation")
    assert not evaluation["applicable"] and "不在2025年度综合评议的被评议单位之列" in evaluation["explanation"]
    bureau = _published().filter(run__scheme__code="D01-2025", group__code="G02").first()
    assert next(b for b in bureau.blocks if b["kind"] == "evaluation")["applicable"]
    _rectification_looks_like_a_working_office()


def _rectification_looks_like_a_working_office():
    """2024's items are closed; 2025's are mostly under way, due from December 2026 to March 2027, and only a
    handful (supervision findings, due 60 days after the supervision) are overdue on the demo's day."""
    day = datetime.date(2026, 11, 25)
    older = Rectification.objects.filter(cycle__year=2024)
    assert older.exists() and not older.unfinished().exists()
    latest = Rectification.objects.filter(cycle__year=2025)
    unfinished = latest.unfinished()
    assert unfinished.count() > latest.count() // 2
    overdue = list(latest.overdue(day))
    assert 1 <= len(overdue) <= 5 and all(item.source == "supervision" for item in overdue)
    later = unfinished.exclude(source="supervision")
    assert later.exists() and all(datetime.date(2026, 12, 1) <= i.deadline <= datetime.date(2027, 3, 31) for i in later)
