"""The statistics bureau's connector reads the national bureau's datanodes JSON and a district bureau's workbook,
maps codes, periods, units and factors, and hands rows to the bulk path — or refuses the file, naming every
problem in Chinese and writing nothing. The bulk path stands in here (connector_world.FakeBulk); the real one is
exercised in test_connector_import.py."""

import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from jixiao.api.connectors import importer, mapping, nbs, periods, workbook
from jixiao.api.connectors.records import FileProblem
from jixiao.api.models import StatsMapping
from jixiao.api.tests import connector_world as world
from jixiao.audit.models import Event
from jixiao.lib.excel import WorkbookError

pytestmark = pytest.mark.django_db


@pytest.fixture
def bulk(monkeypatch):
    return world.FakeBulk().install(monkeypatch)


@pytest.fixture
def table(db):
    gdp, retail, cpi = world.indicators()
    world.mappings(gdp, retail, cpi)
    return gdp, retail, cpi


def _rows(call):
    return [(r.data_element, r.period, r.org_unit, r.value, r.line) for r in call["rows"]]


# --- Periods --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("sj, ours", [("202609", "2026M09"), ("202601", "2026M01"), ("2026A", "2026Q1"),
                                      ("2026C", "2026Q3"), ("2026D", "2026Q4"), ("2026", "2026Y")])
def test_national_bureau_periods_become_ours(sj, ours):
    assert periods.from_nbs(sj) == ours


@pytest.mark.parametrize("sj", ["202613", "202600", "2026E", "2026H1", "26", "2026-09", "LAST6"])
def test_a_period_that_is_not_ours_is_refused_in_chinese(sj):
    with pytest.raises(periods.PeriodProblem, match="不是本平台的报送期"):
        periods.from_nbs(sj)


@pytest.mark.parametrize("text, ours", [("2026M09", "2026M09"), ("2026Q3", "2026Q3"), ("2026H2", "2026H2"),
                                        ("2026Y", "2026Y"), ("202609", "2026M09"), ("2026C", "2026Q3"),
                                        ("2026", "2026Y"), ("2026年9月", "2026M09"), ("2026年1-9月", "2026M09"),
                                        ("2026年第三季度", "2026Q3"), ("2026年3季度", "2026Q3"),
                                        ("2026年上半年", "2026H1"), ("2026年下半年", "2026H2"), ("2026年", "2026Y"),
                                        ("2026年度", "2026Y")])
def test_a_workbook_period_in_any_usual_form_becomes_ours(text, ours):
    assert periods.from_text(text) == ours


@pytest.mark.parametrize("text", ["2026年13月", "2026年第五季度", "九月", "2026Q5", "2026-09-30"])
def test_a_workbook_period_not_ours_is_refused(text):
    with pytest.raises(periods.PeriodProblem):
        periods.from_text(text)


# --- The national bureau's JSON ---------------------------------------------------------------------------------


def test_datanodes_are_read_and_a_figure_without_data_is_skipped_and_counted():
    parsed = nbs.parse(world.district_json())
    assert (parsed.records, parsed.skipped, parsed.conflicts) == (4, 1, [])
    first, retail, cpi = parsed.rows
    assert (first.code, first.period, first.value, first.region) == ("A010102", "2026Q3", Decimal("356.7"), "")
    assert (retail.code, retail.period, retail.value, retail.line) == ("A070102", "2026M09", Decimal(1234567), 2)
    assert retail.name == "社会消费品零售总额_累计值(万元)"
    assert cpi.line == 4


def test_a_node_without_wds_is_read_from_its_key():
    body = json.loads(world.easyquery([world.node("A010102", "2026C", 356.7, reg="110105")]))
    del body["returndata"]["datanodes"][0]["wds"]
    row, = nbs.parse(json.dumps(body).encode()).rows
    assert (row.code, row.region, row.period) == ("A010102", "110105", "2026Q3")


def test_a_truncated_file_is_refused_whole():
    data = world.district_json()
    with pytest.raises(FileProblem, match="不是完整的 JSON.*截断"):
        nbs.parse(data[: len(data) // 2])


@pytest.mark.parametrize("body, said", [
    (b'[1, 2]', "最外层应为含 returndata 的对象"),
    (b'{"returncode": 200, "returndata": {"wdnodes": []}}', "找不到 returndata.datanodes"),
    (b'{"returncode": 501, "returndata": "\xe5\x8f\x82\xe6\x95\xb0\xe9\x94\x99\xe8\xaf\xaf"}', "出错应答.*参数错误"),
    (b'\xff\xfe{}', "不是 UTF-8"),
])
def test_a_file_that_is_not_an_easyquery_answer_is_refused(body, said):
    with pytest.raises(FileProblem, match=said):
        nbs.parse(body)


def test_an_unknown_dimension_is_a_conflict_naming_it():
    odd = world.node("A010102", "2026C", 356.7)
    odd["wds"].insert(1, {"valuecode": "B01", "wdcode": "hy"})
    parsed = nbs.parse(world.easyquery([world.node("A01030101", "202609", 101.2), odd]))
    assert (len(parsed.rows), parsed.records) == (1, 2)
    only, = parsed.conflicts
    assert (only["line"], only["code"], only["value"]) == (2, "E_STATS_DIMENSION", "hy")
    assert "未知维度“hy”" in only["message"]


def test_a_node_period_not_ours_and_a_value_not_a_number_are_conflicts():
    parsed = nbs.parse(world.easyquery([world.node("A010102", "2026E", 356.7),
                                        world.node("A010102", "2026C", 1, strdata="约三百")]))
    period, value = parsed.conflicts
    assert (period["line"], period["code"], period["value"]) == (1, "E_STATS_PERIOD", "2026E")
    assert "时期“2026E”不是本平台的报送期" in period["message"]
    assert (value["line"], value["code"]) == (2, "E_STATS_VALUE")


# --- Mapping -----------------------------------------------------------------------------------------------------


def test_a_file_goes_to_the_bulk_path_mapped_and_converted(cast, bulk, table):
    summary = importer.run(world.district_json(), format="nbs", user=cast.street_reporter, unit="S01")
    call, = bulk.calls
    assert (call["source"], call["dry_run"], call["strategy"], call["user"]) == ("stats", False,
                                                                                 "create_and_update",
                                                                                 cast.street_reporter)
    # 1,234,567 万元 is 123.4567 亿元; a CPI is taken as it is.
    assert _rows(call) == [("K01", "2026Q3", "S01", "356.7", 1), ("K02", "2026M09", "S01", "123.4567", 2),
                           ("K03", "2026M09", "S01", "101.2", 4)]
    assert summary["status"] == "SUCCESS"
    assert summary["stats"] == {"format": "nbs", "source": "nbs", "records": 4, "skipped": 1, "rows": 3}
    assert importer.describe(summary).startswith("导入完成：文件共 4 条数据，无数据跳过 1 条，对照成功 3 条")


def test_the_product_is_rounded_half_up_to_our_four_places():
    assert mapping.our_value(Decimal("1234567.5"), Decimal("0.0001")) == "123.4568"
    assert mapping.our_value(Decimal("1.23444"), Decimal(1)) == "1.2344"
    assert mapping.our_value(Decimal("2500"), Decimal("0.01")) == "25"
    assert mapping.our_value(Decimal("0.00001"), Decimal(1)) == "0"


def test_an_unmapped_code_is_a_conflict_naming_it_and_nothing_is_written(cast, bulk, table):
    data = world.easyquery([world.node("A010102", "2026C", 356.7), world.node("A0B0101", "202609", 12.5)],
                           names={"A0B0101": "规模以上工业增加值增速_累计(%)"})
    summary = importer.run(data, format="nbs", user=cast.office, unit="S01")
    call, = bulk.calls
    assert call["dry_run"] is True  # the mapped rows are still checked, so every problem is named at once
    assert _rows(call) == [("K01", "2026Q3", "S01", "356.7", 1)]
    assert summary["status"] == "ERROR" and summary["dryRun"] is False
    assert summary["importCount"] == {"imported": 0, "updated": 0, "ignored": 2, "deleted": 0}
    assert (summary["conflictCount"], summary["description"]) == (1, "发现 1 处问题，未写入任何数据。")
    unmapped, = summary["conflicts"]
    assert (unmapped["line"], unmapped["code"], unmapped["value"]) == (2, "E_STATS_UNMAPPED", "A0B0101")
    assert "统计指标编码“A0B0101”（规模以上工业增加值增速_累计(%)）未在统计指标对照表（来源 nbs）中对照" \
           in unmapped["message"]
    assert importer.describe(summary).startswith("导入失败")


def test_the_bulk_paths_conflicts_come_with_the_files_in_line_order(cast, bulk, table, monkeypatch):
    def objecting(rows, **options):
        return {"status": "ERROR", "dryRun": True, "importCount": {"imported": 0, "updated": 0, "ignored": 0,
                                                                    "deleted": 0},
                "conflicts": [{"line": 4, "object": "unit", "code": "E_UNIT_SCOPE", "value": "S01",
                               "message": "无权写入"}]}

    monkeypatch.setattr(bulk.module, "import_rows", objecting)
    data = world.easyquery([world.node("X1", "2026C", 1), world.node("A010102", "2026E", 1),
                            world.node("A070102", "202609", 5), world.node("A01030101", "202609", 101.2)])
    summary = importer.run(data, format="nbs", user=cast.office, unit="S01")
    assert [(c["line"], c["code"]) for c in summary["conflicts"]] == [
        (1, "E_STATS_UNMAPPED"), (2, "E_STATS_PERIOD"), (4, "E_UNIT_SCOPE")]


@pytest.mark.parametrize("factor", ["0", "-0.0001"])
def test_a_mapping_whose_factor_is_not_positive_is_a_conflict(cast, bulk, table, factor):
    StatsMapping.objects.filter(source_code="A070102").update(factor=Decimal(factor))
    summary = importer.run(world.district_json(), format="nbs", user=cast.office, unit="S01")
    bad, = summary["conflicts"]
    assert (bad["line"], bad["code"], summary["status"]) == (2, "E_STATS_FACTOR", "ERROR")
    assert "换算系数" in bad["message"] and "应大于 0" in bad["message"]


def test_another_source_has_its_own_table(cast, bulk, table):
    summary = importer.run(world.district_json(), format="nbs", user=cast.office, unit="S01", source="qutj")
    assert {c["code"] for c in summary["conflicts"]} == {"E_STATS_UNMAPPED"}
    assert "来源 qutj" in summary["conflicts"][0]["message"]


def test_regions_are_unit_codes_unless_named(cast, bulk, table):
    data = world.easyquery([world.node("A010102", "2026C", 10, reg="S01"), world.node("A010102", "2026C", 20,
                                                                                       reg="110105012")])
    importer.run(data, format="nbs", user=cast.office, regions={"110105012": "S02"})
    assert [(r.org_unit, r.value) for r in bulk.calls[-1]["rows"]] == [("S01", "10"), ("S02", "20")]
    # Without --region, the code is taken as our unit code (the bulk path says if no unit has it).
    importer.run(data, format="nbs", user=cast.office)
    assert [r.org_unit for r in bulk.calls[-1]["rows"]] == ["S01", "110105012"]


def test_unit_is_for_a_file_of_one_region(cast, bulk, table):
    one = world.easyquery([world.node("A010102", "2026C", 10, reg="110105"),
                           world.node("A070102", "202609", 20, reg="110105")])
    importer.run(one, format="nbs", user=cast.office, unit="S01")
    assert [r.org_unit for r in bulk.calls[-1]["rows"]] == ["S01", "S01"]
    two = world.easyquery([world.node("A010102", "2026C", 10, reg="110105"),
                           world.node("A010102", "2026C", 20, reg="110106")])
    summary = importer.run(two, format="nbs", user=cast.office, unit="S01")
    assert [c["code"] for c in summary["conflicts"]] == ["E_STATS_REGION", "E_STATS_REGION"]
    assert "--region 110105=单位编码" in summary["conflicts"][0]["message"]


def test_a_file_without_regions_needs_a_unit(cast, bulk, table):
    summary = importer.run(world.district_json(), format="nbs", user=cast.office)
    assert {c["code"] for c in summary["conflicts"]} == {"E_STATS_REGION"}
    assert "请用 --unit 指定" in summary["conflicts"][0]["message"]


def test_two_codes_on_one_indicator_in_one_period_are_a_conflict(cast, bulk, table):
    gdp = table[0]
    StatsMapping.objects.create(source="nbs", source_code="A010101", indicator=gdp)
    data = world.easyquery([world.node("A010102", "2026C", 356.7), world.node("A010101", "2026C", 120.1)])
    summary = importer.run(data, format="nbs", user=cast.office, unit="S01")
    duplicate, = summary["conflicts"]
    assert (duplicate["line"], duplicate["code"]) == (2, "E_STATS_DUPLICATE")
    assert "与第 1 处重复" in duplicate["message"]


# --- The district bureau's workbook ----------------------------------------------------------------------------------


def test_a_bureau_workbook_is_read_with_its_rows_and_places(cast, bulk, table):
    data = world.bureau_workbook([
        ["A010102", "地区生产总值_累计值", "S01", "2026年1-9月", 356.7],
        ["A070102", "社会消费品零售总额_累计值", 110105, 202609, 1234567],
        [None, None, None, None, None],
        ["A01030101", "居民消费价格指数", "S01", "2026M09", "…"],
    ])
    summary = importer.run(data, format="workbook", user=cast.office, regions={"110105": "S02"})
    assert _rows(bulk.calls[0]) == [("K01", "2026M09", "S01", "356.7", 2), ("K02", "2026M09", "S02", "123.4567", 3)]
    assert summary["stats"] == {"format": "workbook", "source": "nbs", "records": 3, "skipped": 1, "rows": 2}


def test_a_workbook_rows_problems_are_conflicts_with_their_cell(cast, bulk, table):
    data = world.bureau_workbook([["A010102", "", "S01", "2026年第五季度", 1],
                                  ["A010102", "", "S01", "2026Q3", "三百五十"]])
    summary = importer.run(data, format="workbook", user=cast.office)
    period, value = summary["conflicts"]
    assert (period["line"], period["code"]) == (2, "E_STATS_PERIOD")
    assert period["message"].startswith("工作表“统计数据”, 第2行, D列（时期）: 时期“2026年第五季度”")
    assert (value["line"], value["code"], value["value"]) == (3, "E_STATS_VALUE", "三百五十")


def test_a_bureau_export_with_its_own_titles_and_sheet_name_is_read():
    data = world.bureau_workbook([["A010102", "S01", "2026C", 356.7]], header=["指标代码", "地区编码", "时间", "数值"],
                                 sheet="Sheet1")
    row, = workbook.parse(data).rows
    assert (row.code, row.region, row.period, row.value) == ("A010102", "S01", "2026Q3", Decimal("356.7"))


def test_a_workbook_with_a_formula_is_refused_by_the_strict_reader():
    with pytest.raises(WorkbookError, match="公式"):
        workbook.parse(world.formula_workbook())


def test_a_workbook_without_the_data_sheet_or_a_column_is_refused():
    import io

    from jixiao.lib import excel

    buffer = io.BytesIO()
    excel.write_workbook(buffer, [excel.Sheet("一月", workbook.HEADER, []), excel.Sheet("二月", workbook.HEADER, [])])
    with pytest.raises(WorkbookError, match="找不到工作表“统计数据”.*“一月”、“二月”"):
        workbook.parse(buffer.getvalue())
    with pytest.raises(WorkbookError, match="表头缺少列：时期"):
        workbook.parse(world.bureau_workbook([["A010102", "S01", 1]], header=["指标编码", "地区(单位)编码", "数值"]))


def test_the_template_reads_back_empty(tmp_path):
    path = tmp_path / "模板.xlsx"
    call_command("import_stats", str(path), "--template")
    parsed = workbook.parse(path.read_bytes())
    assert (parsed.records, parsed.rows, parsed.conflicts) == (0, [], [])


# --- The command -------------------------------------------------------------------------------------------------------


def test_the_command_prints_the_summary_in_chinese_and_as_json(cast, bulk, table, tmp_path, capsys):
    path = tmp_path / "district.json"
    path.write_bytes(world.district_json())
    call_command("import_stats", str(path), "--user", "office", "--unit", "S01", "--dry-run")
    assert "试导入通过（未写入）：文件共 4 条数据，无数据跳过 1 条，对照成功 3 条；将新增 3 项" in capsys.readouterr().out
    assert bulk.calls[-1]["dry_run"] is True
    call_command("import_stats", str(path), "--user", "office", "--unit", "S01", "--json", "--strategy", "update")
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert (summary["status"], summary["strategy"], summary["stats"]["rows"]) == ("SUCCESS", "update", 3)


def test_the_command_refuses_a_truncated_file_and_audits_it(cast, bulk, table, tmp_path, capsys):
    path = tmp_path / "cut.json"
    path.write_bytes(world.district_json()[:200])
    with pytest.raises(CommandError, match="无法导入：文件不是完整的 JSON"):
        call_command("import_stats", str(path), "--user", "office", "--unit", "S01")
    assert bulk.calls == []
    event = Event.objects.get(code="api.stats_import_refused")
    assert "不是完整的 JSON" in event.after["message"]


def test_the_command_lists_the_conflicts_and_fails(cast, bulk, table, tmp_path, capsys):
    path = tmp_path / "district.json"
    path.write_bytes(world.easyquery([world.node("A0B0101", "202609", 12.5)]))
    with pytest.raises(CommandError, match="导入失败.*发现 1 处问题，未写入任何数据"):
        call_command("import_stats", str(path), "--user", "office", "--unit", "S01")
    assert "[E_STATS_UNMAPPED] 第 1 条数据：统计指标编码“A0B0101”" in capsys.readouterr().err
    assert Event.objects.filter(code="api.stats_import_refused").count() == 1


@pytest.mark.parametrize("args, said", [(["--unit", "S01"], "请用 --user 指定"),
                                        (["--user", "nobody"], "用户“nobody”不存在"),
                                        (["--user", "office", "--region", "110105"], "--region 应写作")])
def test_the_command_refuses_bad_options(cast, bulk, tmp_path, args, said):
    path = tmp_path / "district.json"
    path.write_bytes(world.district_json())
    with pytest.raises(CommandError, match=said):
        call_command("import_stats", str(path), *args)
