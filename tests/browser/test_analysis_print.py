"""The district leader prints the dashboard: 打印 on the home page opens one A4 page of its figures."""

import re

import pytest
from playwright.sync_api import expect

from jixiao.demo.accounts import account
from tests.browser.conftest import ARTIFACTS
from tests.browser.session import log_in
from tests.browser.test_axe_crawl import axe_failures

pytestmark = pytest.mark.browser


def pdf_pages(pdf: bytes) -> int:
    """The page count a PDF's page tree declares (/Type /Pages … /Count n), read without a PDF library."""
    counts = [int(n) for n in re.findall(rb"/Type\s*/Pages\b[^>]*?/Count\s+(\d+)", pdf)]
    counts += [int(n) for n in re.findall(rb"/Count\s+(\d+)[^>]*?/Type\s*/Pages\b", pdf)]
    assert counts, "no page tree found in the PDF"
    return max(counts)


def test_leader_prints_the_dashboard_on_one_a4_page(whole_demo, live_server, page, browser, shot, external_requests):
    log_in(page, live_server.url, account("leader"))
    page.get_by_test_id("dashboard-print-link").click()
    page.wait_for_url(f"{live_server.url}/analysis/print/")
    sheet = page.get_by_test_id("dashboard-print")
    expect(sheet.get_by_test_id("as-of")).to_contain_text("截至 2026年11月25日")
    for part in ("print-reporting", "print-keywork", "print-evaluation", "print-rectification", "print-results"):
        expect(page.get_by_test_id(part)).to_be_visible()
    expect(page.locator("#sidebar")).to_have_count(0)
    assert "委办局" in page.get_by_test_id("print-results").inner_text()
    shot("analysis-print-screen")

    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="打印")).to_be_hidden()
    page.set_viewport_size({"width": 703, "height": 1032})  # A4 less the 12 mm margins, at 96 px an inch
    shot("analysis-print-a4")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pdf = page.pdf(format="A4", prefer_css_page_size=True, print_background=True)
    (ARTIFACTS / "analysis-print.pdf").write_bytes(pdf)
    assert pdf_pages(pdf) == 1
    assert external_requests == [], external_requests

    # On a phone the sheet reflows and its wide tables scroll inside their wrappers; axe-core is injected as a
    # script, which the site's Content-Security-Policy forbids, hence bypass_csp in this context only.
    phone = browser.new_context(viewport={"width": 375, "height": 800}, locale="zh-CN", timezone_id="Asia/Shanghai",
                                bypass_csp=True)
    small = phone.new_page()
    log_in(small, live_server.url, account("leader"))
    small.goto(f"{live_server.url}/analysis/print/")
    assert small.evaluate("document.documentElement.scrollWidth") <= 375
    shot("analysis-print-375px", on=small)
    assert axe_failures(small) == []
    phone.close()
