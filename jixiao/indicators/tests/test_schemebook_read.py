"""Reading a workbook file for the import (`schemeplan.read`): the parse runs beside the loading of the stored
rows, and 目标值 rows equal to a stored target's export are taken as stored. Every answer is the plain read's
(`schemebook.read_book` then `schemeplan.plan`): the same counts, the same errors in the same order."""

import io
import zipfile
from decimal import Decimal

import openpyxl
import pytest

from jixiao.audit.models import Event
from jixiao.indicators import schemebook, schemeplan
from jixiao.indicators.models import Direction, Indicator, Target
from jixiao.indicators.tests import bookworld as bw
from jixiao.lib.excel import UNREADABLE, WorkbookError

MB = 10 * 1024 * 1024


@pytest.fixture
def world(cast):
    cycle, scheme = bw.build(cast)
    return cycle, scheme, bw.export(cycle)


def plain(data):
    """The plain read: parse every cell, then plan."""
    book = schemebook.read_book(data, MB)
    return book, schemeplan.plan(book)


def outcome(read, data):
    """The counts of a read, or its error messages."""
    try:
        return read(data)[1].counts
    except WorkbookError as exc:
        return [str(e) for e in exc.errors]


def assert_as_plain(data):
    found = outcome(lambda d: schemeplan.read(d, MB), data)
    assert found == outcome(plain, data)
    return found


def append_row(sheet, cells):
    return lambda workbook: workbook[sheet].append(cells)


def test_an_unchanged_export_is_taken_as_stored_and_travels_as_rows_of_its_values(cast, world):
    cycle, _scheme, data = world
    book, plan = schemeplan.read(data, MB)
    assert book["targets"] == []
    assert len(book[schemebook.AS_STORED]) == Target.objects.filter(cycle=cycle).count() == 5
    assert plan.counts == plain(data)[1].counts
    assert not plan.has_changes
    assert schemebook.book_to_json(book) == schemebook.book_to_json(schemebook.read_book(data, MB))


def test_only_the_rows_that_differ_from_their_stored_target_are_converted(cast, world):
    edited = bw.edit(world[2], bw.set_cell("目标值", "目标值", 1350.5, 单位编码="S01", 指标编码="E202701"))
    book, plan = schemeplan.read(edited, MB)
    assert [(row["unit"], row["indicator"], row["target_value"]) for row in book["targets"]] == [
        ("S01", "E202701", Decimal("1350.5"))]
    assert len(book[schemebook.AS_STORED]) == 4
    assert plan.counts["targets"] == {"new": 0, "changed": 1, "unchanged": 4}
    assert_as_plain(edited)


@pytest.mark.parametrize("change", [
    bw.set_cell("目标值", "目标值", "约1200", 单位编码="S01", 指标编码="E202701"),
    bw.set_cell("目标值", "单位编码", "坏 编码", 单位编码="S02", 指标编码="E202701"),
    bw.set_cell("目标值", "来源", "省下达", 单位编码="S01", 指标编码="E202701"),
    bw.set_cell("目标值", "目标值", 3000, 单位编码="D01"),
    bw.set_cell("方案", "年度", 1999, 方案编码="D01-2027"),
    bw.set_cell("方案", "总分", "一百", 方案编码="D01-2027"),
    bw.set_cell("方案指标", "分值", 30, 指标编码="E202700"),
    append_row("目标值", ["S01", "", "E202701", "", "", 1200, None, None, 1100, None, "区定"]),
    append_row("目标值", ["S01V01", "", "E202701", "", "", 50, None, None, None, None, "区定"]),
    append_row("节点目标", ["S01", "", "NOPE", "", 1]),
])
def test_bad_and_new_rows_get_the_plain_reads_answer(cast, world, change):
    assert_as_plain(bw.edit(world[2], change))


def test_problems_of_several_sheets_come_in_sheet_order(cast, world):
    """The small sheets are parsed while the 目标值 sheet is still being read; their problems still come before and
    after the 目标值 sheet's as a sheet-by-sheet parse lists them."""
    def changes(workbook):
        for change in (bw.set_cell("节点目标", "Q1", "一季度", 单位编码="S01"),
                       bw.set_cell("目标值", "目标值", "约1200", 单位编码="S01", 指标编码="E202701"),
                       bw.set_cell("方案指标", "分值", "三十", 指标编码="E202700")):
            change(workbook)

    found = assert_as_plain(bw.edit(world[2], changes))
    assert [message.split(",")[0] for message in found] == ["工作表“方案指标”", "工作表“目标值”", "工作表“节点目标”"]


def test_the_plan_checks_the_schemes_first_and_the_targets_after_as_the_plain_read(cast, world):
    """`read` checks the schemes and their parts while the 目标值 sheet is still being parsed."""
    def changes(workbook):
        bw.set_cell("目标值", "单位编码", "NOPE", 单位编码="S02", 指标编码="E202700")(workbook)
        bw.set_cell("方案指标", "板块编码", "ZZ", 指标编码="E202700")(workbook)

    found = assert_as_plain(bw.edit(world[2], changes))
    assert [message.split(",")[0] for message in found][:2] == ["工作表“方案指标”", "工作表“目标值”"], found


def target_rows(data) -> list[list]:
    """The 目标值 sheet's data rows as openpyxl reads them (row 2 first)."""
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    return [[c.value for c in row] for row in workbook["目标值"].iter_rows(min_row=2)]


def test_duplicates_are_named_in_row_order_whichever_row_is_taken_as_stored(cast, world):
    data = world[2]
    exported = target_rows(data)

    def duplicates(workbook):
        sheet = workbook["目标值"]
        sheet.append(exported[0])  # row 7: as exported, like row 2
        sheet.append([*exported[1][:5], 999, *exported[1][6:]])  # row 8: row 3's key, another value
        sheet.cell(4, 6).value = 777  # row 4 edited, then appended as exported (row 9)
        sheet.append(exported[2])

    found = assert_as_plain(bw.edit(data, duplicates))
    keys = [f"{row[0]} / {row[2]}" for row in exported]
    assert found == [f"工作表“目标值”, 第{7 + i}行, C列（指标编码）: 与第 {2 + i} 行重复（{keys[i]}）" for i in range(3)]


def test_a_stored_target_its_indicator_no_longer_allows_is_refused_as_before(cast, world):
    """A row taken as stored is still checked against its indicator's direction, which may have changed since."""
    _cycle, _scheme, data = world
    Indicator.objects.filter(code="E202701").update(direction=Direction.INTERVAL)
    edited = bw.edit(data, bw.set_cell("目标值", "单位编码", "NOPE", 单位编码="S02", 指标编码="E202700"))
    found = assert_as_plain(edited)
    assert sum("区间型指标须同时填写下限（目标值）和上限" in m for m in found) == 2
    assert any("单位编码“NOPE”不存在" in m for m in found)


@pytest.mark.parametrize(("field", "value"), [
    ("target_value", Decimal("123456789012.5")),  # more digits than a float holds exactly
    ("target_text", "  有空格的描述 "),  # read back stripped: a change
    ("source", ""),  # read back as 区定: a change
])
def test_stored_values_that_may_not_read_back_the_same_are_converted_and_compared(cast, world, field, value):
    cycle = world[0]
    Target.objects.filter(cycle=cycle, unit=cast.street, indicator__code="E202701").update(**{field: value})
    data = bw.export(cycle)
    book, _plan = schemeplan.read(data, MB)
    assert [(row["unit"], row["indicator"]) for row in book["targets"]] == [("S01", "E202701")]
    assert_as_plain(data)


def test_a_true_cell_is_not_taken_for_a_stored_one(cast, world):
    """TRUE equals 1 in Python: the parse refuses it where a stored target of 1 would read back as 1."""
    cycle = world[0]
    Target.objects.filter(cycle=cycle, unit=cast.street, indicator__code="E202701").update(baseline=1)
    data = bw.edit(bw.export(cycle), bw.set_cell("目标值", "基数（上年实际）", True, 单位编码="S01", 指标编码="E202701"))
    found = assert_as_plain(data)
    assert any("基数（上年实际）：应填写数字，不能是“是/否”" in m for m in found), found


def test_a_stored_text_the_parse_refuses_is_refused_as_before(cast, world):
    cycle = world[0]
    Target.objects.filter(cycle=cycle, unit=cast.street, indicator__code="E202701").update(target_text="=SUM(A1)")
    found = assert_as_plain(bw.export(cycle))
    assert any("不能以 = + - @ 开头" in m for m in found)


def test_a_book_planned_against_stored_rows_that_changed_since_compares_its_rows_again(cast, world):
    """As on the page: the preview reads the file, the confirmation plans the same rows against the database."""
    cycle, _scheme, data = world
    book, preview = schemeplan.read(data, MB)
    assert not preview.has_changes
    Target.objects.filter(cycle=cycle, unit=cast.street, indicator__code="E202701").update(target_value=999)
    again = schemeplan.plan(book)
    assert again.counts["targets"] == {"new": 0, "changed": 1, "unchanged": 4}
    assert again.ops["targets"][0].diffs == [("目标值", "999", "1200")]
    confirmed = schemeplan.plan(schemebook.book_from_json(schemebook.book_to_json(book)))
    assert confirmed.counts == again.counts


def test_an_import_from_the_file_writes_and_audits_as_the_book_import(cast, world):
    cycle, _scheme, data = world
    edited = bw.edit(data, bw.set_cell("目标值", "目标值", 1350.5, 单位编码="S01", 指标编码="E202701"))
    edited = bw.edit(edited, append_row("目标值", ["S01V01", "", "E202701", "", "", 50, None, None, None, None,
                                                 "区定"]))
    expected = plain(edited)[1].counts
    plan = bw.import_bytes(edited, cast.office)
    assert plan.counts == expected
    assert (plan.totals["new"], plan.totals["changed"]) == (1, 1)
    summary = Event.objects.get(code="scheme.imported")
    assert summary.after["created"] == {"targets": ["S01V01 / E202701"]}
    assert summary.after["counts"]["targets"] == {"new": 1, "changed": 1, "unchanged": 4}
    assert Event.objects.filter(code="target.imported").count() == 1


def damaged(data: bytes, sheet_part: str) -> bytes:
    """The package with one worksheet's XML cut short: the package checks pass, calamine cannot parse it."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == sheet_part:
                content = content[: len(content) // 2]
            target.writestr(info, content)
    return out.getvalue()


@pytest.mark.parametrize("sheet_part", ["xl/worksheets/sheet2.xml", "xl/worksheets/sheet9.xml"])
def test_a_damaged_sheet_is_refused_by_the_background_parse(cast, world, sheet_part):
    """sheet2 is 方案 (read first, to know the cycle), sheet9 the 目标值 sheet (parsed in the worker thread)."""
    cycle, _scheme, data = world
    bad = damaged(data, sheet_part)
    for read in (lambda d: schemeplan.read(d, MB), plain):
        with pytest.raises(WorkbookError) as caught:
            read(bad)
        assert [str(e) for e in caught.value.errors] == [UNREADABLE]
    with pytest.raises(WorkbookError):
        bw.import_bytes(bad, cast.office)
    assert not Event.objects.filter(code="scheme.imported").exists()
