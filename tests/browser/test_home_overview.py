"""The district leader opens the platform on the whole demo district and reads the overview (领导驾驶舱)."""

import pytest
from playwright.sync_api import expect

from jixiao.demo.accounts import account
from tests.browser.session import log_in

pytestmark = pytest.mark.browser


def test_leader_reads_the_year_and_the_latest_results(whole_demo, live_server, page, shot, external_requests):
    log_in(page, live_server.url, account("leader"))
    for part in ("reporting", "keywork", "evaluation", "rectification", "results"):
        expect(page.get_by_test_id(f"overview-{part}")).to_be_visible()
    reporting = page.get_by_test_id("overview-reporting")
    assert "三季度" in reporting.inner_text()
    assert "已核定" in reporting.inner_text()
    expect(page.get_by_test_id("overview-keywork").get_by_text("停滞").first).to_be_visible()
    # The grade chart is drawn (ECharts renders SVG) and the table names every group of the published runs.
    page.locator(".chart[data-option-id='grade-chart'] svg").wait_for()
    table = page.get_by_test_id("overview-results-table").inner_text()
    assert "委办局" in table and "区直部门" in table
    # A leader follows results, not the business trail of every edit.
    assert page.get_by_text("最近业务动态").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    shot("home-overview-leader")
    assert external_requests == [], external_requests


def test_office_overview_on_a_phone(whole_demo, live_server, browser, shot):
    context = browser.new_context(viewport={"width": 360, "height": 780}, locale="zh-CN", timezone_id="Asia/Shanghai")
    page = context.new_page()
    log_in(page, live_server.url, account("office"))
    expect(page.get_by_test_id("overview-results")).to_be_visible()
    expect(page.get_by_text("最近业务动态")).to_be_visible()
    # Wide tables scroll inside their wrappers; the page itself never does.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    shot("home-overview-office-360px", on=page)
    context.close()
