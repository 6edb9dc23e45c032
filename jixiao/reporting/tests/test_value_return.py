"""The assessor returns one value: the unit corrects and resubmits that value only, the assessor verifies again."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from jixiao.audit.models import Event
from jixiao.indicators.models import Indicator
from jixiao.notifications.models import Notice
from jixiao.reporting import actions, queries
from jixiao.reporting.models import Status, Submission, Value, ValueRevision
from jixiao.reporting.tests.builders import fill

pytestmark = pytest.mark.usefixtures("frozen")
REASON = "与统计年报口径不一致，请按年报数更正"


def approved(cast, w):
    fill(cast, cast.street, w["q1"], w["items"], cast.street_reporter)
    sub = actions.submit(Submission.objects.get(unit=cast.street, period=w["q1"]), by=cast.street_reporter)
    return actions.approve(sub, by=cast.street_reviewer)


def value_of(w, i):
    return Value.objects.get(indicator=w["items"][i].indicator)


def correct(cast, w, number, reason="按统计年报更正"):
    value = value_of(w, 0)
    return actions.save_value(cast.street, w["q1"], w["items"][0], by=cast.street_reporter, number=Decimal(number),
                              version=value.version, reason=reason)


def test_return_correct_resubmit_and_verify_again(cast, w):
    sub = approved(cast, w)
    actions.return_value(value_of(w, 0), by=cast.assessor, assessor=cast.tjj, reason=REASON)
    returned = value_of(w, 0)
    assert returned.is_returned and returned.return_reason == REASON and returned.returned_by == cast.assessor
    assert Submission.objects.get().status == Status.APPROVED  # the submission is not sent back as a whole
    notice = Notice.objects.get(recipient=cast.street_reporter, kind="returned")
    assert REASON in notice.body and notice.url == actions.entry_url(sub)

    # The assessor verifies the other value; the returned one waits, so the submission is not verified yet.
    actions.verify(sub, by=cast.assessor, assessor=cast.tjj)
    assert value_of(w, 1).verified_at is not None and value_of(w, 0).verified_at is None
    assert Submission.objects.get().status == Status.APPROVED
    with pytest.raises(actions.Refused, match="尚未由单位更正重报"):
        actions.verify(sub, by=cast.assessor, assessor=cast.tjj)

    # Only the returned value opens for the unit, and a change needs a reason.
    with pytest.raises(actions.Refused, match="不能修改"):
        actions.save_value(cast.street, w["q1"], w["items"][1], by=cast.street_reporter, number=Decimal(1))
    with pytest.raises(actions.Refused, match="修改理由"):
        correct(cast, w, 150, reason=" ")
    correct(cast, w, 150)
    fixed = value_of(w, 0)
    assert fixed.number == Decimal(150) and fixed.changes_since_approval == 1
    revision = ValueRevision.objects.get(value=fixed)
    assert (revision.old_number, revision.new_number, revision.after_approval) == (Decimal(100), Decimal(150), True)

    actions.resubmit_value(fixed, by=cast.street_reporter)
    resubmitted = value_of(w, 0)
    assert not resubmitted.is_returned and resubmitted.return_reason == REASON  # the assessor still sees why
    assert Notice.objects.filter(recipient=cast.assessor, subject__contains="已更正重报").exists()

    sub = actions.verify(sub, by=cast.assessor, assessor=cast.tjj)
    assert sub.status == Status.VERIFIED
    final = value_of(w, 0)
    assert final.verified_at is not None and final.return_reason == "" and value_of(w, 1).verified_at is not None
    codes = list(Event.objects.filter(code__in=["value.returned", "value.resubmitted", "submission.values_verified",
                                                "submission.verified"]).order_by("id").values_list("code", flat=True))
    assert codes == ["value.returned", "submission.values_verified", "value.resubmitted",
                     "submission.values_verified", "submission.verified"]
    assert Event.objects.get(code="value.returned").after == {"reason": REASON, "assessor": cast.tjj.code}


def test_return_needs_a_reason_an_approved_submission_and_the_owning_assessor(cast, w):
    fill(cast, cast.street, w["q1"], w["items"], cast.street_reporter)
    sub = actions.submit(Submission.objects.get(), by=cast.street_reporter)
    with pytest.raises(actions.Refused, match="状态为“待审核”，不能退回"):
        actions.return_value(value_of(w, 0), by=cast.assessor, assessor=cast.tjj, reason=REASON)
    actions.approve(sub, by=cast.street_reviewer)
    with pytest.raises(actions.Refused, match="退回理由"):
        actions.return_value(value_of(w, 0), by=cast.assessor, assessor=cast.tjj, reason="  ")
    with pytest.raises(actions.Refused, match="不由本单位核定"):
        actions.return_value(value_of(w, 0), by=cast.assessor, assessor=cast.fgw, reason=REASON)
    assert not value_of(w, 0).is_returned
    actions.return_value(value_of(w, 0), by=cast.assessor, assessor=cast.tjj, reason=REASON)
    with pytest.raises(actions.Refused, match="已退回"):
        actions.return_value(value_of(w, 0), by=cast.assessor, assessor=cast.tjj, reason=REASON)
    actions.verify(sub, by=cast.assessor, assessor=cast.tjj)
    with pytest.raises(actions.Refused, match="已核定"):
        actions.return_value(value_of(w, 1), by=cast.assessor, assessor=cast.tjj, reason=REASON)


def test_nobody_returns_or_verifies_their_own_entry(cast, w):
    sub = approved(cast, w)
    Value.objects.filter(indicator=w["items"][0].indicator).update(updated_by=cast.assessor)
    with pytest.raises(actions.Refused, match="不能退回本人填报"):
        actions.return_value(value_of(w, 0), by=cast.assessor, assessor=cast.tjj, reason=REASON)
    # A correction typed by the assessor person cannot be verified by that person either.
    Value.objects.filter(indicator=w["items"][0].indicator).update(updated_by=cast.street_reporter)
    actions.return_value(value_of(w, 0), by=cast.assessor, assessor=cast.tjj, reason=REASON)
    Value.objects.filter(indicator=w["items"][0].indicator).update(updated_by=cast.assessor)
    actions.resubmit_value(value_of(w, 0), by=cast.street_reporter)
    with pytest.raises(actions.Refused, match="不能核定本人填报"):
        actions.verify(sub, by=cast.assessor, assessor=cast.tjj)


def test_no_return_after_lock(cast, w):
    sub = approved(cast, w)
    actions.verify(sub, by=cast.assessor, assessor=cast.tjj)
    actions.lock_due_submissions(datetime.date(2026, 4, 29))
    with pytest.raises(actions.Refused, match="已锁定"):
        actions.return_value(value_of(w, 0), by=cast.assessor, assessor=cast.tjj, reason=REASON)
    assert not Value.objects.filter(returned_at__isnull=False).exists()


def test_resubmit_only_a_returned_value(cast, w):
    approved(cast, w)
    with pytest.raises(actions.Refused, match="没有被退回"):
        actions.resubmit_value(value_of(w, 0), by=cast.street_reporter)
    actions.return_value(value_of(w, 0), by=cast.assessor, assessor=cast.tjj, reason=REASON)
    actions.resubmit_value(value_of(w, 0), by=cast.street_reporter)
    with pytest.raises(actions.Refused, match="没有被退回"):
        actions.resubmit_value(value_of(w, 0), by=cast.street_reporter)


def test_returning_the_whole_submission_takes_in_the_value_return(cast, w):
    sub = approved(cast, w)
    actions.return_value(value_of(w, 0), by=cast.assessor, assessor=cast.tjj, reason=REASON)
    actions.return_submission(sub, by=cast.assessor, reason="整份数据需重新核对", stage="verify")
    assert Submission.objects.get().status == Status.RETURNED and not value_of(w, 0).is_returned
    # From here the ordinary path: the unit submits, the reviewer approves, the assessor verifies everything.
    sub = actions.submit(sub, by=cast.street_reporter)
    actions.approve(sub, by=cast.street_reviewer)
    assert actions.verify(sub, by=cast.assessor, assessor=cast.tjj).status == Status.VERIFIED


def test_pages_return_show_resubmit_and_verify(cast, w, login):
    Indicator.objects.filter(pk=w["items"][0].indicator_id).update(measure_unit="万元")
    w["items"][0].indicator.refresh_from_db()
    sub = approved(cast, w)
    value, code = value_of(w, 0), w["items"][0].indicator.code
    assessor = login(cast.assessor)
    queue = reverse("reporting:assessor", args=[w["q1"].pk])
    assert f'data-testid="return-value-{cast.street.code}-{code}"' in assessor.get(queue).content.decode()
    assessor.post(reverse("reporting:return_value", args=[value.pk]), {"reason": ""})
    assert not value_of(w, 0).is_returned
    assert Event.objects.filter(code="value.return_refused", outcome="failure").exists()
    response = assessor.post(reverse("reporting:return_value", args=[value.pk]), {"reason": REASON})
    assert response.status_code == 302 and value_of(w, 0).is_returned
    page = assessor.get(queue).content.decode()
    assert "已退回、待单位更正（1）" in page
    assert f"{w['items'][0].indicator.name}：100{w['items'][0].indicator.measure_unit}（" in page  # said with its unit
    board = login(cast.office).get(reverse("reporting:board") + f"?period={w['q1'].pk}").content.decode()
    assert "单项退回 1" in board
    tjj = next(r for r in queries.by_assessor(w["q1"]) if r.assessor == cast.tjj)
    assert (tjj.awaiting, tjj.verified) == (1, 0)  # the returned value is back with the unit, the other awaits
    assessor = login(cast.assessor)

    reporter = login(cast.street_reporter)
    entry = reverse("reporting:entry", args=[cast.street.pk, w["q1"].pk])
    page = reporter.get(entry).content.decode()
    assert 'data-testid="value-return-reason"' in page and REASON in page
    assert f'data-testid="resubmit-{code}"' in page and page.count('name="number"') == 1  # only that value opens
    save = reverse("reporting:save_value", args=[cast.street.pk, w["q1"].pk, w["items"][0].pk])
    response = reporter.post(save, {"number": "150", "version": str(value_of(w, 0).version),
                                    "reason": "按统计年报更正"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "已保存" in response.content.decode()
    reporter.post(reverse("reporting:resubmit_value", args=[value.pk]))
    assert not value_of(w, 0).is_returned
    assert "已更正重报，待核定" in reporter.get(entry).content.decode()

    assessor = login(cast.assessor)  # one test client: logging in again switches the person
    page = assessor.get(queue).content.decode()
    assert "待核定（1）" in page and "更正重报" in page
    assessor.post(reverse("reporting:verify", args=[sub.pk]))
    assert Submission.objects.get().status == Status.VERIFIED


def test_returning_a_submission_without_a_reason_is_refused_and_audited(cast, w, login):
    sub = approved(cast, w)
    assessor = login(cast.assessor)
    response = assessor.post(reverse("reporting:return", args=[sub.pk]), {"reason": "  "}, follow=True)
    assert "退回时必须填写退回理由。" in response.content.decode()
    assert Submission.objects.get().status == Status.APPROVED
    refused = Event.objects.get(code="submission.return_refused")
    assert refused.outcome == "failure" and refused.after["message"] == "退回时必须填写退回理由。"
