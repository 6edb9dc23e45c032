"""The unit attribute workbook: template out, import in (preview, confirm), hostile files refused whole."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse

from jixiao.analysis import attributes
from jixiao.audit.models import Event
from jixiao.lib.excel import Sheet, write_workbook
from jixiao.lib.excel import read_workbook as read_any
from jixiao.org.models import Unit, UnitAttribute, UnitAttributeValue, UnitKind

DEFINITION_HEADER = ["属性编码", "属性名称", "计量单位", "权重", "取对数", "允许负值"]
DEFINITIONS = [["POP", "常住人口", "万人", 2, "是", "否"], ["AREA", "面积", "平方公里", 1, "是", "否"],
               ["GROW", "人口增速", "%", 1, "否", "是"]]


def workbook(rows, header=("单位编码", "单位名称", "常住人口（万人）", "面积", "GROW"), definitions=DEFINITIONS) -> bytes:
    sheets = [Sheet("属性值", list(header), rows)]
    if definitions is not None:
        sheets.append(Sheet("属性", DEFINITION_HEADER, definitions))
    buffer = io.BytesIO()
    write_workbook(buffer, sheets)
    return buffer.getvalue()


def read_workbook(data: bytes) -> dict:
    return read_any(data, 10 * 1024 * 1024)


def upload(client, cycle, data: bytes, name="属性.xlsx"):
    file = io.BytesIO(data)
    file.name = name
    return client.post(reverse("analysis:peers_import") + f"?cycle={cycle.year}", {"file": file})


def confirm(client, cycle, preview):
    return client.post(reverse("analysis:peers_import") + f"?cycle={cycle.year}", {"token": preview.context["token"]})


GOOD = [["S01", "华明街道", 12.5, 30, -0.5], ["S02", "金桥街道", 8, 45.25, 1.2]]


def test_preview_then_confirm_writes_definitions_values_and_one_audit_event(cast, login):
    client = login(cast.office)
    preview = upload(client, cast.cycle, workbook(GOOD))
    assert preview.status_code == 200
    assert preview.context["plan"].counts == {"new": 6, "changed": 0, "removed": 0, "unchanged": 0}
    assert preview.context["plan"].new_attributes == ["常住人口", "面积", "人口增速"]
    assert not UnitAttribute.objects.exists()  # the preview writes nothing
    response = confirm(client, cast.cycle, preview)
    assert response.status_code == 302
    pop = UnitAttribute.objects.get(cycle=cast.cycle, code="POP")
    assert (pop.name, pop.measure, pop.weight, pop.log_scale, pop.allow_negative) == ("常住人口", "万人", 2, True, False)
    values = {(v.unit.code, v.attribute.code): v.value
              for v in UnitAttributeValue.objects.select_related("unit", "attribute")}
    assert values == {("S01", "POP"): Decimal("12.5"), ("S01", "AREA"): Decimal(30), ("S01", "GROW"): Decimal("-0.5"),
                      ("S02", "POP"): Decimal(8), ("S02", "AREA"): Decimal("45.25"), ("S02", "GROW"): Decimal("1.2")}
    event = Event.objects.get(code="unit.attributes_imported")
    assert event.after["values_new"] == 6 and event.after["units"] == 2


def test_a_second_import_changes_removes_and_keeps_values(cast, login):
    client = login(cast.office)
    confirm(client, cast.cycle, upload(client, cast.cycle, workbook(GOOD)))
    again = [["S01", "华明街道", 13, 30, None], ["S02", "金桥街道", 8, 45.25, 1.2]]
    preview = upload(client, cast.cycle, workbook(again, definitions=None))
    assert preview.context["plan"].counts == {"new": 0, "changed": 1, "removed": 1, "unchanged": 4}
    confirm(client, cast.cycle, preview)
    assert UnitAttributeValue.objects.get(unit=cast.street, attribute__code="POP").value == 13
    assert not UnitAttributeValue.objects.filter(unit=cast.street, attribute__code="GROW").exists()
    assert UnitAttributeValue.objects.count() == 5


@pytest.mark.parametrize(("rows", "message"), [
    ([["S01", "华明街道", "一万二", 30, 0]], "工作表“属性值”, 第2行, C列（常住人口（万人））: 常住人口："),
    ([["X99", "不存在", 12, 30, 0]], "工作表“属性值”, 第2行, A列（单位编码）: 单位编码“X99”在系统中不存在"),
    ([["S01", "华明街道", 12, 30, 0], ["S01", "华明街道", 13, 31, 0]],
     "工作表“属性值”, 第3行, A列（单位编码）: 单位编码“S01”与第 2 行重复"),
    ([["S01", "华明街道", -5, 30, 0]], "工作表“属性值”, 第2行, C列（常住人口（万人））: 常住人口须大于 0（该属性取对数），而不是 -5"),
    ([["S01", "华明街道", 12, 30, 0]], None),  # the control: this one is fine
])
def test_hostile_rows_are_refused_whole_with_the_place_and_the_reason(cast, login, rows, message):
    client = login(cast.office)
    response = upload(client, cast.cycle, workbook([*rows, ["S02", "金桥街道", 8, 45, 1]]))
    if message is None:
        assert response.status_code == 200
        return
    assert response.status_code == 422
    shown = [str(e) for e in response.context["errors"]]
    assert any(text.startswith(message) for text in shown), shown
    assert not UnitAttribute.objects.exists() and not UnitAttributeValue.objects.exists()
    assert Event.objects.filter(code="unit.attributes_import_refused").count() == 1
    assert "未写入任何数据" in response.content.decode()


def test_negative_values_of_an_attribute_that_does_not_allow_them(cast):
    definitions = [["AREA", "面积", "平方公里", 1, "否", "否"]]
    parsed_sheets = read_workbook(workbook([["S01", "华明街道", -3]], header=("单位编码", "单位名称", "面积"),
                                           definitions=definitions))
    with pytest.raises(attributes.WorkbookError) as caught:
        attributes.parse(parsed_sheets, [])
    assert [e.message for e in caught.value.errors] == ["面积不能为负数：-3"]


def test_bad_definitions_and_unknown_columns_are_named(cast):
    definitions = [["POP", "常住人口", "万人", 12, "也许", "否"], ["POP", "面积", "", "", "是", "是"]]
    sheets = read_workbook(workbook([["S01", "华明街道", 1, 2]], header=("单位编码", "单位名称", "常住人口", "GDP"),
                                    definitions=definitions))
    with pytest.raises(attributes.WorkbookError) as caught:
        attributes.parse(sheets, [])
    assert [str(e) for e in caught.value.errors] == [
        "工作表“属性”, 第2行, D列（权重）: 权重应在 0 到 10 之间，而不是 12",
        "工作表“属性”, 第2行, E列（取对数）: 应填“是”或“否”，而不是“也许”",
        "工作表“属性”, 第3行, A列（属性编码）: 属性编码“POP”与第 2 行重复",
        "工作表“属性”, 第3行, F列（允许负值）: 取对数的属性须大于 0，不能同时允许负值",
        "工作表“属性值”, 第1行, D列: 表头“GDP”不是本年度的属性：请在“属性”工作表中定义，或改为已有属性的名称",
    ]


def test_a_retired_unit_is_refused(cast, login):
    cast.other_street.valid_to = cast.other_street.valid_from
    cast.other_street.save()
    response = upload(login(cast.office), cast.cycle, workbook(GOOD))
    assert response.status_code == 422
    assert "已于 2020-01-01 撤销，不能录入属性" in response.content.decode()


def test_a_formula_is_refused_by_the_strict_reader(cast, login):
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer)
    sheet = book.add_worksheet("属性值")
    sheet.write_row(0, 0, ["单位编码", "单位名称", "POP"])
    sheet.write_row(1, 0, ["S01", "华明街道"])
    sheet.write_formula(1, 2, "=1+1", None, 2)
    book.close()
    response = upload(login(cast.office), cast.cycle, buffer.getvalue())
    assert response.status_code == 422
    assert "公式" in response.content.decode()


def test_the_template_lists_the_suggested_attributes_and_the_streets(cast, login):
    response = login(cast.leader).get(reverse("analysis:peers_export") + f"?cycle={cast.cycle.year}")
    assert response.status_code == 200
    sheets = read_workbook(response.content)
    assert sheets["属性值"][0] == ["单位编码", "单位名称", *(f"{name}（{measure}）" for _c, name, measure, *_r
                                                           in attributes.SUGGESTED)]
    assert [row[0] for row in sheets["属性值"][1:]] == ["S01", "S02"]  # streets and parks only
    assert [row[0] for row in sheets["属性"][1:]] == [code for code, *_rest in attributes.SUGGESTED]


def test_the_export_imports_back_unchanged(cast, login):
    client = login(cast.office)
    confirm(client, cast.cycle, upload(client, cast.cycle, workbook(GOOD)))
    Unit.objects.create(code="P01", name="经开区", kind=UnitKind.PARK, parent=cast.district)
    exported = client.get(reverse("analysis:peers_export") + f"?cycle={cast.cycle.year}").content
    sheets = read_workbook(exported)
    assert sheets["属性值"][1:] == [["P01", "经开区", None, None, None], ["S01", "华明街道", 12.5, 30, -0.5],
                                   ["S02", "金桥街道", 8, 45.25, 1.2]]
    preview = upload(client, cast.cycle, exported)
    assert preview.context["plan"].counts == {"new": 0, "changed": 0, "removed": 0, "unchanged": 6}
    assert not preview.context["plan"].has_changes


def test_a_token_of_another_user_or_a_forged_one_writes_nothing(cast, login):
    client = login(cast.office)
    preview = upload(client, cast.cycle, workbook(GOOD))
    forged = client.post(reverse("analysis:peers_import") + f"?cycle={cast.cycle.year}",
                         {"token": preview.context["token"] + "x"})
    assert forged.status_code == 302 and not UnitAttribute.objects.exists()


def test_a_preview_confirmed_after_the_log_was_switched_on_is_refused(cast, login):
    client = login(cast.office)
    confirm(client, cast.cycle, upload(client, cast.cycle, workbook(GOOD)))
    area = UnitAttribute.objects.get(code="AREA")
    area.log_scale = False
    area.save()
    preview = upload(client, cast.cycle, workbook([["S01", "华明街道", 12.5, 0, -0.5]], definitions=None))
    assert preview.status_code == 200
    UnitAttribute.objects.filter(pk=area.pk).update(log_scale=True)  # the office switched the log on meanwhile
    response = confirm(client, cast.cycle, preview)
    assert response.status_code == 422
    assert "面积须大于 0（该属性取对数），而不是 0" in response.content.decode()
    assert UnitAttributeValue.objects.get(unit=cast.street, attribute=area).value == 30
