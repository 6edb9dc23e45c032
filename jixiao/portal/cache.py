"""Anonymous visitors' portal pages from a cache, invalidated the moment anything public changes (evaluation day).

- **Key**: the public generation (`PublicGeneration`, one row), the layout (the 长辈版 cookie), the language, the
  path and its query. The generation lives in the database, so a change is seen at once by every server process
  although each keeps its own local-memory cache (settings.CACHES["portal"]); a hit costs that one small query.
- **Invalidation**: any save or delete of a model the public pages read (`WATCHED`) raises the generation after
  its transaction commits, once per transaction — an article approved, scheduled or withdrawn, a run published, a
  profile edited, a rectification disclosed or reported on, a re-rating, a message answered or its reply approved.
- **Expiry**: at most PORTAL_CACHE_SECONDS, and never past the next moment the clock changes a page by itself: a
  scheduled revision's publication time, an open campaign's opening or closing, local midnight (逾期, 序时进度).
- **Per visitor**: signed-in people and query parameters a page does not name skip the cache; only 200 answers
  without cookies of their own are kept. A form's CSRF token (the home page's invitation-code box) is stored as a
  placeholder and filled on every answer with the visitor's own token, so the form always matches the visitor's
  csrftoken cookie and CSRF checking stays on for the view the form posts to.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import re

from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.db import connection, transaction
from django.db.models import F, Min, Q
from django.db.models.signals import post_delete, post_save
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone

from jixiao.portal import elder

ALIAS = "portal"
# What the public pages read: a save or delete of any of these raises the generation.
WATCHED = [
    "portal.Article", "portal.Revision", "portal.Attachment", "portal.UnitProfile", "portal.PublicMessage",
    "results.Rectification", "results.RectificationReport", "results.RectificationRating",
    "scoring.ScoreRun", "evaluation.Campaign", "keywork.KeyTask", "keywork.Milestone", "keywork.Progress",
    "org.Unit", "org.Cycle", "org.Group", "analysis.AnalysisReport",
]
TOKEN = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]*(")')
PLACEHOLDER = b"@@portal-csrf@@"


# --- The generation -----------------------------------------------------------------------------------------


def generation() -> int:
    """The current generation, read on every cached page: one fixed statement on a one-row table. Compiling it
    through the ORM each time was a third of a cache hit's CPU (0.67 of 2.09 s for 300 hits under cProfile)."""
    from jixiao.portal.models import PublicGeneration

    table = connection.ops.quote_name(PublicGeneration._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT value FROM {table} WHERE id = 1")  # noqa: S608  (a quoted table name only)
        row = cursor.fetchone()
    return row[0] if row else 0


def bump(using: str = "default") -> None:
    """Raise the generation: every page cached so far is no longer read."""
    from jixiao.portal.models import PublicGeneration

    rows = PublicGeneration.objects.using(using)
    if not rows.filter(pk=1).update(value=F("value") + 1):
        rows.get_or_create(pk=1, defaults={"value": 1})


class _Raise:
    """The after-commit callback that raises the generation; `pending` until it has run."""

    def __init__(self, using: str):
        self.using, self.pending = using, True

    def __call__(self):
        self.pending = False
        bump(self.using)


def changed(using: str = "default") -> None:
    """Raise the generation when the current transaction commits (at once outside one); one raise per
    transaction however many rows it saves (a demo build or an import saves thousands)."""
    connection = transaction.get_connection(using)
    if connection.in_atomic_block and any(
            isinstance(entry[1], _Raise) and entry[1].pending for entry in connection.run_on_commit):
        return
    # robust: a failed raise is logged, never turned into an error page for a change that is already committed
    transaction.on_commit(_Raise(using), using=using, robust=True)


def _on_change(sender, using="default", **kwargs):
    changed(using)


def connect() -> None:
    """Called once from PortalConfig.ready()."""
    for label in WATCHED:
        model = apps.get_model(label)
        post_save.connect(_on_change, sender=model, dispatch_uid=f"portal-cache-save-{label}")
        post_delete.connect(_on_change, sender=model, dispatch_uid=f"portal-cache-delete-{label}")


# --- Expiry -------------------------------------------------------------------------------------------------


def next_change(now: datetime.datetime) -> datetime.datetime:
    """The next moment the clock alone changes a public page: a scheduled revision appearing, an open campaign
    opening or closing (the home page's 参加评议), or local midnight (overdue marks and 序时进度 are by the day)."""
    from jixiao.evaluation.models import Campaign, CampaignStatus
    from jixiao.portal.publishing_queries import next_scheduled

    tomorrow = timezone.localdate(now) + datetime.timedelta(days=1)
    moments = [timezone.make_aware(datetime.datetime.combine(tomorrow, datetime.time.min))]
    bounds = Campaign.objects.filter(status=CampaignStatus.OPEN).aggregate(
        opens=Min("opens_at", filter=Q(opens_at__gt=now)), closes=Min("closes_at", filter=Q(closes_at__gt=now)))
    moments += [m for m in (next_scheduled(now), bounds["opens"], bounds["closes"]) if m is not None]
    return min(moments)


def seconds_to_keep(now: datetime.datetime) -> int:
    return min(settings.PORTAL_CACHE_SECONDS, int((next_change(now) - now).total_seconds()))


# --- Pages --------------------------------------------------------------------------------------------------


def key(request, gen: int) -> str:
    layout = "elder" if request.COOKIES.get(elder.COOKIE) == "1" else "plain"
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]
    return f"page:{gen}:{layout}:{getattr(request, 'LANGUAGE_CODE', '')}:{path}"


def cacheable(request, params: frozenset) -> bool:
    return (settings.PORTAL_CACHE_SECONDS > 0 and request.method == "GET" and set(request.GET) <= params
            and not request.user.is_authenticated)


def answer(request, content: bytes, content_type: str) -> HttpResponse:
    """The stored page with this visitor's own CSRF token in its forms (which also sets the visitor's cookie)."""
    if PLACEHOLDER in content:
        content = content.replace(PLACEHOLDER, get_token(request).encode())
    return HttpResponse(content, content_type=content_type)


def public_page(*params: str):
    """Serve the decorated GET view from the cache to anonymous visitors; `params` names the query parameters the
    page reads (any other parameter, or a signed-in visitor, goes straight to the view)."""
    known = frozenset(params)

    def decorate(view):
        @functools.wraps(view)
        def cached(request, *args, **kwargs):
            if not cacheable(request, known):
                return view(request, *args, **kwargs)
            store, page_key = caches[ALIAS], key(request, generation())
            entry = store.get(page_key)
            if entry is not None:
                return answer(request, *entry)
            response = view(request, *args, **kwargs)
            if response.status_code == 200 and not response.streaming and not response.cookies:
                seconds = seconds_to_keep(timezone.now())
                if seconds >= 1:
                    store.set(page_key, (TOKEN.sub(rb"\1" + PLACEHOLDER + rb"\2", response.content),
                                         response["Content-Type"]), seconds)
            return response

        return cached

    return decorate
