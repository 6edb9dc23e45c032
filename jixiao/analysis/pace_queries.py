"""The pace of every item of a cycle on a day, read in a fixed number of queries (pace.py does the judging).

Items: every unit's target (indicators.Target) of an indicator with a numeric direction, judged on the figures
the unit has reported (reporting.Value of a submission sent on: 待审核, 待核定, 已核定, 已锁定 — a draft or a
returned submission is not reported yet), and every key task with milestones, judged for its lead unit. Six
queries whatever the number of units, indicators or tasks: the rule, the targets, the values, the tasks, their
milestones and their progress reports (prefetched).
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

from django.urls import reverse
from django.utils import timezone

from jixiao.analysis import pace
from jixiao.analysis.models import PaceRule
from jixiao.indicators.models import NUMERIC_DIRECTIONS, Aggregation, Target
from jixiao.keywork.models import KeyTask
from jixiao.keywork.status import MilestoneFact, ProgressFact
from jixiao.lib import cycles
from jixiao.org.models import Cycle, UnitKind
from jixiao.reporting.checks import COUNT_UNITS
from jixiao.reporting.models import CODE_LABELS, Status, Value

REPORTED = [Status.SUBMITTED, Status.APPROVED, Status.VERIFIED, Status.LOCKED]
# The district and the city set targets for others; their own figures are not reported through the units' forms.
NOT_REPORTING = [UnitKind.CITY, UnitKind.DISTRICT, UnitKind.VILLAGE]
INDICATOR, TASK = "indicator", "task"
KIND_LABELS = {INDICATOR: "指标", TASK: "重点工作"}


@dataclass
class PaceRow:
    """One item of the pace table: a unit's indicator target or a key task it leads, with its pace."""

    kind: str  # INDICATOR or TASK
    unit: object  # org.Unit
    subject_id: int  # the indicator's or the task's id
    code: str
    name: str
    target: str  # as shown: the year target, or the number of milestones
    measure_unit: str
    pace: pace.Pace
    url: str = ""

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def period_label(self) -> str:
        if self.kind == TASK:
            return "节点目标"
        return CODE_LABELS.get(self.pace.period_code, "")

    @property
    def figure_text(self) -> str:
        return "" if self.pace.figure is None else plain(self.pace.figure)

    @property
    def completion_text(self) -> str:
        return percent_text(self.pace.completion)

    @property
    def elapsed_text(self) -> str:
        return percent_text(self.pace.elapsed)

    @property
    def shortfall_text(self) -> str:
        """The shortfall as a person reads it: "100亿元", "1个节点", or empty."""
        missing = self.pace.shortfall
        if missing is None:
            return ""
        if self.kind == TASK:
            return f"{plain(missing)}个节点"
        if self.measure_unit in COUNT_UNITS:  # 0.58 家 short is one more firm to win
            missing = missing.to_integral_value(rounding=ROUND_CEILING)
        return plain(missing) + self.measure_unit


def plain(number: Decimal) -> str:
    """A figure as the tables show it: at most two decimals, no trailing zeros."""
    return format(number.quantize(Decimal("0.01")).normalize(), "f")


def percent_text(share: Decimal | None) -> str:
    return "" if share is None else f"{share * 100:.1f}%"


def judged_on(cycle) -> datetime.date:
    """Pace is judged today while the cycle runs, and the day after its end once it is over."""
    return min(timezone.localdate(), cycle.ends_on + datetime.timedelta(days=1))


def rule_for(cycle) -> pace.Rule:
    """The cycle's thresholds (PaceRule), else the defaults."""
    row = PaceRule.objects.filter(cycle=cycle).first()
    return pace.Rule(row.on_pace_ratio, row.ahead_ratio) if row else pace.Rule()


def kind_of(indicator) -> str:
    """How an indicator's figures add up over the year: a sum is reported cumulative, the rest are levels."""
    return pace.CUMULATIVE if indicator.aggregation == Aggregation.SUM else pace.LEVEL


def rows(cycle, day: datetime.date, *, units=None, rule: pace.Rule | None = None) -> list[PaceRow]:
    """Every item of `cycle` on `day` (of `units` only, a queryset or list of ids, when given), 欠进度 first."""
    rule = rule or rule_for(cycle)
    found = indicator_rows(cycle, day, rule, units) + task_rows(cycle, day, rule, units)
    return sorted(found, key=lambda r: (r.pace.order, r.unit.sort_order, r.unit.code, r.kind, r.code))


def indicator_rows(cycle, day: datetime.date, rule: pace.Rule, units=None) -> list[PaceRow]:
    targets = (Target.objects.filter(cycle=cycle, indicator__direction__in=NUMERIC_DIRECTIONS)
               .exclude(unit__kind__in=NOT_REPORTING).select_related("unit", "indicator"))
    if units is not None:
        targets = targets.filter(unit__in=units)
    targets = list(targets)
    figures = _figures(cycle, {t.unit_id for t in targets}, {t.indicator_id for t in targets}, day)
    return [_indicator_row(t, figures[(t.unit_id, t.indicator_id)], cycle, day, rule) for t in targets]


def _figures(cycle, unit_ids: set, indicator_ids: set, day: datetime.date) -> dict:
    """(unit id, indicator id) -> the figures of the cycle reported by `day`, in one query.

    A look back (`day` in the past) leaves out figures first sent after it: the table shows what was known then."""
    found = defaultdict(list)
    if not unit_ids:
        return found
    values = Value.objects.filter(cycle=cycle, unit_id__in=unit_ids, indicator_id__in=indicator_ids,
                                  number__isnull=False, submission__status__in=REPORTED)
    for unit_id, indicator_id, code, number, sent in values.values_list(
            "unit_id", "indicator_id", "submission__period__code", "number", "submission__first_submitted_at"):
        if sent is None or timezone.localdate(sent) <= day:
            found[(unit_id, indicator_id)].append(pace.Figure(code, number))
    return found


def _indicator_row(target, figures, cycle, day, rule) -> PaceRow:
    indicator = target.indicator
    judged = pace.indicator_pace(target.target_value, figures, direction=indicator.direction,
                                 kind=kind_of(indicator), year=cycle.year, day=day, rule=rule,
                                 frequency=indicator.frequency)
    return PaceRow(INDICATOR, target.unit, indicator.pk, indicator.code, indicator.name, target.display_value(),
                   indicator.measure_unit, judged, reverse("indicators:target_detail", args=[target.pk]))


def task_rows(cycle, day: datetime.date, rule: pace.Rule, units=None) -> list[PaceRow]:
    tasks = KeyTask.objects.filter(cycle=cycle, milestones__isnull=False).distinct()
    if units is not None:
        tasks = tasks.filter(lead_unit__in=units)
    found = []
    for task in tasks.select_related("lead_unit").prefetch_related("milestones", "progress_reports").order_by("code"):
        milestones, reports = _task_facts(task, day)
        judged = pace.task_pace(milestones, reports, day, rule)
        found.append(PaceRow(TASK, task.lead_unit, task.pk, task.code, task.name, f"{len(milestones)} 个节点",
                             "个节点", judged, reverse("keywork:task_detail", args=[task.pk])))
    return found


def _task_facts(task, day: datetime.date) -> tuple[list[MilestoneFact], list[ProgressFact]]:
    """The task's milestones and its lead unit's progress reports made by `day` (a look back sees no later ones)."""
    milestones = [MilestoneFact(m.period_code, m.due_on) for m in task.milestones.all()]
    reports = [ProgressFact(p.period_code, p.percent, p.milestone_met) for p in task.progress_reports.all()
               if p.unit_id == task.lead_unit_id and timezone.localdate(p.reported_at) <= day]
    return milestones, reports


def counts(found: list[PaceRow]) -> list[dict]:
    """How many items are in each status, in the table's order."""
    return [{"status": s, "label": pace.LABELS[s], "badge": pace.BADGES[s],
             "count": sum(1 for r in found if r.pace.status == s)} for s in pace.ORDER]


def current_cycle() -> Cycle | None:
    return cycles.current(list(Cycle.objects.order_by("-year")))


def behind_for_unit(unit, day: datetime.date | None = None, cycle=None) -> list[PaceRow]:
    """The unit's 欠进度 indicators in `cycle` (default: the current one): what its to-do lists (ui/todo.py).

    Indicators only, in three queries: a key task behind its milestones is already on the to-do as a lagging task
    (keywork's card of progress to report and warnings), from the same milestones."""
    cycle = cycle or current_cycle()
    if cycle is None:
        return []
    day = min(day, cycle.ends_on + datetime.timedelta(days=1)) if day else judged_on(cycle)
    found = indicator_rows(cycle, day, rule_for(cycle), units=[unit.pk])
    return sorted((r for r in found if r.pace.status == pace.BEHIND), key=lambda r: (r.code))


def behind_for_district(cycle, day: datetime.date | None = None) -> list[PaceRow]:
    """Every 欠进度 item of the cycle."""
    if cycle is None:
        return []
    return [r for r in rows(cycle, day or judged_on(cycle)) if r.pace.status == pace.BEHIND]


@dataclass
class UnitBehind:
    """A unit's 欠进度 items, for the office's supervision list."""

    unit: object
    indicators: list
    tasks: list

    @property
    def count(self) -> int:
        return len(self.indicators) + len(self.tasks)


def behind_by_unit(cycle, day: datetime.date | None = None) -> list[UnitBehind]:
    """The cycle's 欠进度 items grouped by unit, most first: what the supervision list offers to supervise."""
    grouped: dict[int, UnitBehind] = {}
    for row in behind_for_district(cycle, day):
        entry = grouped.setdefault(row.unit.pk, UnitBehind(row.unit, [], []))
        (entry.tasks if row.kind == TASK else entry.indicators).append(row)
    return sorted(grouped.values(), key=lambda e: (-e.count, e.unit.sort_order, e.unit.code))
