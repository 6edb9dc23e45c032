"""What each role sees on its home page (工作台). Each builder returns (template, context)."""

import datetime

from django.db import connection
from django.db.models import Count
from django.utils import timezone

from jixiao.accounts.models import Membership, User
from jixiao.accounts.roles import Role
from jixiao.analysis import overview
from jixiao.audit import feed
from jixiao.audit.labels import label_for
from jixiao.audit.models import Event
from jixiao.org.models import Cadre, Cycle, CycleStatus, Unit, UnitKind
from jixiao.results import committee
from jixiao.ui import todo


def for_membership(user, membership):
    if membership is None:
        return "ui/home_none.html", {}
    builder = BUILDERS.get(membership.role, unit_home)
    return builder(user, membership)


def units_by_kind() -> list[dict]:
    counts = dict(Unit.objects.current().values_list("kind").annotate(n=Count("id")))
    return [{"kind": kind, "label": label, "count": counts.get(kind, 0)} for kind, label in UnitKind.choices
            if counts.get(kind, 0)]


def kind_chart(rows: list[dict]) -> dict:
    """The donut of units by kind. The kinds are named in the legend under the ring, which wraps onto more lines
    on a narrow screen; the slices carry only their counts, so no label is cut to "区直部…" at 375 px."""
    return {
        "tooltip": {"trigger": "item", "formatter": "{b}：{c}（{d}%）"},
        "legend": {"bottom": 0, "left": "center", "itemGap": 12, "textStyle": {"fontSize": 12}},
        "series": [{
            "type": "pie", "radius": ["35%", "60%"], "center": ["50%", "42%"],
            "label": {"formatter": "{c}", "fontSize": 12}, "labelLine": {"length": 6, "length2": 6},
            "data": [{"name": r["label"], "value": r["count"]} for r in rows],
        }],
    }


def office_home(user, membership):
    """The overview of the year's work and the latest results first; then the district's make-up and, for the
    office that runs the cycle, the recent business trail (a leader follows results, not every edit)."""
    rows = units_by_kind()
    cycles = list(Cycle.objects.annotate(group_count=Count("groups")).order_by("-year"))
    return "ui/home_office.html", {
        "units_by_kind": rows,
        "unit_total": sum(r["count"] for r in rows),
        "assessor_count": Unit.objects.current().filter(is_assessor=True).count(),
        "retired_count": Unit.objects.filter(valid_to__isnull=False).count(),
        "cadre_count": Cadre.objects.filter(tenure_to__isnull=True).count(),
        "user_count": User.objects.filter(is_active=True).count(),
        "kind_chart": kind_chart(rows),
        "cycles": cycles,
        "current_cycle": next((c for c in cycles if c.status == CycleStatus.RUNNING), None),
        "events": feed.recent() if membership.role == Role.OFFICE_ADMIN else None,
        "overview": overview.build(user),
        "committee_waiting": committee.waiting_for(user),
    }


def unit_home(user, membership):
    """The to-do list of the active role first (待办事项); then the unit's people, leaders and villages."""
    unit = membership.unit
    people = list(
        Membership.objects.active().filter(unit=unit).select_related("user").order_by("role", "user__username")
    )
    return "ui/home_unit.html", {
        "unit": unit,
        "my_memberships": _all_memberships(user),
        "people": people,
        "cadres": list(unit.cadres.filter(tenure_to__isnull=True).order_by("post", "tenure_from")),
        "children": list(unit.children.current().order_by("sort_order", "code")) if unit.kind == UnitKind.STREET else [],
        "current_cycle": overview.running_cycle(),
        "todo": todo.build(user, membership),
    }


def _all_memberships(user):
    from jixiao.accounts import access

    return access.memberships(user)


def security_home(user, membership):
    since = timezone.now() - datetime.timedelta(days=30)
    role_counts = dict(Membership.objects.active().values_list("role").annotate(n=Count("id")))
    return "ui/home_security.html", {
        "user_count": User.objects.filter(is_active=True).count(),
        "inactive_count": User.objects.filter(is_active=False).count(),
        "must_change_count": User.objects.filter(is_active=True, must_change_password=True).count(),
        "roles": [{"label": label, "count": role_counts.get(value, 0)} for value, label in Role.choices],
        "role_changes": Event.objects.filter(code__startswith="membership.", at__gte=since).count(),
    }


def audit_home(user, membership):
    since = timezone.now() - datetime.timedelta(days=1)
    return "ui/home_audit.html", {
        "event_count": Event.objects.count(),
        "last_day": Event.objects.filter(at__gte=since).count(),
        "failures_last_day": Event.objects.filter(at__gte=since).exclude(outcome="success").count(),
        "top_codes": [
            {**row, "label": label_for(row["code"])}
            for row in Event.objects.filter(at__gte=since).values("code").annotate(n=Count("id")).order_by("-n")[:10]
        ],
    }


def system_home(user, membership):
    return "ui/home_system.html", system_status()


def system_status():
    from django.conf import settings

    return {
        "database_vendor": connection.vendor,
        "database_name": str(connection.settings_dict.get("NAME", "")),
        "demo_mode": settings.DEMO_MODE,
        "unit_count": Unit.objects.count(),
        "user_count": User.objects.count(),
        "event_count": Event.objects.count(),
        "cycle_count": Cycle.objects.count(),
    }


BUILDERS = {
    Role.OFFICE_ADMIN: office_home,
    Role.LEADER: office_home,
    Role.SECURITY_ADMIN: security_home,
    Role.AUDIT_ADMIN: audit_home,
    Role.SYSTEM_ADMIN: system_home,
}
