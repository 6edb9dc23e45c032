"""Accountability records (问责: 无为问责, 行政问责): recorded by the office, linked to the cadre and to the unit's
result of the cycle they concern, shown in the cadre's file.

A record is history and is never edited or deleted: a mistaken record is corrected by a new record whose reason
names the one it corrects (the form offers this as 更正), so the file keeps both and the audit log shows who did
what. The same record submitted twice (a double click, a resent form) is refused.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from jixiao.audit import log
from jixiao.cadres.models import Accountability, AccountabilityKind
from jixiao.org.models import Cadre

FIELDS = ["cadre", "unit", "cycle", "kind", "reason", "decision", "decided_on"]


def _check(cadre, *, kind: str, reason: str, decision: str, decided_on, cycle, today: datetime.date) -> list[str]:
    errors = []
    if kind not in AccountabilityKind.values:
        errors.append("请选择问责类型（无为问责或行政问责）。")
    if not reason:
        errors.append("请填写问责事由。")
    if not decision:
        errors.append("请填写处理决定。")
    if decided_on is None:
        errors.append("请填写决定日期。")
    elif decided_on > today:
        errors.append(f"决定日期 {decided_on:%Y-%m-%d} 晚于今天，不能记录尚未作出的决定。")
    if cycle is not None and (cadre.tenure_from > cycle.ends_on
                              or (cadre.tenure_to is not None and cadre.tenure_to < cycle.starts_on)):
        errors.append(f"该干部在{cycle.year}年度未在{cadre.unit.name}任职，不能关联该年度的考核结果。")
    return errors


@transaction.atomic
def record(cadre, *, kind: str, reason: str, decision: str, decided_on, cycle=None, by,
           today: datetime.date | None = None) -> Accountability:
    """Record an accountability decision about the cadre in their unit, for the cycle it concerns (optional)."""
    cadre = Cadre.objects.select_for_update().select_related("unit").get(pk=cadre.pk)  # one submission at a time
    reason, decision = (reason or "").strip(), (decision or "").strip()
    errors = _check(cadre, kind=kind, reason=reason, decision=decision, decided_on=decided_on, cycle=cycle,
                    today=today or timezone.localdate())
    if errors:
        raise ValidationError(errors)
    if Accountability.objects.filter(cadre=cadre, kind=kind, decided_on=decided_on, reason=reason,
                                     decision=decision).exists():
        raise ValidationError("同一问责记录已经登记，请勿重复提交。")
    item = Accountability.objects.create(cadre=cadre, unit=cadre.unit, cycle=cycle, kind=kind, reason=reason,
                                         decision=decision, decided_on=decided_on, recorded_by=by,
                                         recorded_at=timezone.now())
    log.record("cadre.accountability_recorded", item, after=log.snapshot(item, FIELDS), user=by)
    return item


def correction_reason(original: Accountability) -> str:
    """The opening of a correcting record's reason, naming the record it corrects."""
    return f"更正{original.decided_on:%Y年%m月%d日}{original.get_kind_display()}记录（第{original.pk}号）："
