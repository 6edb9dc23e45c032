"""What is due and the one rule for 逾期: a period that closed without a submission is overdue on every page."""

import datetime

import time_machine
from django.urls import reverse

from jixiao.reporting import actions, due
from jixiao.reporting.models import DeadlineException, Submission
from jixiao.reporting.tests.builders import fill, world

AFTER_Q1_CLOSED = datetime.datetime(2026, 4, 20, 10, 0, tzinfo=datetime.UTC)  # Q1: due 04-10, 3 days' grace


def test_a_period_is_overdue_only_once_closed_and_only_without_a_submission(cast):
    w = world(cast)
    q1 = w["q1"]
    assert not due.is_overdue(q1, None, day=datetime.date(2026, 4, 13))  # the last day of grace
    assert due.is_overdue(q1, None, day=datetime.date(2026, 4, 14))
    draft = Submission(unit=cast.street, period=q1, cycle=cast.cycle)
    assert due.is_overdue(q1, draft, day=datetime.date(2026, 4, 14))
    draft.first_submitted_at = datetime.datetime(2026, 4, 15, tzinfo=datetime.UTC)  # late, but no longer overdue
    assert not due.is_overdue(q1, draft, day=datetime.date(2026, 4, 20))
    granted = DeadlineException(period=q1, unit=cast.street, deadline=datetime.date(2026, 4, 30), reason="机构调整")
    assert not due.is_overdue(q1, None, granted, day=datetime.date(2026, 4, 20))


def test_the_units_reporting_page_shows_a_missed_period_as_overdue_not_as_not_started(cast, login):
    w = world(cast)
    with time_machine.travel(AFTER_Q1_CLOSED, tick=False):
        page = login(cast.street_reporter).get(reverse("reporting:home") + "?cycle=2026").content.decode()
    q1_row = next(row for row in page.split("<tr>") if str(w["q1"]) in row)
    assert "逾期" in q1_row and "text-bg-danger" in q1_row and "未开始" not in q1_row


def test_a_draft_left_past_the_deadline_is_overdue_on_the_reporting_page(cast, login):
    w = world(cast)
    with time_machine.travel(datetime.datetime(2026, 4, 2, tzinfo=datetime.UTC), tick=False):
        fill(cast, cast.street, w["q1"], w["items"], cast.street_reporter)
    with time_machine.travel(AFTER_Q1_CLOSED, tick=False):
        page = login(cast.street_reporter).get(reverse("reporting:home") + "?cycle=2026").content.decode()
        assert actions.is_late(Submission.objects.get())
    q1_row = next(row for row in page.split("<tr>") if str(w["q1"]) in row)
    assert "逾期" in q1_row and "填报中" in q1_row


def test_the_entry_page_of_a_missed_period_says_overdue_not_not_started(cast, login):
    w = world(cast)
    with time_machine.travel(AFTER_Q1_CLOSED, tick=False):
        page = login(cast.street_reporter).get(reverse("reporting:entry", args=[cast.street.pk, w["q1"].pk]))
    status = page.content.decode().split('data-testid="status">', 1)[1].split("<", 1)[0]
    assert status == "逾期"
