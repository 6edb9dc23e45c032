"""The scheme workbook writes rule parameters by their Chinese names and still reads the English ones of
older exports."""

import pytest

from jixiao.indicators.models import SchemeItem
from jixiao.indicators.tests import bookworld as bw
from jixiao.lib.excel import WorkbookError


@pytest.fixture
def world(cast):
    cycle, scheme = bw.build(cast)
    return cycle, scheme, bw.export(cycle)


def _params_cells(data) -> set:
    sheet = bw.contents(data)["方案指标"]
    column = sheet[0].index("计分参数")
    return {row[column] for row in sheet[1:]}


def _item(cycle):
    return SchemeItem.objects.get(scheme__cycle=cycle, indicator__code=f"E{cycle.year}00")


def test_the_export_names_parameters_in_chinese_and_imports_unchanged(cast, world):
    cycle, _scheme, data = world
    assert _params_cells(data) == {"封顶系数=1.2"}
    assert not bw.import_bytes(data, cast.office).has_changes


@pytest.mark.parametrize("text", ["封顶系数=1.1；负增长得零分=否", "cap=1.1; negative_growth_zero=否",
                                  "封顶系数（倍）=1.1;negative_growth_zero=否"],
                         ids=["chinese", "english-old-export", "mixed"])
def test_chinese_and_old_english_names_both_import(cast, world, text):
    cycle, _scheme, data = world
    bw.import_bytes(bw.edit(data, bw.set_cell("方案指标", "计分参数", text, 指标编码=f"E{cycle.year}00")), cast.office)
    assert _item(cycle).params == {"cap": "1.1", "negative_growth_zero": False}


@pytest.mark.parametrize("text, expected", [
    ("封顶倍数=1.1", "未知参数「封顶倍数」（完成率计分可用参数：封顶系数、负增长得零分）"),
    ("封顶系数=高", "参数「封顶系数」(cap)须为数字"),
    ("封顶系数=-1", "参数「封顶系数」(cap)不能小于 1"),
    ("封顶系数=1.1；cap=1.2", "参数「封顶系数」写了两次"),
])
def test_bad_parameters_are_refused_in_chinese_with_their_place(cast, world, text, expected):
    cycle, _scheme, data = world
    before = _item(cycle).params
    edited = bw.edit(data, bw.set_cell("方案指标", "计分参数", text, 指标编码=f"E{cycle.year}00"))
    with pytest.raises(WorkbookError) as caught:
        bw.import_bytes(edited, cast.office)
    found = [str(e) for e in caught.value.errors]
    assert any("方案指标" in m and "计分参数" in m and expected in m for m in found), found
    assert _item(cycle).params == before
