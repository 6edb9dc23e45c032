"""The district leader drills from the home page's latest results down to one reported value and its evidence file
(领导下钻) in the demo district."""

import hashlib
import re
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from playwright.sync_api import expect

from jixiao.accounts.models import User
from jixiao.demo.accounts import account
from jixiao.reporting.models import Evidence, Value
from tests.browser.session import log_in
from tests.browser.test_axe_crawl import axe_failures

pytestmark = pytest.mark.browser
PDF = b"%PDF-1.4 demo ledger"


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """As test_axe_crawl: axe-core is injected as a script, which the site's Content-Security-Policy forbids."""
    return {**browser_context_args, "bypass_csp": True}


def _attach(unit_pk, indicator_pk, year):
    """A file on the unit's latest verified value of the indicator (the demo keeps no files)."""
    value = (Value.objects.filter(unit_id=unit_pk, indicator_id=indicator_pk, cycle__year=year,
                                  verified_at__isnull=False).order_by("-submission__period__ends_on").first())
    assert value is not None
    # The demo's figures were loaded, not typed in: the file is put down to one of the unit's people.
    by = User.objects.filter(memberships__unit_id=unit_pk).order_by("id").first() or User.objects.order_by("id").first()
    return Evidence.objects.create(value=value, file=ContentFile(PDF, name="ledger.pdf"), original_name="年度台账.pdf",
                                   kind="pdf", size=len(PDF), sha256=hashlib.sha256(PDF).hexdigest(),
                                   uploaded_by=by, uploaded_at=timezone.now())


def test_leader_drills_from_home_to_a_value_and_its_evidence(whole_demo, live_server, page, shot, settings, tmp_path,
                                                             external_requests):
    settings.MEDIA_ROOT = tmp_path / "media"
    log_in(page, live_server.url, account("leader"))
    # Home → group: the group's name in the latest results links to its ranking.
    results = page.get_by_test_id("overview-results-table")
    results.locator("tbody th a").first.click()
    expect(page).to_have_url(re.compile(r"/analysis/drill/group/\d+/"))
    expect(page.get_by_test_id("drill-unit-row").first).to_contain_text("1 / ")
    shot("analysis-drill-group")
    assert axe_failures(page) == []
    # The breadcrumb leads up to the district, and back down again.
    page.locator(".breadcrumb").get_by_role("link", name="领导下钻 · 全区").click()
    expect(page.get_by_test_id("drill-district-table")).to_be_visible()
    shot("analysis-drill-district")
    assert axe_failures(page) == []
    page.get_by_test_id("drill-group-row").first.get_by_role("link").click()
    # Group → unit → indicator.
    page.get_by_test_id("drill-unit-row").first.get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"/analysis/drill/unit/\d+/"))
    expect(page.get_by_test_id("drill-indicator-row").first).to_be_visible()
    shot("analysis-drill-unit")
    assert axe_failures(page) == []
    page.get_by_test_id("drill-indicator-row").first.get_by_role("link").click()
    found = re.search(r"/drill/unit/(\d+)/indicator/(\d+)/\?cycle=(\d+)", page.url)
    assert found, page.url
    _attach(*found.groups())
    page.reload()
    expect(page.get_by_test_id("drill-value-row").first).to_be_visible()
    expect(page.locator(".breadcrumb")).to_contain_text("领导下钻 · 全区")
    shot("analysis-drill-indicator")
    assert axe_failures(page) == []
    # Indicator → the evidence file, through the reporting download.
    with page.expect_download() as caught:
        page.get_by_test_id("drill-evidence").first.click()
    assert caught.value.suggested_filename == "年度台账.pdf"
    assert Path(caught.value.path()).read_bytes() == PDF
    # The table's export is an Excel file named in Chinese.
    with page.expect_download() as caught:
        page.get_by_test_id("drill-values-export").click()
    assert caught.value.suggested_filename.endswith("报送记录.xlsx")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    assert external_requests == [], external_requests


def test_the_unit_page_fits_a_phone(whole_demo, live_server, browser, shot):
    context = browser.new_context(viewport={"width": 375, "height": 780}, locale="zh-CN", timezone_id="Asia/Shanghai",
                                  bypass_csp=True)
    page = context.new_page()
    log_in(page, live_server.url, account("leader"))
    page.goto(f"{live_server.url}/analysis/drill/")
    page.get_by_test_id("drill-group-row").first.get_by_role("link").click()
    page.get_by_test_id("drill-unit-row").first.get_by_role("link").click()
    expect(page.get_by_test_id("drill-indicator-row").first).to_be_visible()
    # Wide tables scroll inside their wrappers; the page itself never does.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    shot("analysis-drill-unit-375px", on=page)
    context.close()
