"""The fixed cast every test can use (STYLE.md §9), built in code, once per test that asks for it."""

import os
import sqlite3

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


@pytest.fixture
def migrated_sqlite(transactional_db, tmp_path):
    """A SQLite file in the test's own folder holding this process's migrated test database (schema, triggers and
    the migrations' rows), copied by sqlite3's backup API.

    The tests that run the project in a subprocess against a SQLite file (concurrent writers, a backup while
    writing, one code in many threads) start from it instead of migrating a new file each: the same schema in
    milliseconds rather than half a minute of migrations. Skipped on PostgreSQL, whose pass runs their
    PostgreSQL twins."""
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("runs against a SQLite file in the SQLite pass; the PostgreSQL pass runs its PostgreSQL twin")
    path = tmp_path / "live.sqlite3"
    target = sqlite3.connect(path)
    try:
        connection.ensure_connection()
        connection.connection.backup(target)
    finally:
        target.close()
    return path
