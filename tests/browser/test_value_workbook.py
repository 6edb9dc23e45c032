"""The value workbook in Chromium: a reporter downloads the pre-filled template, fills it in as Excel would, uploads
a copy with a text in a number cell (every problem listed, nothing written), a copy with a row pasted twice
(named, nothing written), the template as downloaded (nothing to write, said so), then the good copy, and sees the
figures on the entry page."""

import io

import openpyxl
import pytest

from tests.browser.session import log_in
from tests.browser.test_reporting import open_q1, world  # noqa: F401 (world: the same fixture as that journey's)

pytestmark = pytest.mark.browser


def filled(template: bytes, numbers, *, twice: bool = False) -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(template))
    sheet = book["数据"]
    for row, number in enumerate(numbers, start=2):
        sheet.cell(row=row, column=8, value=number)
    if twice:  # the first row pasted again below the others
        sheet.append([cell.value for cell in sheet[2]])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_download_fill_upload(world, live_server, page, shot, external_requests, tmp_path):  # noqa: F811
    from jixiao.reporting.models import Value

    base, q1 = live_server.url, world.w["q1"]
    codes = [item.indicator.code for item in world.w["items"]]
    log_in(page, base, "street_reporter", world.password)
    open_q1(page, base, world.street.pk, q1.pk)
    with page.expect_download() as download:
        page.get_by_role("link", name="下载Excel模板").click()
    template = download.value.path().read_bytes()

    bad = tmp_path / "一季度数据（有误）.xlsx"
    bad.write_bytes(filled(template, ["约三百", 180.5]))
    page.get_by_role("link", name="上传Excel").click()
    page.get_by_label("填好的模板（.xlsx）").set_input_files(str(bad))
    page.get_by_role("button", name="导入").click()
    problems = page.get_by_test_id("problems")
    problems.wait_for()
    assert "第2行" in problems.inner_text() and "不是数字" in problems.inner_text()
    shot("value-workbook-refused")
    assert not Value.objects.exists()

    pasted = tmp_path / "一季度数据（重复行）.xlsx"
    pasted.write_bytes(filled(template, [250, 180.5], twice=True))
    page.get_by_label("填好的模板（.xlsx）").set_input_files(str(pasted))
    page.get_by_role("button", name="导入").click()
    page.get_by_text("与第 2 行重复").wait_for()
    assert "第4行" in problems.inner_text() and "同一指标只能填一行" in problems.inner_text()
    shot("value-workbook-duplicate-row")
    assert not Value.objects.exists()

    blank = tmp_path / "一季度数据（空白）.xlsx"  # a colleague uploads the template as downloaded
    blank.write_bytes(template)
    page.get_by_label("填好的模板（.xlsx）").set_input_files(str(blank))
    page.get_by_role("button", name="导入").click()
    page.wait_for_url(f"{base}/reporting/units/{world.street.pk}/periods/{q1.pk}/")
    assert "未写入任何内容" in page.content()
    shot("value-workbook-nothing-to-write")
    assert not Value.objects.exists()

    page.get_by_role("link", name="上传Excel").click()
    good = tmp_path / "一季度数据.xlsx"
    good.write_bytes(filled(template, [250, 180.5]))
    page.get_by_label("填好的模板（.xlsx）").set_input_files(str(good))
    page.get_by_role("button", name="导入").click()
    page.wait_for_url(f"{base}/reporting/units/{world.street.pk}/periods/{q1.pk}/")
    assert "导入完成：新增 2 项" in page.content()
    card = page.get_by_test_id(f"value-{codes[0]}")
    assert float(card.get_by_label("本期累计值").input_value()) == 250
    assert "25.0%" in card.inner_text()  # of the target 1000
    shot("value-workbook-imported")
    assert sorted(str(n) for n in Value.objects.values_list("number", flat=True)) == ["180.5000", "250.0000"]
    assert external_requests == []
