"""The office walks through the 2026 scheme, exports the workbook, edits one target in it and imports it back:
upload → preview of exactly that change → confirm → the target shows the new value. Screenshots in
test-artifacts/scheme-*.png."""

import io
import re
from decimal import Decimal

import openpyxl
import pytest
from playwright.sync_api import expect

from jixiao.demo.accounts import DEMO_ACCOUNTS
from tests.browser.session import log_in

pytestmark = pytest.mark.browser
OFFICE = next(a for a in DEMO_ACCOUNTS if a.username == "office")


@pytest.fixture
def indicator_district(transactional_db, settings):
    """The demo steps this journey needs: organisation, accounts and the indicator system."""
    from jixiao.demo import accounts, build, indicators, org

    settings.DEMO_MODE = True
    for step in (org.build, accounts.build, indicators.build):
        step(build.step_rng(step))


def edited_workbook(data: bytes, unit: str, indicator: str, value) -> tuple[bytes, object]:
    """The workbook with one target changed, and the value it had."""
    data, old, _row = edited_workbook_row(data, unit, indicator, value)
    return data, old


def edited_workbook_row(data: bytes, unit: str, indicator: str, value) -> tuple[bytes, object, int]:
    """As edited_workbook, with the number of the sheet row it changed."""
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    sheet = workbook["目标值"]
    header = [c.value for c in sheet[1]]
    col_unit, col_ind, col_value = (header.index(t) + 1 for t in ("单位编码", "指标编码", "目标值"))
    for row in range(2, sheet.max_row + 1):
        if sheet.cell(row, col_unit).value == unit and sheet.cell(row, col_ind).value == indicator:
            old = sheet.cell(row, col_value).value
            sheet.cell(row, col_value).value = value
            out = io.BytesIO()
            workbook.save(out)
            return out.getvalue(), old, row
    raise LookupError((unit, indicator))


def test_office_reviews_the_scheme_and_imports_an_edited_target(indicator_district, live_server, page, shot,
                                                                 external_requests, tmp_path):
    base = live_server.url
    log_in(page, base, OFFICE)

    page.goto(f"{base}/indicators/schemes/?cycle=2026")
    expect(page.get_by_role("link", name=re.compile("示范区2026年度目标管理绩效考核方案"))).to_be_visible()
    shot("scheme-list-2026")
    page.get_by_role("link", name=re.compile("示范区2026年度目标管理绩效考核方案")).click()
    page.wait_for_load_state()
    assert "方案校验通过" in page.content()
    items = page.get_by_test_id("items")
    assert items.locator("tbody tr").count() == 94  # 27 in G01, 61 in G02, 6 in G03
    shot("scheme-detail-2026")

    page.get_by_label("组别", exact=True).select_option(label="涉农街道和园区")
    page.get_by_role("button", name="筛选").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("items").locator("tbody tr").count() == 27
    shot("scheme-detail-2026-g01")

    with page.expect_download() as download_info:
        page.get_by_test_id("book-export").click()
    exported = tmp_path / "scheme-2026.xlsx"
    download_info.value.save_as(exported)
    data, old = edited_workbook(exported.read_bytes(), "S01", "E03", 123456)
    edited = tmp_path / "scheme-2026-edited.xlsx"
    edited.write_bytes(data)

    page.get_by_test_id("book-import").click()
    page.wait_for_load_state()
    upload_and_preview(page, edited)
    totals = page.get_by_test_id("totals").inner_text()
    assert "修改 1" in totals and "新增 0" in totals
    preview = page.get_by_test_id("import-preview").inner_text()
    assert "S01 / E03" in preview and "123456" in preview and str(old) in preview
    shot("scheme-import-preview")

    page.get_by_test_id("confirm-import").click()
    page.wait_for_load_state()
    assert "导入完成：新增 0 行，修改 1 行" in page.content()
    shot("scheme-import-done")

    page.goto(f"{base}/indicators/targets/?cycle=2026&q=E03")
    page.get_by_role("link", name="123456").click()
    page.wait_for_load_state()
    assert "华明街道 · 招商引资到位额" in page.locator("h1").inner_text()
    assert "123456" in page.content()
    shot("scheme-target-after-import")
    assert external_requests == [], external_requests


def export_from_the_import_page(page, base, tmp_path):
    """Log in as the office, open the import page and download the 2026 workbook from its export links."""
    log_in(page, base, OFFICE)
    page.goto(f"{base}/indicators/schemes/workbook/import/")
    with page.expect_download() as download_info:
        page.get_by_test_id("export-links").get_by_role("link", name=re.compile("2026年度")).click()
    exported = tmp_path / "scheme.xlsx"
    download_info.value.save_as(exported)
    return exported


def upload_and_preview(page, path):
    """On the import page: choose the file, upload it and wait for the preview (or the list of problems)."""
    page.get_by_label("考核方案工作簿（.xlsx）").set_input_files(str(path))
    page.get_by_role("button", name="上传并预览").click()
    page.wait_for_load_state()


def test_bad_workbook_shows_row_level_errors(indicator_district, live_server, page, shot, tmp_path):
    base = live_server.url
    exported = export_from_the_import_page(page, base, tmp_path)
    data, _old, row = edited_workbook_row(exported.read_bytes(), "S01", "E03", "约十万")
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(data)
    upload_and_preview(page, bad)
    errors = page.locator("#import-errors").inner_text()
    assert f"第 {row} 行" in errors and "目标值：“约十万”不是数字" in errors
    assert "未写入任何数据" in page.content()
    shot("scheme-import-errors")


def test_scheme_page_fits_a_phone(indicator_district, live_server, browser, shot):
    context = browser.new_context(viewport={"width": 320, "height": 720}, locale="zh-CN")
    page = context.new_page()
    log_in(page, live_server.url, OFFICE)
    page.goto(f"{live_server.url}/indicators/schemes/?cycle=2026")
    page.get_by_role("link", name=re.compile("示范区2026年度")).click()
    page.wait_for_load_state()
    shot("scheme-detail-320px", on=page)
    wide = page.evaluate("""[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 321)
        .map(e => [e.tagName, e.className, Math.round(e.getBoundingClientRect().right), e.textContent.slice(0, 20)])
        .slice(0, 8).concat([[document.body.scrollWidth, document.body.clientWidth, window.innerWidth]])""")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320, wide
    context.close()


def test_office_imports_new_targets_added_in_excel(indicator_district, live_server, page, shot, tmp_path):
    """Rows added at the end of the 目标值 sheet, as an office fills in a year's new targets: the preview lists each
    one with its values, and after confirming each is a target of the year."""
    from jixiao.indicators.models import Indicator, Target
    from jixiao.org.models import Cycle, Unit

    base = live_server.url
    exported = export_from_the_import_page(page, base, tmp_path)
    cycle = Cycle.objects.get(year=2026)
    taken = set(Target.objects.filter(cycle=cycle).values_list("unit__code", "indicator__code"))
    villages = Unit.objects.filter(kind="village").order_by("code")
    numeric = Indicator.objects.filter(direction="higher_better").order_by("code")
    new = [(u, i) for u in villages for i in numeric if (u.code, i.code) not in taken][:3]
    assert len(new) == 3
    workbook = openpyxl.load_workbook(io.BytesIO(exported.read_bytes()))
    values = [1250.5, 88, 3.25]
    for (unit, indicator), value in zip(new, values, strict=True):
        workbook["目标值"].append([unit.code, unit.name, indicator.code, indicator.name, indicator.measure_unit, value,
                                  None, None, value - 1, None, "区定"])
    edited = tmp_path / "scheme-new-targets.xlsx"
    workbook.save(edited)

    upload_and_preview(page, edited)
    totals = page.get_by_test_id("totals").inner_text()
    assert "新增 3" in totals and "修改 0" in totals, totals
    preview = page.get_by_test_id("import-preview").inner_text()
    for (unit, indicator), value in zip(new, values, strict=True):
        assert f"{unit.code} / {indicator.code}" in preview and f"目标值 {value:g}；基数（上年实际） {value - 1:g}；来源 区定" in preview, preview
    shot("scheme-import-new-targets-preview")

    page.get_by_test_id("confirm-import").click()
    page.wait_for_load_state()
    assert "导入完成：新增 3 行，修改 0 行" in page.content()
    stored = {(t.unit.code, t.indicator.code): (t.target_value, t.baseline, t.source)
              for t in Target.objects.filter(cycle=cycle, unit__in=[u for u, _i in new]).select_related("unit",
                                                                                                      "indicator")}
    for (unit, indicator), value in zip(new, values, strict=True):
        assert stored[(unit.code, indicator.code)] == (Decimal(str(value)), Decimal(str(value - 1)), "district_set")
    shot("scheme-import-new-targets-done")


def test_office_reviews_a_groups_targets_as_a_matrix(indicator_district, live_server, page, shot):
    base = live_server.url
    log_in(page, base, OFFICE)
    page.goto(f"{base}/indicators/targets/?cycle=2026")
    page.get_by_test_id("matrix-link").click()
    page.wait_for_load_state()
    page.get_by_label("考核组别").select_option(label="涉农街道和园区")
    page.get_by_role("button", name="查看").click()
    matrix = page.get_by_test_id("matrix")
    expect(matrix.locator("tbody tr")).to_have_count(10)
    expect(matrix.locator("thead th")).to_have_count(1 + 27)
    expect(page.get_by_text("目标值齐全").or_(page.get_by_test_id("missing"))).to_be_visible()
    shot("targets-matrix")
    with page.expect_download() as info:
        page.get_by_test_id("export-xlsx").click()
    from jixiao.lib.excel import read_workbook

    (rows,) = read_workbook(str(info.value.path()), 10 * 1024 * 1024).values()
    assert len(rows) == 11 and len(rows[0]) == 2 + 27
    # The header row stays in view while the table scrolls.
    page.locator(".matrix-wrap").evaluate("el => el.scrollTo(400, 300)")
    assert abs(matrix.locator("thead th").first.bounding_box()["y"] - page.locator(".matrix-wrap").bounding_box()["y"]) < 2
    shot("targets-matrix-scrolled")


def test_office_edits_a_rule_in_chinese_fields(indicator_district, live_server, page, shot, external_requests):
    """The item's rule is edited in one Chinese field per parameter; choosing another rule swaps the fields and
    the worked example follows the numbers typed. Screenshots scheme-item-rule-*.png."""
    from jixiao.indicators.models import SchemeItem

    item = (SchemeItem.objects.filter(scheme__cycle__year=2026, rule="completion_ratio")
            .select_related("indicator").order_by("id").first())
    log_in(page, live_server.url, OFFICE)
    page.goto(f"{live_server.url}/indicators/schemes/{item.scheme_id}/item/{item.pk}/")
    expect(page.get_by_label("封顶系数（倍）")).to_be_visible()
    expect(page.get_by_test_id("rule-example")).to_contain_text("完成率计分")
    shot("scheme-item-rule-completion")

    page.get_by_label("封顶系数（倍）").fill("-1")
    reason = page.get_by_label(re.compile("修改理由"))
    if reason.count():
        reason.fill("市考细则调整")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("「封顶系数」不能小于 1")).to_be_visible()
    shot("scheme-item-rule-error")

    page.get_by_label("计分规则").select_option(label="排名计分")
    expect(page.get_by_label("首名比例(%)")).to_be_visible()
    expect(page.get_by_label("封顶系数（倍）")).to_have_count(0)
    expect(page.get_by_test_id("rule-example")).to_contain_text("排第 3 名")
    page.get_by_label("首名比例(%)").fill("90")
    page.get_by_label("保底比例(%)").click()
    expect(page.get_by_test_id("rule-example")).to_contain_text("90%")
    shot("scheme-item-rule-rank")

    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("方案指标已保存。")).to_be_visible()
    item.refresh_from_db()
    assert item.rule == "rank_based" and item.params == {"first_pct": "90", "step_pct": "5", "floor_pct": "0"}


def test_the_rule_fields_switch_without_javascript(indicator_district, live_server, browser, shot):
    """With scripts off the 切换规则 button re-shows the form with the chosen rule's fields and saves nothing."""
    from jixiao.indicators.models import SchemeItem

    item = SchemeItem.objects.filter(scheme__cycle__year=2026, rule="completion_ratio").order_by("id").first()
    context = browser.new_context(java_script_enabled=False, locale="zh-CN")
    page = context.new_page()
    log_in(page, live_server.url, OFFICE)
    page.goto(f"{live_server.url}/indicators/schemes/{item.scheme_id}/item/{item.pk}/")
    page.get_by_label("计分规则").select_option(label="按次扣分")
    page.get_by_role("button", name="切换规则，显示其参数").click()
    expect(page.get_by_label("每次扣分（分）")).to_be_visible()
    expect(page.get_by_label("封顶系数（倍）")).to_have_count(0)
    expect(page.get_by_test_id("rule-example")).to_contain_text("参数填写正确后显示示例计算")
    page.get_by_label("每次扣分（分）").fill("0.5")
    page.get_by_role("button", name="切换规则，显示其参数").click()
    expect(page.get_by_test_id("rule-example")).to_contain_text("按次扣分")
    shot("scheme-item-rule-no-js", on=page)
    item.refresh_from_db()
    assert item.rule == "completion_ratio"
    context.close()
