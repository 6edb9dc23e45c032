"""The review workflow: submit, approve, verify, return with reasons, lock, unlock, maker-checker, history."""

import datetime
from decimal import Decimal

import pytest
import time_machine

from jixiao.audit.models import Event
from jixiao.notifications.models import Notice
from jixiao.reporting import actions
from jixiao.reporting.models import Status, Submission, Value, ValueRevision
from jixiao.reporting.tests.builders import fill

pytestmark = pytest.mark.usefixtures("frozen")


def submitted(cast, w):
    fill(cast, cast.street, w["q1"], w["items"], cast.street_reporter)
    sub = Submission.objects.get(unit=cast.street, period=w["q1"])
    return actions.submit(sub, by=cast.street_reporter)


def test_full_path_to_locked(cast, w):
    sub = submitted(cast, w)
    assert sub.status == Status.SUBMITTED
    actions.approve(sub, by=cast.street_reviewer)
    sub = actions.verify(sub, by=cast.assessor, assessor=cast.tjj)
    assert sub.status == Status.VERIFIED
    assert Value.objects.filter(submission=sub, verified_at__isnull=False).count() == 2
    assert actions.lock_due_submissions(datetime.date(2026, 4, 29)) == 1
    sub.refresh_from_db()
    assert sub.status == Status.LOCKED
    codes = list(Event.objects.filter(object_type="reporting.Submission").order_by("id").values_list("code", flat=True))
    assert codes == ["submission.submitted", "submission.approved", "submission.values_verified",
                     "submission.verified", "submission.locked"]


def test_lock_waits_for_the_verification_deadline(cast, w):
    sub = submitted(cast, w)
    actions.approve(sub, by=cast.street_reviewer)
    actions.verify(sub, by=cast.assessor, assessor=cast.tjj)
    assert actions.lock_due_submissions(w["q1"].verify_deadline) == 0


def test_submit_needs_every_value(cast, w):
    actions.save_value(cast.street, w["q1"], w["items"][0], by=cast.street_reporter, number=Decimal(1))
    sub = Submission.objects.get()
    with pytest.raises(actions.Refused, match="还有 1 项指标未填写"):
        actions.submit(sub, by=cast.street_reporter)
    assert Submission.objects.get().status == Status.DRAFT


def test_double_submit_is_refused(cast, w):
    sub = submitted(cast, w)
    with pytest.raises(actions.Refused, match="请勿重复提交"):
        actions.submit(sub, by=cast.street_reporter)


def test_nobody_approves_their_own_entry(cast, w):
    sub = submitted(cast, w)
    with pytest.raises(actions.Refused, match="不能审核本人"):
        actions.approve(sub, by=cast.street_reporter)
    # Someone who only typed one value is refused too, even if another person submitted.
    Value.objects.filter(submission=sub).update(updated_by=cast.street_reviewer)
    with pytest.raises(actions.Refused, match="不能审核本人"):
        actions.approve(sub, by=cast.street_reviewer)


def test_return_needs_a_reason_and_notifies_the_unit(cast, w):
    sub = submitted(cast, w)
    with pytest.raises(actions.Refused, match="退回理由"):
        actions.return_submission(sub, by=cast.street_reviewer, reason="  ", stage="review")
    actions.return_submission(sub, by=cast.street_reviewer, reason="一季度数据口径有误", stage="review")
    sub.refresh_from_db()
    assert sub.status == Status.RETURNED and sub.return_reason == "一季度数据口径有误"
    notice = Notice.objects.get(recipient=cast.street_reporter, kind="returned")
    assert "一季度数据口径有误" in notice.body
    event = Event.objects.get(code="submission.returned")
    assert event.after["reason"] == "一季度数据口径有误"
    # The unit fixes and submits again.
    actions.save_value(cast.street, w["q1"], w["items"][0], by=cast.street_reporter, number=Decimal(150),
                       version=1)
    assert actions.submit(sub, by=cast.street_reporter).status == Status.SUBMITTED


def test_a_return_after_the_deadline_can_still_be_corrected_on_its_first_timeliness(cast, w):
    sub = submitted(cast, w)
    actions.return_submission(sub, by=cast.street_reviewer, reason="口径有误，请更正", stage="review")
    after_window = actions.closes_on(w["q1"]) + datetime.timedelta(days=20)
    with time_machine.travel(datetime.datetime.combine(after_window, datetime.time(10)), tick=False):
        actions.save_value(cast.street, w["q1"], w["items"][0], by=cast.street_reporter, number=Decimal(151),
                           version=1)
        assert actions.submit(sub, by=cast.street_reporter).status == Status.SUBMITTED
    # Timeliness is judged by the first submission, which was on time.
    assert Event.objects.filter(code="submission.submitted").order_by("id").last().after["late"] is False


def test_a_draft_after_the_deadline_stays_closed(cast, w):
    fill(cast, cast.street, w["q1"], w["items"], cast.street_reporter)
    after_window = actions.closes_on(w["q1"]) + datetime.timedelta(days=1)
    with (time_machine.travel(datetime.datetime.combine(after_window, datetime.time(10)), tick=False),
          pytest.raises(actions.Refused, match="截止填报")):
        actions.save_value(cast.street, w["q1"], w["items"][0], by=cast.street_reporter, number=Decimal(2), version=1)


def test_assessor_returns_an_approved_submission(cast, w):
    sub = submitted(cast, w)
    actions.approve(sub, by=cast.street_reviewer)
    actions.return_submission(sub, by=cast.assessor, reason="与统计年报不符", stage="verify")
    assert Submission.objects.get().status == Status.RETURNED
    with pytest.raises(actions.Refused):
        actions.return_submission(sub, by=cast.assessor, reason="再退", stage="verify")


def test_assessor_cannot_verify_what_it_entered(cast, w):
    fill(cast, cast.street, w["q1"], w["items"], cast.assessor)
    sub = Submission.objects.get()
    actions.submit(sub, by=cast.assessor)
    actions.approve(sub, by=cast.street_reviewer)
    with pytest.raises(actions.Refused, match="本人填报"):
        actions.verify(sub, by=cast.assessor, assessor=cast.tjj)


def test_editing_after_submit_and_after_lock_is_refused(cast, w):
    sub = submitted(cast, w)
    with pytest.raises(actions.Refused, match="不能修改"):
        actions.save_value(cast.street, w["q1"], w["items"][0], by=cast.street_reporter, number=Decimal(9))
    Submission.objects.filter(pk=sub.pk).update(status=Status.DRAFT)
    with (time_machine.travel(datetime.datetime(2026, 5, 10, tzinfo=datetime.UTC), tick=False),
          pytest.raises(actions.Refused, match="截止填报")):
        actions.save_value(cast.street, w["q1"], w["items"][0], by=cast.street_reporter, number=Decimal(9))
    assert Value.objects.get(indicator=w["items"][0].indicator).number == Decimal(100)


def test_office_unlocks_one_value_and_the_history_counts_the_change(cast, w):
    sub = submitted(cast, w)
    actions.approve(sub, by=cast.street_reviewer)
    actions.verify(sub, by=cast.assessor, assessor=cast.tjj)
    actions.lock_due_submissions(datetime.date(2026, 4, 29))
    value = Value.objects.get(indicator=w["items"][0].indicator)
    with pytest.raises(actions.Refused, match="不能修改"):
        actions.save_value(cast.street, w["q1"], w["items"][0], by=cast.street_reporter, number=Decimal(120))
    with pytest.raises(actions.Refused, match="理由"):
        actions.unlock_value(value, by=cast.office, reason="")
    actions.unlock_value(value, by=cast.office, reason="统计局修订一季度数据")
    with time_machine.travel(datetime.datetime(2026, 6, 1, tzinfo=datetime.UTC), tick=False):
        with pytest.raises(actions.Refused, match="修改理由"):
            actions.save_value(cast.street, w["q1"], w["items"][0], by=cast.street_reporter, number=Decimal(120),
                               version=value.version)
        actions.save_value(cast.street, w["q1"], w["items"][0], by=cast.street_reporter, number=Decimal(120),
                           version=value.version, reason="按修订后的统计数据更正")
        # The other value stays locked.
        with pytest.raises(actions.Refused):
            actions.save_value(cast.street, w["q1"], w["items"][1], by=cast.street_reporter, number=Decimal(1))
    value.refresh_from_db()
    assert value.number == Decimal(120) and value.changes_since_approval == 1 and value.verified_at is None
    last = ValueRevision.objects.filter(value=value).first()
    assert (last.old_number, last.new_number, last.after_approval) == (Decimal(100), Decimal(120), True)
    assert last.reason == "按修订后的统计数据更正" and last.by == cast.street_reporter
    assert Event.objects.filter(code="value.changed_after_approval").exists()
    assert Event.objects.filter(code="value.unlocked").get().after["reason"] == "统计局修订一季度数据"
    actions.verify_value(value, by=cast.assessor, assessor=cast.tjj)
    value.refresh_from_db()
    assert value.verified_at is not None and not value.unlocked


def test_office_unlocks_a_whole_submission(cast, w):
    sub = submitted(cast, w)
    actions.approve(sub, by=cast.street_reviewer)
    actions.verify(sub, by=cast.assessor, assessor=cast.tjj)
    actions.lock_due_submissions(datetime.date(2026, 4, 29))
    actions.unlock_submission(sub, by=cast.office, reason="审计发现差错")
    sub.refresh_from_db()
    assert sub.status == Status.RETURNED and sub.reopened
    with time_machine.travel(datetime.datetime(2026, 6, 1, tzinfo=datetime.UTC), tick=False):
        v = actions.save_value(cast.street, w["q1"], w["items"][1], by=cast.street_reporter, number=Decimal(210),
                               version=1)
    assert v.changes_since_approval == 1
    assert Event.objects.filter(code="submission.unlocked").exists()


def test_outlier_needs_an_explanation_before_submit(cast, w):
    from jixiao.reporting.tests.builders import history

    history(cast, w, {2024: 100, 2025: 100})
    fill(cast, cast.street, w["q1"], w["items"], cast.street_reporter, numbers=["400", "100"])
    value = Value.objects.get(cycle=cast.cycle, indicator=w["items"][0].indicator)
    assert value.is_outlier
    sub = Submission.objects.get(cycle=cast.cycle)
    with pytest.raises(actions.Refused, match="异常说明"):
        actions.submit(sub, by=cast.street_reporter)
    actions.save_value(cast.street, w["q1"], w["items"][0], by=cast.street_reporter, number=Decimal(400),
                       explanation="新落地大项目集中投产", version=value.version)
    assert actions.submit(sub, by=cast.street_reporter).status == Status.SUBMITTED


def test_deadline_exception_makes_a_late_submission_on_time(cast, w):
    q1 = w["q1"]
    with time_machine.travel(datetime.datetime(2026, 4, 20, 2, tzinfo=datetime.UTC), tick=False):
        sub = submitted(cast, w)
        assert actions.is_late(sub)
    with pytest.raises(actions.Refused, match="理由"):
        actions.grant_exception(q1, cast.street, deadline=datetime.date(2026, 4, 25), reason="", by=cast.office)
    actions.grant_exception(q1, cast.street, deadline=datetime.date(2026, 4, 25), reason="防汛任务", by=cast.office)
    assert not actions.is_late(sub)
    assert Event.objects.get(code="period.exception_granted").after["reason"] == "防汛任务"
