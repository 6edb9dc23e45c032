"""Browser tests drive Debian's Chromium through Playwright; the browser is never downloaded."""

import datetime
import os
import shutil
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine

ARTIFACTS = Path(os.environ.get("JIXIAO_TEST_ARTIFACTS", Path(__file__).resolve().parents[2] / "test-artifacts"))
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS, "headless": True}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN", "timezone_id": "Asia/Shanghai",
            "viewport": {"width": 1366, "height": 900}}


@pytest.fixture
def shot(page):
    """Save a full-page screenshot under test-artifacts/ for a person to look at."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def _shot(name: str, on=None):
        path = ARTIFACTS / f"{name}.png"
        (on or page).screenshot(path=str(path), full_page=True)
        return path

    return _shot


@pytest.fixture
def external_requests(page):
    """Every request the page makes to a host other than the live server (there must be none)."""
    seen = []
    page.on("request", lambda request: seen.append(request.url)
            if not request.url.startswith(("http://localhost", "http://127.0.0.1", "data:", "blob:")) else None)
    return seen


# Late November of the running demo year: Q1–Q3 reported, October overdue, the year's campaign open.
DEMO_DAY = datetime.datetime(2026, 11, 25, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


class DemoCopies:
    """The demo districts this test process has built, each kept as a copy of the whole test database.

    Building the demo (jixiao/demo/build.load) takes about 20 s of CPU; copying a built database back takes a
    fraction of a second. So the first test that asks for a set of steps on a given day builds it and keeps a
    copy; every later test asking for the same steps on the same day gets that copy back, untouched by what
    the tests before it wrote. The copy is of the whole database, so ids, sequences and the audit chain are
    those of a fresh build.

    SQLite (the in-memory test database): the copy is a second in-memory database filled by sqlite3's backup
    API, and restoring it is the backup the other way round (about 0.1 s for the whole demo). After the test the
    database as it was before the first load is restored the same way, so the flush that ends every test with
    a live server finds empty tables (deleting the demo's rows one table after another took longer than the
    build).
    PostgreSQL: the copy is a database created from the test database as a TEMPLATE; restoring it drops the
    test database and creates it again from that template. The copies are dropped at the end of the session.
    """

    def __init__(self):
        from django.db import connection

        self.connection = connection
        self.sqlite = connection.vendor == "sqlite"
        self.copies = {}  # (steps, day) -> an sqlite3 connection or a PostgreSQL database name
        self.empty = None  # SQLite: the database before the first load (tables empty but for migrations' rows)
        self.loaded = False

    def load(self, only=None):
        """The demo (all steps, or `only`) in the test database, built now or copied from an earlier build."""
        from django.contrib.contenttypes.models import ContentType
        from django.utils import timezone

        from jixiao.demo import build

        key = (tuple(build.step_name(step) for step in build.selected_steps(only)), timezone.localdate())
        if self.sqlite and self.empty is None:
            self.empty = self._keep(None)
        if key in self.copies:
            self._restore(self.copies[key])
            ContentType.objects.clear_cache()  # the copy's content types may carry other ids than the cache
        else:
            build.load(only=only)
            self.copies[key] = self._keep(len(self.copies))
        self.loaded = True

    def unload(self):
        """SQLite: the database as before the first load again, cheaper than deleting the demo row by row."""
        if self.sqlite and self.loaded:
            self._restore(self.empty)
        self.loaded = False

    def _keep(self, number):
        if self.sqlite:
            import sqlite3

            self.connection.ensure_connection()
            copy = sqlite3.connect(":memory:", check_same_thread=False)
            self.connection.connection.backup(copy)
            return copy
        name = f"{self.connection.settings_dict['NAME']}_demo{number}"
        self._postgres("CREATE DATABASE {copy} TEMPLATE {test}", copy=name)
        return name

    def _restore(self, copy):
        if self.sqlite:
            self.connection.ensure_connection()
            copy.backup(self.connection.connection)
            return
        self._postgres("DROP DATABASE {test} WITH (FORCE)", "CREATE DATABASE {test} TEMPLATE {copy}", copy=copy)

    def _postgres(self, *statements, copy):
        """Run statements on the server's maintenance database, with every connection to the test database closed."""
        from django.db import connections

        connections.close_all()
        quote = self.connection.ops.quote_name
        test = self.connection.settings_dict["NAME"]
        with self.connection._nodb_cursor() as cursor:
            # A template must have no session: end any the live server's request threads left behind.
            cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                           "WHERE datname = %s AND pid <> pg_backend_pid()", [test])
            for statement in statements:
                cursor.execute(statement.format(test=quote(test), copy=quote(copy)))

    def drop(self):
        for copy in self.copies.values():
            if self.sqlite:
                copy.close()
            else:
                self._postgres("DROP DATABASE IF EXISTS {copy} WITH (FORCE)", copy=copy)
        self.copies.clear()


@pytest.fixture(scope="session")
def demo_copies(django_db_setup, django_db_blocker):
    """This process's built demo districts (DemoCopies), dropped before the test database is."""
    with django_db_blocker.unblock():
        copies = DemoCopies()
        yield copies
        copies.drop()


@pytest.fixture
def load_demo(transactional_db, settings, demo_copies):
    """A function `load(only=None)`: the demo (or its steps `only`) in the test database, committed, for a test
    with a live server; built once per process and copied for every later test (DemoCopies). Demo mode is on."""
    settings.DEMO_MODE = True
    yield demo_copies.load
    demo_copies.unload()


@pytest.fixture
def whole_demo(load_demo):
    """The whole demo district, loaded and served on DEMO_DAY (the clock runs on from there).

    The first test of a process builds it; the others get a copy of that build (DemoCopies), so every test
    starts from the same fresh district whatever the tests before it changed.
    """
    with time_machine.travel(DEMO_DAY, tick=True):
        load_demo()
        yield
