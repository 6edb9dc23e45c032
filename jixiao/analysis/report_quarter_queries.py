"""The figures of a quarterly key-project evaluation report, read as of the quarter's end into `QuarterFacts`.

Every key task (重点工作 and 重大项目) of the cycle, or those a unit leads: its milestones, the lead unit's progress
reports made by the judging day, its pace by `pace.task_pace` (the rule and thresholds the pace page uses). The
quarter's figures are read as of its last day, or today while it runs; pace is judged the day after a finished
quarter. A quarter that has not begun is refused before anything is read (`check_quarter`).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone

from jixiao.analysis import pace, pace_queries
from jixiao.analysis.report_quarter_content import (
    MET,
    MISSED,
    NONE,
    NOT_DUE,
    QUARTERS,
    ProjectLine,
    QuarterFacts,
)
from jixiao.keywork import periods
from jixiao.keywork.models import KeyTask
from jixiao.keywork.status import MilestoneFact, ProgressFact

SOURCES = [
    "重点项目：本年度重点工作和重大项目台账（牵头单位、责任区领导、节点目标）",
    "进展：牵头单位按季度报送的进展情况和完成进度，截至数据截止日",
    "序时进度：按本年度序时进度判定规则，以已完成节点数对照应完成节点数",
    "季度评价：按序时进度和本季度节点完成情况，依系统说明的规则评定好、较好、一般、差",
]
LATEST_CHARS = 40


def quarter_end(year: int, quarter: int) -> datetime.date:
    return periods.period_end(year, f"Q{quarter}")


def check_quarter(cycle, quarter: int) -> None:
    """Refuse a quarter outside 1–4 or one that has not begun: nothing to evaluate yet."""
    if quarter not in QUARTERS:
        raise ValidationError("请选择第一至第四季度。")
    start = periods.period_start(cycle.year, f"Q{quarter}")
    if start > timezone.localdate():
        raise ValidationError(f"{cycle.year}年{QUARTERS[quarter]}尚未开始（{start.month}月{start.day}日开始），"
                              "不能生成评价报告。")


def judging_day(cycle, quarter: int) -> datetime.date:
    return min(timezone.localdate(), quarter_end(cycle.year, quarter) + datetime.timedelta(days=1))


def tasks(cycle, unit=None):
    found = KeyTask.objects.filter(cycle=cycle)
    return found.filter(lead_unit=unit) if unit is not None else found


def facts(cycle, quarter: int, unit=None) -> QuarterFacts:
    """The district's facts (unit None) or those of the tasks one unit leads."""
    day = judging_day(cycle, quarter)
    rule = pace_queries.rule_for(cycle)
    f = QuarterFacts(subject=unit.name if unit else "全区", district=unit is None, year=cycle.year, quarter=quarter,
                     as_of=min(day, quarter_end(cycle.year, quarter)), sources=list(SOURCES))
    found = tasks(cycle, unit).for_board().order_by("lead_unit__sort_order", "lead_unit__code", "code")
    f.projects = [_line(task, quarter, day, rule) for task in found]
    return f


def _line(task, quarter: int, day: datetime.date, rule) -> ProjectLine:
    milestones = list(task.milestones.all())
    reports = sorted((p for p in task.progress_reports.all()
                      if p.unit_id == task.lead_unit_id and timezone.localdate(p.reported_at) <= day),
                     key=lambda p: (periods.index(p.period_code), p.reported_at))
    facts = [ProgressFact(p.period_code, p.percent, p.milestone_met) for p in reports]
    judged = pace.task_pace([MilestoneFact(m.period_code, m.due_on) for m in milestones], facts, day, rule)
    met = [m for m in milestones if _met(m.period_code, reports)]
    this = next((m for m in milestones if m.period_code == f"Q{quarter}"), None)
    latest = reports[-1] if reports else None
    return ProjectLine(
        code=task.code, name=task.name, unit=task.lead_unit.name, leader=task.leader_name,
        milestones=len(milestones), met=len(met), due=sum(1 for m in milestones if m.due_on < day),
        quarter_goal=this.description if this else "", quarter_state=_state(this, met, day),
        percent=latest.percent if latest else None, status=judged.status,
        shortfall=int(judged.shortfall) if judged.shortfall is not None else None,
        latest=_short(latest.text) if latest else "", note=judged.reason)


def _met(code: str, reports) -> bool:
    """keywork's rule: a report for the milestone's quarter or a later period says it was met."""
    return any(r.milestone_met and periods.index(r.period_code) >= periods.index(code) for r in reports)


def _state(milestone, met: list, day: datetime.date) -> str:
    if milestone is None:
        return NONE
    if milestone in met:
        return MET
    return MISSED if milestone.due_on < day else NOT_DUE


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= LATEST_CHARS else text[:LATEST_CHARS] + "…"
