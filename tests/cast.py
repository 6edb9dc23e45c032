"""A fixed cast of units and users for tests: small, built in code, the same every time."""

import datetime
from types import SimpleNamespace

from django.utils import timezone

from jixiao.accounts.models import Membership, User
from jixiao.accounts.roles import Role
from jixiao.org.models import Cycle, CycleStatus, Unit, UnitKind

PASSWORD = "Jixiao#2026test"


def make_user(username: str, full_name: str = "") -> User:
    user = User(username=username, full_name=full_name or username, must_change_password=False)
    user.set_password(PASSWORD)
    user.password_changed_at = timezone.now()
    user.save()
    return user


def grant(user: User, unit: Unit, role: str) -> Membership:
    return Membership.objects.create(user=user, unit=unit, role=role)


def build_cast() -> SimpleNamespace:
    d = datetime.date(2020, 1, 1)
    district = Unit.objects.create(code="D01", name="示范区", kind=UnitKind.DISTRICT, valid_from=d)
    office = Unit.objects.create(code="B00", name="区绩效考核办公室", kind=UnitKind.DEPARTMENT, parent=district)
    fgw = Unit.objects.create(code="B01", name="区发展和改革委员会", short_name="区发改委",
                              kind=UnitKind.BUREAU, parent=district, is_assessor=True)
    tjj = Unit.objects.create(code="B02", name="区统计局", kind=UnitKind.BUREAU, parent=district, is_assessor=True)
    street = Unit.objects.create(code="S01", name="华明街道", kind=UnitKind.STREET, parent=district)
    village = Unit.objects.create(code="S01V01", name="胡张庄村", kind=UnitKind.VILLAGE, parent=street)
    other_street = Unit.objects.create(code="S02", name="金桥街道", kind=UnitKind.STREET, parent=district)
    cycle = Cycle.objects.create(year=2026, name="2026年度", status=CycleStatus.RUNNING,
                                 starts_on=datetime.date(2026, 1, 1), ends_on=datetime.date(2026, 12, 31))
    users = {
        "office": (Role.OFFICE_ADMIN, office),
        "leader": (Role.LEADER, district),
        "reporter": (Role.REPORTER, fgw),
        "reviewer": (Role.REVIEWER, tjj),
        "assessor": (Role.ASSESSOR, tjj),
        "street_reporter": (Role.REPORTER, street),
        "supervisor": (Role.SUPERVISOR, office),
        "rater": (Role.RATER, fgw),
        "sysadmin": (Role.SYSTEM_ADMIN, district),
        "secadmin": (Role.SECURITY_ADMIN, district),
        "auditor": (Role.AUDIT_ADMIN, district),
    }
    ns = SimpleNamespace(district=district, office_unit=office, fgw=fgw, tjj=tjj, street=street,
                         village=village, other_street=other_street, cycle=cycle, password=PASSWORD)
    for name, (role, unit) in users.items():
        user = make_user(name)
        grant(user, unit, role)
        setattr(ns, name, user)
    ns.outsider = make_user("outsider")
    return ns
