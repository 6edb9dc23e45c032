"""The office keeps the statistics mapping table as a workbook, per indicator: export, edit, import — checked
whole (a factor of zero or below, an unknown indicator, a repeated code refused in Chinese, nothing written)."""

import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from jixiao.api.connectors import mapping
from jixiao.api.models import StatsMapping
from jixiao.api.tests import connector_world as world
from jixiao.audit.models import Event
from jixiao.lib import excel
from jixiao.lib.excel import WorkbookError

pytestmark = pytest.mark.django_db


@pytest.fixture
def table(db):
    gdp, retail, cpi = world.indicators()
    world.mappings(gdp, retail, cpi)
    return gdp, retail, cpi


def _sheet(rows) -> bytes:
    buffer = io.BytesIO()
    excel.write_workbook(buffer, [excel.Sheet(mapping.SHEET, mapping.HEADER, rows)])
    return buffer.getvalue()


def test_the_export_lists_each_mapping_and_each_indicator_still_without_one(table, tmp_path, capsys):
    StatsMapping.objects.filter(source_code="A01030101").delete()
    path = tmp_path / "对照表.xlsx"
    call_command("stats_mapping", "--export", str(path))
    assert "（3 行）" in capsys.readouterr().out
    rows = excel.read_workbook(path.read_bytes(), 10**7)[mapping.SHEET]
    assert rows[0] == mapping.HEADER
    assert rows[1:] == [["nbs", "A010102", "K01", "地区生产总值", 1, "地区生产总值_累计值"],
                        ["nbs", "A070102", "K02", "社会消费品零售总额", 0.0001, "万元 → 亿元"],
                        [None, None, "K03", "居民消费价格涨幅", None, None]]


def test_an_edited_export_imports_back_and_is_audited(table, cast, tmp_path, capsys):
    path = tmp_path / "对照表.xlsx"
    mapping.export_workbook(path)
    rows = excel.read_workbook(path.read_bytes(), 10**7)[mapping.SHEET]
    rows[2][4] = "0.00001"  # the bureau now gives 千元
    rows.append(["QuTJ", "QT-07", "K03", "", None, "区统计局自有编码"])
    path.write_bytes(_sheet(rows[1:]))
    call_command("stats_mapping", "--import", str(path), "--user", "office")
    assert "导入完成：新增 1 条，修改 1 条，未变 2 条，删除 0 条" in capsys.readouterr().out
    assert StatsMapping.objects.get(source_code="A070102").factor == Decimal("0.00001")
    added = StatsMapping.objects.get(source="qutj", source_code="QT-07")
    assert (added.indicator.code, added.factor, added.note) == ("K03", Decimal(1), "区统计局自有编码")
    event = Event.objects.get(code="api.stats_mapping_imported")
    assert (event.user_id, event.after["created"], event.after["changed"]) == (cast.office.pk, 1, 1)


def test_replace_deletes_what_the_file_no_longer_lists_for_its_sources(table, tmp_path, capsys):
    StatsMapping.objects.create(source="qutj", source_code="QT-01", indicator=table[0])
    path = tmp_path / "对照表.xlsx"
    path.write_bytes(_sheet([["nbs", "A010102", "K01", "", 1, ""]]))
    call_command("stats_mapping", "--import", str(path), "--replace")
    assert sorted(StatsMapping.objects.values_list("source", "source_code")) == [("nbs", "A010102"),
                                                                                ("qutj", "QT-01")]


@pytest.mark.parametrize("row, said", [
    (["nbs", "A070102", "K02", "", 0, ""], "E列（换算系数）: 换算系数为 0，应大于 0"),
    (["nbs", "A070102", "K02", "", -0.5, ""], "换算系数为 -0.5，应大于 0"),
    (["nbs", "A070102", "K02", "", "万分之一", ""], "E列（换算系数）: 换算系数"),
    (["nbs", "A070102", "K99", "", 1, ""], "C列（本平台指标编码）: 本平台没有指标编码“K99”"),
    (["nbs", "A070102", "", "", 1, ""], "缺少本平台指标编码"),
    (["国家统计局", "A070102", "K02", "", 1, ""], "数据来源“国家统计局”格式不正确"),
    (["nbs", "A07 0102", "K02", "", 1, ""], "来源指标编码“A07 0102”格式不正确"),
])
def test_a_bad_row_refuses_the_whole_file(table, tmp_path, row, said):
    path = tmp_path / "对照表.xlsx"
    path.write_bytes(_sheet([["nbs", "A010102", "K01", "", 2, "改了"], row]))
    with pytest.raises(CommandError, match="导入失败：共 1 处问题，未写入任何数据"):
        call_command("stats_mapping", "--import", str(path))
    with pytest.raises(WorkbookError) as refused:
        mapping.read_workbook(path.read_bytes())
    assert said in str(refused.value.errors[0])
    assert StatsMapping.objects.get(source_code="A010102").factor == 1  # nothing written
    assert Event.objects.filter(code="api.stats_mapping_refused").count() == 1


def test_a_code_twice_is_refused(table):
    with pytest.raises(WorkbookError, match="与第 2 行重复"):
        mapping.read_workbook(_sheet([["nbs", "A010102", "K01", "", 1, ""], ["nbs", "A010102", "K02", "", 1, ""]]))


def test_a_mapping_workbook_of_another_shape_is_refused(table):
    buffer = io.BytesIO()
    excel.write_workbook(buffer, [excel.Sheet("Sheet1", mapping.HEADER, [])])
    with pytest.raises(WorkbookError, match="找不到工作表“统计指标对照”"):
        mapping.read_workbook(buffer.getvalue())
    buffer = io.BytesIO()
    excel.write_workbook(buffer, [excel.Sheet(mapping.SHEET, ["数据来源", "来源指标编码"], [])])
    with pytest.raises(WorkbookError, match="表头缺少列：本平台指标编码、换算系数"):
        mapping.read_workbook(buffer.getvalue())


def test_the_list_shows_the_table(table, capsys):
    call_command("stats_mapping", "--list")
    assert "nbs:A070102 → K02 社会消费品零售总额 ×0.0001 万元 → 亿元" in capsys.readouterr().out
