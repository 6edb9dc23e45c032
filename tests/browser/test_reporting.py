"""Reporting in Chromium: the reporter enters and submits, the reviewer returns with a reason, the reporter sees
it, fixes and resubmits, the reviewer approves and the assessor unit verifies; the page fits a 320 px phone."""

import datetime

import pytest
import time_machine
from playwright.sync_api import expect

from tests.browser.session import log_in

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
# Inside the 2026 Q1 window (it opens 31 March and is due 10 April): the clock moves on from here.
IN_WINDOW = datetime.datetime(2026, 4, 2, 2, 0, tzinfo=datetime.UTC)


@pytest.fixture
def world(live_server, transactional_db, settings, tmp_path):
    from jixiao.reporting.tests.builders import world as reporting_world
    from tests.cast import build_cast

    settings.REQUIRE_TOTP = False
    settings.MEDIA_ROOT = tmp_path / "media"
    with time_machine.travel(IN_WINDOW, tick=True):
        cast = build_cast()
        cast.w = reporting_world(cast)
        yield cast


def log_out(page):
    page.get_by_test_id("logout").evaluate("b => b.form.submit()")
    page.wait_for_url("**/login/")


def open_q1(page, base, unit_pk, period_pk):
    page.get_by_role("link", name="网上报件").click()
    page.get_by_test_id("my-periods").get_by_role("link").first.click()
    page.wait_for_url(f"{base}/reporting/units/{unit_pk}/periods/{period_pk}/")


def save(page, code, number):
    card = page.get_by_test_id(f"value-{code}")
    card.get_by_label("本期累计值").fill(number)
    card.get_by_role("button", name="保存").click()
    page.get_by_test_id(f"value-{code}").get_by_text("已保存").wait_for()


def test_enter_return_fix_approve_verify(world, live_server, page, shot, external_requests, tmp_path):
    base, q1 = live_server.url, world.w["q1"]
    codes = [item.indicator.code for item in world.w["items"]]

    log_in(page, base, "street_reporter", world.password)
    open_q1(page, base, world.street.pk, q1.pk)
    assert "未开始" in page.get_by_test_id("status").inner_text()
    save(page, codes[0], "250")
    save(page, codes[1], "180.5")
    assert "25.0%" in page.get_by_test_id(f"value-{codes[0]}").inner_text()
    evidence = tmp_path / "一季度统计报表.pdf"
    evidence.write_bytes(PDF)
    card = page.get_by_test_id(f"value-{codes[0]}")
    card.get_by_label("佐证材料").set_input_files(str(evidence))
    card.get_by_role("button", name="上传佐证").click()
    expect(page.get_by_test_id(f"value-{codes[0]}").get_by_role("link", name="一季度统计报表.pdf")).to_be_visible()
    shot("reporting-entry-filled")
    page.get_by_test_id("submit").click()
    assert "待审核" in page.get_by_test_id("status").inner_text()
    shot("reporting-entry-submitted")
    log_out(page)

    log_in(page, base, "street_reviewer", world.password)
    open_q1(page, base, world.street.pk, q1.pk)
    page.get_by_label("退回理由").fill("一般公共预算收入应为累计数，请核对后重新报送。")
    page.get_by_test_id("return").click()
    assert "已退回" in page.get_by_test_id("status").inner_text()
    log_out(page)

    log_in(page, base, "street_reporter", world.password)
    assert page.get_by_test_id("notices").inner_text().strip() != ""
    open_q1(page, base, world.street.pk, q1.pk)
    assert "应为累计数" in page.get_by_test_id("return-reason").inner_text()
    shot("reporting-entry-returned")
    save(page, codes[0], "265")
    page.get_by_test_id(f"value-{codes[0]}").get_by_role("button", name="修改记录（1）").click()
    assert "250 → 265" in page.get_by_test_id("history").inner_text()
    shot("reporting-entry-history")
    page.get_by_test_id("submit").click()
    assert "待审核" in page.get_by_test_id("status").inner_text()
    log_out(page)

    log_in(page, base, "street_reviewer", world.password)
    open_q1(page, base, world.street.pk, q1.pk)
    page.get_by_test_id("approve").click()
    assert "待核定" in page.get_by_test_id("status").inner_text()
    log_out(page)

    log_in(page, base, "assessor", world.password)
    page.get_by_role("link", name="核定与直报").click()
    page.get_by_test_id("assessor-periods").get_by_role("link").first.click()
    queue = page.get_by_test_id("verify-queue")
    assert "265" in queue.inner_text()
    shot("reporting-assessor-queue")
    page.get_by_test_id(f"verify-{world.street.code}").click()
    assert "待核定（0）" in page.content()
    shot("reporting-assessor-verified")
    assert external_requests == [], external_requests

    from jixiao.reporting.models import Submission

    assert Submission.objects.get(unit=world.street).status == "verified"


def test_entry_page_on_a_phone(world, live_server, browser, shot):
    base, q1 = live_server.url, world.w["q1"]
    context = browser.new_context(viewport={"width": 320, "height": 720}, locale="zh-CN")
    page = context.new_page()
    log_in(page, base, "street_reporter", world.password)
    page.goto(f"{base}/reporting/units/{world.street.pk}/periods/{q1.pk}/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    shot("reporting-entry-320px", on=page)
    context.close()


def approved_with_wrong_evidence(world):
    """The street's Q1 filled, a wrong attachment on the first value, submitted and approved by its reviewer."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from jixiao.reporting import actions
    from jixiao.reporting.models import Submission
    from jixiao.reporting.tests.builders import fill

    values = fill(world, world.street, world.w["q1"], world.w["items"], world.street_reporter, numbers=["250", "180"])
    actions.attach_evidence(values[0], SimpleUploadedFile("草稿未盖章.pdf", PDF), by=world.street_reporter)
    sub = actions.submit(Submission.objects.get(unit=world.street), by=world.street_reporter)
    actions.approve(sub, by=world.street_reviewer)


def test_assessor_returns_one_value_unit_corrects_assessor_verifies(world, live_server, page, shot,
                                                                    external_requests, tmp_path):
    base, q1 = live_server.url, world.w["q1"]
    first, second = (item.indicator.code for item in world.w["items"])
    street = world.street.code
    approved_with_wrong_evidence(world)

    log_in(page, base, "assessor", world.password)
    page.get_by_role("link", name="核定与直报").click()
    page.get_by_test_id("assessor-periods").get_by_role("link").first.click()
    cell = page.get_by_test_id(f"cell-{street}-{first}")
    cell.get_by_text("退回此项").click()
    cell.get_by_placeholder("退回理由（必填）").fill("与统计年报不符（年报为 265），并请附盖章报表。")
    shot("reporting-value-return-form")
    cell.get_by_test_id(f"return-value-{street}-{first}").click()
    assert "已退回、待单位更正（1）" in page.content()
    assert "已退回" in page.get_by_test_id(f"cell-{street}-{first}").inner_text()
    page.get_by_test_id(f"verify-{street}").click()  # the other value is fine: verify it now
    assert "待核定（0）" in page.content()  # nothing left to verify until the unit resubmits
    assert "年报为 265" in page.get_by_test_id("returned-values").inner_text()
    shot("reporting-value-returned-assessor")
    log_out(page)

    log_in(page, base, "street_reporter", world.password)
    assert page.get_by_test_id("notices").inner_text().strip() != ""
    open_q1(page, base, world.street.pk, q1.pk)
    assert "待核定" in page.get_by_test_id("status").inner_text()
    assert "退回了 1 项数值" in page.get_by_test_id("returned-values").inner_text()
    card = page.get_by_test_id(f"value-{first}")
    assert "年报为 265" in card.get_by_test_id("value-return-reason").inner_text()
    assert page.get_by_test_id(f"value-{second}").get_by_label("本期累计值").count() == 0  # stays verified
    shot("reporting-value-returned-unit")
    card.get_by_label("本期累计值").fill("265")
    card.get_by_label("修改理由（必填）").fill("按统计年报更正")
    card.get_by_role("button", name="保存").click()
    page.get_by_test_id(f"value-{first}").get_by_text("已保存").wait_for()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id(f"value-{first}").get_by_role("button", name="删除佐证材料 草稿未盖章.pdf").click()
    page.get_by_test_id(f"value-{first}").get_by_text("已删除佐证材料：草稿未盖章.pdf").wait_for()
    stamped = tmp_path / "统计年报盖章页.pdf"
    stamped.write_bytes(PDF)
    card = page.get_by_test_id(f"value-{first}")
    card.get_by_label("佐证材料").set_input_files(str(stamped))
    card.get_by_role("button", name="上传佐证").click()
    card = page.get_by_test_id(f"value-{first}")
    expect(card.get_by_role("link", name="统计年报盖章页.pdf")).to_be_visible()
    assert card.get_by_role("link", name="草稿未盖章.pdf").count() == 0
    card.get_by_test_id(f"resubmit-{first}").click()
    assert "已更正重报，待核定" in page.get_by_test_id(f"value-{first}").inner_text()
    shot("reporting-value-resubmitted-unit")
    log_out(page)

    log_in(page, base, "assessor", world.password)
    page.get_by_role("link", name="核定与直报").click()
    page.get_by_test_id("assessor-periods").get_by_role("link").first.click()
    assert "更正重报" in page.get_by_test_id(f"cell-{street}-{first}").inner_text()
    assert "265" in page.get_by_test_id("verify-queue").inner_text()
    shot("reporting-value-resubmitted-assessor")
    page.get_by_test_id(f"verify-{street}").click()
    assert "待核定（0）" in page.content()
    assert external_requests == [], external_requests

    from jixiao.reporting.models import Submission, Value

    assert Submission.objects.get(unit=world.street).status == "verified"
    value = Value.objects.get(unit=world.street, indicator__code=first)
    assert value.number == 265 and value.changes_since_approval == 1 and value.verified_at is not None


def test_a_graded_indicator_is_chosen_from_the_scheme_grades(world, live_server, page, shot, external_requests):
    """An indicator scored by 定性评级: a select of the item's grades, the account of the work in the note."""
    base, q1 = live_server.url, world.w["q1"]
    item = world.w["items"][1]
    item.indicator.direction = "qualitative"
    item.indicator.save(update_fields=["direction"])
    item.rule, item.params = "qualitative_grade", {"grades": {"好": "1", "较好": "0.8", "一般": "0.6", "差": "0.3"}}
    item.save(update_fields=["rule", "params"])
    code = item.indicator.code

    log_in(page, base, "street_reporter", world.password)
    open_q1(page, base, world.street.pk, q1.pk)
    card = page.get_by_test_id(f"value-{code}")
    assert card.get_by_label("评定等级").evaluate("s => [...s.options].map(o => o.text)") == [
        "（未评定）", "好", "较好", "一般", "差"]
    card.get_by_label("评定等级").select_option("较好")
    card.get_by_label("工作完成情况").fill("年度任务清单 12 项已完成 11 项，余 1 项因审批延后。")
    card.get_by_role("button", name="保存").click()
    page.get_by_test_id(f"value-{code}").get_by_text("已保存").wait_for()
    assert page.get_by_test_id(f"value-{code}").get_by_label("评定等级").input_value() == "较好"
    shot("reporting-grade-entry")
    log_out(page)

    log_in(page, base, "assessor", world.password)
    page.get_by_role("link", name="核定与直报").click()
    page.get_by_test_id("assessor-periods").get_by_role("link").first.click()
    grade = page.get_by_test_id(f"grade-{world.street.code}-{code}")
    assert grade.input_value() == "较好" and "年度任务清单 12 项已完成 11 项" in page.get_by_test_id("grid").inner_text()
    page.get_by_test_id(f"grade-{world.other_street.code}-{code}").select_option("一般")
    page.get_by_test_id("grid-save").click()
    page.get_by_text("已保存并核定").wait_for()
    shot("reporting-grade-assessor-grid")
    assert external_requests == [], external_requests

    from jixiao.reporting.models import Value

    assert Value.objects.get(unit=world.other_street, indicator__code=code).text == "一般"
