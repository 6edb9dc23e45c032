"""The whole demo tells one coherent story: what a page says about a unit is true of that unit's data.

One test, one full load (about 20 s of CPU): the facts are read from the same district a new user walks.
"""

import re

from jixiao.audit.log import verify_chain
from jixiao.demo import build, evaluation
from jixiao.evaluation.models import Campaign, RaterKind, Rating
from jixiao.org.models import Unit, UnitKind
from jixiao.reporting import due
from jixiao.reporting.models import Period, Status, Submission


def test_the_demo_story_holds_together(db, demo_mode):
    build.load()
    _returned_reports_name_what_the_unit_reports()
    _streets_and_parks_have_a_real_evaluation_score()
    _checked, broken, reason = verify_chain()
    assert (broken, reason) == (None, "")  # the history the steps write is one intact audit chain


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
    earlier = Campaign.objects.get(cycle__year=evaluation.STREETS_RATED_FROM - 1)
    assert not current.units.filter(pk__in=earlier.units.all()).filter(kind=UnitKind.STREET).exists()
