"""The office uploads a careless unit workbook in Chromium: the page lists the first 500 problems in reading order,
says how many there are in all, names a bidi control in a name, writes nothing and audits the refusal.
Screenshots: test-artifacts/unit-workbook-refused.png (whole page) and unit-workbook-refused-top.png."""

import pytest

from jixiao.demo.accounts import DEMO_ACCOUNTS
from jixiao.org.tests.helpers import row, workbook_bytes
from tests.browser.conftest import ARTIFACTS
from tests.browser.session import log_in

pytestmark = pytest.mark.browser
OFFICE = next(a for a in DEMO_ACCOUNTS if a.username == "office")


@pytest.fixture
def organisation(transactional_db, settings):
    from jixiao.demo import accounts, build, org

    settings.DEMO_MODE = True
    for step in (org.build, accounts.build):
        step(build.step_rng(step))


def test_a_careless_unit_workbook_is_refused_with_the_true_count(organisation, live_server, page, shot,
                                                                 external_requests, tmp_path):
    from jixiao.audit.models import Event
    from jixiao.org.models import Unit

    units = Unit.objects.count()
    rows = [row("B90", "区审计\u202e局"), *(row(f"N{i:04d}", "") for i in range(600))]
    path = tmp_path / "单位名册（有误）.xlsx"
    path.write_bytes(workbook_bytes(rows))
    base = live_server.url
    log_in(page, base, OFFICE)
    page.goto(f"{base}/org/units/import/")
    page.locator("input[type=file]").set_input_files(str(path))
    page.get_by_role("button", name="上传并预览").click()
    table = page.locator("#import-errors")
    table.wait_for()
    text = page.content()
    assert "文件有 601 处问题（以下列出前 500 处）" in text and "另有 101 处未列出" in text
    first = table.locator("tbody tr").first.inner_text()
    assert "第 2 行" in first and "文字方向控制字符 U+202E" in first
    assert "第 3 行" in table.locator("tbody tr").nth(1).inner_text()
    assert table.locator("tbody tr").count() == 500
    shot("unit-workbook-refused")
    page.screenshot(path=str(ARTIFACTS / "unit-workbook-refused-top.png"))  # the first screen, as a person sees it
    assert Unit.objects.count() == units
    assert Event.objects.filter(code="unit.import_refused").count() == 1
    assert external_requests == []
