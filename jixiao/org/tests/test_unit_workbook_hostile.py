"""Hostile and careless unit workbooks: the strict reader with its row cap, codes read as a clerk means them,
names without hidden characters, every problem counted. Figures for the 2,000,000-row file: bench/import_units.py."""

import io
import tracemalloc

import pytest
import xlsxwriter
from django.urls import reverse

from jixiao.audit.models import Event
from jixiao.lib import excel
from jixiao.lib.excel import WorkbookError
from jixiao.org import unitbook
from jixiao.org.models import Unit
from jixiao.org.tests.helpers import HEADER, duplicate_rows_workbook, row, upload, workbook_bytes

IMPORT = reverse("org:unit_import")
MB = 1024 * 1024


def preview(client, data: bytes):
    return client.post(IMPORT, {"file": upload(data)})


def refused(client, data: bytes) -> list:
    units = Unit.objects.count()
    response = preview(client, data)
    assert response.status_code == 422
    assert Unit.objects.count() == units
    assert Event.objects.filter(code="unit.import_refused", outcome="failure").exists()
    return response.context["errors"]


def test_two_million_duplicate_rows_are_refused_unread_in_bounded_memory(db):
    """Issue 14: this file of about 700 KB took 144 s and 2.6 GB through the old reader and listed 1,999,999
    duplicates; the strict reader stops streaming the sheet at the row cap, before calamine parses anything."""
    data = duplicate_rows_workbook(2_000_000)
    assert len(data) < MB
    tracemalloc.start()
    try:
        with pytest.raises(WorkbookError) as caught:
            unitbook.read_plan(data, 10 * MB)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 32 * MB, peak
    assert caught.value.total == 1
    assert f"超过 {unitbook.MAX_ROWS} 行数据的上限" in caught.value.errors[0].message


def test_the_unit_workbook_has_the_imports_one_row_cap():
    assert unitbook.MAX_ROWS == excel.MAX_ROWS


def test_a_sheet_at_the_row_cap_is_read_and_one_row_more_is_refused(cast, monkeypatch):
    monkeypatch.setattr(unitbook, "MAX_ROWS", 300)  # the full cap's figures: bench/import_units.py
    rows = [row(f"N{i:05d}", f"新局{i}") for i in range(unitbook.MAX_ROWS)]
    planned, plan = unitbook.read_plan(workbook_bytes(rows), 10 * MB)
    assert len(planned) == unitbook.MAX_ROWS and plan.counts["new"] == unitbook.MAX_ROWS
    with pytest.raises(WorkbookError, match="行数据的上限"):
        unitbook.read_plan(workbook_bytes([*rows, row("N99999", "多一行")]), 10 * MB)


def test_a_hidden_sheet_is_refused(cast, login):
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer)
    visible = book.add_worksheet("单位")
    for c, title in enumerate(HEADER):
        visible.write_string(0, c, title)
    hidden = book.add_worksheet("备用")
    hidden.write_string(0, 0, "B05")
    hidden.hide()
    book.close()
    errors = refused(login(cast.office), buffer.getvalue())
    assert errors[0].sheet == "备用" and "隐藏" in errors[0].message


def test_a_formula_with_a_forged_cached_value_is_refused(cast, login):
    """calamine gives a formula cell's cached value, which the file's author writes as they like."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer)
    sheet = book.add_worksheet("单位")
    for c, value in enumerate(row("B05", "甲局")):
        sheet.write_string(1, c, str(value))
        sheet.write_string(0, c, HEADER[c])
    sheet.write_formula(1, 1, '="区"&"审计局"', None, "区财政局")
    book.close()
    errors = refused(login(cast.office), buffer.getvalue())
    assert (errors[0].row, errors[0].column) == (2, "B") and "公式" in errors[0].message
    assert not Unit.objects.filter(code="B05").exists()


@pytest.mark.parametrize("parent", ["Ｄ０１", "\u200bD01", "D01\ufeff", " D01 "])
def test_full_width_and_invisible_characters_around_a_code_are_undone(cast, login, parent):
    response = preview(login(cast.office), workbook_bytes([row("Ｂ０５", "甲局", parent=parent)]))
    assert response.status_code == 200
    change = response.context["plan"].changes[0]
    assert (change.row.code, change.row.parent_code, change.status) == ("B05", "D01", "new")


def test_a_code_in_the_wrong_case_names_the_code_it_differs_from(cast, login):
    errors = refused(login(cast.office), workbook_bytes([row("B05", "甲局", parent="d01")]))
    assert "上级单位编码“d01”在文件和系统中都不存在；有“D01”：编码区分大小写" in errors[0].message


@pytest.mark.parametrize("code, reason", [("B\t05", "含不可见的控制字符 U+0009"), ("B 05", "中间有空格"),
                                          ("审计局", "含中文")])
def test_what_cannot_be_undone_in_a_code_is_named(cast, login, code, reason):
    errors = refused(login(cast.office), workbook_bytes([row(code, "甲局")]))
    assert reason in errors[0].message and errors[0].column_title == "单位编码"


@pytest.mark.parametrize("title, cells", [("单位名称", {"name": "审计\u202e局"}), ("简称", {"short": "审\u2066计"}),
                                          ("单位名称", {"name": "审计\u200b局"})])
def test_names_with_bidi_or_invisible_characters_are_refused(cast, login, title, cells):
    errors = refused(login(cast.office), workbook_bytes([row("B05", **{"name": "甲局", **cells})]))
    assert errors[0].column_title == title and f"{title}含" in errors[0].message


@pytest.mark.parametrize("order", ["\u0663", "1_000", "3.5", "１,０００"])
def test_a_sort_order_takes_only_plain_digits(cast, login, order):
    errors = refused(login(cast.office), workbook_bytes([row("B05", "甲局", order=order)]))
    assert errors[0].column_title == "排序" and "整数" in errors[0].message


def test_the_page_says_how_many_problems_there_are_and_lists_the_first(cast, login):
    data = workbook_bytes([row(f"N{i:05d}", "") for i in range(1200)])
    client = login(cast.office)
    errors = refused(client, data)
    assert len(errors) == 500 and [e.row for e in errors[:3]] == [2, 3, 4]
    page = preview(client, data).content.decode()
    assert "文件有 1200 处问题" in page and "另有 700 处未列出" in page


def test_the_command_says_the_true_count(cast, tmp_path):
    from django.core.management import CommandError, call_command

    path = tmp_path / "units.xlsx"
    path.write_bytes(workbook_bytes([row(f"N{i:05d}", "") for i in range(600)]))
    with pytest.raises(CommandError, match="共 600 处问题（列出前 500 处，另有 100 处未列出）"):
        call_command("import_units", str(path), stderr=io.StringIO())
    assert Event.objects.filter(code="unit.import_refused").count() == 1


def test_the_upload_page_refuses_the_two_million_row_file_and_audits_it(cast, login):
    errors = refused(login(cast.office), duplicate_rows_workbook(2_000_000))
    assert len(errors) == 1 and "行数据的上限" in errors[0].message
    event = Event.objects.get(code="unit.import_refused")
    assert event.after["problems"] == 1 and "行数据的上限" in event.after["message"]
