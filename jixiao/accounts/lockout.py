"""Login lockout per account and per client address (SECURITY.md), both read from django-axes' failure records.

The account lock is axes' own, keyed on the lower-cased username; the address throttle sums the same records
by client address.
"""

import datetime

from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.db.models import Sum
from django.utils import timezone

from jixiao.audit.middleware import client_ip


def key(username: str) -> str:
    return (username or "").strip().lower()


def _recent(**lookup):
    cooloff = datetime.timedelta(hours=settings.AXES_COOLOFF_TIME)
    return AccessAttempt.objects.filter(attempt_time__gte=timezone.now() - cooloff, **lookup)


def failures(username: str) -> int:
    """Failed attempts counted against this account within the cool-off window."""
    total = _recent(username=key(username)).aggregate(n=Sum("failures_since_start"))["n"]
    return total or 0


def address_failures(address: str | None) -> int:
    """Failed attempts from one client address, whatever the usernames, within the cool-off window.

    django-axes records every failure with the address (AXES_CLIENT_IP_CALLABLE: the audit log's client_ip,
    which believes X-Real-IP only from our own proxy), so this reads the same records as the account lock.
    """
    if not address:
        return 0
    return _recent(ip_address=address).aggregate(n=Sum("failures_since_start"))["n"] or 0


def address_locked(request) -> bool:
    """Too many failures from the request's address: a login storm across usernames, which no account lock sees."""
    return address_failures(client_ip(request)) >= settings.LOGIN_ADDRESS_FAILURES


def locked_usernames(usernames) -> set[str]:
    """The lower-cased usernames among `usernames` that are locked now, in one query."""
    rows = (
        _recent(username__in=[key(u) for u in usernames])
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
