"""The demo reporting step (jixiao/demo/reporting.py): full history, 2026 gaps, and figures that agree with the
annual actuals of the indicator step."""

from decimal import Decimal

import pytest

from jixiao.audit.models import Event
from jixiao.demo import accounts, build, indicators, org
from jixiao.demo import reporting as demo_reporting
from jixiao.reporting.models import DeadlineException, Period, Status, Submission, Value, ValueRevision


@pytest.fixture
def demo(db, settings):
    settings.DEMO_MODE = True
    for step in (org.build, accounts.build, indicators.build, demo_reporting.build):
        step(build.step_rng(step))


def test_past_cycles_are_verified_and_locked(demo):
    past = Submission.objects.filter(cycle__year__lt=2026)
    assert past.count() > 3000
    assert set(past.values_list("status", flat=True)) == {Status.LOCKED}
    assert not Value.objects.filter(cycle__year__lt=2026, verified_at__isnull=True).exists()
    assert not Period.objects.filter(cycle__year=2026, code="Q4").filter(submissions__isnull=False).exists()


def test_last_period_carries_the_annual_actual(demo):
    from jixiao.indicators.models import Target

    value = (Value.objects.filter(cycle__year=2024, submission__period__code="Q4", number__isnull=False,
                                  indicator__aggregation="sum", indicator__direction="higher_better")
             .select_related("indicator").first())
    target = Target.objects.get(cycle__year=2024, unit_id=value.unit_id, indicator=value.indicator)
    assert value.number == target.actual.quantize(Decimal("0.01")) or value.number == target.actual


def test_2026_third_quarter_has_the_office_cases(demo):
    q3 = Submission.objects.filter(cycle__year=2026, period__code="Q3")
    statuses = dict(q3.values_list("unit__code", "status"))
    assert statuses["B01"] == Status.RETURNED and statuses["S01"] == Status.SUBMITTED
    assert statuses["S02"] == Status.APPROVED and "M18" not in statuses
    assert Submission.objects.get(cycle__year=2026, period__code="Q3", unit__code="B01").return_reason
    assert DeadlineException.objects.filter(period__cycle__year=2026, period__code="Q3").count() == 1
    unlocked = Value.objects.get(unlocked=True)
    revision = ValueRevision.objects.get(value=unlocked)
    assert revision.after_approval and revision.reason and unlocked.changes_since_approval == 1


def test_2026_third_quarter_has_one_value_returned_alone(demo):
    code, indicator, reason = demo_reporting.RETURNED_VALUE
    value = Value.objects.select_related("submission", "returned_by").get(returned_at__isnull=False)
    assert (value.unit.code, value.indicator.code, value.return_reason) == (code, indicator, reason)
    assert value.is_returned and value.is_correctable and value.returned_by.username == "assessor"
    sub = value.submission
    assert sub.status == Status.APPROVED and sub.period.code == "Q3"
    assert value.returned_at > sub.approved_at  # a fixed day of the story, not the day of the seed
    # The other values stay verified; the street has not corrected the returned one yet.
    assert not sub.values.exclude(pk=value.pk).filter(verified_at__isnull=True).exists()
    assert not ValueRevision.objects.filter(value=value).exists()
    assert Event.objects.get(code="value.returned").after["reason"] == reason  # through the real action
