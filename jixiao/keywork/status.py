"""The status of a task, derived from its milestones, the lead unit's progress reports and a date. Pure: no ORM.

Rules (docs/decisions/0008-keywork.md):
- done (已完成): a report says 100 %.
- A milestone is *past due* on `on` when its due date is before `on`; it is *met* when a report for its
  quarter, or for a later period, says the milestone was reached (catching up later clears it).
- The *streak* is the number of consecutive unmet past-due milestones, counted back from the latest.
- on track (按进度推进): streak 0 — including before the first milestone falls due.
- stalled (停滞): streak ≥ 2 and no movement over the latest missed milestone (no report for that quarter, or
  its percent no higher than the report before it).
- lagging (滞后): any other streak ≥ 1.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from jixiao.keywork.models import TaskStatus
from jixiao.keywork.periods import index

STALL_STREAK = 2


@dataclass(frozen=True)
class MilestoneFact:
    period_code: str
    due_on: datetime.date


@dataclass(frozen=True)
class ProgressFact:
    period_code: str
    percent: int
    milestone_met: bool


@dataclass(frozen=True)
class Judgement:
    status: str
    streak: int  # consecutive missed milestones (0 when on track or done)
    percent: int  # the latest reported percent


def derive_status(milestones: Iterable[MilestoneFact], reports: Iterable[ProgressFact],
                  on: datetime.date) -> Judgement:
    reports = sorted(reports, key=lambda r: index(r.period_code))
    percent = reports[-1].percent if reports else 0
    if any(r.percent >= 100 for r in reports):
        return Judgement(TaskStatus.DONE, 0, 100)
    due = sorted((m for m in milestones if m.due_on < on), key=lambda m: index(m.period_code))
    streak = 0
    for milestone in reversed(due):
        if _met(milestone, reports):
            break
        streak += 1
    if streak == 0:
        return Judgement(TaskStatus.ON_TRACK, 0, percent)
    if streak >= STALL_STREAK and not _moved(due[-1].period_code, reports):
        return Judgement(TaskStatus.STALLED, streak, percent)
    return Judgement(TaskStatus.LAGGING, streak, percent)


def _met(milestone: MilestoneFact, reports: list[ProgressFact]) -> bool:
    at = index(milestone.period_code)
    return any(r.milestone_met and index(r.period_code) >= at for r in reports)


def _moved(period_code: str, reports: list[ProgressFact]) -> bool:
    """Whether the report for `period_code` shows more done than the report before it."""
    at = index(period_code)
    current = next((r for r in reports if r.period_code == period_code), None)
    if current is None:
        return False
    earlier = [r for r in reports if index(r.period_code) < at]
    return current.percent > (earlier[-1].percent if earlier else 0)


def facts_of(task, *, up_to_period: str | None = None) -> tuple[list[MilestoneFact], list[ProgressFact]]:
    """The facts of a task loaded with KeyTaskQuerySet.for_board() (no extra queries); lead unit's reports only.

    `up_to_period` leaves out reports of later periods (a bulletin looks back at one period).
    """
    limit = index(up_to_period) if up_to_period else 99
    milestones = [MilestoneFact(m.period_code, m.due_on) for m in task.milestones.all()]
    reports = [ProgressFact(p.period_code, p.percent, p.milestone_met) for p in task.progress_reports.all()
               if p.unit_id == task.lead_unit_id and index(p.period_code) <= limit]
    return milestones, reports


def judge(task, on: datetime.date, *, up_to_period: str | None = None) -> Judgement:
    milestones, reports = facts_of(task, up_to_period=up_to_period)
    return derive_status(milestones, reports, on)
