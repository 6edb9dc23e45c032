"""Demo accounts (示范账号): one per role, printed by `make run`; plus the 30 district leaders as users.

DEMO_ACCOUNTS is the one list of demo logins: the `demo_accounts` command, the tests and docs/demo.md read
it. The passwords are public on purpose; production refuses `is_demo` users.
"""

from dataclasses import dataclass

from django.contrib.auth.hashers import PBKDF2PasswordHasher, get_hasher, make_password
from django.utils import timezone

from jixiao.accounts.models import Membership, User
from jixiao.accounts.roles import TOTP_ROLES, Role
from jixiao.demo.org import DISTRICT_CODE, MAYOR_TITLE, OFFICE_CODE, STATISTICS_CODE
from jixiao.org.models import Cadre, Unit, UnitKind

# One fixed second-factor secret (base32) for the demo accounts whose roles require TOTP; in demo mode the
# TOTP page shows the current code to is_demo users, so nobody needs an authenticator app to try it.
DEMO_TOTP_SECRET = "JIXIAODEMOSECRETKEYFORTOTPSHIFAQ"
# The demo passwords are printed on every `make run`, so a slow hash protects nothing here; a light one keeps
# the seed fast (a full-strength PBKDF2 costs about a second each). Django re-hashes at full strength on the
# first successful login (the hasher reports the iteration count as outdated).
DEMO_HASH_ITERATIONS = 10_000


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    full_name: str  # empty: the name of the cadre in office (the leader account is the district's 区长)
    memberships: tuple[tuple[str, str], ...]  # (role, unit code)
    note: str = ""

    @property
    def roles(self) -> list[str]:
        return [role for role, _ in self.memberships]

    @property
    def needs_totp(self) -> bool:
        return any(role in TOTP_ROLES for role in self.roles)


DEMO_ACCOUNTS = (
    DemoAccount("office", "Demo#2026jxb", "林静怡", ((Role.OFFICE_ADMIN, OFFICE_CODE),)),
    DemoAccount("leader", "Demo#2026lingdao", "", ((Role.LEADER, DISTRICT_CODE),), "区长"),
    DemoAccount("assessor", "Demo#2026kaohe", "周海涛", ((Role.ASSESSOR, STATISTICS_CODE),)),
    DemoAccount("reporter", "Demo#2026tianbao", "陈晓雪", ((Role.REPORTER, "B01"),)),
    DemoAccount("reviewer", "Demo#2026shenhe", "王建华", ((Role.REVIEWER, "B01"),)),
    DemoAccount("street_reporter", "Demo#2026jiedao", "赵丽娟", ((Role.REPORTER, "S01"),)),
    DemoAccount("village_reporter", "Demo#2026cun", "刘春燕", ((Role.REPORTER, "S01V01"),)),
    DemoAccount("supervisor", "Demo#2026ducha", "孙志刚", ((Role.SUPERVISOR, OFFICE_CODE),), "督查室"),
    DemoAccount("rater", "Demo#2026pingyi", "郑文斌", ((Role.RATER, "M03"),)),
    DemoAccount("multi", "Demo#2026liangge", "吴敏", ((Role.REPORTER, "B01"), (Role.REVIEWER, "S01")),
                "两个单位，可切换"),
    DemoAccount("sysadmin", "Demo#2026xitong", "冯立新", ((Role.SYSTEM_ADMIN, DISTRICT_CODE),)),
    DemoAccount("secadmin", "Demo#2026anquan", "蒋德胜", ((Role.SECURITY_ADMIN, DISTRICT_CODE),)),
    DemoAccount("auditor", "Demo#2026shenji", "唐颖", ((Role.AUDIT_ADMIN, DISTRICT_CODE),)),
    DemoAccount("orgdept", "Demo#2026zuzhi", "何雅琴", ((Role.ORG_DEPT, "M07"),), "区委组织部干部科"),
)


def account(username: str) -> DemoAccount:
    return next(a for a in DEMO_ACCOUNTS if a.username == username)


def build(rng) -> str:
    units = {u.code: u for u in Unit.objects.filter(code__in=_unit_codes())}
    leaders = list(Cadre.objects.filter(unit__code=DISTRICT_CODE, tenure_to__isnull=True).order_by("post", "id"))
    mayor = next(c for c in leaders if c.title == MAYOR_TITLE)
    demo_users = _demo_users(mayor.name)
    leader_users = _leader_users([c for c in leaders if c != mayor])
    rater_units = _departments_without_rater()
    rater_users = _rater_users(rater_units)
    User.objects.bulk_create(demo_users + leader_users + rater_users)
    memberships = [Membership(user=user, unit=units[code], role=role)
                   for user, acct in zip(demo_users, DEMO_ACCOUNTS, strict=True) for role, code in acct.memberships]
    memberships += [Membership(user=user, unit=units[DISTRICT_CODE], role=Role.LEADER) for user in leader_users]
    memberships += [Membership(user=user, unit=unit, role=Role.RATER)
                    for user, unit in zip(rater_users, rater_units, strict=True)]
    Membership.objects.bulk_create(memberships)
    return (f"示范账号 {len(demo_users)} 个，区级领导用户 {len(leader_users) + 1} 名，"
            f"部门评议人 {len(rater_users) + 1} 名，角色授权 {len(memberships)} 条")


def _unit_codes() -> set[str]:
    return {code for acct in DEMO_ACCOUNTS for _, code in acct.memberships}


def _demo_users(mayor_name: str) -> list[User]:
    now = timezone.now()
    users = []
    for acct in DEMO_ACCOUNTS:
        users.append(User(
            username=acct.username, password=light_hash(acct.password), full_name=acct.full_name or mayor_name, is_demo=True,
            must_change_password=False, password_changed_at=now,
            totp_secret=DEMO_TOTP_SECRET if acct.needs_totp else "", totp_confirmed=acct.needs_totp,
        ))
    return users


def light_hash(password: str) -> str:
    """The configured hasher, at DEMO_HASH_ITERATIONS when it is PBKDF2 (see above)."""
    hasher = get_hasher()
    if isinstance(hasher, PBKDF2PasswordHasher):
        return hasher.encode(password, hasher.salt(), iterations=min(DEMO_HASH_ITERATIONS, hasher.iterations))
    return make_password(password)


def _departments_without_rater() -> list[Unit]:
    """The current departments and bureaus other than the demo rater's own: each rates the others once."""
    taken = {code for acct in DEMO_ACCOUNTS for role, code in acct.memberships if role == Role.RATER}
    return list(Unit.objects.current().filter(kind__in=[UnitKind.DEPARTMENT, UnitKind.BUREAU])
                .exclude(code__in=taken).order_by("code"))


def _rater_users(units: list[Unit]) -> list[User]:
    """One 评议人 per department (rater_b01 …): they answer the 区直部门 group of the campaigns; no password."""
    now = timezone.now()
    users = []
    for unit in units:
        user = User(username=f"rater_{unit.code.lower()}", full_name=f"{unit.name}评议人", is_demo=True,
                    must_change_password=False, password_changed_at=now)
        user.set_unusable_password()
        users.append(user)
    return users


def _leader_users(cadres: list[Cadre]) -> list[User]:
    """The other 29 district leaders (leader01…leader29): users for the evaluation stages, no password."""
    now = timezone.now()
    users = []
    for n, cadre in enumerate(cadres, start=1):
        user = User(username=f"leader{n:02d}", full_name=cadre.name, is_demo=True, must_change_password=False,
                    password_changed_at=now)
        user.set_unusable_password()
        users.append(user)
    return users
