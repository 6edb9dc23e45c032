"""Hostile and careless cells in the scheme workbook: refused with their place and reason (never an HTTP 500),
codes read as the clerk meant them, names without hidden characters, refusals audited, every problem counted."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from jixiao.audit.models import Event
from jixiao.indicators.models import Target
from jixiao.indicators.tests import bookworld as bw
from jixiao.lib.excel import WorkbookError

IMPORT = reverse("indicators:book_import")
S01_E01 = {"单位编码": "S01", "指标编码": "E202701"}


@pytest.fixture
def world(cast):
    cycle, scheme = bw.build(cast)
    return cycle, scheme, bw.export(cycle)


def refused(data, cast) -> WorkbookError:
    with pytest.raises(WorkbookError) as caught:
        bw.import_bytes(data, cast.office)
    return caught.value


@pytest.mark.parametrize("sheet, title, match", [
    ("目标值", "目标值", S01_E01), ("目标值", "基数（上年实际）", S01_E01), ("目标值", "区间上限", S01_E01),
    ("目标值", "年度实际值", S01_E01), ("节点目标", "Q1", {"单位编码": "S01"}), ("方案指标", "分值", {"指标编码": "E202700"}),
])
@pytest.mark.parametrize("value", [1e25, 1e300, "1e25", "-1E+400"])
def test_a_huge_number_is_a_cell_message_not_a_crash(cast, world, sheet, title, match, value):
    """Decimal.quantize of 1e25 to four places exceeds the context's 28 digits: it raised InvalidOperation."""
    error = refused(bw.edit(world[2], bw.set_cell(sheet, title, value, **match)), cast)
    found = [e for e in error.errors if e.column_title == title]
    assert found and found[0].sheet == sheet and found[0].row, [str(e) for e in error.errors]
    assert f"{title}：数值过大" in found[0].message


def test_the_upload_page_answers_a_huge_number_with_its_cell(cast, login, world):
    data = bw.edit(world[2], bw.set_cell("目标值", "目标值", 1e25, **S01_E01))
    response = login(cast.office).post(IMPORT, {"file": SimpleUploadedFile("s.xlsx", data)})
    assert response.status_code == 422
    assert "目标值：数值过大" in response.content.decode()


@pytest.mark.parametrize("value, reason", [("12,34", "千位分隔符"), ("1_000", "下划线"), ("\u0663", "非阿拉伯数字"),
                                           ("1 234", "空格")])
def test_numbers_no_clerk_means_are_refused(cast, world, value, reason):
    error = refused(bw.edit(world[2], bw.set_cell("目标值", "目标值", value, **S01_E01)), cast)
    assert reason in error.errors[0].message and error.errors[0].column_title == "目标值"


def test_grouped_and_full_width_numbers_are_read(cast, world):
    data = bw.edit(world[2], bw.set_cell("目标值", "目标值", "１,３５０.５", **S01_E01))
    bw.import_bytes(data, cast.office)
    target = Target.objects.get(cycle=world[0], unit=cast.street, indicator__code="E202701")
    assert target.target_value == Decimal("1350.5")


@pytest.mark.parametrize("code", ["Ｓ０１", "\u200bS01", "S01\ufeff"])
def test_full_width_and_invisible_characters_around_a_code_are_undone(cast, world, code):
    data = bw.edit(world[2], bw.set_cell("目标值", "单位编码", code, **S01_E01))
    plan = bw.import_bytes(data, cast.office)
    assert plan.totals["new"] == 0  # the row is S01's target again, not a new unit's


def test_a_code_in_the_wrong_case_names_the_code_it_differs_from(cast, world):
    error = refused(bw.edit(world[2], bw.set_cell("目标值", "单位编码", "s01", **S01_E01)), cast)
    assert "单位编码“s01”不存在；有“S01”：编码区分大小写" in error.errors[0].message


def test_a_control_character_in_a_code_is_named(cast, world):
    error = refused(bw.edit(world[2], bw.set_cell("目标值", "单位编码", "S0\t1", **S01_E01)), cast)
    assert "单位编码含不可见的控制字符 U+0009" in error.errors[0].message


@pytest.mark.parametrize("sheet, title, match", [("方案", "方案名称", {}), ("板块", "板块名称", {})])
def test_a_name_with_a_bidi_override_is_refused(cast, world, sheet, title, match):
    def change(workbook):
        workbook[sheet].cell(2, [c.value for c in workbook[sheet][1]].index(title) + 1).value = "考核\u202e案方"

    error = refused(bw.edit(world[2], change), cast)
    assert f"{title}含文字方向控制字符 U+202E" in error.errors[0].message


def test_whole_number_columns_take_no_other_digits(cast, world):
    error = refused(bw.edit(world[2], bw.set_cell("方案", "年度", "２０２\u0667", 方案编码=world[1].code)), cast)
    assert "年度应为不小于 0" in error.errors[0].message


def test_every_problem_is_counted_and_the_first_listed(cast, world):
    def flood(workbook):
        sheet = workbook["目标值"]
        for _ in range(1200):
            sheet.append(["S01", "", "E202701", "", "", "约1200"])

    error = refused(bw.edit(world[2], flood), cast)
    assert error.total > 1200 and len(error.errors) == 500
    assert [e.row for e in error.errors[:3]] == sorted(e.row for e in error.errors[:3])
    assert error.summary().startswith(f"共 {error.total} 处问题（列出前 500 处")


def test_a_refused_upload_is_audited_and_the_page_says_the_true_count(cast, login, world):
    def flood(workbook):
        for _ in range(700):
            workbook["目标值"].append(["S01", "", "E202701", "", "", "abc"])

    response = login(cast.office).post(IMPORT, {"file": SimpleUploadedFile("flood.xlsx", bw.edit(world[2], flood))})
    assert response.status_code == 422
    total = response.context["error"].total
    assert total >= 700
    page = response.content.decode()
    assert f"文件有 {total} 处问题" in page and f"另有 {total - 500} 处未列出" in page
    event = Event.objects.get(code="scheme.import_refused")
    assert event.outcome == "failure" and event.after["problems"] == total and event.after["file"] == "flood.xlsx"
