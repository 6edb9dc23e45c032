"""Account lockout, kept by django-axes and keyed on the lower-cased username (SECURITY.md)."""

import datetime

from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.db.models import Sum
from django.utils import timezone


def key(username: str) -> str:
    return (username or "").strip().lower()


def _recent(usernames):
    cooloff = datetime.timedelta(hours=settings.AXES_COOLOFF_TIME)
    return AccessAttempt.objects.filter(username__in=usernames, attempt_time__gte=timezone.now() - cooloff)


def failures(username: str) -> int:
    """Failed attempts counted against this account within the cool-off window."""
    total = _recent([key(username)]).aggregate(n=Sum("failures_since_start"))["n"]
    return total or 0


def locked_usernames(usernames) -> set[str]:
    """The lower-cased usernames among `usernames` that are locked now, in one query."""
    rows = (
        _recent([key(u) for u in usernames])
        .values("username")
        .annotate(n=Sum("failures_since_start"))
        .filter(n__gte=settings.AXES_FAILURE_LIMIT)
    )
    return {row["username"] for row in rows}


def is_locked(request, username: str) -> bool:
    return AxesProxyHandler.is_locked(request, {"username": key(username)})


def count_failure(request, username: str) -> bool:
    """Count a failed factor (e.g. a wrong one-time code) like a failed password. True if now locked."""
    user_login_failed.send(sender=__name__, credentials={"username": key(username)}, request=request)
    return bool(getattr(request, "axes_locked_out", False))


def clear(username: str) -> int:
    """Forget the failures of an account, which lifts a lockout. Returns the number of records removed."""
    return reset(username=key(username))
