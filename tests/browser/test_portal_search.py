"""A resident searches the demo portal from the header box, reads the hits grouped and marked, and downloads the
policy library as CSV from 数据开放; both pages axe-clean at 1366 and 320 px, nothing loaded from another host."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.test_axe_crawl import axe_failures

pytestmark = pytest.mark.browser


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """As test_axe_crawl: axe-core is injected as a script, which the site's Content-Security-Policy forbids."""
    return {**browser_context_args, "bypass_csp": True}


def test_a_resident_searches_and_downloads_open_data(whole_demo, live_server, page, shot, external_requests,
                                                      tmp_path):
    page.goto(live_server.url + reverse("portal:index"))
    box = page.get_by_test_id("header-search").get_by_label("站内检索")
    box.fill("绩效管理办法")
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/p/search/\?q="))
    articles = page.get_by_test_id("search-group-articles")
    expect(articles).to_contain_text("示范区绩效管理办法")
    expect(articles.locator("mark").first).to_have_text("绩效管理办法")
    shot("portal-search-1366")
    assert axe_failures(page) == []

    page.get_by_label("检索词").fill("市场监督")
    page.get_by_role("button", name="检索", exact=True).last.click()
    expect(page.get_by_test_id("search-group-units")).to_contain_text("区市场监督管理局")
    expect(page.get_by_test_id("search-group-results")).to_contain_text("区市场监督管理局")
    page.get_by_label("检索词").fill("第三季度重点工作进展情况的通报")  # the demo's notice awaiting approval
    page.get_by_label("检索词").press("Enter")
    expect(page.get_by_test_id("search-none")).to_be_visible()
    page.get_by_label("检索词").fill("%_")
    page.get_by_label("检索词").press("Enter")
    expect(page.get_by_test_id("search-none")).to_be_visible()

    page.get_by_test_id("portal-menu").get_by_role("link", name="数据开放").click()
    expect(page).to_have_url(re.compile(r"/p/data/$"))
    expect(page.get_by_test_id("datasets")).to_contain_text("年度考核结果")
    shot("portal-data-1366")
    assert axe_failures(page) == []
    with page.expect_download() as info:
        page.get_by_test_id("download-policies-csv").click()
    saved = tmp_path / "policies.csv"
    info.value.save_as(saved)
    data = saved.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and "示政办发〔2026〕5号" in data.decode("utf-8-sig")
    assert info.value.suggested_filename == "示范区政策文件库.csv"

    page.set_viewport_size({"width": 320, "height": 740})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    shot("portal-data-320")
    assert axe_failures(page) == []
    page.goto(live_server.url + reverse("portal:search") + "?q=" + "考核" * 40)
    expect(page.get_by_test_id("search-notice")).to_have_text("检索词过长，已截取前 50 个字。")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    shot("portal-search-320")
    assert axe_failures(page) == []
    assert external_requests == [], external_requests
