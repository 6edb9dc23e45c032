"""The office reads the demo's 2027 improvement targets, adjusts one, approves it and two more at once; the page says
that 2027 is not set up yet and keeps the approvals."""

import contextlib
import re

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from jixiao.demo.accounts import account
from tests.browser.session import log_in

pytestmark = pytest.mark.browser


def test_office_adjusts_and_approves_improvement_targets(whole_demo, live_server, page, shot, external_requests):
    log_in(page, live_server.url, account("office"))
    page.get_by_role("link", name="改进目标", exact=True).first.click()
    expect(page).to_have_url(re.compile(r"/analysis/improvement/"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("2027年度（据2025年度数据）")
    expect(page.get_by_test_id("next-cycle")).to_contain_text("2027 年度尚未设立")
    table = page.get_by_test_id("improvement-table")
    expect(table).to_be_visible()
    expect(table.get_by_test_id("explanation").first).to_contain_text(re.compile(r"组内(上|下)四分位|保持"))
    shot("analysis-improvement-office")
    # The proposals still to decide, on every group.
    page.get_by_label("组别", exact=True).select_option(label="全部组别")
    page.get_by_label("状态", exact=True).select_option(label="待审定")
    page.get_by_role("button", name="筛选").click()
    expect(page).to_have_url(re.compile(r"status=proposed"))
    rows = page.get_by_test_id("improvement-row")
    first = rows.filter(has=page.get_by_test_id("approve-one")).first
    unit, indicator = first.get_attribute("data-unit"), first.get_attribute("data-indicator")
    box = first.get_by_role("spinbutton")
    box.fill("-1")
    first.get_by_role("button", name="调整").click()
    expect(page.get_by_role("alert").filter(has_text="目标值")).to_be_visible()
    row = page.locator(f'[data-testid=improvement-row][data-unit="{unit}"][data-indicator="{indicator}"]')
    row.get_by_role("spinbutton").fill("123")
    row.get_by_role("button", name="调整").click()
    expect(page.get_by_text("的目标已调整为 123。")).to_be_visible()
    row = page.locator(f'[data-testid=improvement-row][data-unit="{unit}"][data-indicator="{indicator}"]')
    row.get_by_test_id("approve-one").click()
    expect(page.get_by_text("已批准 1 项。")).to_be_visible()
    expect(page.get_by_text("2027 年度尚未设立，已批准的目标保留")).to_be_visible()
    # The approved row left the 待审定 list; two more are ticked and approved at once.
    expect(page.locator(f'[data-testid=improvement-row][data-unit="{unit}"][data-indicator="{indicator}"]')).to_have_count(0)
    boxes = page.get_by_role("checkbox")
    boxes.nth(0).check()
    boxes.nth(1).check()
    page.get_by_test_id("approve-many").click()
    expect(page.get_by_text("已批准 2 项。")).to_be_visible()
    shot("analysis-improvement-approved")
    page.get_by_label("状态", exact=True).select_option(label="已批准，待转入下一年度")
    page.get_by_role("button", name="筛选").click()
    approved = page.locator(f'[data-testid=improvement-row][data-unit="{unit}"][data-indicator="{indicator}"]')
    expect(approved).to_contain_text("123")
    page.set_viewport_size({"width": 375, "height": 800})
    # The page is laid out again after the resize (the chart redraws to its new width): wait for that, up to 5 s.
    fits = "document.documentElement.scrollWidth <= 375"
    with contextlib.suppress(PlaywrightTimeout):  # the assertion below reports a page that never fits
        page.wait_for_function(fits, timeout=5000)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    shot("analysis-improvement-375")
    assert external_requests == [], external_requests
