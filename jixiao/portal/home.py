"""The portal home (门户首页): the district's performance at a glance, in a fixed number of queries.

Only what is public: results of published runs (`access.visible_runs(access.PUBLIC)`), rectification items the
office marked for disclosure, the key tasks of the running year with their derived status (no scores, no names),
and the evaluation campaigns open now.
"""

from django.db.models import Prefetch
from django.utils import timezone

from jixiao.accounts import access
from jixiao.analysis import pace, pace_queries
from jixiao.evaluation.models import Campaign, CampaignStatus
from jixiao.keywork import board
from jixiao.keywork.models import KeyTask, Milestone, Progress
from jixiao.keywork.status import MilestoneFact, ProgressFact, judge
from jixiao.lib import cycles
from jixiao.org.models import Cycle
from jixiao.portal import glance, publishing_queries
from jixiao.portal.models import Kind
from jixiao.results import queries
from jixiao.results.models import Rectification, RectificationStatus
from jixiao.scoring.models import ScoreResult


def latest_published_cycle() -> Cycle | None:
    year = access.visible_runs(access.PUBLIC).order_by("-cycle__year").values_list("cycle__year", flat=True).first()
    return Cycle.objects.filter(year=year).first() if year else None


def published_groups(cycle) -> list[dict]:
    """The cycle's published results by group, in group order: [{"name", "rows": [{"unit", "total", "grade"}]}].

    Plain values, not result rows: a result carries its JSON (blocks, grading steps) that this page never reads."""
    if cycle is None:
        return []
    runs = queries.official_runs(cycle, published_only=True)
    groups: dict = {}
    for run_id, group_id, name, unit_name, unit_code, total, grade in (
            ScoreResult.objects.filter(run__in=runs).order_by("run_id", "group_order", "rank", "unit__code")
            .values_list("run_id", "group_id", "group__name", "unit__name", "unit__code", "total", "grade")):
        groups.setdefault((run_id, group_id), {"name": name, "rows": []})["rows"].append(
            {"unit": {"name": unit_name, "code": unit_code}, "total": total, "grade": grade})
    return list(groups.values())


def key_work(cycle) -> dict:
    """The running year's key tasks counted by their derived status (keywork/status.py) and by their pace
    against their milestones (序时进度, analysis/pace.py)."""
    if cycle is None:
        return {"cycle": None, "counts": [], "paces": [], "total": 0}
    rows = board_rows(KeyTask.objects.filter(cycle=cycle), cycle)
    judged = paces(rows, cycle)
    pace_counts = [{"label": pace.LABELS[s], "count": sum(1 for p in judged if p.status == s)} for s in pace.ORDER]
    return {"cycle": cycle, "counts": board.counts(rows), "total": len(rows),
            "paces": [c for c in pace_counts if c["count"]]}


def board_rows(tasks, cycle) -> list[board.BoardRow]:
    """As the office's board (board.rows_for) judges them, from only the fields the public pages read: three
    queries (tasks, milestones, progress reports), and no progress text, leader or cooperating unit loaded."""
    tasks = (tasks.only("id", "cycle_id", "code", "name", "kind", "annual_goal", "lead_unit_id").order_by("code")
             .prefetch_related(
                 Prefetch("milestones", Milestone.objects.only("id", "task_id", "period_code", "due_on")),
                 Prefetch("progress_reports", Progress.objects.only(
                     "id", "task_id", "unit_id", "period_code", "percent", "milestone_met", "reported_at"))))
    on = board.judged_on(cycle)
    return [board.BoardRow(task, judge(task, on)) for task in tasks]


def paces(rows: list[board.BoardRow], cycle) -> list[pace.Pace]:
    """The pace of each board row's task, from the milestones and reports the board prefetched: one query (the
    cycle's thresholds) whatever the number of tasks. As pace_queries.task_rows: the lead unit's reports made by
    the day the cycle is judged on."""
    day, rule = pace_queries.judged_on(cycle), pace_queries.rule_for(cycle)
    found = []
    for row in rows:
        task = row.task
        milestones = [MilestoneFact(m.period_code, m.due_on) for m in task.milestones.all()]
        reports = [ProgressFact(p.period_code, p.percent, p.milestone_met) for p in task.progress_reports.all()
                   if p.unit_id == task.lead_unit_id and timezone.localdate(p.reported_at) <= day]
        found.append(pace.task_pace(milestones, reports, day, rule))
    return found


def rectification(day) -> dict:
    """Disclosed rectification items of the latest year with any: how many closed, under way, overdue."""
    disclosed = Rectification.objects.disclosed()
    year = disclosed.order_by("-cycle__year").values_list("cycle__year", flat=True).first()
    if year is None:
        return {"year": None, **glance.rectification_counts([], day)}
    facts = [glance.RectificationFact(status == RectificationStatus.CLOSED, unit_deadline or deadline)
             for status, unit_deadline, deadline in disclosed.filter(cycle__year=year)
             .values_list("status", "unit_deadline", "deadline")]
    return {"year": year, **glance.rectification_counts(facts, day)}


def open_campaigns(now) -> list[Campaign]:
    return list(Campaign.objects.satisfaction().filter(status=CampaignStatus.OPEN, opens_at__lte=now, closes_at__gt=now)
                .order_by("closes_at", "id"))


def context() -> dict:
    now = timezone.now()
    published = latest_published_cycle()
    summary = glance.grade_summary(published_groups(published))
    running = cycles.current(list(Cycle.objects.order_by("-year")))
    work = key_work(running)
    return {
        "published_cycle": published, "summary": summary, "grade_labels": [label for _, label in glance.GRADES],
        "grade_chart": glance.grade_option(summary) if summary else None,
        "work": work, "work_chart": glance.counts_option(work["counts"], "项数") if work["total"] else None,
        "rectification": rectification(timezone.localdate()),
        "campaigns": open_campaigns(now),
        "latest": latest_items(now),
    }


HOME_ITEMS = 6  # the newest items of each column on the home page
HOME_COLUMNS = ((Kind.NOTICE, "通知公告", "portal:notices"), (Kind.POLICY, "政策文件", "portal:policies"),
                (Kind.NEWS, "工作动态", "portal:news"))


def latest_items(now) -> list[dict]:
    """The newest notices, policy documents and work news the public reads now, a column each (信息发布)."""
    return [{"kind": kind, "label": label, "url": url,
             "items": list(publishing_queries.public(kind, now=now)[:HOME_ITEMS])}
            for kind, label, url in HOME_COLUMNS]
