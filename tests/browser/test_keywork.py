"""Key work in Chromium: a street reports progress with evidence, the office sees the board and publishes a
bulletin, and the board fits a 320 px phone."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.session import log_in

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def world(live_server, transactional_db, settings, tmp_path):
    from jixiao.keywork.tests import builders
    from tests.cast import build_cast

    settings.REQUIRE_TOTP = False
    settings.MEDIA_ROOT = tmp_path / "media"
    cast = build_cast()
    cast.task = builders.task(cast, code="ZD2026-01")
    cast.other = builders.task(cast, code="ZD2026-02", lead=cast.fgw)
    return cast


def test_street_reports_progress_and_office_publishes_bulletin(world, live_server, page, shot, external_requests,
                                                                tmp_path):
    base = live_server.url
    log_in(page, base, "street_reporter", world.password)
    page.get_by_role("link", name="本单位重点工作", exact=True).click()
    expect(page.get_by_test_id("tasks").get_by_role("link", name=world.task.name)).to_be_visible()
    assert world.other.name not in page.get_by_test_id("tasks").inner_text()
    page.get_by_role("link", name=world.task.name).click()
    page.get_by_role("link", name="报送进展").click()
    page.get_by_label("期次").select_option("Q1")  # the cast's cycle is 2026: its first quarter has begun
    page.get_by_label("进展情况").fill("已完成年度任务的80%，正在组织验收。")
    page.get_by_label("完成进度(%)").fill("80")
    page.get_by_label("本期节点目标已完成").check()
    evidence = tmp_path / "验收材料.pdf"
    evidence.write_bytes(PDF)
    page.get_by_label("佐证材料（PDF、JPG、PNG、Word、Excel，可多选）").set_input_files(str(evidence))
    shot("keywork-progress-form")
    page.get_by_role("button", name="报送").click()
    progress = page.get_by_test_id("progress")
    assert "正在组织验收" in progress.inner_text() and "验收材料.pdf" in progress.inner_text()
    shot("keywork-task-detail")
    page.get_by_test_id("logout").evaluate("b => b.form.submit()")
    page.wait_for_url(re.compile(r"/login/"))  # let the logout land before the next navigation

    log_in(page, base, "office", world.password)
    page.get_by_role("link", name="重点工作总览").click()
    expect(page.get_by_test_id("tasks").get_by_role("link", name=world.task.name)).to_be_visible()
    shot("keywork-board")
    page.get_by_role("link", name="通报").first.click()
    page.get_by_label("期次").select_option("Q1")
    page.get_by_test_id("publish").click()
    assert "示范区绩效办〔2026〕1号" in page.get_by_test_id("bulletins").inner_text()
    shot("keywork-bulletins")
    assert external_requests == []


def test_board_fits_a_phone(world, live_server, browser, shot):
    context = browser.new_context(viewport={"width": 320, "height": 720}, locale="zh-CN")
    page = context.new_page()
    log_in(page, live_server.url, "office", world.password)
    page.goto(f"{live_server.url}/keywork/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    shot("keywork-board-320px", on=page)
    context.close()
