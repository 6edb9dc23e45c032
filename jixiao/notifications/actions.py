"""Sending in-app notices (and e-mail when SMTP is configured)."""

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from jixiao.notifications.models import Notice, NoticeKind

logger = logging.getLogger(__name__)


def notify(recipients: Iterable, subject: str, body: str = "", *, url: str = "", kind: str = NoticeKind.INFO,
           dedupe_key: str = "") -> list[Notice]:
    """Create one notice per recipient inside the caller's transaction; e-mail them after it commits.

    With a `dedupe_key`, a recipient who already has a notice with that key is skipped, so reminder jobs
    can run again safely.
    """
    users = {user.pk: user for user in recipients if user is not None and user.is_active}
    if dedupe_key:
        seen = set(Notice.objects.filter(recipient_id__in=users, dedupe_key=dedupe_key)
                   .values_list("recipient_id", flat=True))
        users = {pk: user for pk, user in users.items() if pk not in seen}
    notices = Notice.objects.bulk_create(
        [Notice(recipient=user, kind=kind, subject=subject[:200], body=body, url=url, dedupe_key=dedupe_key)
         for user in users.values()]
    )
    if settings.EMAIL_HOST and notices:
        ids = [n.pk for n in notices if n.pk is not None]
        transaction.on_commit(lambda: send_emails(ids))
    return notices


def send_emails(notice_ids: list[int]) -> int:
    """Mail each notice whose recipient has an address; a failure is logged, never raised into the action."""
    sent = 0
    for notice in Notice.objects.filter(pk__in=notice_ids, emailed_at__isnull=True).select_related("recipient"):
        address = notice.recipient.email
        if not address:
            continue
        try:
            send_mail(f"[{settings.DISTRICT_NAME}绩效管理平台] {notice.subject}", notice.body or notice.subject,
                      settings.DEFAULT_FROM_EMAIL, [address])
        except OSError:
            logger.exception("could not e-mail notice %s", notice.pk)
            continue
        Notice.objects.filter(pk=notice.pk).update(emailed_at=timezone.now())
        sent += 1
    return sent


def mark_read(notice: Notice) -> None:
    if notice.read_at is None:
        notice.read_at = timezone.now()
        notice.save(update_fields=["read_at"])


def mark_all_read(user) -> int:
    return Notice.objects.for_user(user).unread().update(read_at=timezone.now())
