"""A street's reporter and the statistics bureau's assessor open the demo district and read their to-do list."""

import datetime

import pytest
import time_machine
from playwright.sync_api import expect

from jixiao.demo.accounts import account
from tests.browser.conftest import DEMO_DAY
from tests.browser.session import log_in

pytestmark = pytest.mark.browser


def test_street_reporter_starts_from_the_overdue_period(whole_demo, live_server, page, browser, shot,
                                                        external_requests):
    log_in(page, live_server.url, account("street_reporter"))
    todo = page.get_by_test_id("todo")
    expect(todo).to_be_visible()
    # The overdue month comes first, highlighted, with the action that opens its entry page.
    first = page.get_by_test_id("todo-period").first
    assert "10月" in first.inner_text() and "逾期" in first.inner_text()
    # The quarter waiting for the street's reviewer is listed, but as waiting, not as the reporter's task.
    assert "待本单位审核人审核" in page.get_by_test_id("todo-reporting").inner_text()
    assert "进展尚未报送" in page.get_by_test_id("todo-progress").first.inner_text()
    expect(page.get_by_test_id("todo-latest")).to_be_visible()
    for part in ("todo-verification", "todo-replies"):  # an assessor's and the 督查室's parts
        assert page.get_by_test_id(part).count() == 0, part
    # The unit's people and villages still follow the list.
    expect(page.get_by_text("下辖村/社区")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    shot("home-todo-street-reporter")
    assert external_requests == [], external_requests

    first.get_by_role("link", name="开始填报").click()
    page.wait_for_url("**/reporting/units/**")
    assert "10月" in page.locator("h1").inner_text()

    context = browser.new_context(viewport={"width": 360, "height": 780}, locale="zh-CN",
                                  timezone_id="Asia/Shanghai")
    phone = context.new_page()
    log_in(phone, live_server.url, account("street_reporter"))
    expect(phone.get_by_test_id("todo-reporting")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    shot("home-todo-street-reporter-360px", on=phone)
    context.close()


def test_assessor_and_a_department_reporter(whole_demo, live_server, page, browser, shot, external_requests):
    log_in(page, live_server.url, account("assessor"))
    verify = page.get_by_test_id("todo-verification")
    text = verify.inner_text()
    assert "三季度" in text and "待核定" in text
    assert "等待单位更正重报" in text  # 丰年街道's value returned alone is with the street, not counted as to do
    for part in ("todo-reporting", "todo-keywork", "todo-results", "todo-evaluation"):
        assert page.get_by_test_id(part).count() == 0, part
    expect(page.get_by_test_id("todo-latest")).to_be_visible()
    shot("home-todo-assessor")
    assert external_requests == [], external_requests

    verify.get_by_role("link", name="去核定").first.click()
    page.wait_for_url("**/reporting/assessor/periods/**")

    # 区发改委's reporter: Q3 came back from the reviewer with a reason; a rectification item waits for its measures.
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN",
                                  timezone_id="Asia/Shanghai")
    other = context.new_page()
    log_in(other, live_server.url, account("reporter"))
    reporting = other.get_by_test_id("todo-reporting").inner_text()
    assert "三季度" in reporting and "退回理由" in reporting
    rectification = other.get_by_test_id("todo-rectification").first
    assert "整改时限" in rectification.inner_text() and "待制定措施" in rectification.inner_text()
    expect(rectification.get_by_role("link", name="制定措施")).to_be_visible()
    shot("home-todo-department-reporter", on=other)
    context.close()


def test_a_month_closed_without_a_submission_stays_first(whole_demo, live_server, page, browser, shot):
    """Two weeks later no street has reported 10月 and its entry window (to 11-28) is over: the month is still
    逾期 and first, and says whom to ask, on the desktop and on a phone."""
    with time_machine.travel(DEMO_DAY + datetime.timedelta(days=12), tick=True):  # 2026-12-07
        log_in(page, live_server.url, account("street_reporter"))
        first = page.get_by_test_id("todo-period").first
        expect(first).to_contain_text("2026年10月")
        expect(first.get_by_test_id("overdue")).to_have_text("逾期")
        expect(first).to_contain_text("如需补报或更正请联系绩效办解锁")
        expect(first.get_by_role("link", name="联系绩效办补报")).to_be_visible()
        assert "未开始" not in first.inner_text()
        shot("home-todo-street-reporter-october-closed")

        context = browser.new_context(viewport={"width": 375, "height": 780}, locale="zh-CN",
                                      timezone_id="Asia/Shanghai")
        phone = context.new_page()
        log_in(phone, live_server.url, account("street_reporter"))
        expect(phone.get_by_test_id("todo-period").first.get_by_test_id("overdue")).to_be_visible()
        assert phone.evaluate("document.documentElement.scrollWidth") <= 375
        shot("home-todo-street-reporter-october-closed-375px", on=phone)
        context.close()
