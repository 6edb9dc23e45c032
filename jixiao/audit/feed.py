"""The business trail (业务动态) that pages outside the audit app show: events named in Chinese, people by name.

The log stores the login name (it must stay what it was when the event happened); a reader wants the person,
so the names are looked up when the trail is shown, in one query for the whole page.
"""

from django.contrib.auth import get_user_model
from django.db.models import Q

from jixiao.audit.labels import label_for
from jixiao.audit.models import Event

# Sign-ins, failures and the log's own events belong to the audit admin, not to the business trail.
NOT_BUSINESS = ("auth.", "audit.")
SYSTEM = "系统"


def recent(limit: int = 10) -> list[Event]:
    """The latest business events, each with `label` (the Chinese event name) and `actor` (who, by name)."""
    query = Q()
    for prefix in NOT_BUSINESS:
        query |= Q(code__startswith=prefix)
    return name_events(list(Event.objects.exclude(query).order_by("-id")[:limit]))


def name_events(events: list[Event]) -> list[Event]:
    """Give each event its `label` and its `actor`: the user's full name, else the login name, else 系统."""
    names = dict(get_user_model().objects.filter(pk__in={e.user_id for e in events if e.user_id})
                 .exclude(full_name="").values_list("pk", "full_name"))
    for event in events:
        event.label = label_for(event.code)
        event.actor = names.get(event.user_id) or event.username or SYSTEM
    return events
