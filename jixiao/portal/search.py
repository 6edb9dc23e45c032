"""Searching the portal (站内检索, `/p/search/?q=`): everything public, grouped by kind, the hit marked.

Chinese has no spaces between words, so the search is a substring match (`icontains`), which Django escapes
(`%`, `_` and `\\` are matched as themselves) and which reads the same on SQLite and PostgreSQL. It reads only
what the public may read: the revisions `publishing_queries.public` returns (a draft, a pending, a withdrawn or a
scheduled item never matches), listed units and their duties, and results of published runs.

Each group costs two queries (a count and one page), so a request takes the same number of queries whatever it
finds. The highlight splits the raw text on the query, escapes every piece and wraps the hits in `<mark>`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import escape, strip_tags
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from jixiao.accounts import access
from jixiao.portal import profiles
from jixiao.portal import publishing_queries as queries
from jixiao.scoring.models import ScoreResult

MAX_CHARS = 50  # a longer query is cut, and the page says so
PER_GROUP = 5  # hits a group shows on the overview; its own page shows PER_PAGE
PER_PAGE = 20
SNIPPET = 60  # characters of text around a hit
TOO_LONG = f"检索词过长，已截取前 {MAX_CHARS} 个字。"


@dataclass(frozen=True)
class Group:
    key: str
    label: str


GROUPS = [Group("articles", "信息"), Group("units", "部门"), Group("results", "考核结果")]
GROUP_KEYS = {g.key: g for g in GROUPS}


def clean_query(raw: str) -> tuple[str, str]:
    """The query to search for and a notice for the person ("" when none): control characters (a NUL breaks
    PostgreSQL) dropped, runs of spaces made one, and cut to MAX_CHARS."""
    text = "".join(" " if unicodedata.category(c)[0] in "CZ" else c for c in raw or "")
    text = " ".join(text.split())
    if len(text) > MAX_CHARS:
        return text[:MAX_CHARS].strip(), TOO_LONG
    return text, ""


def highlight(text: str, query: str) -> str:
    """`text` as safe HTML with every case-insensitive occurrence of `query` in `<mark>`: escaped first, then
    marked, so neither the text nor the query can inject markup."""
    text = text or ""
    if not query:
        return mark_safe(escape(text))  # noqa: S308 - escaped just now
    parts = re.split(f"({re.escape(query)})", text, flags=re.IGNORECASE)
    out = [f"<mark>{escape(p)}</mark>" if i % 2 else escape(p) for i, p in enumerate(parts)]
    return mark_safe("".join(out))  # noqa: S308 - every piece escaped


def snippet(text: str, query: str, width: int = SNIPPET) -> str:
    """About `width` characters of plain `text` around the first hit (the start when there is none), with … where
    it is cut, highlighted."""
    plain = " ".join(strip_tags(text or "").split())
    at = plain.lower().find(query.lower()) if query else -1
    start = max(0, at - width // 3) if at >= 0 else 0
    piece = plain[start:start + width]
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + width < len(plain) else ""
    return mark_safe(prefix + highlight(piece, query) + suffix)  # noqa: S308 - highlight escapes


# --- What each group reads ----------------------------------------------------------------------------------


def articles(query: str):
    """Public items whose title, summary, 文号, issuing body or body text contain the query, newest first."""
    where = (Q(title__icontains=query) | Q(summary__icontains=query) | Q(document_number__icontains=query)
             | Q(issuing_body__icontains=query) | Q(body__icontains=query))
    return queries.public().filter(where)


def units(query: str):
    """Listed units whose name or public duties contain the query."""
    where = Q(name__icontains=query) | Q(public_profile__duties__icontains=query)
    return (profiles.listed_units().filter(where).select_related("public_profile")
            .order_by("sort_order", "code"))


def results(query: str):
    """Results of published runs of units whose name contains the query, newest year first."""
    return (ScoreResult.objects.filter(run__in=access.visible_runs(access.PUBLIC), unit__name__icontains=query)
            .exclude(run__status="superseded").select_related("unit", "group", "run__cycle")
            .order_by("-run__cycle__year", "unit__sort_order", "unit__code", "run_id"))


READERS = {"articles": articles, "units": units, "results": results}


def article_row(revision, query: str) -> dict:
    return {"url_name": "portal:article", "url_arg": revision.article_id, "kind": revision.article.get_kind_display(),
            "title": highlight(revision.title, query), "date": revision.first_published,
            "number": highlight(revision.document_number, query) if revision.document_number else "",
            "text": snippet(revision.summary + " " + revision.body, query)}


def unit_row(unit, query: str) -> dict:
    profile = getattr(unit, "public_profile", None)
    return {"url_name": "portal:unit_detail", "url_arg": unit.code, "title": highlight(unit.name, query),
            "text": snippet(profile.duties, query) if profile and profile.duties else ""}


def result_row(result, query: str) -> dict:
    """A published result; it links to the unit's profile while the unit has one (not retired), else to the year's
    results page."""
    unit = result.unit
    listed = unit.valid_to is None and unit.kind not in profiles.NOT_ASSESSED
    return {"url": reverse("portal:unit_detail", args=[unit.code]) if listed
            else reverse("portal:results") + f"?cycle={result.run.cycle.year}", "title": highlight(unit.name, query),
            "year": result.run.cycle.year, "group": result.group.name, "total": result.total, "rank": result.rank,
            "group_size": result.group_size, "grade": result.get_grade_display()}


ROWS = {"articles": article_row, "units": unit_row, "results": result_row}


def search(query: str, only: str = "", page_number=None) -> list[dict]:
    """The groups with hits: [{key, label, count, rows, page}], each with its first PER_GROUP rows, or, with
    `only`, that group alone paginated by PER_PAGE."""
    if not query:
        return []
    found = []
    for group in GROUPS:
        if only and group.key != only:
            continue
        rows = READERS[group.key](query)
        if only:
            page = Paginator(rows, PER_PAGE).get_page(page_number)
            items, count = list(page), page.paginator.count
        else:
            page, items, count = None, list(rows[:PER_GROUP]), rows.count()
        found.append({"key": group.key, "label": group.label, "count": count, "page": page,
                      "rows": [ROWS[group.key](item, query) for item in items]})
    return found


@require_GET
def search_page(request):
    query, notice = clean_query(request.GET.get("q", ""))
    only = request.GET.get("kind", "")
    if only not in GROUP_KEYS:
        only = ""
    groups = search(query, only, request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    params["q"] = query
    return render(request, "portal/search.html", {
        "district_name": settings.DISTRICT_NAME, "q": query, "notice": notice, "groups": groups,
        "only": GROUP_KEYS.get(only), "total": sum(g["count"] for g in groups), "query": params.urlencode(),
        "page": groups[0]["page"] if only and groups else None,
    })
