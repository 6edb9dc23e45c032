"""Helpers shared by the accounts tests: real logins through the login page, and the audit codes written."""

import pytest

from jixiao.audit.models import Event


@pytest.fixture
def post_login(client):
    """Log in through the real login page (password only); returns the response."""

    def _post(username, password, **extra):
        return client.post("/login/", {"username": username, "password": password, **extra})

    return _post


@pytest.fixture
def codes():
    """The audit event codes written so far, oldest first."""

    def _codes(prefix=""):
        return list(Event.objects.filter(code__startswith=prefix).order_by("id").values_list("code", flat=True))

    return _codes
