"""Reminders (站内信, and e-mail when SMTP is configured): before the deadline and when late.

Returns are notified at once by `actions.return_submission`. Every reminder carries a dedupe key, so the
command may run as often as one likes: each unit gets each reminder once.
"""

import datetime
from collections import defaultdict

from django.db import transaction
from django.urls import reverse

from jixiao.accounts.models import Membership
from jixiao.accounts.roles import Role
from jixiao.notifications.actions import notify
from jixiao.notifications.models import NoticeKind
from jixiao.reporting import actions, due
from jixiao.reporting.models import EDITABLE, Period, Submission

DAYS_BEFORE = 3


def _people(unit_ids, roles) -> dict[int, list]:
    people = defaultdict(list)
    for m in (Membership.objects.active().filter(unit_id__in=unit_ids, role__in=roles, user__is_active=True)
              .select_related("user")):
        people[m.unit_id].append(m.user)
    return people


@transaction.atomic
def send_reminders(day: datetime.date | None = None) -> int:
    """Remind units whose period is due within DAYS_BEFORE days, and warn those already late. Returns notices sent."""
    day = day or actions.today()
    periods = Period.objects.select_related("cycle").filter(
        opens_on__lte=day + datetime.timedelta(days=DAYS_BEFORE), verify_deadline__gte=day)
    sent = 0
    for period in periods:
        sent += _remind_period(period, day)
    return sent


def _remind_period(period, day) -> int:
    units = list(due.scope_by_unit(period))
    status = dict(Submission.objects.filter(period=period, unit_id__in=units).values_list("unit_id", "status"))
    exceptions = {x.unit_id: x for x in period.exceptions.all()}
    pending = [u for u in units if status.get(u, "draft") in EDITABLE]
    reporters = _people(pending, [Role.REPORTER])
    reviewers = _people(pending, [Role.REVIEWER])
    sent = 0
    for unit_id in pending:
        deadline = actions.deadline_for(period, exceptions.get(unit_id))
        url = reverse("reporting:entry", args=[unit_id, period.pk])
        if day > period.late_after(deadline):
            sent += len(notify(reporters[unit_id] + reviewers[unit_id], f"{period}数据已逾期未报",
                               f"报送截止日期为 {deadline:%Y-%m-%d}（宽限 {period.grace_days} 天），请尽快报送。",
                               url=url, kind=NoticeKind.OVERDUE, dedupe_key=f"reporting.late:{period.pk}:{unit_id}"))
        elif 0 <= (deadline - day).days <= DAYS_BEFORE:
            sent += len(notify(reporters[unit_id], f"{period}数据将于 {deadline:%m月%d日} 截止报送",
                               "请及时填报并报送本单位审核人。", url=url, kind=NoticeKind.REMINDER,
                               dedupe_key=f"reporting.due:{period.pk}:{unit_id}"))
    return sent
