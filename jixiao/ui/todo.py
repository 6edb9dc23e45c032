"""The to-do list (待办事项) that leads a unit's home page: what the active membership has to do now.

Read-only. Each part reuses the owning app's rules (`reporting.due` for what is due and when a period is
overdue, `reporting.actions` for deadlines and the entry window, `keywork.board` for a task's derived status,
`evaluation.actions.group_for` for who rates, the rectification queryset, the scoring run statuses) and reads in a
fixed number of queries whatever the number of the unit's indicators, tasks, directives or rectification items.
The reporting part costs one query per kind of period (month, quarter, half, year) open for the unit.

Only what the role may do is built (`access.can`); a part the role may not do is None, an empty part is [].
"""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from jixiao.accounts import access
from jixiao.accounts.roles import Role
from jixiao.analysis.overview import running_cycle
from jixiao.analysis.pace_queries import behind_for_unit as pace_behind
from jixiao.evaluation import actions as evaluation_actions
from jixiao.evaluation.models import Ballot, BallotStatus, Campaign, CampaignStatus, Comment, FollowUp
from jixiao.keywork import board as keywork_board
from jixiao.keywork import periods as keywork_periods
from jixiao.keywork.models import Directive, DirectiveStatus, KeyTask, TaskStatus, Warning, WarningLevel
from jixiao.org.models import CycleStatus
from jixiao.reporting import actions as reporting_actions
from jixiao.reporting import due as reporting_due
from jixiao.reporting.models import DONE, DeadlineException, Period, Status, Submission, Value
from jixiao.reporting.queries import STATES
from jixiao.reporting.reminders import DAYS_BEFORE
from jixiao.results.models import Rectification, RectificationStatus
from jixiao.scoring.models import Appeal, RunStatus, ScoreResult

# Cycles whose periods may still call for work: periods of a published or archived year are history.
ACTIVE_CYCLES = (CycleStatus.RUNNING, CycleStatus.SCORING)
# Nothing records that a department has read its comments; those of a campaign closed this recently count as new.
FEEDBACK_NEW_DAYS = 60
LIST_LIMIT = 8  # items named per list; the rest are counted and reached through the list page


# --- Reporting: the unit's periods --------------------------------------------------------------------


@dataclass
class PeriodTodo:
    """One period open for the unit: its state, deadline, and what the active role has to do in it."""

    period: Period
    state: str  # a key of reporting.queries.STATES
    submission: Submission | None
    deadline: datetime.date
    late: bool  # not yet submitted and past the deadline plus grace
    near: bool  # the deadline falls within the reminder window
    closed: bool  # past the last day of entry and not unlocked: only the office can reopen it
    filled: int
    due: int
    returned_values: list = field(default_factory=list)  # values the assessor returned alone
    action: str = ""  # what the role does now; empty when the unit waits for someone else
    url: str = ""

    @property
    def state_label(self) -> str:
        return STATES[self.state]

    @property
    def editable_but_closed(self) -> bool:
        """The unit would still have to enter or correct, but the entry window is over."""
        return self.closed and not self.returned_values and self.state in ("not_started", Status.DRAFT,
                                                                          Status.RETURNED)

    @property
    def mine(self) -> bool:
        return bool(self.action)


def open_periods(unit, day: datetime.date) -> list[Period]:
    """Periods inside their window (opened, not past the verification deadline or the unit's later deadline), older
    ones in which the unit's submission still moves (returned, awaiting review or verification), and every period
    of an active cycle past its deadline that the unit never submitted: one it was due in is overdue (逾期) until
    the office reopens it, however long ago it closed."""
    window = Q(opens_on__lte=day) & (Q(verify_deadline__gte=day) | Q(exceptions__unit=unit,
                                                                    exceptions__deadline__gte=day))
    moving = Q(submissions__unit=unit, submissions__status__in=[Status.RETURNED, Status.SUBMITTED, Status.APPROVED])
    submitted = Submission.objects.filter(unit=unit, first_submitted_at__isnull=False).values("period_id")
    missed = Q(deadline__lt=day) & ~Q(pk__in=submitted)
    return list(Period.objects.filter(window | moving | missed, cycle__status__in=ACTIVE_CYCLES)
                .select_related("cycle").distinct().order_by("deadline", "ends_on", "kind"))


def reporting_action(role: str, state: str, returned_values: list, closed: bool, overdue: bool = False) -> str:
    """What the role does now in a period; a period that closed overdue is the reporter's to raise with the office."""
    if role == Role.REVIEWER:
        return "审核" if state == Status.SUBMITTED else ""
    if role != Role.REPORTER:
        return ""
    if returned_values:
        return "更正退回的数值"
    if closed:
        return "联系绩效办补报" if overdue else ""
    return {"not_started": "开始填报", Status.DRAFT: "继续填报", Status.RETURNED: "修改后重新报送"}.get(state, "")


def unit_reporting(unit, role: str, day: datetime.date) -> list[PeriodTodo]:
    """The unit's open periods with its state in each, what the role does first, late ones before the rest.

    What is due depends only on a period's cycle and kind (`reporting.due`), so it is read once per kind: the
    queries stay a handful however many months the unit missed."""
    periods = open_periods(unit, day)
    subs = {s.period_id: s for s in Submission.objects.filter(unit=unit, period__in=periods)
            .select_related("returned_by")}
    filled = Counter(Value.objects.filter(submission__in=list(subs.values())).exclude(number__isnull=True, text="")
                     .values_list("submission__period_id", flat=True))
    period_of = {s.pk: s.period_id for s in subs.values()}
    returned = defaultdict(list)
    for value in (Value.objects.filter(submission__in=list(subs.values()), returned_at__isnull=False,
                                       verified_at__isnull=True).select_related("indicator")
                  .order_by("indicator__sort_order", "indicator__code")):
        returned[period_of[value.submission_id]].append(value)
    exceptions = {x.period_id: x for x in DeadlineException.objects.filter(unit=unit, period__in=periods)}
    rows, due_of_kind = [], {}
    for period in periods:
        key = (period.cycle_id, period.kind)
        if key not in due_of_kind:
            due_of_kind[key] = len(reporting_due.items_for_unit(period, unit))
        due = due_of_kind[key]
        if not due:
            continue
        rows.append(period_row(period, subs.get(period.pk), exceptions.get(period.pk), due, filled[period.pk],
                               returned[period.pk], role, day, unit))
    rows = [r for r in rows if r is not None]
    return sorted(rows, key=lambda r: (not r.mine, not r.late, r.deadline, r.period.ends_on))


def period_row(period, sub, exception, due, filled, returned_values, role, day, unit) -> PeriodTodo | None:
    state = sub.status if sub is not None else "not_started"
    if state == Status.DRAFT and not filled:
        state = "not_started"
    if state in DONE:
        return None  # verified: nothing left for the unit (an unlocked value reaches it by notice)
    deadline = reporting_actions.deadline_for(period, exception)
    closed = reporting_actions.entry_closed(sub, period, exception, day)
    late = reporting_due.is_overdue(period, sub, exception, day)
    return PeriodTodo(period=period, state=state, submission=sub, deadline=deadline, late=late,
                      near=not late and 0 <= (deadline - day).days <= DAYS_BEFORE, closed=closed,
                      filled=filled, due=due, returned_values=returned_values,
                      action=reporting_action(role, state, returned_values, closed, late),
                      url=reverse("reporting:entry", args=[unit.pk, period.pk]))


# --- Reporting: the assessor unit's verification --------------------------------------------------------


@dataclass
class VerifyTodo:
    """Per period, the values of the assessor's indicators waiting for it (as its verification page counts them)."""

    period: Period
    values: int = 0  # in approved submissions, neither verified nor returned
    submissions: int = 0  # the approved submissions holding those values
    changed: int = 0  # changed after an unlock, in verified submissions: to verify again
    returned: int = 0  # returned alone, back with their unit (waiting, not to do)
    late: bool = False  # something to verify after the period's verification deadline

    @property
    def url(self) -> str:
        return reverse("reporting:assessor", args=[self.period.pk])

    @property
    def mine(self) -> bool:
        return bool(self.values or self.changed)

    @property
    def summary(self) -> str:
        parts = []
        if self.values:
            parts.append(f"{self.submissions} 个单位报件中有 {self.values} 项数值待核定")
        if self.changed:
            parts.append(f"解锁后修改的 {self.changed} 项数值待重新核定")
        return "；".join(parts)


def assessor_verification(assessor, day: datetime.date) -> list[VerifyTodo]:
    """One row per period with something of the assessor's still unverified (two queries)."""
    owned = Q(item__assessor=assessor) | Q(item__assessor__isnull=True, item__version__default_assessor=assessor)
    rows = (Value.objects.filter(owned, verified_at__isnull=True, cycle__status__in=ACTIVE_CYCLES,
                                 submission__status__in=[Status.APPROVED, *DONE])
            .values_list("submission__period_id", "submission_id", "submission__status", "returned_at"))
    todo: dict[int, VerifyTodo] = {}
    awaiting_subs: dict[int, set] = defaultdict(set)
    for period_id, sub_id, status, returned_at in rows:
        row = todo.setdefault(period_id, VerifyTodo(period=None))
        if status in DONE:
            row.changed += 1
        elif returned_at is not None:
            row.returned += 1
        else:
            row.values += 1
            awaiting_subs[period_id].add(sub_id)
    periods = Period.objects.select_related("cycle").in_bulk(list(todo))
    for period_id, row in todo.items():
        row.period, row.submissions = periods[period_id], len(awaiting_subs[period_id])
        row.late = row.mine and day > row.period.verify_deadline
    return sorted(todo.values(), key=lambda r: (not r.mine, r.period.verify_deadline, r.period.ends_on))


# --- Key work -----------------------------------------------------------------------------------------


@dataclass
class TaskTodo:
    row: object  # keywork.board.BoardRow
    period_code: str

    @property
    def task(self):
        return self.row.task

    @property
    def behind(self) -> bool:
        return self.row.judgement.status in (TaskStatus.LAGGING, TaskStatus.STALLED)

    @property
    def period_label(self) -> str:
        return keywork_periods.label(self.period_code)


@dataclass
class WarningTodo:
    task: KeyTask
    period_code: str
    level: int
    status_label: str

    @property
    def escalated(self) -> bool:
        return self.level == WarningLevel.ESCALATED

    @property
    def period_label(self) -> str:
        return keywork_periods.label(self.period_code)


@dataclass
class KeyworkTodo:
    period_code: str
    progress: list = field(default_factory=list)  # TaskTodo: this period's report not yet in
    directives: list = field(default_factory=list)  # Directive awaiting the unit's reply
    warnings: list = field(default_factory=list)  # WarningTodo standing on a task the unit leads

    @property
    def count(self) -> int:
        return len(self.progress) + len(self.directives) + len(self.warnings)

    @property
    def period_label(self) -> str:
        return keywork_periods.label(self.period_code)


def progress_period(cycle, day: datetime.date) -> str:
    """The period whose progress report is due: the quarter of the day, the year end once the year is over."""
    return keywork_periods.quarter_of(day) if day.year <= cycle.year else "Y"


def unit_keywork(unit, cycle, day: datetime.date, *, report: bool, reply: bool) -> KeyworkTodo:
    code = progress_period(cycle, day) if cycle else keywork_periods.quarter_of(day)
    todo = KeyworkTodo(code)
    if report and cycle is not None:
        rows = keywork_board.rows_for(KeyTask.objects.filter(lead_unit=unit), cycle)
        for row in rows:
            if row.judgement.status == TaskStatus.DONE:
                continue
            if not any(p.unit_id == unit.pk and p.period_code == code for p in row.task.progress_reports.all()):
                todo.progress.append(TaskTodo(row, code))
        todo.progress.sort(key=lambda t: (not t.behind, t.task.code))
        todo.warnings = standing_warnings(rows)
    if reply:
        todo.directives = list(Directive.objects.filter(
            unit=unit, status__in=[DirectiveStatus.ISSUED, DirectiveStatus.RETURNED]).select_related("task")
            .order_by("deadline", "id"))
    return todo


def standing_warnings(rows) -> list[WarningTodo]:
    """The latest warning of each task still lagging or stalled (a task that caught up is no longer warned)."""
    behind = {r.task.pk: r for r in rows if r.judgement.status in (TaskStatus.LAGGING, TaskStatus.STALLED)}
    latest: dict[int, tuple[str, int]] = {}
    for task_id, code, level in Warning.objects.filter(task_id__in=list(behind)).values_list(
            "task_id", "period_code", "level"):
        if task_id not in latest or keywork_periods.index(code) > keywork_periods.index(latest[task_id][0]):
            latest[task_id] = (code, level)
    warnings = [WarningTodo(behind[t].task, code, level, behind[t].status_label) for t, (code, level) in latest.items()]
    return sorted(warnings, key=lambda w: (-w.level, w.task.code))


def replies_to_decide() -> list[Directive]:
    """Directives whose unit replied and whose reply waits for the 督查室's decision."""
    return list(Directive.objects.filter(status=DirectiveStatus.REPLIED).select_related("unit", "task")
                .order_by("deadline", "id"))


# --- Evaluation ---------------------------------------------------------------------------------------


@dataclass
class BallotTodo:
    campaign: Campaign
    ballot: Ballot | None

    @property
    def url(self) -> str:
        return reverse("evaluation:rate", args=[self.campaign.pk])

    @property
    def started(self) -> bool:
        return self.ballot is not None and bool(self.ballot.data)


def ballots_to_finish(user, membership, now: datetime.datetime) -> list[BallotTodo]:
    """Open campaigns in which the role rates and whose ballot the user has not submitted yet."""
    campaigns = list(Campaign.objects.filter(status=CampaignStatus.OPEN, opens_at__lte=now, closes_at__gt=now)
                     .select_related("cycle").order_by("closes_at", "id"))
    ballots = {b.campaign_id: b for b in Ballot.objects.filter(user=user, campaign__in=campaigns)}
    rows = []
    for campaign in campaigns:
        ballot = ballots.get(campaign.pk)
        if ballot is not None and ballot.status == BallotStatus.SUBMITTED:
            continue
        if evaluation_actions.group_for(campaign, membership) is None:  # one query per open campaign
            continue
        rows.append(BallotTodo(campaign, ballot))
    return rows


@dataclass
class FeedbackTodo:
    campaign: Campaign
    comments: int
    follow_ups: int

    @property
    def url(self) -> str:
        return reverse("evaluation:feedback")


def new_feedback(unit, now: datetime.datetime) -> list[FeedbackTodo]:
    """Comments and unsatisfied ratings addressed to the unit by campaigns that closed in the last
    FEEDBACK_NEW_DAYS days (what the feedback page lists, excluded answers left out)."""
    since = now - datetime.timedelta(days=FEEDBACK_NEW_DAYS)
    campaigns = list(Campaign.objects.filter(status=CampaignStatus.CLOSED, closes_at__gte=since)
                     .select_related("cycle").order_by("-closes_at"))
    comments = Counter(Comment.objects.filter(unit=unit, campaign__in=campaigns, answer__excluded=False)
                       .values_list("campaign_id", flat=True))
    follow_ups = Counter(FollowUp.objects.filter(unit=unit, campaign__in=campaigns, answer__excluded=False)
                         .values_list("campaign_id", flat=True))
    return [FeedbackTodo(c, comments[c.pk], follow_ups[c.pk]) for c in campaigns if comments[c.pk] or follow_ups[c.pk]]


# --- Results ------------------------------------------------------------------------------------------


@dataclass
class RectificationTodo:
    items: list  # Rectification awaiting measures or progress, overdue first (at most LIST_LIMIT)
    total: int
    overdue: int
    reported: int  # reported done, waiting for the office's verification (not to do)

    @property
    def rest(self) -> int:
        return self.total - len(self.items)

    @property
    def url(self) -> str:
        """The unit's list opens on one cycle: that of the first item shown, else the list's own default."""
        base = reverse("results:rectification_list")
        return f"{base}?cycle={self.items[0].cycle.year}" if self.items else base


def rectifications(unit, day: datetime.date) -> RectificationTodo:
    rows = list(Rectification.objects.filter(unit=unit).unfinished().select_related("cycle").order_by("deadline", "id"))
    todo = [r for r in rows if r.status in (RectificationStatus.OPEN, RectificationStatus.IN_PROGRESS)]
    for r in todo:
        r.overdue_now = r.is_overdue(day)
    todo.sort(key=lambda r: (not r.overdue_now, r.due_on, r.pk))
    return RectificationTodo(items=todo[:LIST_LIMIT], total=len(todo), overdue=sum(r.overdue_now for r in todo),
                             reported=len(rows) - len(todo))


@dataclass
class AppealTodo:
    result: ScoreResult
    appeals: int  # already filed by the unit against this run

    @property
    def url(self) -> str:
        return reverse("scoring:our_result")


def appeal_windows(user, unit, now: datetime.datetime) -> list[AppealTodo]:
    """The unit's preliminary results whose appeal window is open now."""
    results = list(access.visible_results(user).filter(unit=unit, run__status=RunStatus.APPEAL,
                                                        run__appeal_deadline__gte=now)
                   .select_related("run__scheme", "run__cycle").order_by("run__appeal_deadline"))
    filed = Counter(Appeal.objects.filter(unit=unit, run__in=[r.run_id for r in results])
                    .values_list("run_id", flat=True))
    return [AppealTodo(r, filed[r.run_id]) for r in results]


def latest_result(user, unit) -> ScoreResult | None:
    """The unit's result in the latest published run."""
    return (access.visible_results(user).filter(unit=unit, run__published=True).select_related("run__cycle", "run__scheme",
                                                                                      "group")
            .order_by("-run__cycle__year", "-run__published_at", "-run_id").first())


# --- The list -----------------------------------------------------------------------------------------


def build(user, membership, now: datetime.datetime | None = None) -> dict:
    """Every part of the to-do list the active membership's role may do; None for the parts it may not."""
    now = now or timezone.now()
    day = timezone.localdate(now)
    unit, role = membership.unit, membership.role
    can = {action: access.can(user, action) for action in (
        "reporting.enter", "reporting.review", "reporting.verify", "keywork.report", "keywork.reply",
        "keywork.supervise", "evaluation.rate", "evaluation.feedback", "results.rectify", "scoring.appeal",
        "scoring.view_own", "results.unit")}
    cycle = running_cycle()
    keywork = can["keywork.report"] or can["keywork.reply"]
    data = {
        "day": day,
        "reporting": unit_reporting(unit, role, day) if can["reporting.enter"] or can["reporting.review"] else None,
        "verification": assessor_verification(unit, day) if can["reporting.verify"] else None,
        "keywork": unit_keywork(unit, cycle, day, report=can["keywork.report"], reply=can["keywork.reply"])
        if keywork else None,
        "replies": replies_to_decide() if can["keywork.supervise"] else None,
        "ballots": ballots_to_finish(user, membership, now) if can["evaluation.rate"] else None,
        "feedback": new_feedback(unit, now) if can["evaluation.feedback"] else None,
        "rectifications": rectifications(unit, day) if can["results.rectify"] else None,
        "pace": pace_behind(unit, day, cycle) if cycle and access.can(user, "analysis.view_own") else None,
        "appeals": appeal_windows(user, unit, now) if can["scoring.appeal"] else None,
        "latest": latest_result(user, unit) if can["scoring.view_own"] else None,
        "show_latest": can["scoring.view_own"],
        "latest_is_history": can["results.unit"],
        "latest_url": (reverse("results:unit_results", args=[unit.pk]) if can["results.unit"]
                       else reverse("scoring:our_result")),
    }
    data["count"] = count(data)
    return data


def count(data: dict) -> int:
    """Items the role has to act on (rows where the unit only waits for someone else are not counted)."""
    n = sum(r.mine for r in data["reporting"] or []) + sum(r.mine for r in data["verification"] or [])
    n += data["keywork"].count if data["keywork"] else 0
    n += len(data["replies"] or []) + len(data["ballots"] or []) + len(data["feedback"] or [])
    n += data["rectifications"].total if data["rectifications"] else 0
    return n + len(data["appeals"] or [])
