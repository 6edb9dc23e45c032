"""Every demo account logs in with its printed password and holds the memberships it promises."""

import pyotp
import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.test import RequestFactory

from jixiao.accounts.models import Membership, User
from jixiao.accounts.roles import SEPARATED_ROLES, TOTP_ROLES, Role
from jixiao.demo.accounts import DEMO_ACCOUNTS, DEMO_HASH_ITERATIONS, DEMO_TOTP_SECRET, account

pytestmark = pytest.mark.usefixtures("demo")


def login(username, password):
    request = RequestFactory().post("/accounts/login/")
    return authenticate(request, username=username, password=password)


def test_one_account_per_role():
    roles = {role for acct in DEMO_ACCOUNTS for role in acct.roles}
    assert roles == set(Role)


@pytest.mark.parametrize("acct", DEMO_ACCOUNTS, ids=lambda a: a.username)
def test_demo_account_authenticates_with_its_password(acct):
    user = login(acct.username, acct.password)
    assert user is not None and user.username == acct.username
    assert user.is_demo and not user.must_change_password
    assert login(acct.username, acct.password + "x") is None


def test_demo_passwords_follow_the_password_rules():
    for acct in DEMO_ACCOUNTS:
        validate_password(acct.password, User(username=acct.username, full_name=acct.full_name))


def test_demo_account_memberships():
    for acct in DEMO_ACCOUNTS:
        user = User.objects.get(username=acct.username)
        held = sorted(Membership.objects.active().filter(user=user).values_list("role", "unit__code"))
        assert held == sorted(acct.memberships), acct.username
        if set(acct.roles) & SEPARATED_ROLES:
            assert len(held) == 1, acct.username


def test_totp_roles_have_the_fixed_demo_secret():
    for acct in DEMO_ACCOUNTS:
        user = User.objects.get(username=acct.username)
        if set(acct.roles) & TOTP_ROLES:
            assert user.totp_confirmed and user.totp_secret == DEMO_TOTP_SECRET
        else:
            assert not user.totp_confirmed and user.totp_secret == ""
    code = pyotp.TOTP(DEMO_TOTP_SECRET).now()
    assert len(code) == 6


def test_one_user_switches_between_two_units():
    user = User.objects.get(username="multi")
    assert Membership.objects.active().filter(user=user).values("unit").distinct().count() == 2


def test_thirty_district_leaders_are_users_without_a_password():
    leaders = User.objects.filter(memberships__role=Role.LEADER, memberships__unit__code="D01")
    assert leaders.count() == 30
    others = leaders.exclude(username="leader")
    assert all(not u.has_usable_password() for u in others)
    assert User.objects.get(username="leader").full_name in set(
        leaders.values_list("full_name", flat=True)
    )


def test_the_leader_account_is_the_district_mayor():
    from jixiao.org.models import Cadre

    mayor = Cadre.objects.get(unit__code="D01", title="区委副书记、区长", tenure_to__isnull=True)
    assert User.objects.get(username="leader").full_name == mayor.name


def test_first_login_upgrades_the_light_demo_hash(db, settings):
    """With the production hasher the seed stores a light PBKDF2 hash; the first login re-hashes it."""
    from jixiao.demo import build

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    build.wipe()
    build.load(only=("org", "accounts"))
    acct = account("reporter")
    light = f"pbkdf2_sha256${DEMO_HASH_ITERATIONS}$"
    assert User.objects.get(username="reporter").password.startswith(light)
    assert login(acct.username, acct.password) is not None
    assert not User.objects.get(username="reporter").password.startswith(light)
    assert login(acct.username, acct.password) is not None
