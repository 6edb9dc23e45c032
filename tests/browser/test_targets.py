"""A street asks for one of its targets to be lowered before the deadline, the office approves it, and the
assessor sees the indicators it owns across the units; each downloads its page as Excel. Screenshots in
test-artifacts/targets-*.png."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine

from jixiao.demo.accounts import DEMO_ACCOUNTS
from jixiao.lib.excel import read_workbook
from tests.browser.session import log_in

pytestmark = pytest.mark.browser
BY_NAME = {a.username: a for a in DEMO_ACCOUNTS}
# Mid-September of the demo year: target adjustments are open until 31 October.
SEPTEMBER = datetime.datetime(2026, 9, 15, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def september_district(transactional_db, settings):
    """Organisation, accounts and the indicator system of the demo, served in September of 2026."""
    from jixiao.demo import accounts, build, indicators, org

    settings.DEMO_MODE = True
    with time_machine.travel(SEPTEMBER, tick=True):
        for step in (org.build, accounts.build, indicators.build):
            step(build.step_rng(step))
        yield


def downloaded(page, locator) -> list[list]:
    """The one sheet of the workbook a click on `locator` downloads, as rows."""
    with page.expect_download() as info:
        locator.click()
    sheets = read_workbook(str(info.value.path()), 10 * 1024 * 1024)
    assert len(sheets) == 1
    return next(iter(sheets.values()))


def test_a_street_asks_to_adjust_a_target_and_the_office_approves(september_district, live_server, page, shot,
                                                                    external_requests):
    from jixiao.indicators.models import Target, TargetAdjustment

    base = live_server.url
    log_in(page, base, BY_NAME["street_reporter"])
    page.goto(f"{base}/indicators/targets/mine/?cycle=2026")
    table = page.get_by_test_id("my-targets")
    assert table.locator("tbody tr").count() > 10
    assert "目标调整申请截止：2026年10月31日" in page.content()
    shot("targets-mine")

    row = table.locator("tbody tr", has=page.get_by_role("link", name="申请调整")).first
    indicator = row.locator("td").nth(2).inner_text()
    row.get_by_role("link", name="申请调整").click()
    page.wait_for_load_state()
    target = Target.objects.get(pk=int(re.search(r"/targets/(\d+)/adjust/", page.url).group(1)))
    assert target.unit.code == "S01"
    lowered = int(target.target_value * 9 / 10)
    page.get_by_label("申请调整为").fill(str(lowered))
    page.get_by_label("申请理由").fill("辖区重点企业外迁，税源减少")
    shot("targets-adjustment-form")
    page.get_by_role("button", name=re.compile("提交")).click()
    page.wait_for_load_state()
    assert "调整申请已提交，等待绩效办审批。" in page.content()
    assert "调整待审批" in page.get_by_test_id("my-targets").locator("tbody tr", has_text=indicator).inner_text()
    rows = downloaded(page, page.get_by_test_id("export-xlsx"))
    header = rows[0]
    mine = next(r for r in rows[1:] if f"{r[header.index('指标编码')]} {r[header.index('指标名称')]}" == indicator)
    assert mine[header.index("调整申请")] == "调整待审批"

    page.context.clear_cookies()
    log_in(page, base, BY_NAME["office"])
    page.goto(f"{base}/indicators/adjustments/?cycle=2026")
    pending = page.get_by_test_id("pending").locator("tbody tr", has_text="辖区重点企业外迁")
    assert str(lowered) in pending.inner_text()
    shot("targets-adjustment-queue")
    rows = downloaded(page, page.get_by_test_id("export-xlsx"))
    assert any("辖区重点企业外迁，税源减少" in row for row in rows[1:])
    pending.get_by_label("审批意见").fill("情况属实，同意调整")
    pending.get_by_role("button", name="同意").click()
    page.wait_for_load_state()
    assert "已同意，目标值已调整。" in page.content()
    target.refresh_from_db()
    assert target.target_value == lowered
    adjustment = TargetAdjustment.objects.get(target=target, reason="辖区重点企业外迁，税源减少")
    assert (adjustment.status, adjustment.decision_reason) == ("approved", "情况属实，同意调整")
    page.goto(f"{base}/indicators/targets/{target.pk}/")
    assert str(lowered) in page.locator("main").inner_text()
    history = page.get_by_test_id("history").inner_text()
    assert "2020" in history and "2026（本年度）" in history
    peers = page.get_by_test_id("peers").locator("tbody tr")
    assert peers.count() == 10 and "table-active" in peers.filter(has_text="华明街道").get_attribute("class")
    page.locator(".chart svg").first.wait_for()
    shot("targets-after-adjustment")
    assert external_requests == [], external_requests


def test_the_assessor_sees_and_exports_the_indicators_it_owns(september_district, live_server, page, shot):
    base = live_server.url
    log_in(page, base, BY_NAME["assessor"])
    page.goto(f"{base}/indicators/targets/assessed/?cycle=2026")
    table = page.get_by_test_id("assessed")
    shown = table.locator("tbody tr").count()
    assert shown > 20
    shot("targets-assessed")
    rows = downloaded(page, page.get_by_test_id("export-xlsx"))
    assert len(rows) - 1 == shown
    assert rows[0][:6] == ["指标编码", "指标名称", "计量单位", "组别", "单位编码", "单位名称"]
