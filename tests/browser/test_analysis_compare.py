"""The office compares the streets on one indicator (横比纵比) in the demo district; a street reads its own page."""

import re

import pytest
from playwright.sync_api import expect

from jixiao.demo.accounts import account
from tests.browser.conftest import ARTIFACTS
from tests.browser.session import log_in
from tests.browser.test_axe_crawl import axe_failures

pytestmark = pytest.mark.browser


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """As test_axe_crawl: axe-core is injected as a script, which the site's Content-Security-Policy forbids."""
    return {**browser_context_args, "bypass_csp": True}


def test_office_compares_an_indicator_across_its_group(whole_demo, live_server, page, shot, external_requests):
    log_in(page, live_server.url, account("office"))
    page.get_by_role("link", name="横比纵比", exact=True).first.click()
    expect(page).to_have_url(re.compile(r"/analysis/compare/"))
    page.get_by_label("考核年度").select_option("2025")
    page.get_by_label("指标", exact=True).select_option("E01")
    page.get_by_role("button", name="查看").click()
    expect(page).to_have_url(re.compile(r"indicator=E01"))
    table = page.get_by_test_id("compare-table")
    expect(table).to_be_visible()
    expect(table.locator("tbody tr").first).to_contain_text("1 / ")
    # The 标杆 is named and is the unit of the first row; the chart is drawn beside the table.
    best = page.get_by_test_id("compare-best").inner_text().split("（")[0]
    expect(table.locator("tbody tr").first).to_contain_text(best)
    page.locator(".chart[data-option-id='compare-chart'] svg").wait_for()
    shot("analysis-compare-office")
    assert axe_failures(page) == []
    # Drill down to the best unit's own page: its years and a trend over 2020–2025.
    table.locator("tbody tr").first.get_by_role("link").click()
    expect(page.get_by_test_id("unit-trend").first).to_be_visible()
    expect(page.get_by_test_id("unit-trend").first).to_contain_text("Mann–Kendall")
    shot("analysis-compare-unit-from-office")
    page.get_by_test_id("unit-indicator").first.screenshot(path=str(ARTIFACTS / "analysis-compare-unit-first.png"))
    assert external_requests == [], external_requests


def test_a_street_reads_its_own_ranks_without_the_names_of_others(whole_demo, live_server, page, shot):
    log_in(page, live_server.url, account("street_reporter"))
    page.get_by_role("link", name="本单位横比纵比").first.click()
    expect(page).to_have_url(re.compile(r"/analysis/compare/mine/"))
    expect(page.get_by_test_id("unit-indicator").first).to_be_visible()
    expect(page.get_by_test_id("unit-window").first).to_contain_text("本单位")
    shot("analysis-compare-street")
    assert axe_failures(page) == []


def test_a_merged_departments_history_shows_its_predecessor(whole_demo, live_server, page, shot):
    """区文化和旅游局 took over 区旅游局 in 2023: its score and satisfaction years before are marked and not compared."""
    log_in(page, live_server.url, account("office"))
    page.goto(f"{live_server.url}/org/units/")
    page.get_by_role("link", name="机构调整").click()
    expect(page.get_by_test_id("successions")).to_contain_text("区旅游局")
    expect(page.get_by_test_id("successions")).to_contain_text("合并")
    shot("org-successions")
    assert axe_failures(page) == []
    page.goto(f"{live_server.url}/analysis/compare/mine/?unit=M31&cycle=2025")
    expect(page.get_by_test_id("unit-successions")).to_contain_text("2023 年起，区旅游局并入区文化和旅游局")
    scores = page.get_by_test_id("unit-score-history")
    expect(scores).to_contain_text("原区旅游局")
    expect(scores).to_contain_text("机构合并前的年份")
    expect(page.get_by_test_id("unit-score-history-trend")).to_contain_text("年份不足五年，不作趋势判断")
    expect(page.get_by_test_id("unit-satisfaction-history")).to_contain_text("原区旅游局")
    shot("analysis-compare-unit-merged")
    scores.screenshot(path=str(ARTIFACTS / "analysis-compare-unit-score-history.png"))
    assert axe_failures(page) == []
