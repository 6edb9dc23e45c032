"""Log in as each demo account through the real login (and TOTP) pages and look at its home page."""

import re

import pytest
from playwright.sync_api import expect

from jixiao.demo.accounts import DEMO_ACCOUNTS
from tests.browser.session import log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def demo_district(load_demo):
    load_demo(("org", "accounts"))


@pytest.mark.parametrize("account", DEMO_ACCOUNTS, ids=[a.username for a in DEMO_ACCOUNTS])
def test_demo_account_reaches_its_home_page(account, demo_district, live_server, page, shot, external_requests):
    log_in(page, live_server.url, account)
    header = page.get_by_test_id("active-unit").inner_text()
    assert header.strip() != "无角色"
    expect(page.locator("h1").first).to_be_visible()
    shot(f"home-{account.username}")
    assert external_requests == [], external_requests


def test_office_home_on_a_phone(demo_district, live_server, browser, shot):
    context = browser.new_context(viewport={"width": 320, "height": 720}, locale="zh-CN")
    page = context.new_page()
    office = next(a for a in DEMO_ACCOUNTS if a.username == "office")
    log_in(page, live_server.url, office)
    # Nothing may be wider than the screen except inside the horizontally scrolling table wrappers.
    overflow = page.evaluate("document.documentElement.scrollWidth")
    assert overflow <= 320, overflow
    shot("home-office-320px", on=page)
    context.close()


def test_multi_unit_user_switches_unit_in_header(demo_district, live_server, page, shot):
    multi = next(a for a in DEMO_ACCOUNTS if a.username == "multi")
    log_in(page, live_server.url, multi)
    assert "填报员" in page.get_by_test_id("active-unit").inner_text()
    page.get_by_test_id("active-unit").click()
    page.get_by_role("button", name=re.compile("审核人")).click()
    page.wait_for_load_state()
    assert "审核人" in page.get_by_test_id("active-unit").inner_text()
    expect(page.get_by_role("heading", name=re.compile("街道"))).to_be_visible()
    shot("home-multi-switched")


def test_reporter_reads_a_return_reason_about_its_own_indicator(whole_demo, live_server, page, shot):
    """区发改委's Q3 came back: the reason names 重点项目前期手续办结率, an indicator 区发改委 reports and assesses."""
    reporter = next(a for a in DEMO_ACCOUNTS if a.username == "reporter")
    log_in(page, live_server.url, reporter)
    expect(page.get_by_test_id("todo-reporting")).to_contain_text("重点项目前期手续办结率")
    shot("home-reporter-return-reason")
