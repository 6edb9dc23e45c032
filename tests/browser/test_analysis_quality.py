"""区统计局 opens its 2026 third quarter in the demo and sees, before verifying, that 金桥街道's 地区生产总值 is
flagged (数据质量预警) with the reason; then reads the same flag on the data-quality page, on a phone too."""

import re

import pytest
from playwright.sync_api import expect

from jixiao.demo.accounts import account
from tests.browser.session import log_in

pytestmark = pytest.mark.browser


def test_the_assessor_sees_the_flag_and_its_reason_before_verifying(whole_demo, live_server, page, shot,
                                                                    external_requests):
    log_in(page, live_server.url, account("assessor"))
    page.get_by_role("link", name="核定与直报").click()
    page.get_by_test_id("assessor-periods").get_by_role("link", name=re.compile("2026年三季度")).click()
    cell = page.get_by_test_id("cell-S02-K01")
    flag = cell.get_by_test_id("quality-flag")
    expect(flag).to_be_visible()
    expect(flag).to_contain_text("数据质量预警")
    expect(flag).to_contain_text(re.compile(r"较本单位近 5 年同期中位数 [\d.]+ 偏高 [\d.]+ 个 MAD（修正 z 值 [\d.]+"))
    # Only the figure typed ten times too large is flagged among those awaiting verification.
    assert page.get_by_test_id("verify-queue").get_by_test_id("quality-flag").count() == 1
    flag.scroll_into_view_if_needed()
    shot("analysis-quality-assessor-queue")

    page.get_by_role("link", name="数据质量预警").click()
    expect(page).to_have_url(re.compile(r"/analysis/quality/"))
    page.get_by_label("报送期").select_option(label="三季度")
    page.get_by_role("button", name="查看").click()
    rows = page.get_by_test_id("quality-row")
    expect(rows.filter(has_text="金桥街道").filter(has_text="地区生产总值")).to_have_count(1)
    shot("analysis-quality-list")
    page.set_viewport_size({"width": 375, "height": 800})
    expect(page.get_by_test_id("quality-table")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    shot("analysis-quality-list-375")
    assert external_requests == [], external_requests
