"""The audit admin's pages: search the log, read one event, check the chain, export a search."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from jixiao.accounts import access
from jixiao.audit import export, feed, guard, keys, log, readable
from jixiao.audit.forms import EventSearchForm, object_types
from jixiao.audit.labels import EVENT_LABELS, PREFIX_LABELS
from jixiao.audit.models import Event
from jixiao.lib import responses

PAGE_SIZE = 50


def _search(data):
    """The bound search form and the events it selects (none when the form is invalid)."""
    form = EventSearchForm(data or None)
    if form.is_bound and not form.is_valid():
        return form, Event.objects.none()
    events = Event.objects.order_by("-id")
    return form, form.filter(events) if form.is_bound else events


@login_required
@require_GET
def event_list(request):
    access.require(request.user, "audit.view")
    form, events = _search(request.GET)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = feed.name_events(list(page.object_list))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "audit/event_list.html", {
        "form": form, "page": page, "query": query.urlencode(),
        "export_fields": [(name, value) for name, values in query.lists() for value in values],
        "known_codes": sorted(EVENT_LABELS.items()), "prefixes": sorted(PREFIX_LABELS.items()),
        "object_types": object_types(),
    })


@login_required
@require_GET
def event_detail(request, pk):
    access.require(request.user, "audit.view")
    event = feed.name_events([get_object_or_404(Event, pk=pk)])[0]
    diff = log.diff(event.before, event.after)
    previous = Event.objects.filter(hash=event.prev_hash).only("id").first()
    following = Event.objects.filter(prev_hash=event.hash).only("id").first()
    return render(request, "audit/event_detail.html", {
        "event": event, "diff": diff, "rows": readable.name_rows(event.object_type, diff), "previous": previous,
        "following": following, "hash_ok": log.signature_ok(event),
    })


@login_required
@require_GET
def chain_status(request):
    access.require(request.user, "audit.view")
    status = log.chain_status()
    return render(request, "audit/chain_status.html", {
        "status": status, "guarded": guard.installed(connection), "inline_limit": log.INLINE_LIMIT,
        "key_id": keys.current().id if settings.AUDIT_KEY else "", "old_keys": len(settings.AUDIT_KEYS_OLD),
    })


@login_required
@require_POST
def event_export(request):
    access.require(request.user, "audit.view")
    data = request.POST.copy()
    data.pop("csrfmiddlewaretoken", None)
    form, events = _search(data)
    back = f"{reverse('audit:event_list')}?{data.urlencode()}"
    if form.is_bound and not form.is_valid():
        messages.error(request, "查询条件有误，未导出。")
        return redirect(back)
    total = events.count()
    if total > export.MAX_ROWS:
        messages.error(request, f"符合条件的记录有 {total} 条，超过单次导出上限 {export.MAX_ROWS} 条，请缩小查询范围。")
        return redirect(back)
    data, _ = export.export_events(events, filters=form.used() if form.is_bound else {})
    return responses.download(data, f"audit-events-{timezone.localtime():%Y%m%d-%H%M%S}.xlsx")
