"""The office's change to a unit's public profile (部门职责): atomic, checked again inside the transaction, audited."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from jixiao.audit import log
from jixiao.org.models import Unit
from jixiao.portal.models import DUTIES_MAX, UnitProfile

UPDATED, REFUSED = "unit_profile.updated", "unit_profile.update_refused"


def clean_duties(text: str) -> str:
    """The duties as stored: line endings unified, blank lines at either end dropped; too long is refused."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if len(text) > DUTIES_MAX:
        raise ValidationError(f"部门职责不能超过{DUTIES_MAX}字，当前{len(text)}字。")
    return text


@transaction.atomic
def set_duties(unit: Unit, duties: str, *, by) -> UnitProfile:
    """Save the unit's public duties text; an unchanged text writes nothing and no event."""
    from jixiao.portal.profiles import listed_units

    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    if not listed_units().filter(pk=unit.pk).exists():
        raise ValidationError(f"{unit.name}不公开部门信息（已撤销或不参加考核），不能修改其部门职责。")
    text = clean_duties(duties)
    profile = UnitProfile.objects.filter(unit=unit).first()
    before = profile.duties if profile else ""
    if profile is not None and before == text:
        return profile
    if profile is None:
        profile = UnitProfile(unit=unit)
    profile.duties, profile.updated_by, profile.updated_at = text, by, timezone.now()
    profile.save()
    log.record(UPDATED, profile, user=by, before={"unit": unit.code, "duties": before},
               after={"unit": unit.code, "duties": text})
    return profile
