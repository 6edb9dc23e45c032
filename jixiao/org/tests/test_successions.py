"""机构调整: recording which unit carries on which, and the refusals (itself, a loop, dates outside validity)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from jixiao.audit.models import Event
from jixiao.org import succession_actions as actions
from jixiao.org.models import Succession, Unit

D = datetime.date
START = D(2020, 1, 1)


def _unit(cast, code, name, valid_from=START, valid_to=None):
    return Unit.objects.create(code=code, name=name, kind="department", parent=cast.district,
                               valid_from=valid_from, valid_to=valid_to)


@pytest.fixture
def tourism(cast):
    old = _unit(cast, "M58", "区旅游局", valid_to=D(2023, 3, 31))
    new = _unit(cast, "M31", "区文化和旅游局", valid_from=D(2023, 4, 1))
    return old, new


def test_would_loop_follows_the_chain():
    pairs = [(1, 2), (2, 3)]
    assert actions.would_loop(3, 1, pairs)  # 3 → 1 closes 1 → 2 → 3 → 1
    assert not actions.would_loop(4, 1, pairs)
    assert not actions.would_loop(1, 3, pairs)  # a second route, not a loop


def test_record_a_merger_is_audited(cast, tourism):
    old, new = tourism
    made = actions.record_succession(predecessor=old, successor=new, on=D(2023, 4, 1), kind="merge",
                                     note="职责并入", by=cast.office)
    assert made.get_kind_display() == "合并"
    event = Event.objects.get(code="unit.succession_recorded")
    assert event.object_id == str(new.pk) and event.after["predecessor"] == old.pk


@pytest.mark.parametrize("case, on, message", [
    ("itself", D(2023, 4, 1), "不能是同一个单位"),
    ("early", D(2020, 1, 1), "须晚于原单位“区旅游局”的启用日期"),
    ("late", D(2023, 6, 1), "最晚为其撤销次日 2023-04-01"),
    ("before_successor", D(2023, 3, 1), "不能早于承继单位“区文化和旅游局”的启用日期"),
])
def test_refusals(cast, tourism, case, on, message):
    old, new = tourism
    predecessor = new if case == "itself" else old
    with pytest.raises(ValidationError) as caught:
        actions.record_succession(predecessor=predecessor, successor=new, on=on, kind="merge", by=cast.office)
    assert any(message in text for text in caught.value.messages)
    assert not Succession.objects.exists()


def test_refuses_a_loop_and_a_repeat(cast):
    a, b = _unit(cast, "A1", "甲局"), _unit(cast, "B1", "乙局")
    actions.record_succession(predecessor=a, successor=b, on=D(2022, 1, 1), kind="rename", by=cast.office)
    with pytest.raises(ValidationError, match="形成循环"):
        actions.record_succession(predecessor=b, successor=a, on=D(2024, 1, 1), kind="rename", by=cast.office)
    with pytest.raises(ValidationError, match="已记录过"):
        actions.record_succession(predecessor=a, successor=b, on=D(2023, 1, 1), kind="merge", by=cast.office)
    assert Succession.objects.count() == 1


def test_page_records_and_refuses_with_an_audit_event(cast, login, tourism):
    old, new = tourism
    client = login(cast.office)
    url = reverse("org:succession_list")
    refused = client.post(url, {"predecessor": old.pk, "successor": old.pk, "on": "2023-04-01", "kind": "merge"})
    assert refused.status_code == 422 and "原单位与承继单位不能是同一个单位" in refused.content.decode()
    assert Event.objects.filter(code="unit.succession_refused").count() == 1
    bad = client.post(url, {"predecessor": old.pk, "successor": new.pk, "on": "2023-13-01", "kind": "x"})
    assert bad.status_code == 422 and "调整日期格式不对" in bad.content.decode()
    done = client.post(url, {"predecessor": old.pk, "successor": new.pk, "on": "2023-04-01", "kind": "merge",
                             "note": "2023年机构改革"})
    assert done.status_code == 302
    page = client.get(url).content.decode()
    assert "区旅游局" in page and "合并" in page and "2023年机构改革" in page
    succession = Succession.objects.get()
    assert client.post(reverse("org:succession_remove", args=[succession.pk])).status_code == 302
    assert not Succession.objects.exists()
    assert Event.objects.filter(code="unit.succession_removed").exists()


def test_leader_reads_without_the_form(cast, login):
    page = login(cast.leader).get(reverse("org:succession_list")).content.decode()
    assert "尚未记录机构调整" in page and "记录一次机构调整" not in page


def test_both_units_pages_name_the_step(cast, login, tourism):
    old, new = tourism
    actions.record_succession(predecessor=old, successor=new, on=D(2023, 4, 1), kind="merge", by=cast.office)
    client = login(cast.leader)
    for unit in (old, new):
        page = client.get(reverse("org:unit_detail", args=[unit.pk])).content.decode()
        assert "2023-04-01" in page and "区旅游局</a> 合并 →" in page
    assert "机构调整</dt>" not in client.get(reverse("org:unit_detail", args=[cast.fgw.pk])).content.decode()


def _workbook(rows, header=None):
    import io

    from jixiao.lib.excel import Sheet, write_workbook
    from jixiao.org.successionbook import HEADER, SHEET

    buffer = io.BytesIO()
    write_workbook(buffer, [Sheet(SHEET, header or HEADER, rows)])
    return SimpleUploadedFile("机构调整.xlsx", buffer.getvalue())


def test_import_records_every_row_and_export_gives_them_back(cast, login, tourism):
    import io

    from python_calamine import CalamineWorkbook

    _unit(cast, "M90", "区文化局", valid_to=D(2023, 3, 31))
    client = login(cast.office)
    response = client.post(reverse("org:succession_import"), {"file": _workbook([
        ["M58", "M31", D(2023, 4, 1), "合并", "职责并入"], ["M90", "M31", "2023-04-01", "合并", ""]])})
    assert response.status_code == 302
    assert Succession.objects.count() == 2
    assert Event.objects.filter(code="unit.succession_recorded").count() == 2
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(client.get(reverse("org:succession_export")).content))
    rows = sheet.get_sheet_by_name("机构调整").to_python()
    assert rows[0][:4] == ["原单位编码", "承继单位编码", "调整日期", "调整方式"]
    assert sorted(r[0] for r in rows[1:]) == ["M58", "M90"] and {r[3] for r in rows[1:]} == {"合并"}


def test_import_writes_nothing_and_lists_every_problem(cast, login, tourism):
    client = login(cast.office)
    cells = client.post(reverse("org:succession_import"), {"file": _workbook([
        ["M58", "M31", "2023-04-01", "合并", ""], ["M58", "", "明年", "撤并", "@SUM(1)"]])})
    page = cells.content.decode()
    assert cells.status_code == 422
    for text in ("不能为空", "“明年”不是日期", "“撤并”不是更名、合并、拆分或划转", "不能以 = + - @ 开头", "第 3 行"):
        assert text in page, text
    rows = client.post(reverse("org:succession_import"), {"file": _workbook([
        ["M58", "M31", "2023-04-01", "合并", ""],  # fine on its own, but not written: the file is refused
        ["M58", "M31", "2023-04-01", "合并", ""],  # the same pair again
        ["M31", "M58", "2023-04-01", "更名", ""],  # a loop with the first row
        ["X99", "M31", "2023-04-01", "合并", ""],
    ])})
    page = rows.content.decode()
    assert rows.status_code == 422
    for text in ("第 3 行", "已记录过", "形成循环", "单位编码不存在：X99"):
        assert text in page, text
    assert not Succession.objects.exists()
    assert not Event.objects.filter(code="unit.succession_recorded").exists()
    assert Event.objects.filter(code="unit.succession_import_refused").count() == 2


def test_import_refuses_a_workbook_of_another_shape(cast, login):
    client = login(cast.office)
    response = client.post(reverse("org:succession_import"), {"file": _workbook([["M58"]], header=["原单位编码"])})
    assert response.status_code == 422 and "缺少列：承继单位编码、调整日期、调整方式" in response.content.decode()
    assert login(cast.office).post(reverse("org:succession_import"), {}).status_code == 422


def test_the_documented_example_imports(cast):
    from pathlib import Path

    from jixiao.org import successionbook

    example = Path(__file__).resolve().parents[3] / "docs" / "examples" / "successions.xlsx"
    _unit(cast, "B90", "区原工业经济委员会", valid_to=D(2022, 12, 31))
    rows = successionbook.read(example.open("rb"), 10 * 1024 * 1024)
    made = actions.import_successions(rows, by=cast.office)
    assert [(s.predecessor.code, s.successor.code, s.on, s.kind) for s in made] == [
        ("B90", "B01", D(2023, 1, 1), "merge")]
