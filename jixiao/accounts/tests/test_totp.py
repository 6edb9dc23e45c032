"""The second factor (TOTP): who needs it, enrollment, wrong codes, replay, the demo hint."""

import datetime

import pyotp
import pytest
import time_machine
from django.utils import timezone

from jixiao.accounts.middleware import TOTP_PENDING_KEY
from jixiao.accounts.models import User
from jixiao.accounts.views import LOCKED_OUT, TOTP_FAILED
from jixiao.audit.models import Event
from tests.cast import PASSWORD

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


@pytest.fixture
def enrolled(cast):
    cast.office.totp_secret = SECRET
    cast.office.totp_confirmed = True
    cast.office.save()
    return cast.office


def code_now(secret=SECRET):
    return pyotp.TOTP(secret).now()


def wrong_code(secret=SECRET):
    """A code accepted for none of the steps around now."""
    otp = pyotp.TOTP(secret)
    now = timezone.now()
    accepted = {otp.at(now + datetime.timedelta(seconds=30 * k)) for k in (-1, 0, 1)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in accepted)


def test_office_admin_must_pass_the_second_factor(cast, enrolled, post_login, client, codes):
    response = post_login("office", PASSWORD)
    assert response["Location"] == "/login/totp/"
    # Not logged in yet: every page still sends the person to the login page.
    assert "_auth_user_id" not in client.session
    assert client.get("/")["Location"].startswith("/login/")
    assert client.get("/account/password/")["Location"].startswith("/login/")
    page = client.get("/login/totp/")
    assert page.status_code == 200
    assert "请输入身份验证器应用显示的 6 位验证码" in page.content.decode()
    response = client.post("/login/totp/", {"code": code_now()})
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200
    assert TOTP_PENDING_KEY not in client.session
    assert Event.objects.get(code="auth.login").after == {"second_factor": "totp"}


@pytest.mark.parametrize("role", ["sysadmin", "secadmin", "auditor"])
def test_the_three_admins_need_the_second_factor(cast, post_login, role):
    assert post_login(role, PASSWORD)["Location"] == "/login/totp/"


@pytest.mark.parametrize("role", ["reporter", "leader", "reviewer", "rater", "outsider"])
def test_other_roles_log_in_with_the_password_alone(cast, post_login, role):
    assert post_login(role, PASSWORD)["Location"] == "/"


def test_second_factor_can_be_switched_off(cast, post_login, settings):
    settings.REQUIRE_TOTP = False
    assert post_login("office", PASSWORD)["Location"] == "/"


def test_next_survives_the_second_factor(cast, enrolled, post_login, client):
    post_login("office", PASSWORD, next="/org/")
    assert client.post("/login/totp/", {"code": code_now()})["Location"] == "/org/"


def test_enrollment_shows_a_local_qr_code_and_binds_the_secret(cast, post_login, client, codes):
    post_login("office", PASSWORD)
    page = client.get("/login/totp/")
    html = page.content.decode()
    assert "绑定动态口令" in html
    assert 'src="data:image/svg+xml' in html
    assert "http://" not in html and "https://" not in html
    secret = client.session[TOTP_PENDING_KEY]["secret"]
    assert secret.replace(" ", "")[:4] in html
    # The same secret on a reload, so a scanned code stays valid.
    client.get("/login/totp/")
    assert client.session[TOTP_PENDING_KEY]["secret"] == secret
    response = client.post("/login/totp/", {"code": code_now(secret)})
    assert response["Location"] == "/"
    cast.office.refresh_from_db()
    assert cast.office.totp_confirmed and cast.office.totp_secret == secret
    assert codes() == ["user.totp_enrolled", "auth.login"]


def test_a_wrong_code_is_refused_and_audited(cast, enrolled, post_login, client, codes):
    post_login("office", PASSWORD)
    wrong = wrong_code()
    response = client.post("/login/totp/", {"code": wrong})
    assert response.status_code == 401
    assert TOTP_FAILED in response.content.decode()
    assert codes() == ["auth.totp_failed"]
    assert "_auth_user_id" not in client.session


def test_five_wrong_codes_end_the_attempt_and_lock_the_account(cast, enrolled, post_login, client, codes):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        post_login("office", PASSWORD)
        wrong = wrong_code()
        for _ in range(4):
            assert client.post("/login/totp/", {"code": wrong}).status_code == 401
        fifth = client.post("/login/totp/", {"code": wrong})
        assert fifth.status_code == 429
        assert LOCKED_OUT in fifth.content.decode()
        assert codes() == ["auth.totp_failed"] * 5 + ["auth.lockout"]
        assert TOTP_PENDING_KEY not in client.session
        assert client.get("/login/totp/")["Location"] == "/login/"
        # The password alone no longer opens the door either.
        assert post_login("office", PASSWORD).status_code == 429


def test_password_success_does_not_reset_the_code_failures(cast, enrolled, post_login, client):
    """Otherwise an attacker with the password could guess codes forever, four at a time."""
    wrong = wrong_code()
    post_login("office", PASSWORD)
    for _ in range(4):
        client.post("/login/totp/", {"code": wrong})
    post_login("office", PASSWORD)
    assert client.post("/login/totp/", {"code": wrong}).status_code == 429


def test_a_code_works_only_once(cast, enrolled, post_login, client):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        post_login("office", PASSWORD)
        code = code_now()
        assert client.post("/login/totp/", {"code": code})["Location"] == "/"
        client.post("/logout/")
        post_login("office", PASSWORD)
        assert client.post("/login/totp/", {"code": code}).status_code == 401


def test_the_code_page_expires_five_minutes_after_the_password(cast, enrolled, post_login, client):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        post_login("office", PASSWORD)
        clock.shift(datetime.timedelta(minutes=6))
        response = client.post("/login/totp/", {"code": code_now()})
        assert response["Location"] == "/login/"
        assert "_auth_user_id" not in client.session


def test_the_code_page_needs_a_password_first(cast, client):
    assert client.get("/login/totp/")["Location"] == "/login/"


def test_demo_mode_shows_the_current_code_to_demo_accounts_only(cast, enrolled, post_login, client, settings):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        settings.DEMO_MODE = True
        post_login("office", PASSWORD)
        assert "示范模式" not in client.get("/login/totp/").content.decode()
        cast.office.is_demo = True
        cast.office.save()
        html = client.get("/login/totp/").content.decode()
        assert "示范模式：当前验证码" in html and code_now() in html
        assert client.post("/login/totp/", {"code": code_now()})["Location"] == "/"
        # Spent: a second demo login in the same half-minute is shown the next (still accepted) code.
        client.post("/logout/")
        post_login("office", PASSWORD)
        html = client.get("/login/totp/").content.decode()
        next_code = pyotp.TOTP(SECRET).at(timezone.now() + datetime.timedelta(seconds=30))
        assert next_code in html
        assert client.post("/login/totp/", {"code": next_code})["Location"] == "/"


def test_no_demo_hint_outside_demo_mode(cast, enrolled, post_login, client, settings):
    settings.DEMO_MODE = False
    post_login("office", PASSWORD)
    assert "示范模式" not in client.get("/login/totp/").content.decode()


def test_the_secret_is_sealed_at_rest_and_opens_after_a_key_rotation(cast, settings):
    from django.db import connection

    cast.office.totp_secret = SECRET
    cast.office.save()
    with connection.cursor() as cursor:
        cursor.execute("SELECT totp_sealed FROM accounts_user WHERE id = %s", [cast.office.pk])
        stored = cursor.fetchone()[0]
    assert stored.startswith("sm4:") and SECRET not in stored
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-rotated-secret-key-" + "y" * 40
    assert User.objects.get(pk=cast.office.pk).totp_secret == SECRET
    settings.SECRET_KEY_FALLBACKS = []
    assert User.objects.get(pk=cast.office.pk).totp_secret == ""
