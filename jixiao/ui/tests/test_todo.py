"""The to-do list on a unit's home page (待办事项), built from real rows of every app on the cast."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jixiao.analysis.tests.test_overview import NOVEMBER, TZ, key_tasks, open_campaign, published_2025
from jixiao.evaluation import actions as evaluation_actions
from jixiao.evaluation.models import Ballot, BallotStatus
from jixiao.keywork import actions as keywork_actions
from jixiao.keywork.tests import builders as keywork_builders
from jixiao.reporting import actions as reporting_actions
from jixiao.reporting.models import Period, Submission, Value
from jixiao.reporting.tests.builders import IN_Q1_WINDOW, fill
from jixiao.reporting.tests.builders import world as reporting_world
from jixiao.results.models import RectificationStatus
from jixiao.results.tests import builders as results_builders
from jixiao.scoring import actions as scoring
from jixiao.ui import todo
from tests.cast import grant, make_user

Q1_LATE = datetime.datetime(2026, 4, 20, 10, 0, tzinfo=TZ)  # Q1 was due on 10 April with 3 days' grace


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def build(user, at):
    from jixiao.accounts import access

    with time_machine.travel(at, tick=False):
        return todo.build(user, access.memberships(user)[0])


def q1_submitted(cast):
    """华明街道 fills Q1 and submits it in the window."""
    with time_machine.travel(IN_Q1_WINDOW, tick=False):
        w = reporting_world(cast)
        fill(cast, cast.street, w["q1"], w["items"], cast.street_reporter)
        sub = reporting_actions.submit(Submission.objects.get(unit=cast.street, period=w["q1"]),
                                       by=cast.street_reporter)
    return w, sub


# --- Reporting: the unit ---------------------------------------------------------------------------------


def test_nothing_to_report_before_the_first_period_opens(cast):
    reporting_world(cast)
    assert build(cast.street_reporter, datetime.datetime(2026, 3, 1, 9, 0, tzinfo=TZ))["reporting"] == []


def test_reporter_starts_an_open_period(cast):
    w = reporting_world(cast)
    data = build(cast.street_reporter, IN_Q1_WINDOW)
    [row] = data["reporting"]
    assert row.period == w["q1"] and row.state == "not_started" and row.action == "开始填报"
    assert (row.filled, row.due, row.late, row.closed) == (0, 2, False, False)
    assert row.url == f"/reporting/units/{cast.street.pk}/periods/{w['q1'].pk}/"
    assert data["count"] == 1


def test_a_period_of_units_the_user_does_not_belong_to_is_not_listed(cast):
    reporting_world(cast)
    assert build(cast.reporter, IN_Q1_WINDOW)["reporting"] == []  # 发改委 reports nothing in this scheme


def test_overdue_period_is_flagged_late_and_comes_first(cast):
    w = reporting_world(cast)
    with time_machine.travel(Q1_LATE, tick=False):
        [row] = todo.unit_reporting(cast.street, "reporter", Q1_LATE.date())
    assert row.period == w["q1"] and row.late and not row.near


def test_deadline_within_the_reminder_window_is_near(cast):
    w = reporting_world(cast)
    day = w["q1"].deadline - datetime.timedelta(days=2)
    [row] = todo.unit_reporting(cast.street, "reporter", day)
    assert row.near and not row.late


def test_submitted_period_waits_for_the_reviewer_who_has_it_to_do(cast):
    q1_submitted(cast)
    [mine] = build(cast.street_reporter, IN_Q1_WINDOW)["reporting"]
    assert mine.state == "submitted" and mine.action == "" and not mine.mine
    [theirs] = build(cast.street_reviewer, IN_Q1_WINDOW)["reporting"]
    assert theirs.action == "审核"
    assert build(cast.street_reviewer, IN_Q1_WINDOW)["count"] == 1
    assert build(cast.street_reporter, IN_Q1_WINDOW)["count"] == 0


def test_returned_submission_shows_the_reason(cast, login):
    _w, sub = q1_submitted(cast)
    with time_machine.travel(IN_Q1_WINDOW, tick=False):
        reporting_actions.return_submission(sub, by=cast.street_reviewer, reason="第二项数据口径有误", stage="review")
        [row] = todo.build(cast.street_reporter, cast.street_reporter.memberships.get())["reporting"]
        body = login(cast.street_reporter).get("/").content.decode()
    assert row.state == "returned" and row.action == "修改后重新报送"
    assert "第二项数据口径有误" in body and "修改后重新报送" in body


def test_verified_period_leaves_the_list(cast):
    _w, sub = q1_submitted(cast)
    with time_machine.travel(IN_Q1_WINDOW, tick=False):
        reporting_actions.approve(sub, by=cast.street_reviewer)
        reporting_actions.verify(sub, by=cast.assessor, assessor=cast.tjj)
    assert build(cast.street_reporter, IN_Q1_WINDOW)["reporting"] == []
    assert build(cast.assessor, IN_Q1_WINDOW)["verification"] == []


def test_a_period_closed_without_a_submission_stays_overdue_first_and_counted(cast, login):
    """Never submitted, entry window over: still 逾期, first in the list, and the reporter's to raise with the office
    (the list used to drop it the day after the verification deadline)."""
    w = reporting_world(cast)
    q2 = Period.objects.get(cycle=cast.cycle, code="Q2")
    after = datetime.datetime.combine(q2.deadline - datetime.timedelta(days=2), datetime.time(9), tzinfo=TZ)
    data = build(cast.street_reporter, after)
    first, second = data["reporting"]
    assert first.period == w["q1"] and first.late and first.closed and first.state == "not_started"
    assert first.action == "联系绩效办补报" and first.mine
    assert second.period == q2 and second.near and not second.late and second.action == "开始填报"
    assert data["count"] == 2
    with time_machine.travel(after, tick=False):
        body = login(cast.street_reporter).get("/").content.decode()
    row = body[body.index('data-testid="todo-period"'):]
    assert row.index('data-testid="overdue">逾期<') < row.index(str(q2))
    assert "如需补报或更正请联系绩效办解锁" in body


def test_a_reviewer_sees_the_missed_period_but_does_not_count_it(cast):
    w = reporting_world(cast)
    after = datetime.datetime.combine(w["q1"].verify_deadline + datetime.timedelta(days=1), datetime.time(9),
                                      tzinfo=TZ)
    data = build(cast.street_reviewer, after)
    [row] = data["reporting"]
    assert row.period == w["q1"] and row.late and not row.mine and data["count"] == 0


def test_a_period_submitted_then_closed_is_not_overdue(cast):
    w, _sub = q1_submitted(cast)
    after = datetime.datetime.combine(w["q1"].verify_deadline + datetime.timedelta(days=1), datetime.time(9),
                                      tzinfo=TZ)
    [row] = build(cast.street_reporter, after)["reporting"]
    assert row.period == w["q1"] and row.state == "submitted" and not row.late  # waits for its reviewer


def test_an_extension_keeps_a_missed_period_out_of_overdue(cast):
    w = reporting_world(cast)
    later = w["q1"].verify_deadline + datetime.timedelta(days=10)
    with time_machine.travel(IN_Q1_WINDOW, tick=False):
        reporting_actions.grant_exception(w["q1"], cast.street, deadline=later, reason="系统故障", by=cast.office)
    day = w["q1"].verify_deadline + datetime.timedelta(days=1)
    [row] = todo.unit_reporting(cast.street, "reporter", day)
    assert row.period == w["q1"] and not row.late and not row.closed and row.action == "开始填报"


# --- Reporting: the assessor unit ------------------------------------------------------------------------


def test_assessor_sees_approved_values_of_its_indicators_and_the_one_it_returned(cast, login):
    _w, sub = q1_submitted(cast)
    with time_machine.travel(IN_Q1_WINDOW, tick=False):
        reporting_actions.approve(sub, by=cast.street_reviewer)
        [row] = todo.build(cast.assessor, cast.assessor.memberships.get())["verification"]
        assert (row.values, row.submissions, row.returned, row.changed) == (2, 1, 0, 0) and row.mine
        value = Value.objects.filter(submission=sub).order_by("indicator__code").first()
        reporting_actions.return_value(value, by=cast.assessor, assessor=cast.tjj, reason="与统计快报不一致")
    [row] = build(cast.assessor, IN_Q1_WINDOW)["verification"]
    assert (row.values, row.returned) == (1, 1)
    assert row.url == f"/reporting/assessor/periods/{sub.period_id}/"
    # The value returned alone is the reporter's to do, with the assessor's reason.
    [mine] = build(cast.street_reporter, IN_Q1_WINDOW)["reporting"]
    assert mine.state == "approved" and mine.action == "更正退回的数值"
    assert [v.return_reason for v in mine.returned_values] == ["与统计快报不一致"]
    with time_machine.travel(IN_Q1_WINDOW, tick=False):
        body = login(cast.street_reporter).get("/").content.decode()
    assert "与统计快报不一致" in body and "考核责任单位退回 1 项数值" in body


def test_another_assessor_has_nothing_to_verify(cast):
    _w, sub = q1_submitted(cast)
    with time_machine.travel(IN_Q1_WINDOW, tick=False):
        reporting_actions.approve(sub, by=cast.street_reviewer)
    other = make_user("fgw_assessor")
    grant(other, cast.fgw, "assessor")
    assert build(other, IN_Q1_WINDOW)["verification"] == []


def test_assessor_late_after_the_verification_deadline(cast):
    _w, sub = q1_submitted(cast)
    with time_machine.travel(IN_Q1_WINDOW, tick=False):
        reporting_actions.approve(sub, by=cast.street_reviewer)
    later = datetime.datetime.combine(sub.period.verify_deadline + datetime.timedelta(days=1), datetime.time(9),
                                      tzinfo=TZ)
    [row] = build(cast.assessor, later)["verification"]
    assert row.late


# --- Key work -------------------------------------------------------------------------------------------


def test_tasks_without_this_quarters_report_and_standing_warnings(cast):
    made = key_tasks(cast)
    k = build(cast.street_reporter, NOVEMBER)["keywork"]
    assert k.period_code == "Q4"
    # Every unfinished task of the street lacks its Q4 report; the stalled and lagging ones first.
    assert [t.task for t in k.progress] == [made["lagging"], made["stalled"], *made["on_track"]]
    assert [w.task for w in k.warnings] == [made["stalled"], made["lagging"]]  # escalated first
    assert k.warnings[0].escalated and not k.warnings[1].escalated
    with time_machine.travel(NOVEMBER, tick=False):
        keywork_actions.report_progress(made["on_track"][0], unit=cast.street, by=cast.street_reporter,
                                        period_code="Q4", text="按计划推进", percent=90, milestone_met=True)
    assert made["on_track"][0] not in [t.task for t in build(cast.street_reporter, NOVEMBER)["keywork"].progress]


def test_tasks_of_another_unit_are_not_listed(cast):
    key_tasks(cast)
    k = build(cast.reporter, NOVEMBER)["keywork"]
    assert (k.progress, k.warnings, k.directives) == ([], [], [])


def test_directive_awaits_the_units_reply_then_the_supervisors_decision(cast):
    with time_machine.travel(NOVEMBER, tick=False):
        directive = keywork_actions.issue_directive(cycle=cast.cycle, unit=cast.street, subject="加快征迁进度",
                                                    requirement="十日内报送整改情况", deadline=datetime.date(2026, 11, 20),
                                                    by=cast.supervisor)
    assert [d.pk for d in build(cast.street_reporter, NOVEMBER)["keywork"].directives] == [directive.pk]
    assert build(cast.supervisor, NOVEMBER)["replies"] == []
    with time_machine.travel(NOVEMBER, tick=False):
        keywork_actions.reply_directive(directive, text="已完成征迁", by=cast.street_reporter)
    assert build(cast.street_reporter, NOVEMBER)["keywork"].directives == []
    assert [d.pk for d in build(cast.supervisor, NOVEMBER)["replies"]] == [directive.pk]


# --- Evaluation -----------------------------------------------------------------------------------------


def test_rater_has_the_open_campaign_to_finish_until_submitted(cast):
    campaign = open_campaign(cast)
    [b] = build(cast.rater, NOVEMBER)["ballots"]
    assert b.campaign == campaign and not b.started and b.url == f"/evaluation/rate/{campaign.pk}/"
    group = evaluation_actions.group_for(campaign, cast.rater.memberships.get())
    Ballot.objects.create(campaign=campaign, rater_group=group, user=cast.rater, rater_unit=cast.fgw,
                          status=BallotStatus.SUBMITTED)
    assert build(cast.rater, NOVEMBER)["ballots"] == []
    after = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=TZ)
    Ballot.objects.all().delete()
    assert build(cast.rater, after)["ballots"] == []  # closed for answers


def test_department_reads_new_comments_of_a_recently_closed_campaign(cast):
    campaign = open_campaign(cast)
    with time_machine.travel(NOVEMBER, tick=False):
        membership = cast.leader.memberships.get()
        ballot = evaluation_actions.get_ballot(campaign, cast.leader, membership)
        units = evaluation_actions.ballot_units(campaign, membership)
        values = {(u.pk, d.pk): (40 if u == cast.fgw else 80) for u in units for d in campaign.dimensions.all()}
        evaluation_actions.submit_ballot(ballot, values, {cast.fgw.pk: "审批时限偏长"}, by=cast.leader)
    assert build(cast.reporter, NOVEMBER)["feedback"] == []  # still open: nothing to read yet
    with time_machine.travel(datetime.datetime(2026, 12, 1, 9, 0, tzinfo=TZ), tick=False):
        evaluation_actions.close_campaign(campaign, by=cast.office)
    [f] = build(cast.reporter, datetime.datetime(2026, 12, 2, 9, 0, tzinfo=TZ))["feedback"]
    assert (f.campaign, f.comments, f.follow_ups) == (campaign, 1, campaign.dimensions.count())
    assert build(cast.reviewer, datetime.datetime(2026, 12, 2, 9, 0, tzinfo=TZ))["feedback"] == []  # 统计局: rated 满意
    later = datetime.datetime(2027, 3, 1, 9, 0, tzinfo=TZ)
    assert build(cast.reporter, later)["feedback"] == []  # older than FEEDBACK_NEW_DAYS


# --- Results --------------------------------------------------------------------------------------------


def test_rectification_items_overdue_first_and_reported_ones_counted_apart(cast):
    due_later = results_builders.rectification(cast, deadline=datetime.date(2026, 12, 31))
    overdue = results_builders.rectification(cast, deadline=datetime.date(2026, 6, 30),
                                             status=RectificationStatus.IN_PROGRESS)
    results_builders.rectification(cast, deadline=datetime.date(2026, 6, 30), status=RectificationStatus.CLOSED)
    results_builders.rectification(cast, deadline=datetime.date(2026, 6, 30), status=RectificationStatus.REPORTED)
    results_builders.rectification(cast, unit=cast.other_street, deadline=datetime.date(2026, 6, 30))
    r = build(cast.street_reporter, NOVEMBER)["rectifications"]
    assert r.items == [overdue, due_later] and (r.total, r.overdue, r.reported, r.rest) == (2, 1, 1, 0)
    assert r.items[0].overdue_now and not r.items[1].overdue_now
    assert r.url == "/results/rectifications/?cycle=2026"


def test_appeal_window_on_the_preliminary_result(cast):
    run = results_builders.scored(cast)
    assert build(cast.street_reporter, NOVEMBER)["appeals"] == []
    deadline = datetime.datetime(2027, 1, 20, 18, 0, tzinfo=TZ)
    at = datetime.datetime(2027, 1, 15, 9, 0, tzinfo=TZ)
    with time_machine.travel(at, tick=False):
        scoring.open_appeals(run, deadline, by=cast.office)
    [a] = build(cast.street_reporter, at)["appeals"]
    assert a.result.unit == cast.street and a.appeals == 0 and a.url == "/scoring/ours/"
    assert build(cast.street_reporter, deadline + datetime.timedelta(minutes=1))["appeals"] == []


def test_latest_published_result_of_the_unit(cast):
    assert build(cast.street_reporter, NOVEMBER)["latest"] is None
    published_2025(cast)
    data = build(cast.street_reporter, NOVEMBER)
    assert data["latest"].unit == cast.street and data["latest"].run.cycle.year == 2025
    assert data["latest_url"] == f"/results/units/{cast.street.pk}/"


# --- Roles ----------------------------------------------------------------------------------------------

PARTS = ["reporting", "verification", "keywork", "replies", "ballots", "feedback", "rectifications", "appeals"]


@pytest.mark.parametrize("who, shown", [
    ("street_reporter", {"reporting", "keywork", "feedback", "rectifications", "appeals"}),
    ("reviewer", {"reporting", "keywork", "feedback", "rectifications", "appeals"}),
    ("assessor", {"verification"}),
    ("supervisor", {"replies"}),
    ("rater", {"ballots"}),
])
def test_each_role_gets_only_the_parts_it_may_do(cast, who, shown):
    data = build(getattr(cast, who), NOVEMBER)
    assert {part for part in PARTS if data[part] is not None} == shown
    assert data["show_latest"] == (who in ("street_reporter", "reviewer", "assessor"))


def test_the_list_follows_the_membership_chosen_in_the_header(cast, login):
    q1_submitted(cast)
    both = make_user("both")
    grant(both, cast.fgw, "reporter")
    reviewing = grant(both, cast.street, "reviewer")
    with time_machine.travel(IN_Q1_WINDOW, tick=False):
        as_reporter = login(both).get("/").content.decode()
        as_reviewer = login(both, reviewing).get("/").content.decode()
    assert "华明街道" in as_reviewer and ">审核 <" in as_reviewer and 'data-testid="todo-count">1<' in as_reviewer
    assert ">审核 <" not in as_reporter and "区发展和改革委员会" in as_reporter


def test_empty_parts_say_so(cast, login):
    body = login(cast.street_reporter).get("/").content.decode()
    assert 'data-testid="todo-none"' in body and 'data-testid="todo-count"' not in body
    assert body.count("暂无待办") == 5  # the list, then reporting, key work, evaluation, results
    assert "本单位尚无已发布的考核结果" in body
    assert "本单位平台人员" in body and "下辖村/社区" in body  # the panels still follow


def test_page_lists_every_part_with_links(cast, login):
    key_tasks(cast)
    results_builders.rectification(cast, deadline=datetime.date(2026, 6, 30))
    published_2025(cast)
    with time_machine.travel(NOVEMBER, tick=False):
        body = login(cast.street_reporter).get("/").content.decode()
    assert 'data-testid="todo-count"' in body
    assert "报送进展" in body and "升级预警" in body and "制定措施" in body and "本单位历年结果" in body


# --- Query count ----------------------------------------------------------------------------------------


def load(cast, n: int):
    """A street with n indicators due, n tasks, n directives and n rectification items of each kind."""
    with time_machine.travel(IN_Q1_WINDOW, tick=False):
        w = reporting_world(cast, n_indicators=n)
        fill(cast, cast.street, w["q1"], w["items"], cast.street_reporter)
    q2 = Period.objects.get(cycle=cast.cycle, code="Q2")
    with time_machine.travel(datetime.datetime(2026, 7, 2, 10, 0, tzinfo=TZ), tick=False):
        fill(cast, cast.street, q2, w["items"], cast.street_reporter)
        sub = reporting_actions.submit(Submission.objects.get(unit=cast.street, period=q2), by=cast.street_reporter)
        reporting_actions.approve(sub, by=cast.street_reviewer)
        for value in Value.objects.filter(submission=sub)[: n // 2]:
            reporting_actions.return_value(value, by=cast.assessor, assessor=cast.tjj, reason="请核对")
    with time_machine.travel(datetime.datetime(2026, 7, 3, 10, 0, tzinfo=TZ), tick=False):
        for i in range(n):
            task = keywork_builders.task(cast, code=f"ZQ-{i:03d}")
            keywork_actions.issue_directive(cycle=cast.cycle, unit=cast.street, task=task, subject=f"督办{i}",
                                            requirement="按期完成", deadline=datetime.date(2026, 7, 10),
                                            by=cast.supervisor)
    for status in (RectificationStatus.OPEN, RectificationStatus.IN_PROGRESS, RectificationStatus.REPORTED):
        for _ in range(n):
            results_builders.rectification(cast, deadline=datetime.date(2026, 6, 30), status=status)
    published_2025(cast)


def page_queries(client, at) -> int:
    with time_machine.travel(at, tick=False), CaptureQueriesContext(connection) as ctx:
        response = client.get("/")
    assert response.status_code == 200
    return len(ctx.captured_queries)


MAX_QUERIES = 32  # the street reporter's whole home page; measured at 28 with 2 and with 10 of everything


@pytest.mark.parametrize("n", [2, 10])
def test_query_count_does_not_grow_with_indicators_tasks_or_items(cast, login, django_assert_max_num_queries, n):
    load(cast, n)
    at = datetime.datetime(2026, 7, 5, 10, 0, tzinfo=TZ)  # Q2 in its window: values returned, Q1 not verified
    client = login(cast.street_reporter)
    data = build(cast.street_reporter, at)
    assert len(data["keywork"].progress) == n and len(data["keywork"].directives) == n
    assert data["rectifications"].total == 2 * n and data["rectifications"].reported == n
    assert sum(len(r.returned_values) for r in data["reporting"]) == n // 2
    with time_machine.travel(at, tick=False), django_assert_max_num_queries(MAX_QUERIES):
        assert client.get("/").status_code == 200


def test_query_count_is_the_same_for_two_sizes(cast, login):
    load(cast, 2)
    at = datetime.datetime(2026, 7, 5, 10, 0, tzinfo=TZ)
    client = login(cast.street_reporter)
    before = page_queries(client, at)
    with time_machine.travel(datetime.datetime(2026, 7, 3, 10, 0, tzinfo=TZ), tick=False):
        for i in range(10):
            keywork_builders.task(cast, code=f"ZR-{i:03d}")
    for _ in range(10):
        results_builders.rectification(cast, deadline=datetime.date(2026, 6, 30))
    assert page_queries(client, at) == before
