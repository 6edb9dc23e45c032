"""The overview that leads the district leader's and the office's home page (工作台 · 领导驾驶舱).

Read-only. Each builder reuses the owning app's own read functions (the reporting board, the key-work status
derivation, the evaluation monitor, the rectification queryset, the results read model), so no business rule is
derived twice, and reads in a fixed number of queries whatever the number of units, tasks or answers.

Leaders see only what `accounts/access.py` grants them; the reporting part counts submissions by state and never
shows a figure, so the leader's "verified figures only" rule of the reporting pages is kept by construction.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from jixiao.accounts import access
from jixiao.evaluation import monitor
from jixiao.evaluation.models import Campaign, CampaignStatus
from jixiao.indicators.models import GRADE_ORDER, Grade
from jixiao.keywork import board as keywork_board
from jixiao.keywork import periods as keywork_periods
from jixiao.keywork.models import KeyTask, TaskStatus, Warning, WarningLevel
from jixiao.org.models import Cycle, CycleStatus, Unit
from jixiao.reporting import actions as reporting_actions
from jixiao.reporting import due as reporting_due
from jixiao.reporting import queries as reporting_queries
from jixiao.reporting.models import DONE, DeadlineException, Period, PeriodKind, Status, Submission, Value
from jixiao.reporting.reminders import DAYS_BEFORE
from jixiao.results import queries as results_queries
from jixiao.results.models import Rectification

TOP_UNITS = 3  # units named per group in the latest results
ATTENTION_TASKS = 5  # stalled and lagging tasks named on the page
KIND_ORDER = [PeriodKind.MONTH, PeriodKind.QUARTER, PeriodKind.HALF, PeriodKind.YEAR]
GRADE_COLOURS = {Grade.EXCELLENT: "#198754", Grade.GOOD: "#0d6efd", Grade.AVERAGE: "#f0ad00", Grade.POOR: "#dc3545"}


def running_cycle() -> Cycle | None:
    return Cycle.objects.filter(status=CycleStatus.RUNNING).order_by("-year").first()


# --- Reporting ---------------------------------------------------------------------------------------


@dataclass
class PeriodProgress:
    """Where the units stand in one reporting period: counts by state from the office board's rows."""

    period: Period
    near: bool  # the deadline is still ahead (within the reminder window)
    total: int
    verified: int
    awaiting: int  # submitted, waiting for the unit's reviewer or the assessor unit
    returned: int
    drafting: int
    not_started: int
    late: int  # overdue (逾期) and submitted late, as the board's 逾期 counts them
    on_time: int
    overdue: int = 0  # never submitted and past the deadline plus grace: 逾期未报

    @property
    def on_time_rate(self) -> float | None:
        return round(100 * self.on_time / self.total, 1) if self.total else None

    @property
    def url(self) -> str:
        return f"{reverse('reporting:board')}?cycle={self.period.cycle.year}&period={self.period.pk}"

    @property
    def segments(self) -> list[dict]:
        """The parts of a stacked bar, in workflow order, with their share of the units due."""
        parts = [("已核定", self.verified, "bg-success"), ("待审核/核定", self.awaiting, "bg-primary"),
                 ("已退回", self.returned, "bg-warning"), ("填报中", self.drafting, "bg-info"),
                 ("未开始", self.not_started, "bg-secondary")]
        return [{"label": label, "count": n, "percent": round(100 * n / self.total, 1), "css": css}
                for label, n, css in parts if n and self.total]


def periods_to_show(cycle, day: datetime.date) -> list[tuple[Period, dict]]:
    """Per period kind, the latest period whose deadline has passed or falls within the reminder window, and every
    earlier one that a unit due in it never submitted (逾期, `reporting.due.is_overdue`): a missed period stays
    on the dashboard until the unit reports it, it does not give way to the next month.

    Each comes with what is due in it (`reporting.due.scope_by_unit`). What is due depends only on a period's cycle
    and kind, so it is read once per kind: a fixed number of queries, and one board per period shown."""
    horizon = day + datetime.timedelta(days=DAYS_BEFORE)
    periods = list(Period.objects.filter(cycle=cycle, deadline__lte=horizon).select_related("cycle")
                   .order_by("deadline"))
    latest = {p.kind: p for p in periods}
    due_of_kind = {kind: reporting_due.scope_by_unit(p) for kind, p in latest.items()}
    missed = overdue_periods([p for p in periods if p != latest[p.kind]], due_of_kind, day)
    return [(p, due_of_kind[kind]) for kind in KIND_ORDER for p in periods
            if p.kind == kind and (p == latest[kind] or p in missed)]


def overdue_periods(periods: list[Period], due_of_kind: dict, day: datetime.date) -> set[Period]:
    """The periods among `periods` (one cycle's) in which a unit due is overdue (two queries)."""
    if not periods:
        return set()
    submissions = {(s.period_id, s.unit_id): s for s in Submission.objects.filter(period__in=periods)
                   .only("period_id", "unit_id", "first_submitted_at")}
    exceptions = {(x.period_id, x.unit_id): x for x in DeadlineException.objects.filter(period__in=periods)}
    return {period for period in periods if any(
        reporting_due.is_overdue(period, submissions.get((period.pk, u)), exceptions.get((period.pk, u)), day)
        for u in due_of_kind[period.kind])}


def boards(shown: list[tuple[Period, dict]], day: datetime.date) -> dict[int, list[reporting_queries.BoardRow]]:
    """period id -> the rows `reporting.queries.board` gives for it, for every period in `shown` (with what is due in
    each) read together: five queries however many periods a missed deadline keeps on the dashboard.

    The rows are built by the board's rules (a draft with nothing filled in is 未开始; lateness by the unit's own
    deadline and `reporting.due.is_overdue`); a test holds them equal to the board's, period by period."""
    if not shown:
        return {}
    periods = [p for p, _due in shown]
    units = list(Unit.objects.filter(pk__in={u for _p, due in shown for u in due}).select_related("parent")
                 .order_by("sort_order", "code"))
    subs = {(s.period_id, s.unit_id): s for s in Submission.objects.filter(period__in=periods)}
    values = Value.objects.filter(submission__period__in=periods)
    filled = _count_by_period_and_unit(values.exclude(number__isnull=True, text=""))
    returned = _count_by_period_and_unit(values.filter(returned_at__isnull=False, verified_at__isnull=True))
    exceptions = {(x.period_id, x.unit_id): x for x in DeadlineException.objects.filter(period__in=periods)}
    rows = {}
    for period, due in shown:
        rows[period.pk] = [
            board_row(period, unit, subs.get((period.pk, unit.pk)), exceptions.get((period.pk, unit.pk)), day,
                      filled.get((period.pk, unit.pk), 0), len(due[unit.pk]), returned.get((period.pk, unit.pk), 0))
            for unit in units if unit.pk in due]
    return rows


def _count_by_period_and_unit(values) -> dict[tuple[int, int], int]:
    return {(p, u): n for p, u, n in values.values_list("submission__period_id", "unit_id")
            .annotate(n=Count("id")).order_by()}


def board_row(period, unit, sub, exception, day, filled: int, due: int, returned: int) -> reporting_queries.BoardRow:
    """One unit's row of the board, as `reporting.queries.board` builds it."""
    state = sub.status if sub is not None else "not_started"
    if state == Status.DRAFT and not filled:
        state = "not_started"
    deadline = reporting_actions.deadline_for(period, exception)
    if sub is not None and sub.first_submitted_at is not None:
        late = timezone.localdate(sub.first_submitted_at) > period.late_after(deadline)
    else:
        late = reporting_due.is_overdue(period, sub, exception, day)
    return reporting_queries.BoardRow(unit, state, sub, deadline, late, filled, due, returned)


def period_progress(period, day: datetime.date, rows: list) -> PeriodProgress | None:
    """Counts of one period from its board rows; None when no unit is due in it."""
    if not rows:
        return None
    states = Counter(r.state for r in rows)
    on_time = sum(1 for r in rows if r.submission is not None and r.submission.first_submitted_at and not r.late)
    return PeriodProgress(
        period=period, near=period.deadline >= day, total=len(rows),
        verified=sum(states[s] for s in DONE), awaiting=states[Status.SUBMITTED] + states[Status.APPROVED],
        returned=states[Status.RETURNED], drafting=states[Status.DRAFT], not_started=states["not_started"],
        late=sum(r.late for r in rows), on_time=on_time,
        overdue=sum(1 for r in rows if r.late and (r.submission is None or r.submission.first_submitted_at is None)))


def reporting_progress(cycle, day: datetime.date) -> list[PeriodProgress]:
    shown = periods_to_show(cycle, day)
    rows_of = boards(shown, day)
    progress = [period_progress(p, day, rows_of[p.pk]) for p, _due in shown]
    return [r for r in progress if r is not None]


# --- Key work -----------------------------------------------------------------------------------------


@dataclass
class KeyworkProgress:
    total: int
    counts: list[dict]
    attention: list  # keywork.board.BoardRow of stalled, then lagging tasks
    open_warnings: int  # tasks still lagging or stalled that were warned
    escalated: int  # of those, the ones whose latest warning was escalated to the responsible leader
    latest_warning_period: str = ""


def keywork_progress(cycle) -> KeyworkProgress:
    """Tasks by the status `keywork.status` derives (as the task board does) and the warnings still standing."""
    rows = keywork_board.rows_for(KeyTask.objects.all(), cycle)
    behind = {r.task.pk: r for r in rows if r.judgement.status in (TaskStatus.LAGGING, TaskStatus.STALLED)}
    warnings = list(Warning.objects.filter(task__cycle=cycle).values_list("task_id", "period_code", "level"))
    latest: dict[int, tuple[int, int]] = {}  # task id -> (period index, level) of its latest warning
    for task_id, code, level in warnings:
        at = keywork_periods.index(code)
        if task_id not in latest or at > latest[task_id][0]:
            latest[task_id] = (at, level)
    standing = {t: v for t, v in latest.items() if t in behind}
    order = {TaskStatus.STALLED: 0, TaskStatus.LAGGING: 1}
    attention = sorted(behind.values(), key=lambda r: (order[r.judgement.status], -r.judgement.streak, r.task.code))
    last_code = max((code for _t, code, _l in warnings), key=keywork_periods.index, default="")
    return KeyworkProgress(
        total=len(rows), counts=status_counts(rows), attention=attention[:ATTENTION_TASKS],
        open_warnings=len(standing), escalated=sum(1 for _at, level in standing.values()
                                                    if level == WarningLevel.ESCALATED),
        latest_warning_period=keywork_periods.label(last_code) if last_code else "")


def status_counts(rows) -> list[dict]:
    counts = keywork_board.counts(rows)
    total = len(rows)
    for c in counts:
        c["percent"] = round(100 * c["count"] / total, 1) if total else 0
    return counts


# --- Evaluation ---------------------------------------------------------------------------------------


@dataclass
class EvaluationProgress:
    campaign: Campaign
    rates: list  # evaluation.monitor.GroupRate
    answered: int = 0
    invited: int = 0

    @property
    def url(self) -> str:
        return reverse("evaluation:monitor", args=[self.campaign.pk])


def evaluation_progress(cycle) -> EvaluationProgress | None:
    """The cycle's open campaign (else its latest one) with the monitor's response rate per rater group."""
    campaigns = Campaign.objects.satisfaction().filter(cycle=cycle).select_related("cycle").order_by("id")
    campaign = campaigns.filter(status=CampaignStatus.OPEN).first() or campaigns.last()
    if campaign is None:
        return None
    rates = monitor.group_rates(campaign)
    for rate in rates:
        # Shown as a bar: never wider than the cell, even when answers outnumber the roll of raters.
        rate.bar = min(rate.rate or 0, 100)
        rate.over = rate.invited > 0 and rate.answered > rate.invited
    return EvaluationProgress(campaign, rates, sum(r.answered for r in rates), sum(r.invited for r in rates))


# --- Rectification ------------------------------------------------------------------------------------


@dataclass
class RectificationProgress:
    unfinished: int = 0
    overdue: int = 0
    by_year: list[dict] = field(default_factory=list)


def rectification_progress(day: datetime.date) -> RectificationProgress:
    """Unfinished and overdue items (as `Rectification.objects.overdue` defines them), by the cycle they belong to."""
    unfinished = dict(Rectification.objects.unfinished().values_list("cycle__year").annotate(n=Count("id")).order_by())
    overdue = dict(Rectification.objects.overdue(day).values_list("cycle__year").annotate(n=Count("id")).order_by())
    base = reverse("results:rectification_list")
    years = [{"year": y, "unfinished": unfinished[y], "overdue": overdue.get(y, 0),
              "url": f"{base}?cycle={y}", "overdue_url": f"{base}?cycle={y}&status=overdue"}
             for y in sorted(unfinished, reverse=True)]
    return RectificationProgress(sum(unfinished.values()), sum(overdue.values()), years)


# --- Latest results -----------------------------------------------------------------------------------


@dataclass
class GroupResult:
    name: str
    scheme: str
    size: int
    top: list  # ScoreResult
    grades: list[dict]
    vetoed: list  # ScoreResult


@dataclass
class LatestResults:
    cycle: Cycle
    groups: list[GroupResult]
    chart: dict
    schemes: list[str]

    @property
    def url(self) -> str:
        return f"{reverse('results:publication')}?cycle={self.cycle.year}"


def latest_results(user) -> LatestResults | None:
    """The published runs of the latest cycle that has any, split by group (a few queries per scheme)."""
    published = access.visible_runs(user).published()
    last = published.select_related("cycle").order_by("-cycle__year", "-id").first()
    if last is None:
        return None
    runs = results_queries.official_runs(last.cycle, published)
    schemes = {run.pk: run.scheme.name for run in runs}
    groups = []
    for entry in results_queries.by_group(results_queries.results_of(runs)):
        rows = entry["rows"]
        grades = Counter(r.grade for r in rows)
        groups.append(GroupResult(
            name=entry["name"], scheme=schemes[rows[0].run_id], size=len(rows), top=rows[:TOP_UNITS],
            grades=[{"grade": g, "label": Grade(g).label, "count": grades.get(g, 0)} for g in GRADE_ORDER],
            vetoed=[r for r in rows if r.vetoes]))
    return LatestResults(last.cycle, groups, grade_chart(groups), list(dict.fromkeys(schemes.values())))


def grade_chart(groups: list[GroupResult]) -> dict:
    """A horizontal 100 % stacked bar, one bar per group: each grade's share, labelled with its unit count.

    Shares rather than counts, so that a group of 8 villages reads as clearly as one of 57 departments.
    """
    names = [g.name for g in reversed(groups)]  # ECharts draws the first category at the bottom
    series = []
    for i, grade in enumerate(GRADE_ORDER):
        data = []
        for g in reversed(groups):
            n = g.grades[i]["count"]
            share = round(100 * n / g.size, 1) if g.size else 0
            # Too narrow a segment gets no label; the tooltip and the table beside the chart still give it.
            data.append({"value": share or None, "label": {"show": share >= 8, "formatter": str(n)}})
        series.append({
            "name": Grade(grade).label, "type": "bar", "stack": "grade", "barMaxWidth": 30,
            "itemStyle": {"color": GRADE_COLOURS[grade]},
            "label": {"color": "#000" if grade == Grade.AVERAGE else "#fff"},
            "tooltip": {"formatter": "{b}<br/>{a}：{c}%"},
            "data": data,
        })
    return {
        "tooltip": {"trigger": "item"},
        "legend": {"top": 0},
        "grid": {"left": 8, "right": 24, "top": 32, "bottom": 8, "containLabel": True},
        "xAxis": {"type": "value", "max": 100, "axisLabel": {"formatter": "{value}%"}},
        # No label width here: charts.js wraps each group's name whole within a width taken from the chart box
        # and makes the chart as tall as the wrapped names need; a fixed width cut them to "街道（副…".
        "yAxis": {"type": "category", "data": names, "axisLabel": {"interval": 0}},
        "series": series,
    }


# --- The page -----------------------------------------------------------------------------------------


PARTS = {"reporting": "reporting.board", "keywork": "keywork.board", "evaluation": "evaluation.view",
         "rectification": "results.rectification", "results": "results.view"}


def build(user, day: datetime.date | None = None) -> dict:
    """Everything the overview shows to this user's active membership; `show` names the parts the role may see."""
    day = day or timezone.localdate()
    cycle = running_cycle()
    show = {part: access.can(user, action) for part, action in PARTS.items()}
    running = cycle is not None
    return {
        "cycle": cycle,
        "day": day,
        "near_days": DAYS_BEFORE,
        "show": show,
        "reporting": reporting_progress(cycle, day) if running and show["reporting"] else None,
        "keywork": keywork_progress(cycle) if running and show["keywork"] else None,
        "evaluation": evaluation_progress(cycle) if running and show["evaluation"] else None,
        "rectification": rectification_progress(day) if show["rectification"] else None,
        "results": latest_results(user) if show["results"] else None,
    }
