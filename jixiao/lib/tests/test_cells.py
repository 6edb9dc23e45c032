"""The shared cell parser (numbers, whole numbers, codes, names) and the problem collector of lib.cells."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from jixiao.lib import cells
from jixiao.lib.cells import (
    CellProblem,
    CodeIndex,
    Problems,
    name_problem,
    normalise_code,
    parse_number,
    parse_whole,
)
from jixiao.lib.excel import CellError, WorkbookError
from jixiao.org.unitbook import CODE_RE

# --- numbers ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("raw, expected", [
    ("1,234.5", Decimal("1234.5")), ("1,234,567", Decimal(1234567)), (" 7 ", Decimal(7)), ("-12.25", Decimal("-12.25")),
    ("+3", Decimal(3)), (".5", Decimal("0.5")), ("１２３", Decimal(123)), ("１，２３４", Decimal(1234)),
    ("\u200b42", Decimal(42)), ("\u22125", Decimal(-5)), ("1.5E+3", Decimal(1500)), (3.25, Decimal("3.25")),
    (12, Decimal(12)), (12.0, Decimal(12)), (Decimal("2.5"), Decimal("2.5")), ("", None), ("  ", None), (None, None),
])
def test_numbers_a_clerk_means_are_read(raw, expected):
    assert parse_number(raw) == expected


@pytest.mark.parametrize("raw, reason", [
    ("12,34", "千位分隔符"), ("1,2345", "千位分隔符"), ("1234,567,8", "千位分隔符"), ("1_000", "下划线"),
    ("\u0663", "非阿拉伯数字"), ("\u00b3", "非阿拉伯数字"), ("1 234", "空格"), ("5%", "百分号"), ("abc", "不是数字"),
    ("=A1*2", "公式"), ("NaN", "有效"), ("-Infinity", "有效"), (float("nan"), "有效"), (float("inf"), "有效"),
    (True, "是/否"), ("1e20", "过大"), (1e13, "过大"), ("1.23456", "4 位小数"), (1e-05, "4 位小数"),
    ("9" * 60, "过长"), ("0x10", "不是数字"),
])
def test_numbers_no_clerk_means_are_refused_with_the_reason(raw, reason):
    with pytest.raises(CellProblem, match=reason):
        parse_number(raw)


@pytest.mark.parametrize("raw", ["1e25", "1e28", "1E+400", "-1e30", 1e25, 10 ** 30, Decimal("1e99999"), "1e999"])
def test_huge_numbers_are_refused_without_a_crash(raw):
    """Decimal.quantize beyond the context's precision raised InvalidOperation: the scheme import's HTTP 500."""
    with pytest.raises(CellProblem, match="过大"):
        parse_number(raw, places=2)


def test_binary_noise_of_a_number_cell_is_rounded_away_but_typed_places_are_not():
    assert parse_number(0.1 + 0.2, places=2) == Decimal("0.30")
    with pytest.raises(CellProblem, match="2 位小数"):
        parse_number("0.30000000000000004", places=2)
    with pytest.raises(CellProblem, match="2 位小数"):
        parse_number(0.305, places=2)


def test_tiny_exponents_are_refused_as_too_many_places():
    with pytest.raises(CellProblem, match="2 位小数"):
        parse_number("1e-999", places=2)
    assert parse_number("1.50", places=2) == Decimal("1.50")


@pytest.mark.parametrize("raw", [0.0, 120.0, -3.0, 9_999_999_999_999.0, 1000.25, 0.1, 2.3456, -7.00001, 12345.6789])
def test_number_cells_read_as_their_text(raw):
    try:
        expected = parse_number(repr(raw))
    except CellProblem as problem:
        with pytest.raises(CellProblem, match=str(problem)[:4]):
            parse_number(raw)
    else:
        assert parse_number(raw) == expected


@pytest.mark.parametrize("raw, expected", [(3.0, 3), (7, 7), ("12", 12), ("１２", 12), (" 5 ", 5), (None, None), ("", None)])
def test_whole_numbers(raw, expected):
    assert parse_whole(raw) == expected


@pytest.mark.parametrize("raw", ["\u0663", "\u00b3", "1_000", "3.5", 3.5, -1, "-1", True, "2147483648", "9" * 400])
def test_whole_numbers_refused(raw):
    """"³".isdigit() is True and int("³") raises: the old `text.isdigit()` check crashed on it."""
    with pytest.raises(CellProblem, match="整数"):
        parse_whole(raw)


# --- codes --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("raw, expected", [
    ("Ｓ０１", "S01"), ("\u200bS01", "S01"), ("S01\ufeff", "S01"), ("\u202aS01\u202c", "S01"), (" S01 ", "S01"),
    ("s01", "s01"), (101.0, "101"), (None, ""), ("", ""),
])
def test_codes_are_normalised_where_safe(raw, expected):
    assert normalise_code(raw) == expected


def test_a_control_character_inside_a_code_is_named():
    with pytest.raises(CellProblem, match=r"单位编码含不可见的控制字符 U\+0009"):
        normalise_code("S0\t1", label="单位编码")


@pytest.mark.parametrize("code, reason", [("S 01", "空格"), ("街道01", "中文"), ("A" * 21, "过长"), ("-S01", "格式不正确")])
def test_code_problems_are_named(code, reason):
    assert reason in cells.code_problem(code, CODE_RE, label="单位编码")
    assert cells.code_problem("S01", CODE_RE) is None


def test_a_missing_code_names_the_code_it_differs_from_in_case():
    index = CodeIndex(["S01", "D01"])
    assert index.missing("s01", "单位编码“s01”不存在") == "单位编码“s01”不存在；有“S01”：编码区分大小写，请按“S01”填写"
    assert index.missing("S99", "单位编码“S99”不存在") == "单位编码“S99”不存在"


# --- names --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["示范区\u202e部门", "A\u200bB", "张三\u2066", "办公室\n", "\x00名", "甲\u2028乙"])
def test_names_with_hidden_characters_are_refused(text):
    assert name_problem(text, label="单位名称").startswith("单位名称含")
    with pytest.raises(ValidationError):
        cells.validate_name(text)


def test_a_bidi_override_is_named_as_such():
    assert "文字方向控制字符 U+202E（RIGHT-TO-LEFT OVERRIDE）" in name_problem("x\u202ey")


@pytest.mark.parametrize("text", ["示范区发展和改革局", "Smith & Co.", "（试点）街道·一", "", "\ue000姓"])
def test_ordinary_names_pass(text):
    assert name_problem(text) is None
    cells.validate_name(text)


# --- the problem collector ----------------------------------------------------------------------------


def test_problems_count_everything_and_keep_the_first_in_reading_order():
    problems = Problems(limit=3, sheets=["方案", "目标值"])
    for row in range(100_000, 1, -1):  # added last row first, as a column-by-column pass may
        problems.add(CellError("目标值", row, "C", "x"))
    problems.add(CellError("方案", 9, "B", "y"))
    problems.add(CellError("方案", None, "", "sheet-wide"))
    assert problems.total == len(problems) == 100_001
    assert [(p.sheet, p.row) for p in problems.listed] == [("方案", None), ("方案", 9), ("目标值", 2)]
    error = WorkbookError(problems)
    assert (error.total, len(error.errors), error.unlisted) == (100_001, 3, 99_998)
    assert error.summary() == "共 100001 处问题（列出前 3 处，另有 99998 处未列出）"


def test_columns_sort_by_position_within_a_row():
    problems = Problems()
    for column in ("AA", "C", "B"):
        problems.add(CellError("s", 2, column, "x"))
    assert [p.column for p in problems.listed] == ["B", "C", "AA"]


def test_problems_since_a_mark_can_be_dropped():
    problems = Problems(limit=10)
    problems.add(CellError("s", 2, "A", "kept"))
    mark = problems.mark()
    problems.add(CellError("s", 3, "A", "dropped"))
    problems.drop_since(mark)
    assert (problems.total, [p.message for p in problems.listed]) == (1, ["kept"])


def test_a_plain_list_still_makes_a_workbook_error():
    error = WorkbookError([CellError("s", 2, "A", "x")])
    assert (error.total, error.unlisted, error.summary()) == (1, 0, "共 1 处问题")
