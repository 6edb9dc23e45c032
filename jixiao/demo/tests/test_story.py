"""The whole demo tells one coherent story: what a page says about a unit is true of that unit's data.

One test, one full load (about 20 s of CPU): the facts are read from the same district a new user walks.
"""

import re
from collections import defaultdict

from jixiao.audit.log import verify_chain
from jixiao.demo import build, evaluation
from jixiao.evaluation.campaign_results import block_scores
from jixiao.evaluation.models import Campaign, RaterKind, Rating
from jixiao.indicators.models import SchemeItem, SchemeStatus, Target
from jixiao.org.models import Cycle, Unit, UnitKind
from jixiao.reporting import due
from jixiao.reporting.models import Period, Status, Submission
from jixiao.scoring.models import ScoreLine

NOT_THE_PLANNERS = {"细颗粒物（PM2.5）年均浓度", "空气质量优良天数", "空气质量综合指数", "食品安全抽检合格率",
                    "药品安全抽检合格率", "食品评价性抽检合格率"}


def test_the_demo_story_holds_together(db, demo_mode):
    build.load()
    _every_unit_is_due_what_it_has_targets_for()
    _bureaus_report_their_own_field()
    _no_unit_is_scored_on_what_it_was_not_due()
    _returned_reports_name_what_the_unit_reports()
    _streets_and_parks_have_a_real_evaluation_score()
    _checked, broken, reason = verify_chain()
    assert (broken, reason) == (None, "")  # the history the steps write is one intact audit chain


def _every_unit_is_due_what_it_has_targets_for():
    """In every 2026 period a unit is due the indicators of its groups it has a target for, plus those without
    any target in the cycle — read from the schemes and targets here, not through reporting.due."""
    cycle = Cycle.objects.get(year=evaluation.CURRENT)
    targeted = set(Target.objects.filter(cycle=cycle).values_list("unit_id", "indicator_id"))
    with_targets = {indicator_id for _unit, indicator_id in targeted}
    items = SchemeItem.objects.filter(scheme__cycle=cycle, scheme__status=SchemeStatus.PUBLISHED).values_list(
        "indicator_id", "indicator__frequency", "group__units")
    expected = defaultdict(set)  # (kind, unit) -> indicator ids
    for indicator_id, kind, unit_id in items:
        if unit_id is not None and ((unit_id, indicator_id) in targeted or indicator_id not in with_targets):
            expected[(kind, unit_id)].add(indicator_id)
    for kind in sorted({kind for kind, _unit in expected}):
        period = Period.objects.filter(cycle=cycle, kind=kind).order_by("ends_on").first()
        scope = due.scope_by_unit(period)
        assert {unit: set(owed) for unit, owed in scope.items()} == {
            unit: owed for (k, unit), owed in expected.items() if k == kind}, kind


def _bureaus_report_their_own_field():
    """区发改委 reports economic indicators, not PM2.5 or food safety; those are 生态环境局's and 市场监管局's."""
    cycle = Cycle.objects.get(year=evaluation.CURRENT)
    periods = {p.kind: p for p in Period.objects.filter(cycle=cycle).order_by("-ends_on")}
    units = {u.code: u for u in Unit.objects.filter(code__in=["B01", "B08", "B14"])}
    names = {code: {i.indicator.name for p in periods.values() for i in due.items_for_unit(p, unit)}
             for code, unit in units.items()}
    assert not names["B01"] & NOT_THE_PLANNERS, names["B01"] & NOT_THE_PLANNERS
    assert {"固定资产投资", "重点项目开工率", "重点项目前期手续办结率"} <= names["B01"]
    assert "细颗粒物（PM2.5）年均浓度" in names["B08"] and "食品安全抽检合格率" in names["B14"]
    assert "食品安全抽检合格率" not in names["B08"] and "细颗粒物（PM2.5）年均浓度" not in names["B14"]


def _no_unit_is_scored_on_what_it_was_not_due():
    """A published line that scored (or counted as missing, 0 points) is one the unit was due; the others do not
    apply to it — 区发改委 is not scored on PM2.5."""
    targeted = set(Target.objects.values_list("cycle_id", "unit_id", "indicator__code"))
    with_targets = {(cycle_id, code) for cycle_id, _unit, code in targeted}
    lines = ScoreLine.objects.filter(run__published=True).values_list(
        "run__cycle_id", "unit_id", "indicator", "status", "unit__code")
    not_applicable = set()
    for cycle_id, unit_id, code, status, unit_code in lines:
        owed = (cycle_id, unit_id, code) in targeted or (cycle_id, code) not in with_targets
        assert owed or status == "not_applicable", (cycle_id, unit_code, code, status)
        if not owed:
            not_applicable.add((unit_code, code))
    assert ("B01", "H18") in not_applicable and ("B01", "H30") in not_applicable


def _returned_reports_name_what_the_unit_reports():
    """A return reason that quotes an indicator (“…”) quotes one the unit reports in that period."""
    q3 = Period.objects.get(cycle__year=evaluation.CURRENT, code="Q3")
    returned = Submission.objects.filter(period=q3, status=Status.RETURNED).select_related("unit")
    assert {s.unit.code for s in returned} == {"B01", "S03", "M05"}
    for sub in returned:
        reported = {item.indicator.name for item in due.items_for_unit(q3, sub.unit)}
        for quoted in re.findall(r"“([^”]+)”", sub.return_reason):
            assert quoted in reported, f"{sub.unit.code} 的退回理由提到未报送的指标“{quoted}”"


def _streets_and_parks_have_a_real_evaluation_score():
    """From 2026 the district's campaign rates its streets and parks; before, the block did not apply to them."""
    outside = Unit.objects.filter(kind__in=(UnitKind.STREET, UnitKind.PARK), valid_to__isnull=True)
    assert outside.count() == 10
    current = Campaign.objects.get(cycle__year=evaluation.STREETS_RATED_FROM)
    assert set(outside) <= set(current.units.all())
    for unit in outside:  # rated by the leaders and the departments, enough answers for a score (5 a group)
        for kind in (RaterKind.LEADER, RaterKind.DEPARTMENT):
            rated = Rating.objects.filter(campaign=current, unit=unit, rater_group__kind=kind)
            assert rated.values("answer").distinct().count() >= 5, (unit.code, kind)
    scores = block_scores(current.cycle, current.assessing_unit)  # what the 综合评议 block of 2026 reads
    assert all(0 < scores.get(unit.pk, 0) <= 100 for unit in outside), {u.code: scores.get(u.pk) for u in outside}
    earlier = Campaign.objects.get(cycle__year=evaluation.STREETS_RATED_FROM - 1)
    assert not current.units.filter(pk__in=earlier.units.all()).filter(kind=UnitKind.STREET).exists()
