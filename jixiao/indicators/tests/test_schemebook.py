"""The scheme workbook: round trip, exact edits with audit, and every kind of bad input writes nothing."""

import io
import zipfile
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from jixiao.audit.models import Event
from jixiao.indicators import schemebook
from jixiao.indicators.models import SchemeItem, Target, TargetMilestone
from jixiao.indicators.tests import bookworld as bw
from jixiao.lib.excel import WorkbookError

MB = 10 * 1024 * 1024
D = Decimal


@pytest.fixture
def world(cast):
    cycle, scheme = bw.build(cast)
    return cycle, scheme, bw.export(cycle)


def messages_of(data, cast, reason=""):
    with pytest.raises(WorkbookError) as caught:
        bw.import_bytes(data, cast.office, reason)
    return [str(e) for e in caught.value.errors]


def assert_refused(data, cast, world, *expected):
    """The import fails with messages containing each `expected` text, and the cycle is unchanged."""
    cycle, _scheme, original = world
    events = Event.objects.count()
    found = messages_of(data, cast)
    for text in expected:
        assert any(text in m for m in found), (text, found)
    assert bw.contents(bw.export(cycle)) == bw.contents(original)
    assert Event.objects.count() == events
    return found


def test_unchanged_export_imports_as_no_change_and_exports_the_same(cast, world):
    cycle, _scheme, data = world
    events = Event.objects.count()
    plan = bw.import_bytes(data, cast.office)
    assert not plan.has_changes
    assert plan.totals["unchanged"] == 20
    assert Event.objects.count() == events
    assert bw.contents(bw.export(cycle)) == bw.contents(data)


def test_a_target_edited_in_excel_changes_exactly_that_target(cast, world):
    cycle, _scheme, data = world
    edited = bw.edit(data, bw.set_cell("目标值", "目标值", 1350.5, 单位编码="S01", 指标编码="E202701"))
    plan = bw.import_bytes(edited, cast.office)
    assert plan.totals["changed"] == 1 and plan.totals["new"] == 0
    target = Target.objects.get(cycle=cycle, unit=cast.street, indicator__code="E202701")
    assert target.target_value == Decimal("1350.5")
    event = Event.objects.get(code="target.imported")
    assert event.before == {"目标值": "1200"} and event.after == {"目标值": "1350.5"}
    assert Event.objects.filter(code="scheme.imported").count() == 1
    before, after = bw.contents(data), bw.contents(bw.export(cycle))
    assert before["方案"] == after["方案"] and before["节点目标"] == after["节点目标"]
    changed = [(i, a, b) for i, (a, b) in enumerate(zip(before["目标值"], after["目标值"], strict=True)) if a != b]
    assert len(changed) == 1
    _i, old_row, new_row = changed[0]
    assert [x for x, y in zip(old_row, new_row, strict=True) if x != y] == [1200]
    assert new_row[5] == 1350.5


def test_new_rows_and_milestones_are_written(cast, world):
    cycle, _scheme, data = world

    def change(workbook):
        targets = workbook["目标值"]
        targets.append(["S01V01", "", "E202701", "", "", 50, None, None, None, None, "区定"])
        milestones = workbook["节点目标"]
        milestones.cell(bw.find_row(milestones, 单位编码="S01"), 5).value = 333
        milestones.append(["S01V01", "", "E202701", "", None, 25])

    plan = bw.import_bytes(bw.edit(data, change), cast.office)
    assert plan.totals == {"new": 2, "changed": 1, "unchanged": 19}
    village = Target.objects.get(cycle=cycle, unit=cast.village)
    assert village.target_value == 50
    assert {m.period: m.value for m in village.milestones.all()} == {"Q2": 25}
    s01 = Target.objects.get(cycle=cycle, unit=cast.street, indicator__code="E202700")
    assert TargetMilestone.objects.get(target=s01, period="Q1").value == 333


@pytest.mark.parametrize("sheet, title, value, match, expected", [
    ("目标值", "指标编码", "X999", {"单位编码": "S01", "指标编码": "E202701"}, "指标编码“X999”不在指标库中"),
    ("目标值", "单位编码", "Q77", {"单位编码": "S01", "指标编码": "E202701"}, "单位编码“Q77”不存在"),
    ("目标值", "目标值", "约1200", {"单位编码": "S01", "指标编码": "E202701"}, "目标值：“约1200”不是数字"),
    ("目标值", "目标值", 0, {"单位编码": "S01", "指标编码": "E202701"}, "越大越好的指标，目标值须大于 0"),
    ("目标值", "目标值", -5, {"单位编码": "S01", "指标编码": "E202701"}, "越大越好的指标，目标值须大于 0"),
    ("方案指标", "计分参数", "", {"指标编码": "E202700"}, None),
    ("方案指标", "计分规则", "功效系数法", {"指标编码": "E202700"}, "缺少参数「满意值」(x_good)"),
    ("方案指标", "分值", 30, {"指标编码": "E202700"}, "指标分值合计 70，应为 80"),
    ("方案指标", "组别编码", "G9", {"指标编码": "E202700"}, "组别“G9”未列入方案"),
    ("等次", "最低分", 50, {"等次": "良好"}, "等次最低分须逐级递减"),
    ("目标值", "目标值", 3000, {"单位编码": "D01"}, "分解未覆盖上级目标"),
])
def test_bad_cells_are_refused_with_their_place(cast, world, sheet, title, value, match, expected):
    data = bw.edit(world[2], bw.set_cell(sheet, title, value, **match))
    if expected is None:  # an empty parameter cell is fine for a rule whose parameters all have defaults
        bw.import_bytes(data, cast.office)
        return
    found = assert_refused(bw.edit(data, bw.set_cell("目标值", "目标值", 999, 单位编码="S02",
                                                     指标编码="E202701")), cast, world, expected)
    assert all(m.startswith("工作表“") for m in found), found


def test_a_lower_is_better_target_may_be_zero_but_not_negative(cast, world):
    cycle = world[0]
    bw.lower_better_indicator("C01", assessor=cast.tjj)

    def add(value):
        return lambda workbook: workbook["目标值"].append(["S01", "", "C01", "", "", value])

    assert_refused(bw.edit(world[2], add(-1)), cast, world, "越小越好的指标，目标值不能为负数")
    bw.import_bytes(bw.edit(world[2], add(0)), cast.office)
    assert Target.objects.get(cycle=cycle, indicator__code="C01").target_value == 0


def test_duplicate_rows_are_named(cast, world):
    def dup(workbook):
        workbook["目标值"].append(["S01", "", "E202701", "", "", 1300])

    found = assert_refused(bw.edit(world[2], dup), cast, world, "与第 5 行重复")
    assert any("第7行" in m for m in found), found


def test_unknown_scheme_and_block_are_refused(cast, world):
    def change(workbook):
        workbook["板块"].append(["NOPE", "Z", "其他", 10, "按指标计分"])
        workbook["方案指标"].cell(2, 2).value = "Q"

    assert_refused(bw.edit(world[2], change), cast, world, "方案编码“NOPE”在“方案”工作表和系统中都不存在",
                   "没有编码为“Q”的板块")


def test_formulas_are_refused_cell_by_cell(cast, world):
    data = bw.edit(world[2], bw.set_cell("目标值", "目标值", "=1000+200", 单位编码="S01", 指标编码="E202701"))
    assert_refused(data, cast, world, "工作表“目标值”, 第5行, F列: 单元格含公式")


def test_merged_cells_are_refused(cast, world):
    data = bw.edit(world[2], lambda wb: wb["方案指标"].merge_cells("A2:A3"))
    assert_refused(data, cast, world, "工作表“方案指标”, 第2行, A列: 合并单元格 A2:A3")


def test_hidden_sheets_are_refused(cast, world):
    def hide(workbook):
        workbook["目标值"].sheet_state = "hidden"

    assert_refused(bw.edit(world[2], hide), cast, world, "工作表“目标值”: 工作表被隐藏")


def test_macro_enabled_and_renamed_files_are_refused(cast, world):
    package = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(world[2])) as source, zipfile.ZipFile(package, "w") as target:
        for item in source.infolist():
            target.writestr(item, source.read(item))
        target.writestr("xl/vbaProject.bin", b"\x00" * 64)
    assert_refused(package.getvalue(), cast, world, "文件包含宏")
    assert_refused("单位编码,目标值\nS01,1\n".encode(), cast, world, "文件不是 Excel 工作簿")
    assert_refused(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, cast, world, "旧版 Excel")


def million_rows(data: bytes, *, dimension: bool) -> bytes:
    """The exported workbook with a 目标值 sheet of 1,000,000 rows, built straight as XML (small zipped)."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        parts = schemebook_parts(source)
        path = parts["目标值"]
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for item in source.infolist():
                if item.filename != path:
                    target.writestr(item, source.read(item))
            with target.open(path, "w") as sheet:
                sheet.write(b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
                            b'spreadsheetml/2006/main">')
                if dimension:
                    sheet.write(b'<dimension ref="A1:F1000001"/>')
                sheet.write(b"<sheetData>")
                chunk = b"".join(b'<row r="%d"><c r="F%d"><v>1</v></c></row>' % (n, n) for n in range(1, 10_001))
                for _ in range(100):
                    sheet.write(chunk)
                sheet.write(b"</sheetData></worksheet>")
    return out.getvalue()


def schemebook_parts(package):
    from jixiao.lib.excel import sheet_parts

    return {p.name: p.path for p in sheet_parts(package)}


@pytest.mark.parametrize("dimension", [True, False], ids=["dimension", "no-dimension"])
def test_a_million_rows_are_refused_by_the_row_cap(cast, world, dimension):
    data = million_rows(world[2], dimension=dimension)
    found = assert_refused(data, cast, world, f"工作表超过 {schemebook.MAX_ROWS} 行数据的上限")
    assert len(found) == 1


def test_locked_scheme_changes_need_a_reason_and_are_audited(cast):
    cycle, scheme = bw.build(cast, year=2026 - 1, status="running")
    data = bw.edit(bw.export(cycle), bw.set_cell("方案指标", "计分参数", "cap=1.1", 指标编码=f"E{cycle.year}00"))
    with pytest.raises(Exception, match="须填写修改理由"):
        bw.import_bytes(data, cast.office)
    assert SchemeItem.objects.get(scheme=scheme, indicator__code=f"E{cycle.year}00").params == {"cap": "1.2"}
    bw.import_bytes(data, cast.office, reason="市里调整封顶系数")
    assert SchemeItem.objects.get(scheme=scheme, indicator__code=f"E{cycle.year}00").params["cap"] == "1.1"
    event = Event.objects.get(code="scheme.changed_after_lock")
    assert event.after["reason"] == "市里调整封顶系数"
    assert event.before["values"] == {"计分参数": "封顶系数=1.2；负增长得零分=是"}
    assert event.after["values"] == {"计分参数": "封顶系数=1.1；负增长得零分=是"}


def test_targets_of_a_published_cycle_cannot_change(cast):
    cycle, _scheme = bw.build(cast, year=2024, status="published")
    data = bw.edit(bw.export(cycle), bw.set_cell("目标值", "目标值", 1, 单位编码="S01", 指标编码="E202401"))
    with pytest.raises(WorkbookError, match="2024年度已已发布|目标值不能再修改"):
        bw.import_bytes(data, cast.office)


def test_exports_neutralise_formula_injection(cast, world):
    cycle, scheme, _data = world
    scheme.name = "=HYPERLINK(\"http://x\")"
    scheme.save()
    data = bw.export(cycle)
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        sheets = b"".join(package.read(n) for n in package.namelist() if n.startswith("xl/worksheets/"))
    assert b"<f>" not in sheets
    assert bw.contents(data)["方案"][1][1] == "=HYPERLINK(\"http://x\")"


def test_commands_round_trip_and_fail_in_chinese(cast, world, tmp_path):
    cycle = world[0]
    path = tmp_path / "scheme.xlsx"
    call_command("export_scheme", "--cycle", str(cycle.year), str(path))
    out = io.StringIO()
    call_command("import_scheme", str(path), stdout=out)
    assert "新增 0 行，修改 0 行" in out.getvalue()
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(bw.edit(path.read_bytes(), bw.set_cell("目标值", "目标值", "很多", 单位编码="S01",
                                                          指标编码="E202701")))
    err = io.StringIO()
    with pytest.raises(CommandError, match="共 1 处问题，未写入任何数据"):
        call_command("import_scheme", str(bad), stderr=err)
    assert "第5行" in err.getvalue()
    with pytest.raises(CommandError, match="没有1999年度"):
        call_command("export_scheme", "--cycle", "1999", str(path))


def _raise_s01_first_target(value, parent):
    """S01's first indicator (decomposed from D01, with Q1–Q4 milestones 300/600/900/1200) and D01's parent."""
    def change(workbook):
        bw.set_cell("目标值", "目标值", value, 单位编码="S01", 指标编码="E202700")(workbook)
        bw.set_cell("目标值", "目标值", parent, 单位编码="D01", 指标编码="E202700")(workbook)
    return change


def test_a_decomposed_target_changed_in_excel_must_still_cover_its_parent(cast, world):
    """S01 and S02 share D01's 2000: lowering S01's part alone leaves the parent uncovered; raising it is fine."""
    lowered = bw.edit(world[2], bw.set_cell("目标值", "目标值", 1000, 单位编码="S01", 指标编码="E202700"))
    found = assert_refused(lowered, cast, world, "D01的目标分解")
    assert len(found) == 1
    raised = bw.edit(world[2], bw.set_cell("目标值", "目标值", 1300, 单位编码="S01", 指标编码="E202700"))
    assert bw.import_bytes(raised, cast.office).counts["targets"]["changed"] == 1


def _milestones(cycle, unit):
    target = Target.objects.get(cycle=cycle, unit=unit, indicator__code="E202700")
    return dict(target.milestones.values_list("period", "value"))


def test_a_target_changed_in_excel_carries_its_milestones_as_on_the_page(cast, world):
    """The file still holds S01's milestone row as exported: that is no decision about them."""
    cycle, _scheme, data = world
    edited = bw.edit(data, _raise_s01_first_target(1350.5, 2150.5))
    preview = schemebook_plan(edited)
    s01 = next(op for op in preview.ops["targets"] if op.row["unit"] == "S01")
    assert ("节点目标", "Q1=300；Q2=600；Q3=900；Q4=1200", "Q1=337.63；Q2=675.25；Q3=1012.88；Q4=1350.5") in s01.diffs
    bw.import_bytes(edited, cast.office)
    assert _milestones(cycle, cast.street) == {"Q1": D("337.63"), "Q2": D("675.25"), "Q3": D("1012.88"),
                                               "Q4": D("1350.5")}
    assert _milestones(cycle, cast.other_street) == {"Q1": 200, "Q2": 400, "Q3": 600, "Q4": 800}
    event = Event.objects.get(code="target.imported", after__has_key="节点目标")
    assert event.before == {"目标值": "1200", "节点目标": "Q1=300；Q2=600；Q3=900；Q4=1200"}
    # The re-exported workbook imports as no change: the carried milestones are what it now holds.
    assert not bw.import_bytes(bw.export(cycle), cast.office).has_changes


def test_milestones_changed_in_the_same_file_win_over_the_carried_ones(cast, world):
    cycle, _scheme, data = world

    def change(workbook):
        _raise_s01_first_target(1500, 2300)(workbook)
        milestones = workbook["节点目标"]
        milestones.cell(bw.find_row(milestones, 单位编码="S01"), 5).value = 310  # Q1; Q2–Q4 stay 600/900/1200

    bw.import_bytes(bw.edit(data, change), cast.office)
    assert _milestones(cycle, cast.street) == {"Q1": 310, "Q2": 600, "Q3": 900, "Q4": 1200}
    assert not Event.objects.filter(after__has_key="节点目标").exists()


def schemebook_plan(data):
    from jixiao.indicators import schemeplan

    return schemeplan.plan(schemebook.read_book(data, MB))


def test_the_scoring_options_round_trip_and_an_empty_cell_keeps_them(cast, world):
    cycle, scheme, data = world
    assert bw.contents(data)["方案"][1][5:7] == ["按缺报计 0 分", "同分同名次"]
    edited = bw.edit(data, bw.set_cell("方案", "缺报数据处理", "按不适用处理", 方案编码=scheme.code))
    bw.import_bytes(edited, cast.office)
    scheme.refresh_from_db()
    assert scheme.missing_data == "not_applicable" and scheme.tie_rule == "shared"
    changes = [(e.before, e.after) for e in Event.objects.filter(code="scheme.imported")]
    assert ({"缺报数据处理": "按缺报计 0 分"}, {"缺报数据处理": "按不适用处理"}) in changes
    blank = bw.edit(bw.export(cycle), bw.set_cell("方案", "缺报数据处理", None, 方案编码=scheme.code))
    assert not bw.import_bytes(blank, cast.office).has_changes
    scheme.refresh_from_db()
    assert scheme.missing_data == "not_applicable"


def test_an_unknown_scoring_option_is_refused(cast, world):
    _cycle, scheme, data = world
    edited = bw.edit(data, bw.set_cell("方案", "同分排名规则", "抽签", 方案编码=scheme.code))
    assert_refused(edited, cast, world, "同分排名规则")


def test_scoring_options_of_published_results_cannot_change(cast, world):
    from django.utils import timezone

    from jixiao.scoring.models import ScoreRun

    cycle, scheme, data = world
    ScoreRun.objects.create(scheme=scheme, cycle=cycle, stage="final", digest="0" * 64, engine_version="1",
                            created_at=timezone.now(), published=True, published_at=timezone.now())
    edited = bw.edit(data, bw.set_cell("方案", "同分排名规则", "同分依次比较各板块得分", 方案编码=scheme.code))
    assert_refused(edited, cast, world, "考核结果已发布，不能再修改计分选项")
    assert not bw.import_bytes(data, cast.office).has_changes  # the unchanged file is still accepted
