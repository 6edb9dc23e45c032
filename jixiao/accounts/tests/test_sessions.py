"""Idle timeout, absolute lifetime and forced logout of changed accounts (SECURITY.md §sessions)."""

import datetime

import time_machine
from django.utils import timezone

from jixiao.accounts import actions
from tests.cast import PASSWORD


def test_idle_session_ends_after_30_minutes(cast, post_login, client):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        post_login("reporter", PASSWORD)
        clock.shift(datetime.timedelta(minutes=29))
        assert client.get("/").status_code == 200
        # 29 minutes after that last request the session is still alive: the timeout is idle time.
        clock.shift(datetime.timedelta(minutes=29))
        assert client.get("/").status_code == 200
        clock.shift(datetime.timedelta(minutes=31))
        response = client.get("/")
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")


def test_session_ends_after_12_hours_however_active(cast, post_login, client):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        post_login("reporter", PASSWORD)
        for _ in range(35):  # 11 h 40 min of activity every 20 minutes
            clock.shift(datetime.timedelta(minutes=20))
            assert client.get("/").status_code == 200
        clock.shift(datetime.timedelta(minutes=20, seconds=1))  # 12 h and a second
        response = client.get("/")
        assert response.status_code == 302
        assert response["Location"] == "/login/?expired=1"
        assert "会话已超时" in client.get(response["Location"]).content.decode()
        assert client.get("/")["Location"].startswith("/login/")


def test_deactivating_a_user_ends_their_session(cast, login):
    client = login(cast.reporter)
    assert client.get("/").status_code == 200
    actions.set_active(cast.reporter, False, by=cast.secadmin)
    assert client.get("/")["Location"].startswith("/login/")


def test_a_password_reset_ends_the_users_sessions(cast, login):
    client = login(cast.reporter)
    actions.reset_password(cast.reporter, "Kaohe#2026ok", by=cast.secadmin)
    assert client.get("/")["Location"].startswith("/login/")
