import datetime
import io
import zipfile

import openpyxl
import pytest
import xlsxwriter

from jixiao.lib.excel import (
    CellError,
    Sheet,
    WorkbookError,
    cell_date,
    cell_text,
    column_letter,
    read_workbook,
    write_workbook,
)

MB = 1024 * 1024


def _book(rows, name="表"):
    buffer = io.BytesIO()
    write_workbook(buffer, [Sheet(name, ["编码", "名称", "日期"], rows)])
    return buffer.getvalue()


def test_round_trip_casts_whole_numbers_and_keeps_dates():
    data = _book([[101, "区统计局", datetime.date(2024, 1, 31)], ["B02", 3.5, None]])
    sheets = read_workbook(data, MB)
    assert sheets["表"] == [["编码", "名称", "日期"], [101, "区统计局", datetime.date(2024, 1, 31)], ["B02", 3.5, None]]
    assert cell_text(sheets["表"][1][0]) == "101"
    assert cell_text(101.0) == "101"


def test_header_is_bold_and_frozen():
    workbook = openpyxl.load_workbook(io.BytesIO(_book([["a", "b", None]])))
    sheet = workbook["表"]
    assert sheet["A1"].font.b is True
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["B"].width >= 8


@pytest.mark.parametrize("text", ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)"])
def test_text_that_looks_like_a_formula_is_written_as_text(text):
    data = _book([["X", text, None]])
    sheet = openpyxl.load_workbook(io.BytesIO(data))["表"]
    assert sheet["B2"].data_type == "s"
    assert sheet["B2"].value == text
    assert sheet["B2"].quotePrefix is True
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        assert "<f>" not in package.read("xl/worksheets/sheet1.xml").decode()
    assert read_workbook(data, MB)["表"][1][1] == text


def test_text_file_named_xlsx_is_refused():
    with pytest.raises(WorkbookError) as caught:
        read_workbook("单位编码,单位名称\nB01,发改委\n".encode(), MB)
    assert "不是 Excel 工作簿" in str(caught.value)


def test_legacy_xls_is_refused_with_advice():
    with pytest.raises(WorkbookError) as caught:
        read_workbook(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, MB)
    assert "另存为" in str(caught.value)


def test_zip_that_is_not_a_workbook_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("readme.txt", "hello")
    with pytest.raises(WorkbookError, match="缺少工作簿内容"):
        read_workbook(buffer.getvalue(), MB)


def test_workbook_with_macros_is_refused():
    source = zipfile.ZipFile(io.BytesIO(_book([["a", "b", None]])))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        for item in source.infolist():
            package.writestr(item, source.read(item.filename))
        package.writestr("xl/vbaProject.bin", b"macro")
    with pytest.raises(WorkbookError, match="宏"):
        read_workbook(buffer.getvalue(), MB)


def test_damaged_workbook_gives_a_clear_error():
    data = bytearray(_book([["a", "b", None]]))
    with pytest.raises(WorkbookError, match="损坏"):
        read_workbook(bytes(data[: len(data) // 2]), MB)


def test_file_over_the_limit_is_refused_before_reading(tmp_path):
    path = tmp_path / "big.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"\0" * (20 * MB))
    with pytest.raises(WorkbookError) as caught:
        read_workbook(path, 10 * MB)
    assert "20.0 MB" in str(caught.value) and "10 MB" in str(caught.value)


def test_file_object_without_size_is_read_only_up_to_the_limit():
    stream = io.BytesIO(b"PK\x03\x04" + b"\0" * (3 * MB))
    with pytest.raises(WorkbookError, match="超过上限"):
        read_workbook(stream, 2 * MB)


def test_empty_file_is_refused():
    with pytest.raises(WorkbookError, match="空的"):
        read_workbook(b"", MB)


def test_formula_cells_are_read_as_their_cached_value_never_run():
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer)
    sheet = workbook.add_worksheet("表")
    sheet.write_formula(0, 0, "=cmd|' /C calc'!A0")
    workbook.close()
    assert read_workbook(buffer.getvalue(), MB)["表"] == [[0]]


def test_trailing_empty_rows_are_dropped_and_text_is_stripped():
    sheets = read_workbook(_book([["  B01 ", "", None], [None, None, None]]), MB)
    assert sheets["表"][1:] == [["B01", None, None]]


def test_cell_error_reads_as_sheet_row_column_problem():
    error = CellError("单位", 3, "B", "单位名称为空", "单位名称")
    assert str(error) == "工作表“单位”, 第3行, B列（单位名称）: 单位名称为空"
    assert str(WorkbookError("文件是空的").errors[0]) == "文件是空的"


@pytest.mark.parametrize("value, expected", [
    ("2024-01-31", datetime.date(2024, 1, 31)),
    ("2024/1/31", datetime.date(2024, 1, 31)),
    ("2024年1月31日", datetime.date(2024, 1, 31)),
    (datetime.datetime(2024, 1, 31, 8, 0), datetime.date(2024, 1, 31)),
    (None, None),
])
def test_cell_date_accepts_common_forms(value, expected):
    assert cell_date(value) == expected


@pytest.mark.parametrize("value", ["2024-13-01", "明年", 45000])
def test_cell_date_refuses_other_values(value):
    with pytest.raises(ValueError):
        cell_date(value)


def test_column_letters():
    assert [column_letter(i) for i in (0, 25, 26, 27)] == ["A", "Z", "AA", "AB"]
