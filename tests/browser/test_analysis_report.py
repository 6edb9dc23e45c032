"""The office generates the demo district's 2026 H1 analysis report, edits its 改进建议, issues it and downloads it;
then the 2026 Q3 key-project evaluation report, with its PDF; axe-core checks the list, the drafts and the issued
reports."""

import io
import re

import docx
import pytest
from playwright.sync_api import expect

from jixiao.demo.accounts import account
from tests.browser.session import log_in
from tests.browser.test_axe_crawl import axe_failures

pytestmark = pytest.mark.browser
# The test server builds a report inside the request (django-tasks' immediate backend): the .docx, the PDF and
# the charts of the whole demo district take several seconds, more on a machine shared with other test runs.
GENERATING_MS = 120_000


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """As test_axe_crawl: axe-core is injected as a script, which the site's Content-Security-Policy forbids."""
    return {**browser_context_args, "bypass_csp": True}


def test_office_generates_edits_issues_and_downloads_the_half_year_report(whole_demo, live_server, page, shot,
                                                                         external_requests):
    log_in(page, live_server.url, account("office"))
    page.get_by_role("link", name="分析报告", exact=True).first.click()
    expect(page).to_have_url(re.compile(r"/analysis/reports/"))
    expect(page.get_by_test_id("report-list")).to_contain_text("全区2026年上半年绩效状况分析报告")  # the demo's draft
    assert axe_failures(page) == []
    form = page.get_by_test_id("report-request")
    form.get_by_label("半年", exact=True).select_option(label="上半年")
    form.get_by_label("范围", exact=True).select_option(label="全区")
    form.get_by_role("button", name="生成报告").click(timeout=GENERATING_MS)
    expect(page).to_have_url(re.compile(r"/analysis/reports/\d+/$"))
    status = page.get_by_test_id("report-status")
    expect(status).to_contain_text("草稿", timeout=30_000)
    expect(status).to_contain_text("数据截至 2026年6月30日")
    suggestions = page.get_by_label("七、改进建议")
    assert suggestions.input_value().startswith("（一）")
    shot("analysis-report-draft")
    assert axe_failures(page) == []
    suggestions.fill("（一）对欠进度事项逐项明确追赶措施。\n（二）请各街道对标标杆单位，九月底前报送改进方案。")
    page.get_by_role("button", name="保存并重新生成").click(timeout=GENERATING_MS)
    expect(page.get_by_text("问题与建议已保存")).to_be_visible()
    expect(status).to_contain_text("草稿", timeout=30_000)
    page.get_by_test_id("report-issue").click()
    expect(page.get_by_text("全区2026年上半年绩效状况分析报告已印发。")).to_be_visible()
    expect(status).to_contain_text("已印发")
    with page.expect_download() as info:
        page.get_by_test_id("report-download").click()
    download = info.value
    assert download.suggested_filename == "全区2026年上半年绩效状况分析报告.docx"
    texts = [p.text for p in docx.Document(io.BytesIO(download.path().read_bytes())).paragraphs]
    assert "（二）请各街道对标标杆单位，九月底前报送改进方案。" in texts and "七、改进建议" in texts
    shot("analysis-report-issued")
    assert axe_failures(page) == []
    page.set_viewport_size({"width": 375, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    shot("analysis-report-issued-375")
    assert external_requests == [], external_requests


def test_office_generates_edits_and_issues_the_quarterly_key_project_report(whole_demo, live_server, page, shot,
                                                                          external_requests):
    log_in(page, live_server.url, account("office"))
    page.goto(f"{live_server.url}/analysis/reports/?cycle=2026")
    form = page.get_by_test_id("report-request")
    form.get_by_label("报告类型", exact=True).select_option(label="重点项目季度评价报告")
    form.get_by_label("季度", exact=True).select_option(label="第三季度")
    form.get_by_label("范围", exact=True).select_option(label="全区")
    form.get_by_role("button", name="生成报告").click(timeout=GENERATING_MS)
    expect(page).to_have_url(re.compile(r"/analysis/reports/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("全区2026年第三季度重点项目评价报告")
    status = page.get_by_test_id("report-status")
    expect(status).to_contain_text("草稿", timeout=60_000)
    expect(status).to_contain_text("数据截至 2026年9月30日")
    suggestions = page.get_by_label("六、改进建议")
    assert suggestions.input_value().startswith("（一）")
    shot("analysis-quarter-report-draft")
    assert axe_failures(page) == []
    suggestions.fill("（一）对欠进度项目逐项明确追赶措施。\n（二）十月底前补齐第三季度节点。")
    page.get_by_role("button", name="保存并重新生成").click(timeout=GENERATING_MS)
    expect(page.get_by_text("问题与建议已保存")).to_be_visible()
    expect(status).to_contain_text("草稿", timeout=60_000)
    page.get_by_test_id("report-issue").click()
    expect(page.get_by_text("全区2026年第三季度重点项目评价报告已印发。")).to_be_visible()
    with page.expect_download() as info:
        page.get_by_test_id("report-download").click()
    texts = [p.text for p in docx.Document(io.BytesIO(info.value.path().read_bytes())).paragraphs]
    assert "（二）十月底前补齐第三季度节点。" in texts and "四、季度评价" in texts
    with page.expect_download() as info:
        page.get_by_test_id("report-pdf").click()
    assert info.value.suggested_filename == "全区2026年第三季度重点项目评价报告.pdf"
    assert info.value.path().read_bytes().startswith(b"%PDF-")
    shot("analysis-quarter-report-issued")
    assert axe_failures(page) == []
    page.goto(f"{live_server.url}/analysis/reports/?cycle=2026")
    expect(page.get_by_test_id("report-list")).to_contain_text("全区2026年第三季度重点项目评价报告")
    shot("analysis-reports-list")
    assert axe_failures(page) == []
    page.set_viewport_size({"width": 375, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    shot("analysis-reports-list-375")
    assert external_requests == [], external_requests
