"""What each role sees on its home page (工作台). Each builder returns (template, context)."""

from django.db.models import Count

from jixiao.accounts.roles import Role
from jixiao.org.models import Cycle, Unit


def for_membership(user, membership):
    if membership is None:
        return "ui/home_none.html", {}
    builder = BUILDERS.get(membership.role, unit_home)
    return builder(user, membership)


def office_home(user, membership):
    by_kind = list(Unit.objects.current().values("kind").annotate(n=Count("id")).order_by("kind"))
    return "ui/home_office.html", {"units_by_kind": by_kind, "cycles": Cycle.objects.all()}


def unit_home(user, membership):
    return "ui/home_unit.html", {"unit": membership.unit}


def system_status():
    return {"unit_count": Unit.objects.count()}


BUILDERS = {Role.OFFICE_ADMIN: office_home, Role.LEADER: office_home}
