"""Rectification in public (整改公开): each unit's promises, their progress, completion notices and re-ratings.

Only items the office marked for disclosure (`Rectification.disclose`) ever reach these pages; an undisclosed
item answers 404 like an unknown one. A promise (承诺) is the item's problem, measures and deadline in plain words
(results/publication.in_plain_words); its progress is the unit's reports, by date; a closed item carries its
completion notice (整改完成公告) and may be re-rated by the public (满意/基本满意/不满意, see rectification_rating.py).
An item not closed whose deadline has passed is marked 逾期.
"""

import datetime
from collections import defaultdict

from django.conf import settings
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from jixiao.portal import cache, profiles
from jixiao.results import publication
from jixiao.results.models import Rectification, RectificationStatus

NOT_FOUND = "没有找到该整改事项的公开信息。"
# The list's filters: query value -> label.
FILTERS = {"": "全部", "progress": "进行中", "done": "已完成", "overdue": "逾期"}


def public_items():
    return Rectification.objects.disclosed().select_related("unit", "cycle")


def filtered(queryset, which: str, day: datetime.date):
    """The items of one filter: 进行中 (not closed, not past its deadline), 已完成 (closed), 逾期 (past, not closed)."""
    if which == "done":
        return queryset.filter(status=RectificationStatus.CLOSED)
    if which == "overdue":
        return queryset.overdue(day)
    if which == "progress":
        return queryset.unfinished().exclude(pk__in=queryset.overdue(day).values("pk"))
    return queryset


def with_public_words(items: list, day: datetime.date) -> list:
    """Give each item its public sentences, `public_overdue` and `public_state` (进行中/已完成/逾期)."""
    by_cycle = defaultdict(list)
    for item in items:
        by_cycle[item.cycle].append(item)
    for cycle, in_cycle in by_cycle.items():
        publication.in_plain_words(in_cycle, cycle)
    for item in items:
        item.public_overdue = item.is_overdue(day)
        item.public_state = ("已完成" if item.status == RectificationStatus.CLOSED
                             else "逾期" if item.public_overdue else "进行中")
    return items


def _rating_counts(queryset):
    return queryset.annotate(
        n_satisfied=Count("ratings", filter=Q(ratings__verdict="satisfied")),
        n_basic=Count("ratings", filter=Q(ratings__verdict="basic")),
        n_unsatisfied=Count("ratings", filter=Q(ratings__verdict="unsatisfied")))


@require_GET
@cache.public_page("status", "unit")
def rectification_list(request):
    """/p/rectification/: disclosed items by unit, filtered by 进行中/已完成/逾期 and, from a profile, by unit."""
    day = timezone.localdate()
    which = request.GET.get("status", "")
    which = which if which in FILTERS else ""
    queryset = public_items()
    unit = None
    if code := request.GET.get("unit", "").strip()[:30]:
        unit = profiles.unit_or_404(code)
        queryset = queryset.filter(unit=unit)
    queryset = _rating_counts(filtered(queryset, which, day)).order_by(
        "unit__sort_order", "unit__code", "-cycle__year", "deadline", "id")
    items = with_public_words(list(queryset[:publication.PUBLIC_LIMIT]), day)
    groups = defaultdict(list)
    for item in items:
        groups[item.unit].append(item)
    return render(request, "portal/rectification/list.html", {
        "district_name": settings.DISTRICT_NAME, "groups": list(groups.items()), "unit": unit,
        "filters": [(key, label, key == which) for key, label in FILTERS.items()], "which": FILTERS[which],
    })


def item_or_404(pk: int) -> Rectification:
    item = _rating_counts(public_items().filter(pk=pk)).first()
    if item is None:
        raise Http404(NOT_FOUND)
    return item


def detail_context(item, day) -> dict:
    with_public_words([item], day)
    return {"district_name": settings.DISTRICT_NAME, "item": item,
            "reports": list(item.reports.order_by("reported_at", "id")),
            "comments": list(item.ratings.filter(comment_approved=True).exclude(comment="")
                             .order_by("-created_at", "-id")[:50])}


@require_GET
def rectification_detail(request, pk: int):
    """One promise: problem, measures, deadline, progress by date, the completion notice, and its re-ratings."""
    from jixiao.portal import rectification_rating

    item = item_or_404(pk)
    context = detail_context(item, timezone.localdate())
    if item.status == RectificationStatus.CLOSED and not request.GET.get("rated"):  # no second form after a rating
        context["form"] = rectification_rating.blank_form(pk)
    return render(request, "portal/rectification/detail.html", context)


def _urls():
    from django.urls import path

    from jixiao.portal import rectification_rating

    return [
        path("rectification/", rectification_list, name="rectification"),
        path("rectification/<int:pk>/", rectification_detail, name="rectification_detail"),
        path("rectification/<int:pk>/rate/", rectification_rating.rate, name="rectification_rate"),
    ]
