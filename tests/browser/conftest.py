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


@pytest.fixture
def whole_demo(transactional_db, settings):
    """The whole demo district, loaded and served on DEMO_DAY (the clock runs on from there)."""
    from jixiao.demo import build

    settings.DEMO_MODE = True
    with time_machine.travel(DEMO_DAY, tick=True):
        build.load()
        yield
