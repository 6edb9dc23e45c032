"""Login, lockout after 5 failures, demo accounts, logout (SECURITY.md §Identity and sessions)."""

import datetime

import time_machine
from django.contrib.sessions.models import Session
from django.utils import timezone

from jixiao.accounts.views import ADDRESS_LOCKED, DEMO_REFUSED, LOCKED_OUT, LOGIN_FAILED
from jixiao.audit.models import Event
from tests.cast import PASSWORD


def test_reporter_logs_in_and_the_login_is_audited(cast, post_login, client, codes):
    response = post_login("reporter", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200
    event = Event.objects.get(code="auth.login")
    assert event.username == "reporter"
    assert event.role == "reporter"
    assert event.after == {"second_factor": "none"}


def test_login_ignores_the_case_of_the_username(cast, post_login):
    assert post_login("  RePorter ", PASSWORD).status_code == 302


def test_unknown_user_and_wrong_password_get_the_same_answer(cast, post_login, codes):
    unknown = post_login("nobody", PASSWORD)
    wrong = post_login("reporter", "Wrong#2026pw")
    assert unknown.status_code == wrong.status_code == 401
    assert LOGIN_FAILED in unknown.content.decode()
    assert LOGIN_FAILED in wrong.content.decode()
    assert codes() == ["auth.login_failed", "auth.login_failed"]
    assert list(Event.objects.order_by("id").values_list("object_repr", flat=True)) == ["nobody", "reporter"]


def test_inactive_user_gets_the_same_answer(cast, post_login):
    cast.reporter.is_active = False
    cast.reporter.save()
    response = post_login("reporter", PASSWORD)
    assert response.status_code == 401
    assert LOGIN_FAILED in response.content.decode()


def test_five_failures_lock_the_account_for_30_minutes(cast, post_login, client, codes):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        for _ in range(4):
            assert post_login("reporter", "Wrong#2026pw").status_code == 401
        fifth = post_login("reporter", "Wrong#2026pw")
        assert fifth.status_code == 429
        assert LOCKED_OUT in fifth.content.decode()
        assert codes() == ["auth.login_failed"] * 5 + ["auth.lockout"]
        # Locked: even the right password is refused, and nobody is logged in.
        right = post_login("reporter", PASSWORD)
        assert right.status_code == 429
        assert LOCKED_OUT in right.content.decode()
        assert "_auth_user_id" not in client.session
        assert Event.objects.order_by("-id").first().after == {"reason": "locked"}
        # The lock runs 30 minutes from the last attempt.
        clock.shift(datetime.timedelta(minutes=29))
        assert post_login("reporter", PASSWORD).status_code == 429
        clock.shift(datetime.timedelta(minutes=31))
        assert post_login("reporter", PASSWORD).status_code == 302


def test_lockout_counts_every_spelling_of_the_username_together(cast, post_login):
    for name in ["Reporter", "REPORTER", "reporter", "rePorter", " reporter "]:
        post_login(name, "Wrong#2026pw")
    assert post_login("reporter", PASSWORD).status_code == 429


def test_unknown_users_are_locked_with_the_same_message(cast, post_login):
    for _ in range(5):
        response = post_login("ghost", "Wrong#2026pw")
    assert response.status_code == 429
    assert LOCKED_OUT in response.content.decode()


def test_a_success_resets_the_failure_count(cast, post_login, client):
    for _ in range(4):
        post_login("reporter", "Wrong#2026pw")
    assert post_login("reporter", PASSWORD).status_code == 302
    client.post("/logout/")
    for _ in range(4):
        post_login("reporter", "Wrong#2026pw")
    assert post_login("reporter", PASSWORD).status_code == 302


def test_demo_accounts_are_refused_outside_demo_mode(cast, post_login, settings, codes):
    cast.reporter.is_demo = True
    cast.reporter.save()
    settings.DEMO_MODE = False
    response = post_login("reporter", PASSWORD)
    assert response.status_code == 403
    assert DEMO_REFUSED in response.content.decode()
    assert Event.objects.get(code="auth.login_failed").after == {"reason": "demo_account"}
    settings.DEMO_MODE = True
    assert post_login("reporter", PASSWORD).status_code == 302


def test_a_demo_session_ends_when_demo_mode_is_switched_off(cast, login, settings):
    cast.reporter.is_demo = True
    cast.reporter.save()
    settings.DEMO_MODE = True
    client = login(cast.reporter)
    assert client.get("/").status_code == 200
    settings.DEMO_MODE = False
    assert client.get("/")["Location"] == "/login/"


def test_logout_deletes_the_session_on_the_server(cast, post_login, client, codes):
    post_login("reporter", PASSWORD)
    key = client.session.session_key
    assert Session.objects.filter(session_key=key).exists()
    stolen_cookie = client.cookies["sessionid"].value
    response = client.post("/logout/")
    assert response["Location"] == "/login/"
    assert not Session.objects.filter(session_key=key).exists()
    assert codes() == ["auth.login", "auth.logout"]
    # Replaying the old cookie gets nobody in.
    client.cookies["sessionid"] = stolen_cookie
    assert client.get("/")["Location"].startswith("/login/")


def test_logout_needs_post(cast, login):
    assert login(cast.reporter).get("/logout/").status_code == 405


def test_next_goes_only_to_this_site(cast, post_login):
    assert post_login("reporter", PASSWORD, next="/org/")["Location"] == "/org/"
    assert post_login("reporter", PASSWORD, next="https://evil.example/")["Location"] == "/"


def storm(client, count: int, **address):
    """`count` failed logins from one address, each with another username, so no account reaches its lock."""
    return [client.post("/login/", {"username": f"guess{i}", "password": "Wrong#2026pw"}, **address).status_code
            for i in range(count)]


def test_a_login_storm_from_one_address_locks_the_address(cast, client, codes, settings):
    limit = settings.LOGIN_ADDRESS_FAILURES
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        assert storm(client, limit) == [401] * (limit - 1) + [429]
        assert codes("auth.address") == ["auth.address_locked"]
        assert Event.objects.get(code="auth.address_locked").object_repr == "127.0.0.1"
        # Locked: the right password of a real account is refused from that address, before it is checked.
        right = client.post("/login/", {"username": "reporter", "password": PASSWORD})
        assert right.status_code == 429
        assert ADDRESS_LOCKED in right.content.decode()
        assert "_auth_user_id" not in client.session
        assert Event.objects.order_by("-id").first().after == {"reason": "address_locked"}
        # Colleagues elsewhere are not affected.
        other = client.post("/login/", {"username": "reporter", "password": PASSWORD}, REMOTE_ADDR="10.20.30.40")
        assert other.status_code == 302
        client.post("/logout/")
        clock.shift(datetime.timedelta(minutes=31))
        assert client.post("/login/", {"username": "reporter", "password": PASSWORD}).status_code == 302


def test_a_storm_cannot_dodge_the_address_lock_with_a_forged_header(cast, client, settings):
    peer = {"REMOTE_ADDR": "203.0.113.7"}  # not a trusted proxy: its X-Real-IP is ignored
    statuses = [client.post("/login/", {"username": f"guess{i}", "password": "Wrong#2026pw"},
                            HTTP_X_REAL_IP=f"198.51.100.{i}", **peer).status_code
                for i in range(settings.LOGIN_ADDRESS_FAILURES)]
    assert statuses[-1] == 429
    assert client.post("/login/", {"username": "reporter", "password": PASSWORD}, **peer).status_code == 429


def test_an_office_behind_one_address_is_not_locked_by_a_few_typos(cast, client, settings):
    assert set(storm(client, settings.LOGIN_ADDRESS_FAILURES - 1)) == {401}
    assert client.post("/login/", {"username": "reporter", "password": PASSWORD}).status_code == 302
