"""The unit workbook: export → import round trip, and hostile files that must write nothing."""

import datetime
import io

import openpyxl
import pytest
from django.urls import reverse

from jixiao.audit.models import Event
from jixiao.lib.excel import read_workbook
from jixiao.org.models import Unit, UnitKind
from jixiao.org.tests.helpers import HEADER, row, upload, workbook_bytes

IMPORT = reverse("org:unit_import")
MB = 1024 * 1024


def snapshot():
    return sorted(Unit.objects.values_list("code", "name", "short_name", "kind", "parent__code", "is_assessor",
                                           "sort_order", "valid_from", "valid_to", "note"))


def export(client) -> bytes:
    response = client.get(reverse("org:unit_export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return response.content


def preview(client, data: bytes, name="units.xlsx"):
    return client.post(IMPORT, {"file": upload(data, name)})


def confirm(client, response):
    return client.post(IMPORT, {"token": response.context["token"]})


def test_export_has_every_unit_in_tree_order(cast, login):
    Unit.objects.create(code="B99", name="区原经委", kind=UnitKind.BUREAU, parent=cast.district,
                        valid_to=datetime.date(2022, 12, 31), note="=SUM(1,2)")
    rows = read_workbook(export(login(cast.leader)), MB)["单位"]
    assert rows[0] == HEADER
    codes = [r[0] for r in rows[1:]]
    assert set(codes) == set(Unit.objects.values_list("code", flat=True))
    assert codes[0] == "D01" and codes.index("S01") < codes.index("S01V01")
    retired = next(r for r in rows if r[0] == "B99")
    assert retired[3] == "委办局" and retired[8] == datetime.date(2022, 12, 31) and retired[9] == "=SUM(1,2)"


def test_round_trip_of_an_unchanged_export_changes_nothing(cast, login):
    client = login(cast.office)
    before, events_before = snapshot(), Event.objects.count()
    response = preview(client, export(client))
    assert response.status_code == 200
    plan = response.context["plan"]
    assert plan.counts == {"new": 0, "changed": 0, "unchanged": Unit.objects.count()}
    assert "没有需要导入的变更" in response.content.decode()
    confirm(client, response)
    assert snapshot() == before
    assert Event.objects.filter(code="unit.imported").count() == 0
    assert Event.objects.count() == events_before


def test_editing_one_name_changes_exactly_that_unit(cast, login):
    client = login(cast.office)
    book = openpyxl.load_workbook(io.BytesIO(export(client)))
    sheet = book["单位"]
    target = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == "B02")
    target[1].value = "区统计局（更名）"
    buffer = io.BytesIO()
    book.save(buffer)
    before = {c[0]: c for c in snapshot()}

    response = preview(client, buffer.getvalue())
    plan = response.context["plan"]
    assert plan.counts["changed"] == 1 and plan.counts["new"] == 0
    assert plan.of("changed")[0].diffs == [("单位名称", "区统计局", "区统计局（更名）")]
    assert Unit.objects.get(code="B02").name == "区统计局"  # preview writes nothing

    assert confirm(client, response).status_code == 302
    after = {c[0]: c for c in snapshot()}
    assert {code for code in after if after[code] != before[code]} == {"B02"}
    assert after["B02"][1] == "区统计局（更名）"
    event = Event.objects.get(code="unit.imported")
    assert event.before["name"] == "区统计局" and event.after["name"] == "区统计局（更名）"


def test_import_adds_new_units_with_new_parents_in_any_order(cast, login):
    client = login(cast.office)
    data = workbook_bytes([
        row("S03V01", "新村", kind="村/社区", parent="S03"),
        row("S03", "新立街道", kind="街道", parent="D01", order=5),
        row("B05", "区财政局", assessor="是", order="7", start="2021/3/1"),
    ])
    response = preview(client, data)
    assert response.context["plan"].counts == {"new": 3, "changed": 0, "unchanged": 0}
    confirm(client, response)
    village = Unit.objects.get(code="S03V01")
    assert village.parent.code == "S03" and village.kind == UnitKind.VILLAGE
    fin = Unit.objects.get(code="B05")
    assert fin.is_assessor and fin.sort_order == 7 and fin.valid_from == datetime.date(2021, 3, 1)
    assert Event.objects.filter(code="unit.imported").count() == 3


def test_codes_typed_as_numbers_are_read_as_text(cast, login):
    client = login(cast.office)
    data = workbook_bytes([row(101, "区审计局", parent="D01")])
    response = preview(client, data)
    assert response.context["plan"].changes[0].row.code == "101"


def _refused(client, data, name="units.xlsx"):
    before, events = snapshot(), Event.objects.count()
    response = preview(client, data, name)
    assert response.status_code == 422
    errors = response.context["errors"]
    assert errors and all(e.message for e in errors)
    page = response.content.decode()
    assert "未写入任何数据" in page and "import-errors" in page
    assert snapshot() == before and Event.objects.count() == events + 1  # the refusal, and nothing else
    refusal = Event.objects.filter(code="unit.import_refused").latest("pk")
    assert refusal.outcome == "failure" and refusal.after["problems"] == response.context["error"].total
    return errors


def test_duplicate_codes_are_refused(cast, login):
    errors = _refused(login(cast.office), workbook_bytes([row("B05", "甲局"), row("B06", "乙局"), row("B05", "丙局")]))
    assert [(e.sheet, e.row, e.column) for e in errors] == [("单位", 4, "A")]
    assert "与第 2 行重复" in errors[0].message


def test_unknown_parent_is_refused(cast, login):
    errors = _refused(login(cast.office), workbook_bytes([row("B05", "甲局", parent="D99")]))
    assert (errors[0].row, errors[0].column, errors[0].column_title) == (2, "E", "上级单位编码")
    assert "D99" in errors[0].message and "都不存在" in errors[0].message


def test_parent_loop_is_refused(cast, login):
    data = workbook_bytes([row("S05", "甲街道", kind="街道", parent="S06"),
                           row("S06", "乙街道", kind="街道", parent="S05")])
    errors = _refused(login(cast.office), data)
    assert {e.row for e in errors} == {2, 3}
    assert all("循环" in e.message for e in errors)


def test_loop_through_existing_units_is_refused(cast, login):
    # The district under its own street: a loop made of one file row and the database.
    errors = _refused(login(cast.office), workbook_bytes([row("D01", "示范区", kind="区", parent="S01")]))
    assert "循环" in errors[0].message


def test_empty_names_unknown_kinds_and_bad_dates_are_refused_together(cast, login):
    data = workbook_bytes([
        row("B05", ""),
        row("B06", "乙局", kind="部委"),
        row("B07", "丙局", start="明年"),
        row("B08", "丁局", assessor="也许"),
        row("B09", "戊局", order=-1),
        row("", "无编码局"),
    ])
    errors = _refused(login(cast.office), data)
    found = {(e.row, e.column_title) for e in errors}
    assert found == {(2, "单位名称"), (3, "类型"), (4, "启用日期"), (5, "考核责任单位"), (6, "排序"), (7, "单位编码")}
    assert all(not e.message.isascii() for e in errors)


def test_kind_rules_are_refused(cast, login):
    data = workbook_bytes([row("V09", "某村", kind="村/社区", parent="D01"),
                           row("B09", "某局", kind="委办局", parent=""),
                           row("S01", "华明街道", kind="园区", parent="D01")])
    errors = _refused(login(cast.office), data)
    messages = {e.row: e.message for e in errors}
    assert "上级只能是街道" in messages[2]
    assert "必须有上级单位" in messages[3]
    assert "下级单位“S01V01”" in messages[4]


def test_retiring_a_unit_with_current_children_is_refused(cast, login):
    data = workbook_bytes([row("S01", "华明街道", kind="街道", end="2025-12-31")])
    errors = _refused(login(cast.office), data)
    assert "在用的下级单位" in errors[0].message and errors[0].column_title == "撤销日期"


def test_missing_sheet_or_columns_is_refused(cast, login):
    client = login(cast.office)
    errors = _refused(client, workbook_bytes([row("B05", "甲局")], sheet="Sheet1"))
    assert "找不到名为“单位”的工作表" in errors[0].message
    errors = _refused(client, workbook_bytes([["B05", "甲局"]], header=["单位编码", "单位名称"]))
    assert errors[0].row == 1 and "类型" in errors[0].message


def test_text_file_named_xlsx_is_refused(cast, login):
    errors = _refused(login(cast.office), "单位编码,单位名称\nB05,甲局\n".encode("gbk"))
    assert "不是 Excel 工作簿" in errors[0].message


def test_a_20_mb_file_gets_a_clear_message(cast, login):
    data = b"PK\x03\x04" + b"\0" * (20 * MB)
    errors = _refused(login(cast.office), data)
    assert "20.0 MB" in errors[0].message and "超过上限 10 MB" in errors[0].message


def test_formula_text_in_a_name_is_refused(cast, login):
    errors = _refused(login(cast.office), workbook_bytes([row("B05", "=cmd|' /C calc'!A0")]))
    assert "公式" in errors[0].message and errors[0].column == "B"


def test_formula_in_a_stored_unit_is_exported_as_plain_text(cast, login):
    Unit.objects.filter(pk=cast.tjj.pk).update(note="=cmd|' /C calc'!A0", short_name="@SUM(A1)")
    data = export(login(cast.office))
    sheet = openpyxl.load_workbook(io.BytesIO(data))["单位"]
    cells = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == "B02")
    for cell in (cells[2], cells[9]):
        assert cell.data_type == "s" and cell.quotePrefix is True
    assert cells[9].value == "=cmd|' /C calc'!A0"


def test_tampered_confirmation_token_writes_nothing(cast, login):
    client = login(cast.office)
    response = preview(client, workbook_bytes([row("B05", "甲局")]))
    token = response.context["token"]
    response = client.post(IMPORT, {"token": token[:-2] + "xx"}, follow=True)
    assert "已过期或无效" in response.content.decode()
    assert not Unit.objects.filter(code="B05").exists()


def test_confirmation_checks_again_against_the_database(cast, login):
    client = login(cast.office)
    response = preview(client, workbook_bytes([row("S01V09", "新村", kind="村/社区", parent="S02")]))
    Unit.objects.filter(code="S02").update(valid_to=datetime.date(2025, 1, 1))
    response = confirm(client, response)
    assert response.status_code == 422
    assert "已撤销" in response.content.decode()
    assert not Unit.objects.filter(code="S01V09").exists()


@pytest.mark.parametrize("role", ["leader", "reporter"])
def test_only_the_office_can_import(cast, login, role):
    response = preview(login(getattr(cast, role)), workbook_bytes([row("B05", "甲局")]))
    assert response.status_code == 403
    assert not Unit.objects.filter(code="B05").exists()


def test_export_query_count_does_not_grow_with_units(cast, login, django_assert_max_num_queries):
    client = login(cast.office)
    Unit.objects.bulk_create(Unit(code=f"S01V{i:02d}X", name=f"村{i}", kind=UnitKind.VILLAGE, parent=cast.street)
                             for i in range(40))
    with django_assert_max_num_queries(10):
        export(client)
