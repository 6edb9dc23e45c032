"""Department profiles for the public (部门绩效公开): the list of assessed units by group, and each unit's page.

A page shows only what is public: the unit's duties (the office's text, `UnitProfile`), its results in published
runs (`access.visible_runs(access.PUBLIC)`) year by year with the satisfaction of that year's evaluation as the
published result carries it, the key tasks it leads this year with their derived status (no scores, no names of
leaders), and the rectification items the office marked for disclosure, in plain words. Nothing personal.
Each page reads in a fixed number of queries, whatever the number of years, tasks or items.
"""

from collections import defaultdict

from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from jixiao.accounts import access
from jixiao.keywork import board
from jixiao.keywork.models import KeyTask
from jixiao.lib import cycles
from jixiao.org.models import Cycle, Group, GroupPurpose, Unit, UnitKind
from jixiao.portal import cache, glance, home
from jixiao.portal.models import UnitProfile
from jixiao.results import publication, queries
from jixiao.results.models import Rectification, RectificationStatus
from jixiao.scoring.models import ScoreResult

# The district and the city set the targets; they are not assessed, so they have no public profile.
NOT_ASSESSED = [UnitKind.CITY, UnitKind.DISTRICT]
NOT_FOUND = "没有找到该单位的绩效公开信息：单位编码有误，或该单位已撤销。"


def listed_units():
    """Units with a public profile: assessed kinds, not retired."""
    return Unit.objects.exclude(kind__in=NOT_ASSESSED).filter(valid_to__isnull=True)


def unit_or_404(code: str) -> Unit:
    unit = listed_units().filter(code=code).first()
    if unit is None:
        raise Http404(NOT_FOUND)
    return unit


def running_cycle() -> Cycle | None:
    return cycles.current(list(Cycle.objects.order_by("-year")))


def latest_grades() -> dict:
    """unit id -> (year, grade label) of its latest published result."""
    found = {}
    results = (ScoreResult.objects.filter(run__in=access.visible_runs(access.PUBLIC))
               .exclude(run__status="superseded").order_by("run__cycle__year", "run_id")
               .values_list("unit_id", "run__cycle__year", "grade"))
    labels = dict(glance.GRADES)
    for unit_id, year, grade in results:
        found[unit_id] = (year, labels.get(grade, ""))
    return found


def groups_of(cycle) -> list[dict]:
    """The cycle's peer groups (考核组别) with their listed units; units in none come last under 其他单位."""
    listed = {u.pk: u for u in listed_units().order_by("sort_order", "code")}
    out, seen = [], set()
    if cycle is not None:
        groups = (Group.objects.filter(cycle=cycle, purpose=GroupPurpose.PEER)
                  .prefetch_related("units").order_by("sort_order", "code"))
        for group in groups:
            members = sorted((listed[u.pk] for u in group.units.all() if u.pk in listed),
                             key=lambda u: (u.sort_order, u.code))
            if members:
                out.append({"name": group.name, "units": members})
                seen.update(u.pk for u in members)
    rest = [u for pk, u in listed.items() if pk not in seen and u.kind != UnitKind.VILLAGE]
    if rest:
        out.append({"name": "其他单位", "units": rest})
    return out


@require_GET
@cache.public_page()
def unit_list(request):
    cycle = running_cycle()
    grades = latest_grades()
    groups = groups_of(cycle)
    for group in groups:
        group["rows"] = [{"unit": u, "latest": grades.get(u.pk)} for u in group["units"]]
    return render(request, "portal/units.html", {"district_name": settings.DISTRICT_NAME, "cycle": cycle,
                                                 "groups": groups})


# --- One unit ------------------------------------------------------------------------------------------------


def history(unit) -> list[dict]:
    """The unit's published results, oldest first: year, group, total, rank of how many, grade, satisfaction."""
    rows = []
    for r in queries.unit_history(unit, access.visible_runs(access.PUBLIC)):
        rows.append({"year": r.run.cycle.year, "group": r.group.name, "total": r.total, "rank": r.rank,
                     "group_size": r.group_size, "grade": r.get_grade_display(),
                     "satisfaction": glance.satisfaction(r.blocks)})
    return rows


def key_tasks(unit, cycle) -> list[board.BoardRow]:
    """The tasks the unit leads in `cycle`, each with its status and, as `public_pace`, its 序时进度."""
    if cycle is None:
        return []
    rows = home.board_rows(KeyTask.objects.filter(cycle=cycle, lead_unit=unit), cycle)
    for row, judged in zip(rows, home.paces(rows, cycle), strict=True):
        row.public_pace = judged
    return rows


def rectifications(unit) -> list:
    """The unit's disclosed items, newest year first, each with its public sentences and whether it is overdue."""
    items = list(Rectification.objects.disclosed().filter(unit=unit).select_related("unit", "cycle")
                 .order_by("-cycle__year", "deadline", "id")[:publication.PUBLIC_LIMIT])
    by_cycle = defaultdict(list)
    for item in items:
        by_cycle[item.cycle].append(item)
    for cycle, in_cycle in by_cycle.items():
        publication.in_plain_words(in_cycle, cycle)
    day = timezone.localdate()
    for item in items:
        item.public_overdue = item.is_overdue(day)
    return items


@require_GET
@cache.public_page()
def unit_detail(request, code):
    unit = unit_or_404(code)
    profile = UnitProfile.objects.filter(unit=unit).first()
    rows = history(unit)
    cycle = running_cycle()
    tasks = key_tasks(unit, cycle)
    items = rectifications(unit)
    years = [r["year"] for r in rows]
    has_satisfaction = any(r["satisfaction"] is not None for r in rows)
    series = [("总分", [r["total"] for r in rows])]
    if has_satisfaction:
        series.append(("满意度", [r["satisfaction"] for r in rows]))
    return render(request, "portal/unit_detail.html", {
        "district_name": settings.DISTRICT_NAME, "unit": unit, "duties": profile.duties if profile else "",
        "history": rows, "has_satisfaction": has_satisfaction,
        "trend_chart": glance.trend_option(years, series) if rows else None,
        "cycle": cycle, "tasks": tasks, "task_counts": board.counts(tasks) if tasks else [],
        "open_items": [i for i in items if i.status != RectificationStatus.CLOSED],
        "closed_items": [i for i in items if i.status == RectificationStatus.CLOSED],
    })
