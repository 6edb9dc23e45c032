"""The portal home (门户首页): the district's performance at a glance, in a fixed number of queries.

Only what is public: results of published runs (`access.visible_runs(access.PUBLIC)`), rectification items the
office marked for disclosure, the key tasks of the running year with their derived status (no scores, no names),
and the evaluation campaigns open now.
"""

from django.utils import timezone

from jixiao.accounts import access
from jixiao.evaluation.models import Campaign, CampaignStatus
from jixiao.keywork import board
from jixiao.keywork.models import KeyTask
from jixiao.lib import cycles
from jixiao.org.models import Cycle
from jixiao.portal import glance
from jixiao.results import queries
from jixiao.results.models import Rectification, RectificationStatus


def latest_published_cycle() -> Cycle | None:
    year = access.visible_runs(access.PUBLIC).order_by("-cycle__year").values_list("cycle__year", flat=True).first()
    return Cycle.objects.filter(year=year).first() if year else None


def published_groups(cycle) -> list[dict]:
    """The cycle's published results by group: [{"name", "rows": [{"rank", "unit", "total", "grade"}]}]."""
    if cycle is None:
        return []
    results = queries.results_of(queries.official_runs(cycle, published_only=True))
    return [{"name": g["name"], "rows": [{"rank": r.rank, "unit": r.unit, "total": r.total, "grade": r.grade}
                                         for r in g["rows"]]} for g in queries.by_group(results)]


def key_work(cycle) -> dict:
    """The running year's key tasks counted by their derived status (keywork/status.py)."""
    if cycle is None:
        return {"cycle": None, "counts": [], "total": 0}
    rows = board.rows_for(KeyTask.objects.all(), cycle)
    counts = board.counts(rows)
    return {"cycle": cycle, "counts": counts, "total": len(rows)}


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
    return list(Campaign.objects.filter(status=CampaignStatus.OPEN, opens_at__lte=now, closes_at__gt=now)
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
    }
