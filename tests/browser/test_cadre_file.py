"""The organisation department (组织部) in Chromium: finds a cadre from the sidebar, reads the multi-year
performance file, downloads it as the .docx 干部实绩材料, and reads the cycle's result-use lists."""

import io
from pathlib import Path

import pytest
from docx import Document
from playwright.sync_api import expect

from tests.browser.session import log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def world(live_server, transactional_db, settings):
    from jixiao.cadres.tests import use_world
    from tests.cast import build_cast

    settings.REQUIRE_TOTP = False
    cast = build_cast()
    cast.use = use_world.build(cast)
    return cast


def test_org_dept_reads_a_file_and_exports_the_material(world, live_server, page, shot, external_requests):
    from jixiao.audit.models import Event

    base = live_server.url
    log_in(page, base, "orgdept", world.password)
    page.get_by_role("link", name="干部考核档案").click()
    page.get_by_label("姓名、单位或职务").fill("张三")
    page.get_by_role("button", name="查找").click()
    page.get_by_test_id("cadre-files").get_by_role("link", name="张三").click()
    expect(page.get_by_role("heading", name="张三 · 实绩档案")).to_be_visible()
    years = page.get_by_test_id("years")
    expect(years.locator("tbody tr")).to_have_count(2)
    expect(years.locator("tbody tr").first).to_contain_text("基本称职")
    expect(page.get_by_test_id("key-tasks")).to_contain_text("老旧小区改造")
    expect(page.get_by_test_id("talks")).to_contain_text("单位绩效下滑")
    expect(page.get_by_test_id("accountabilities")).to_contain_text("诫勉谈话")
    assert page.get_by_role("button", name="关联").count() == 0  # read-only
    shot("cadre-file-org-dept")

    with page.expect_download() as download_info:
        page.get_by_test_id("export-docx").click()
    download = download_info.value
    assert download.suggested_filename == "干部实绩材料-张三.docx"
    doc = Document(io.BytesIO(Path(download.path()).read_bytes()))
    text = "\n".join([p.text for p in doc.paragraphs]
                     + [c.text for t in doc.tables for r in t.rows for c in r.cells])
    assert "张三同志实绩材料" in text and "71.37分，基本称职" in text and "诫勉谈话" in text
    assert Event.objects.filter(code="cadre.file_exported", user_id=world.use.orgdept.pk).count() == 1

    page.get_by_role("link", name="结果运用名单").click()
    page.get_by_label("考核年度").select_option("2025")
    page.get_by_role("button", name="查看").click()
    expect(page.get_by_test_id("list-adjust")).to_contain_text("连续两年考核为“基本称职”")
    expect(page.get_by_test_id("list-commend")).to_contain_text("金桥街道领导班子")
    shot("cadre-lists-org-dept")
    assert external_requests == []


def test_office_records_an_accountability_case_after_a_refused_date(world, live_server, page, shot):
    import datetime

    from django.urls import reverse
    from django.utils import timezone

    base = live_server.url
    today = timezone.localdate()  # the server's day, whatever the clock of the machine running the test
    log_in(page, base, "office", world.password)
    page.goto(base + reverse("cadres:file_detail", args=[world.use.wang.pk]))
    page.get_by_role("link", name="记录问责").click()
    page.get_by_label("问责类型").select_option(label="行政问责")
    page.get_by_label("涉及考核年度").select_option("2025")
    tomorrow = today + datetime.timedelta(days=1)
    page.get_by_label("决定日期").fill(f"{tomorrow:%Y-%m-%d}")
    page.get_by_label("问责事由").fill("推诿扯皮，群众反映问题长期未解决")
    page.get_by_label("处理决定").fill("责令作出书面检查")
    page.get_by_role("button", name="登记").click()
    expect(page.get_by_test_id("form-errors")).to_contain_text("晚于今天")
    shot("cadre-accountability-refused")
    page.get_by_label("决定日期").fill(f"{today:%Y-%m-%d}")
    page.get_by_role("button", name="登记").click()
    expect(page.get_by_text("问责记录已登记。")).to_be_visible()
    expect(page.get_by_test_id("accountabilities")).to_contain_text("责令作出书面检查")
    shot("cadre-accountability-recorded")
