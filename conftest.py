"""The fixed cast every test can use (STYLE.md §9), built in code, once per test that asks for it."""

import os

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "Jixiao#2026test"


@pytest.fixture
def cast(db):
    """A small district with one user per role. Returns a namespace of units and users."""
    from tests.cast import build_cast

    return build_cast()


@pytest.fixture
def login(client):
    """Log the test client in as a user, past the session policy (no TOTP, no forced change)."""
    import time

    from jixiao.accounts.middleware import AUTH_AT_KEY

    def _login(user, membership=None):
        client.force_login(user)
        session = client.session
        session[AUTH_AT_KEY] = time.time()
        if membership is not None:
            session["active_membership_id"] = membership.pk
        session.save()
        return client

    return _login


@pytest.fixture(autouse=True)
def _forget_process_caches():
    """Per-process caches must not outlive a test: its rows are rolled back, and ids come back with other content."""
    yield
    from jixiao.evaluation import frozen, privacy

    frozen.clear()
    privacy.forget_salts()
