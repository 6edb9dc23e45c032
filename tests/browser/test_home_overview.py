"""The district leader opens the platform on the whole demo district and reads the overview (领导驾驶舱)."""

import datetime

import pytest
import time_machine
from playwright.sync_api import expect

from jixiao.demo.accounts import account
from tests.browser.conftest import ARTIFACTS, DEMO_DAY
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


def overdue_october(page):
    """The dashboard's row of 2026年10月: nobody reported it, so its 12 units (streets, parks, 生态环境局, 城管委) are 逾期."""
    row = page.get_by_test_id("overview-reporting").locator("tr", has_text="10月")
    expect(row.get_by_test_id("overdue")).to_have_text("逾期未报 12")
    return row


def test_a_month_closed_without_a_submission_stays_on_the_dashboards(whole_demo, live_server, page, browser, shot):
    """On 2026-12-07 10月 is closed (entry to 11-28) and 11月 falls due on 12-10: the dashboards used to show 11月
    alone; 10月 stays, counted 逾期 12 as on the board. The unit donut names every kind whole, 1366 and 375 px."""
    with time_machine.travel(DEMO_DAY + datetime.timedelta(days=12), tick=True):
        log_in(page, live_server.url, account("office"))
        row = overdue_october(page)
        assert row.locator("td").nth(6).inner_text().strip() == "12"  # the 逾期 column, as on the board
        expect(page.get_by_test_id("overview-reporting").locator("tr", has_text="11月")).to_be_visible()
        donut = page.locator(".chart[data-option-id='kind-chart']")
        donut.locator("svg").wait_for()
        labels = donut.locator("svg text").all_text_contents()
        assert "区直部门" in labels and "村/社区" in labels and not any("…" in t for t in labels), labels
        shot("home-overview-office-october-overdue")

        context = browser.new_context(viewport={"width": 375, "height": 800}, locale="zh-CN",
                                      timezone_id="Asia/Shanghai")
        phone = context.new_page()
        log_in(phone, live_server.url, account("leader"))
        overdue_october(phone)
        donut = phone.locator(".chart[data-option-id='kind-chart']")
        donut.scroll_into_view_if_needed()
        donut.locator("svg").wait_for()
        labels = donut.locator("svg text").all_text_contents()
        assert "区直部门" in labels and "村/社区" in labels and not any("…" in t for t in labels), labels
        assert phone.evaluate("document.documentElement.scrollWidth") <= 375
        shot("home-overview-leader-october-overdue-375px", on=phone)
        card = "xpath=ancestor::div[contains(@class, 'card')][1]"
        donut.locator(card).screenshot(path=str(ARTIFACTS / "home-donut-375px.png"))
        phone.get_by_test_id("overview-reporting").screenshot(path=str(ARTIFACTS / "home-reporting-375px.png"))
        context.close()


FITS = """el => ({scroll: el.scrollWidth, client: el.clientWidth})"""


def reporting_table_fits(page):
    wrap = page.get_by_test_id("overview-reporting").locator(".table-wrap")
    expect(wrap.locator("tbody tr").first).to_be_visible()
    size = wrap.evaluate(FITS)
    assert size["scroll"] <= size["client"], size  # the table fits its card: no sideways scroll
    return wrap


def test_the_office_reporting_table_fits_at_1366_and_375(whole_demo, live_server, page, browser, shot):
    """The reporting table (with 10月 overdue beside 11月) fits its half-width card at 1366 px; on a 375 px phone
    it scrolls inside its own frame while the page itself does not scroll sideways."""
    with time_machine.travel(DEMO_DAY + datetime.timedelta(days=12), tick=True):
        log_in(page, live_server.url, account("office"))
        overdue_october(page)
        wrap = reporting_table_fits(page)
        shot("home-office-reporting-1366")
        page.get_by_test_id("overview-reporting").screenshot(path=str(ARTIFACTS / "home-reporting-1366.png"))
        headers = wrap.locator("thead th").all_inner_texts()
        assert len(headers) == 8, headers  # every figure stays: fewer characters, not fewer columns

        context = browser.new_context(viewport={"width": 375, "height": 800}, locale="zh-CN",
                                      timezone_id="Asia/Shanghai")
        phone = context.new_page()
        log_in(phone, live_server.url, account("office"))
        overdue_october(phone)
        expect(phone.get_by_test_id("overview-reporting").locator("tbody tr").first).to_be_visible()
        assert phone.evaluate("document.documentElement.scrollWidth") <= 375
        shot("home-office-reporting-375", on=phone)
        phone.get_by_test_id("overview-reporting").screenshot(path=str(ARTIFACTS / "home-reporting-375-table.png"))
        context.close()
