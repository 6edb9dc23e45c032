"""The overview on the leader's and the office's home page, built from real rows of every app on the cast."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jixiao.accounts.roles import Role
from jixiao.analysis import overview
from jixiao.evaluation import actions as evaluation_actions
from jixiao.evaluation.models import RaterKind, Scale
from jixiao.indicators.models import GRADE_ORDER, Target, VetoCondition
from jixiao.indicators.tests import builders as indicator_builders
from jixiao.keywork import actions as keywork_actions
from jixiao.keywork.models import TaskStatus
from jixiao.keywork.tests import builders as keywork_builders
from jixiao.org.models import CycleStatus, Unit, UnitKind
from jixiao.reporting import actions as reporting_actions
from jixiao.reporting import queries as reporting_queries
from jixiao.reporting.models import Period, Submission
from jixiao.reporting.tests.builders import IN_Q1_WINDOW, fill
from jixiao.reporting.tests.builders import world as reporting_world
from jixiao.results.models import RectificationStatus
from jixiao.results.tests import builders as results_builders
from jixiao.scoring import actions as scoring
from jixiao.scoring.tests.world import scheme_world
from tests.cast import grant, make_user

TZ = ZoneInfo("Asia/Shanghai")
# Q1 2026 is due on 10 April with 3 days' grace; the overview is read in November.
NOVEMBER = datetime.datetime(2026, 11, 10, 10, 0, tzinfo=TZ)
DAY = NOVEMBER.date()


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def report_q1(cast):
    """华明街道 reports Q1 on time and is verified; 金桥街道 never reports."""
    with time_machine.travel(IN_Q1_WINDOW, tick=False):
        w = reporting_world(cast)
        fill(cast, cast.street, w["q1"], w["items"], cast.street_reporter)
        sub = reporting_actions.submit(Submission.objects.get(unit=cast.street, period=w["q1"]),
                                       by=cast.street_reporter)
        reporting_actions.approve(sub, by=cast.street_reviewer)
        reporting_actions.verify(sub, by=cast.assessor, assessor=cast.tjj)
    return w


def key_tasks(cast, prefix="ZD", n_on_track=1):
    """Tasks judged in November: one done, `n_on_track` on track, one lagging, one stalled; Q3 warnings raised."""
    made = {}
    with time_machine.travel(NOVEMBER, tick=False):
        for status in ("done", "lagging", "stalled"):
            made[status] = keywork_builders.task(cast, code=f"{prefix}-{status}")
        made["on_track"] = [keywork_builders.task(cast, code=f"{prefix}-ok{i:03d}") for i in range(n_on_track)]
        done, lagging = made["done"], made["lagging"]
        for code in ("Q1", "Q2", "Q3"):
            for task in made["on_track"]:
                keywork_actions.report_progress(task, unit=cast.street, by=cast.street_reporter, period_code=code,
                                                text="按计划推进", percent=25 * int(code[1]), milestone_met=True)
        keywork_actions.report_progress(done, unit=cast.street, by=cast.street_reporter, period_code="Q1",
                                        text="提前完成", percent=100)
        for code in ("Q1", "Q2"):
            keywork_actions.report_progress(lagging, unit=cast.street, by=cast.street_reporter, period_code=code,
                                            text="推进中", percent=30 * int(code[1]), milestone_met=True)
        keywork_actions.raise_warnings(cast.cycle, "Q3")
    return made


def published_2025(cast, *, extra_units=()):
    """A 2025 scheme scored, final and published, with one vetoed unit (金桥街道)."""
    cycle = indicator_builders.cycle(2025, status=CycleStatus.SCORING)
    scheme = scheme_world(cast, cycle=cycle, extra_units=extra_units)
    at = datetime.datetime(2026, 1, 10, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(at, tick=False):
        scoring.flag_veto(cycle=cycle, unit=cast.other_street, condition=VetoCondition.objects.get(scheme=scheme),
                          reason="发生较大安全生产事故", by=cast.office)
        run = scoring.compute(scheme, "preliminary", by=cast.office, now=at)
        scoring.open_appeals(run, at + datetime.timedelta(days=1), by=cast.office)
    later = at + datetime.timedelta(days=2)
    with time_machine.travel(later, tick=False):
        final = scoring.compute(scheme, "final", by=cast.office, now=later)
        results_builders.approve(final, cast.office, now=later)
        return scoring.publish(final, by=cast.office, now=later)


def open_campaign(cast):
    with time_machine.travel(NOVEMBER, tick=False):
        campaign = evaluation_actions.create_campaign(
            cycle=cast.cycle, assessing_unit=cast.district, name="2026年度综合评议",
            opens_at=datetime.datetime(2026, 11, 1, 9, 0, tzinfo=TZ), closes_at=datetime.datetime(2026, 11, 30, 18, 0, tzinfo=TZ),
            scale_kind=Scale.FIVE_LEVEL, by=cast.office)
        campaign = evaluation_actions.open_campaign(campaign, by=cast.office)
        evaluation_actions.issue_codes(campaign, campaign.groups.get(kind=RaterKind.PUBLIC), size=4, unit=None,
                                       by=cast.office)
    return campaign


def rectifications(cast):
    results_builders.rectification(cast, deadline=datetime.date(2026, 12, 31))  # open, not yet due
    results_builders.rectification(cast, deadline=datetime.date(2026, 6, 30))  # overdue
    results_builders.rectification(cast, deadline=datetime.date(2026, 6, 30),  # overdue, but closed: not counted
                                   status=RectificationStatus.CLOSED)


# --- Builders -----------------------------------------------------------------------------------------


def test_reporting_counts_the_latest_due_period_by_state(cast):
    w = report_q1(cast)
    rows = overview.reporting_progress(cast.cycle, datetime.date(2026, 4, 20))
    assert [r.period.code for r in rows] == ["Q1"]
    q1 = rows[0]
    assert q1.period == w["q1"] and not q1.near
    assert (q1.total, q1.verified, q1.awaiting, q1.returned, q1.not_started) == (2, 1, 0, 0, 1)
    assert q1.late == 1 and q1.on_time == 1 and q1.on_time_rate == 50.0
    assert [s["label"] for s in q1.segments] == ["已核定", "未开始"]


def test_reporting_shows_a_period_due_within_the_reminder_window(cast):
    report_q1(cast)
    q2 = Period.objects.get(cycle=cast.cycle, code="Q2")
    rows = overview.reporting_progress(cast.cycle, q2.deadline - datetime.timedelta(days=2))
    assert [r.period.code for r in rows] == ["Q1", "Q2"]  # Q1 stays: 金桥街道 never reported it
    assert rows[1].near and rows[1].late == 0 and rows[1].not_started == 2


def test_a_period_closed_without_a_submission_stays_on_the_dashboard(cast):
    """The next period's deadline used to push a missed one off the dashboard; it stays, counted as 逾期."""
    report_q1(cast)
    q3 = Period.objects.get(cycle=cast.cycle, code="Q3")
    day = q3.deadline + datetime.timedelta(days=20)  # Q1 and Q2 long closed, Q3 closed too
    q1, q2, q3_row = overview.reporting_progress(cast.cycle, day)
    assert (q1.period.code, q1.late, q1.overdue, q1.not_started, q1.verified) == ("Q1", 1, 1, 1, 1)
    assert (q2.period.code, q2.late, q2.overdue, q2.near) == ("Q2", 2, 2, False)  # missed by both streets
    assert (q3_row.period.code, q3_row.late, q3_row.overdue) == ("Q3", 2, 2)


def test_a_missed_period_leaves_the_dashboard_once_reported(cast):
    """The office grants 金桥街道 a later deadline (延期) and it reports Q1: nothing of Q1 is overdue any more."""
    w = report_q1(cast)
    q2 = Period.objects.get(cycle=cast.cycle, code="Q2")
    late = datetime.datetime.combine(q2.deadline - datetime.timedelta(days=20), datetime.time(9), tzinfo=TZ)
    reporter = make_user("jq_reporter")
    grant(reporter, cast.other_street, Role.REPORTER)
    with time_machine.travel(late, tick=False):
        reporting_actions.grant_exception(w["q1"], cast.other_street, deadline=late.date(), reason="补报",
                                          by=cast.office)
        fill(cast, cast.other_street, w["q1"], w["items"], reporter)
        reporting_actions.submit(Submission.objects.get(unit=cast.other_street, period=w["q1"]), by=reporter)
    rows = overview.reporting_progress(cast.cycle, q2.deadline - datetime.timedelta(days=2))
    assert [r.period.code for r in rows] == ["Q2"]


def test_the_boards_read_together_equal_the_board_of_each_period(cast):
    """`overview.boards` builds the board's rows itself (to read every period at once): it must not drift from
    `reporting.queries.board` — a partly filled draft, a 延期, a missed and an on-time period included."""
    w = report_q1(cast)
    reporter = make_reporter(cast)
    q2 = Period.objects.get(cycle=cast.cycle, code="Q2")
    reporting_actions.grant_exception(q2, cast.other_street, deadline=q2.deadline + datetime.timedelta(days=30),
                                      reason="延期", by=cast.office)
    at = datetime.datetime.combine(q2.deadline - datetime.timedelta(days=5), datetime.time(10), tzinfo=TZ)
    with time_machine.travel(at, tick=False):
        fill(cast, cast.other_street, q2, w["items"][:1], reporter)  # a draft, partly filled
    more_units(cast, 2)
    day = q2.deadline + datetime.timedelta(days=20)
    shown = overview.periods_to_show(cast.cycle, day)
    assert [p.code for p, _due in shown] == ["Q1", "Q2"]
    together = overview.boards(shown, day)
    for period, due in shown:
        assert together[period.pk] == reporting_queries.board(period, day=day, due=due)
    states = {r.unit.pk: (r.state, r.late) for r in together[q2.pk]}
    assert states[cast.other_street.pk] == ("draft", False)  # its 延期 runs on


def test_reporting_is_empty_before_any_deadline(cast):
    report_q1(cast)
    assert overview.reporting_progress(cast.cycle, datetime.date(2026, 4, 1)) == []


def test_keywork_counts_derived_statuses_and_standing_warnings(cast):
    made = key_tasks(cast)
    with time_machine.travel(NOVEMBER, tick=False):
        k = overview.keywork_progress(cast.cycle)
    counts = {c["status"]: c["count"] for c in k.counts}
    assert counts == {TaskStatus.DONE: 1, TaskStatus.ON_TRACK: 1, TaskStatus.LAGGING: 1, TaskStatus.STALLED: 1}
    assert k.total == 4
    assert [r.task for r in k.attention] == [made["stalled"], made["lagging"]]
    assert k.open_warnings == 2 and k.escalated == 1  # the stalled task missed three milestones in a row
    assert k.latest_warning_period == "第三季度"


def test_a_warning_no_longer_stands_once_the_task_catches_up(cast):
    made = key_tasks(cast)
    with time_machine.travel(NOVEMBER, tick=False):
        keywork_actions.report_progress(made["lagging"], unit=cast.street, by=cast.street_reporter,
                                        period_code="Q3", text="已追上", percent=80, milestone_met=True)
        k = overview.keywork_progress(cast.cycle)
    assert k.open_warnings == 1


def test_evaluation_shows_the_open_campaign_response_rates(cast):
    campaign = open_campaign(cast)
    e = overview.evaluation_progress(cast.cycle)
    assert e.campaign == campaign
    public = next(r for r in e.rates if r.group.kind == RaterKind.PUBLIC)
    assert (public.invited, public.answered, public.rate, public.bar, public.over) == (4, 0, 0.0, 0.0, False)
    assert e.url == f"/evaluation/{campaign.pk}/monitor/"


def test_evaluation_is_none_without_a_campaign(cast):
    assert overview.evaluation_progress(cast.cycle) is None


def test_rectification_counts_unfinished_and_overdue_by_cycle(cast):
    rectifications(cast)
    r = overview.rectification_progress(DAY)
    assert (r.unfinished, r.overdue) == (2, 1)
    assert r.by_year == [{"year": 2026, "unfinished": 2, "overdue": 1, "url": "/results/rectifications/?cycle=2026",
                          "overdue_url": "/results/rectifications/?cycle=2026&status=overdue"}]


def test_latest_results_come_from_published_runs_only(cast):
    assert overview.latest_results(cast.leader) is None
    published_2025(cast)
    res = overview.latest_results(cast.leader)
    assert res.cycle.year == 2025
    groups = {g.name: g for g in res.groups}
    assert set(groups) == {"涉农街道", "委办局"}
    streets = groups["涉农街道"]
    assert [r.unit for r in streets.top] == [cast.street, cast.other_street]
    assert [r.unit for r in streets.vetoed] == [cast.other_street]
    assert sum(c["count"] for c in streets.grades) == streets.size == 2
    # The chart: one bar per group (drawn bottom-up), one series per grade, shares adding up to 100 %.
    assert res.chart["yAxis"]["data"] == [g.name for g in reversed(res.groups)]
    at = res.chart["yAxis"]["data"].index("涉农街道")
    shares = [s["data"][at]["value"] or 0 for s in res.chart["series"]]
    assert sum(shares) == pytest.approx(100)
    assert res.url == "/results/publication/?cycle=2025"


def test_the_grade_chart_names_every_group_whole():
    """Long group names are not cut to a fixed width: charts.js wraps them within the chart box."""
    long_name = "产业园区及功能区管理委员会（含新设立的两个园区）"
    groups = [overview.GroupResult(name=name, scheme="方案", size=4, top=[], vetoed=[],
                                   grades=[{"grade": g, "label": "", "count": 1} for g in GRADE_ORDER])
              for name in ("委办局", long_name)]
    axis = overview.grade_chart(groups)["yAxis"]
    assert axis["data"] == [long_name, "委办局"]  # drawn bottom-up
    assert "overflow" not in axis["axisLabel"] and "width" not in axis["axisLabel"]
    assert axis["axisLabel"]["interval"] == 0  # every group labelled, none skipped


def test_an_unpublished_run_is_not_shown_as_the_latest_result(cast):
    published_2025(cast)
    scheme = scheme_world(cast)  # 2026, scored but not published
    with time_machine.travel(datetime.datetime(2027, 1, 10, 9, 0, tzinfo=datetime.UTC), tick=False):
        scoring.compute(scheme, "preliminary", by=cast.office)
    assert overview.latest_results(cast.leader).cycle.year == 2025


def test_build_leaves_out_what_the_role_may_not_see(cast):
    key_tasks(cast)
    published_2025(cast)
    data = overview.build(cast.supervisor, DAY)  # the 督查室 follows key work only
    assert data["show"] == {"reporting": False, "keywork": True, "evaluation": False, "rectification": False,
                            "results": False}
    assert data["reporting"] is None and data["results"] is None and data["rectification"] is None
    assert data["keywork"].total == 4


# --- The page -----------------------------------------------------------------------------------------


def everything(cast):
    report_q1(cast)
    key_tasks(cast)
    open_campaign(cast)
    rectifications(cast)
    published_2025(cast)


@pytest.mark.parametrize("who", ["leader", "office"])
def test_home_leads_with_the_overview(cast, login, who):
    everything(cast)
    with time_machine.travel(NOVEMBER, tick=False):
        response = login(getattr(cast, who)).get("/")
    assert response.status_code == 200
    body = response.content.decode()
    assert body.index("本年度进度") < body.index("最近一次考核结果") < body.index("基本情况")
    for testid in ("overview-reporting", "overview-keywork", "overview-evaluation", "overview-rectification",
                   "overview-results"):
        assert f'data-testid="{testid}"' in body
    assert "重点工作ZD-stalled" in body and "一票否决" in body
    assert 'data-option-id="grade-chart"' in body and 'id="grade-chart"' in body
    assert ("最近业务动态" in body) == (who == "office")


def test_empty_year_explains_itself(cast, login):
    body = login(cast.leader).get("/").content.decode()
    assert "本年度尚无已过截止日期的报送期" in body
    assert "本年度尚未下达重点工作" in body
    assert "本年度尚未建立评议活动" in body
    assert "没有未销号的整改事项" in body
    assert "尚无已发布的考核结果" in body


def test_leader_sees_no_reported_figure(cast, login):
    """The leader's rule in reporting is "verified figures only": the overview shows states, never a figure."""
    w = report_q1(cast)
    with time_machine.travel(IN_Q1_WINDOW, tick=False):
        fill(cast, cast.other_street, w["q1"], w["items"], make_reporter(cast), numbers=["98765.4321", "1234567"])
    body = login(cast.leader).get("/").content.decode()
    assert "98765" not in body and "1234567" not in body


def make_reporter(cast):
    user = make_user("other_reporter")
    grant(user, cast.other_street, Role.REPORTER)
    return user


# --- Query count ----------------------------------------------------------------------------------------

MAX_QUERIES = 44  # the whole home page of a leader, however many missed periods are listed (+1: reviews awaiting the committee)


def more_units(cast, n: int) -> list[Unit]:
    """n more streets, all due in the reporting group (each with the targets of its indicators)."""
    units = [Unit.objects.create(code=f"S9{i:02d}", name=f"新增街道{i}", kind=UnitKind.STREET, parent=cast.district)
             for i in range(n)]
    items = cast._reporting_world["items"]
    items[0].group.units.add(*units)
    Target.objects.bulk_create([Target(cycle=cast.cycle, unit=unit, indicator_id=item.indicator_id,
                                       target_value=Decimal(1000)) for unit in units for item in items])
    return units


def grow(cast, n: int):
    """n more units due in Q1, n more tasks on track, n more overdue rectification items."""
    more_units(cast, n)
    key_tasks(cast, prefix=f"ZX{n}", n_on_track=n)
    for _ in range(n):
        results_builders.rectification(cast, deadline=datetime.date(2026, 6, 30))


def home_queries(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/").status_code == 200
    return len(ctx.captured_queries)


def test_home_query_count_does_not_grow_with_units_or_tasks(cast, login):
    everything(cast)
    with time_machine.travel(NOVEMBER, tick=False):
        client = login(cast.leader)
        before = home_queries(client)
    grow(cast, 15)
    with time_machine.travel(NOVEMBER, tick=False):
        body = client.get("/").content.decode()
        assert "新增街道" not in body  # counted, not listed
        assert "应报" in body
        assert home_queries(client) == before


@pytest.mark.parametrize("extra", [0, 20])
def test_home_query_count_is_bounded(cast, login, django_assert_max_num_queries, extra):
    report_q1(cast)
    units = more_units(cast, extra)
    key_tasks(cast, n_on_track=1 + extra)
    open_campaign(cast)
    rectifications(cast)
    published_2025(cast, extra_units=units)
    with time_machine.travel(NOVEMBER, tick=False):
        client = login(cast.leader)
        # Q1 (金桥街道) and Q2 (both streets) were never submitted: listed and counted beside Q3, their boards read
        # together with Q3's.
        with django_assert_max_num_queries(MAX_QUERIES):
            assert client.get("/").status_code == 200


def report_on_time(cast, unit, reporter, codes=("Q1", "Q2", "Q3")):
    """`unit` reports each period in `codes` five days before its deadline."""
    w = reporting_world(cast)
    for code in codes:
        period = Period.objects.get(cycle=cast.cycle, code=code)
        at = datetime.datetime.combine(period.deadline - datetime.timedelta(days=5), datetime.time(10), tzinfo=TZ)
        with time_machine.travel(at, tick=False):
            fill(cast, unit, period, w["items"], reporter)
            reporting_actions.submit(Submission.objects.get(unit=unit, period=period), by=reporter)


@pytest.mark.parametrize("who", ["leader", "office"])
def test_home_query_count_does_not_grow_with_the_periods_listed(cast, login, who):
    """Both streets report Q1–Q3 on time, so November lists Q3 alone; then three new streets never report, so Q1
    and Q2 are listed beside it (逾期). The periods' boards are read together: the same number of queries."""
    report_on_time(cast, cast.street, cast.street_reporter)
    report_on_time(cast, cast.other_street, make_reporter(cast))
    with time_machine.travel(NOVEMBER, tick=False):
        client = login(getattr(cast, who))
        assert [r.period.code for r in overview.reporting_progress(cast.cycle, DAY)] == ["Q3"]
        before = home_queries(client)
    more_units(cast, 3)
    with time_machine.travel(NOVEMBER, tick=False):
        rows = overview.reporting_progress(cast.cycle, DAY)
        assert [(r.period.code, r.total, r.overdue) for r in rows] == [("Q1", 5, 3), ("Q2", 5, 3), ("Q3", 5, 3)]
        assert home_queries(client) == before
