"""A resident opens the portal from the login page, reads the home page and a department's profile at 1366 and
320 px wide, and moves through the menu with the keyboard alone; axe-core finds no violation on either page."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.test_axe_crawl import axe_failures

pytestmark = pytest.mark.browser
PROFILE = "B14"  # 区市场监督管理局: results every year, key tasks in 2026, a disclosed item under way


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """As test_axe_crawl: axe-core is injected as a script, which the site's Content-Security-Policy forbids."""
    return {**browser_context_args, "bypass_csp": True}


def _fits(page, width):
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_a_resident_reads_the_home_page_and_a_profile(whole_demo, live_server, page, shot, external_requests):
    page.goto(live_server.url + reverse("accounts:login"))
    page.get_by_role("link", name="绩效管理门户").click()
    expect(page).to_have_url(re.compile(r"/p/$"))
    expect(page).to_have_title(re.compile(r"^首页 · 示范区绩效管理门户$"))
    expect(page.get_by_test_id("demo-label")).to_have_text("示范数据")
    menu = page.get_by_test_id("portal-menu")
    expect(menu.get_by_role("link", name="首页")).to_have_attribute("aria-current", "page")
    for name in ("绩效结果", "部门绩效", "参加评议"):
        expect(menu.get_by_role("link", name=name)).to_be_visible()
    page.locator(".chart[data-option-id='grade-chart'] svg").wait_for()
    page.locator(".chart[data-option-id='work-chart'] svg").wait_for()
    expect(page.get_by_test_id("grade-table")).to_contain_text("区直部门")
    expect(page.get_by_test_id("home-evaluate")).to_contain_text("正在进行")
    shot("portal-home-1366")
    assert axe_failures(page) == []

    page.get_by_test_id("portal-menu").get_by_role("link", name="部门绩效").click()
    expect(page).to_have_url(re.compile(r"/p/units/$"))
    assert axe_failures(page) == []
    page.get_by_role("link", name="区市场监督管理局", exact=True).click()
    expect(page).to_have_url(re.compile(rf"/p/units/{PROFILE}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("区市场监督管理局")
    page.locator(".chart[data-option-id='trend-chart'] svg").wait_for()
    expect(page.get_by_test_id("history").locator("tbody tr")).to_have_count(6)  # 2020–2025, all published
    expect(page.get_by_test_id("open-items")).to_contain_text("2025")
    expect(page.get_by_test_id("tasks").locator("tbody tr").first).to_be_visible()
    shot("portal-profile-1366")
    assert axe_failures(page) == []

    page.set_viewport_size({"width": 320, "height": 740})
    page.reload()
    page.locator(".chart[data-option-id='trend-chart'] svg").wait_for()
    _fits(page, 320)
    shot("portal-profile-320")
    assert axe_failures(page) == []
    page.goto(live_server.url + reverse("portal:index"))
    page.locator(".chart[data-option-id='grade-chart'] svg").wait_for()
    _fits(page, 320)
    shot("portal-home-320")
    assert axe_failures(page) == []
    assert external_requests == [], external_requests


def _focused(page) -> str:
    return page.evaluate("document.activeElement.textContent.trim()")


def test_the_keyboard_alone_reaches_the_menu_and_the_evaluation(whole_demo, live_server, page):
    page.goto(live_server.url + reverse("portal:index"))
    page.keyboard.press("Tab")
    assert _focused(page) == "跳到正文"
    expect(page.get_by_role("link", name="跳到正文")).to_be_visible()  # shown once focused
    seen = []
    for _ in range(12):  # the brand, 长辈版, the search box and its button, then the menu
        page.keyboard.press("Tab")
        seen.append(_focused(page))
        if seen[-1] == "参加评议":
            break
    assert "首页" in seen and "部门绩效" in seen and seen[-1] == "参加评议", seen
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/p/pingyi/$"))
    expect(page.get_by_label("邀请码")).to_be_visible()


def test_the_office_writes_a_units_duties_and_the_public_reads_them(whole_demo, live_server, page, shot):
    from jixiao.demo.accounts import account
    from tests.browser.session import log_in

    log_in(page, live_server.url, account("office"))
    page.get_by_role("link", name="部门公开信息", exact=True).first.click()
    expect(page).to_have_url(re.compile(r"/profiles/$"))
    assert axe_failures(page) == []
    # Chromium names the link with a space before its visually hidden part.
    page.get_by_role("link", name=re.compile(r"^编辑\s*区市场监督管理局的部门职责$")).click()
    page.get_by_label("部门职责").fill("负责全区市场综合监督管理。\n\n负责食品安全监督管理综合协调。")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("区市场监督管理局的部门职责已保存")).to_be_visible()
    shot("portal-profile-office-edit")
    assert axe_failures(page) == []
    page.goto(live_server.url + reverse("portal:unit_detail", args=[PROFILE]))
    expect(page.get_by_test_id("duties")).to_contain_text("负责食品安全监督管理综合协调。")
