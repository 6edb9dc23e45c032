"""The rows of the task boards (office, district leader, unit) and their Excel export, in a fixed number of queries."""

import datetime
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from jixiao.keywork.models import STATUS_ORDER, KeyTask, TaskKind, TaskSource, TaskStatus
from jixiao.keywork.status import Judgement, judge
from jixiao.lib import cycles
from jixiao.lib.excel import Sheet
from jixiao.org.models import Cycle

BADGES = {TaskStatus.DONE: "success", TaskStatus.ON_TRACK: "primary", TaskStatus.LAGGING: "warning",
          TaskStatus.STALLED: "danger"}


@dataclass
class BoardRow:
    task: KeyTask
    judgement: Judgement

    @property
    def status_label(self) -> str:
        return TaskStatus(self.judgement.status).label

    @property
    def badge(self) -> str:
        return BADGES[self.judgement.status]

    @property
    def cooperating(self) -> str:
        return "、".join(u.label for u in self.task.cooperating_units.all())


def pick_cycle(value) -> Cycle | None:
    """The cycle named by ?cycle=YEAR, else the running one, else the latest: the shared picker's rules 1 and 3."""
    choices = list(Cycle.objects.order_by("-year"))
    return cycles.by_year(choices, str(value or "").strip()) or cycles.current(choices)


def judged_on(cycle) -> datetime.date:
    """Status is judged today while the cycle runs, and at its end once it is over."""
    return min(timezone.localdate(), cycle.ends_on + datetime.timedelta(days=1))


def read_filters(params) -> dict:
    def number(name):
        try:
            return int(params.get(name) or 0) or None
        except ValueError:
            return None

    return {"status": params.get("status", ""), "leader": number("leader"), "unit": number("unit"),
            "source": params.get("source", ""), "kind": params.get("kind", ""), "q": params.get("q", "").strip()}


def rows_for(tasks, cycle, f: dict | None = None) -> list[BoardRow]:
    """Judge every task of the queryset (filtered in the database where possible, by status in Python)."""
    f = f or {}
    tasks = tasks.filter(cycle=cycle)
    if f.get("leader"):
        tasks = tasks.filter(leader_cadre_id=f["leader"])
    if f.get("unit"):
        tasks = tasks.filter(Q(lead_unit_id=f["unit"]) | Q(cooperating_units__id=f["unit"])).distinct()
    if f.get("source"):
        tasks = tasks.filter(source=f["source"])
    if f.get("kind"):
        tasks = tasks.filter(kind=f["kind"])
    if f.get("q"):
        tasks = tasks.filter(Q(name__contains=f["q"]) | Q(code__icontains=f["q"]))
    on = judged_on(cycle)
    rows = [BoardRow(task, judge(task, on)) for task in tasks.for_board()]
    if f.get("status"):
        rows = [r for r in rows if r.judgement.status == f["status"]]
    return rows


def counts(rows: list[BoardRow]) -> list[dict]:
    return [{"status": s, "label": TaskStatus(s).label, "badge": BADGES[s],
             "count": sum(1 for r in rows if r.judgement.status == s)} for s in STATUS_ORDER]


def choices() -> dict:
    return {"statuses": [(s, TaskStatus(s).label) for s in STATUS_ORDER], "sources": TaskSource.choices,
            "kinds": TaskKind.choices}


HEADER = ["编号", "工作名称", "类型", "任务来源", "牵头单位", "配合单位", "责任区领导", "年度目标", "分值", "状态",
          "完成进度(%)", "连续未完成节点"]


def sheet(rows: list[BoardRow], cycle) -> Sheet:
    return Sheet(f"{cycle.year}重点工作", HEADER, [
        [r.task.code, r.task.name, r.task.get_kind_display(), r.task.get_source_display(), r.task.lead_unit.name,
         r.cooperating, r.task.leader_name, r.task.annual_goal, float(r.task.points), r.status_label,
         r.judgement.percent, r.judgement.streak]
        for r in rows
    ])
