"""The value workbook: export, import back, all or nothing, and the hostile files it must survive."""

import io
import zipfile
from decimal import Decimal

import openpyxl
import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.urls import reverse

from jixiao.audit.models import Event
from jixiao.lib.excel import WorkbookError
from jixiao.reporting import actions, imports
from jixiao.reporting.models import ImportJob, JobStatus, Status, Submission, Value, ValueRevision
from jixiao.reporting.tests.builders import fill

pytestmark = pytest.mark.usefixtures("frozen")


def template(w, cast, **who) -> bytes:
    buffer = io.BytesIO()
    imports.export_template(buffer, w["q1"], **(who or {"unit": cast.street}))
    return buffer.getvalue()


def edit(data: bytes, change) -> bytes:
    """Change the workbook with openpyxl (as a person in Excel would) and return the new bytes."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    change(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def set_values(*numbers):
    def change(book):
        sheet = book["数据"]
        for row, number in enumerate(numbers, start=2):
            sheet.cell(row=row, column=8, value=number)
    return change


def errors_of(data, by=None, **expect) -> list[str]:
    with pytest.raises(WorkbookError) as info:
        imports.import_file(data, by=by, **expect)
    return [str(e) for e in info.value.errors]


def test_round_trip_creates_values_and_revises_them(cast, w):
    data = edit(template(w, cast), set_values(120, 80.5))
    summary = imports.import_file(data, by=cast.street_reporter, expect_period=w["q1"], expect_unit=cast.street)
    assert summary["created"] == 2
    numbers = sorted(Value.objects.values_list("number", flat=True))
    assert numbers == [Decimal("80.5"), Decimal(120)]
    assert ValueRevision.objects.count() == 0  # the first entry lives on the value row
    assert set(Value.objects.values_list("entered_by", flat=True)) == {cast.street_reporter.pk}
    assert Event.objects.filter(code="values.imported").count() == 1
    # The export now carries the values and their versions; importing it unchanged writes nothing.
    again = imports.import_file(template(w, cast), by=cast.street_reporter)
    assert again["created"] == again["changed"] == 0 and again["unchanged"] == 2
    imports.import_file(edit(template(w, cast), set_values(130, 80.5)), by=cast.street_reporter)
    revision = ValueRevision.objects.get()
    assert (revision.old_number, revision.new_number, revision.source) == (Decimal(120), Decimal(130), "excel")
    assert Value.objects.get(number=Decimal(130)).version == 2


def test_stale_version_in_the_file_is_refused(cast, w):
    fill(cast, cast.street, w["q1"], w["items"], cast.street_reporter)
    old = edit(template(w, cast), set_values(111, 222))
    actions.save_value(cast.street, w["q1"], w["items"][0], by=cast.street_reporter, number=Decimal(5), version=1)
    problems = errors_of(old)
    assert "已被修改" in problems[0]
    assert Value.objects.get(indicator=w["items"][0].indicator).number == Decimal(5)
    assert Value.objects.get(indicator=w["items"][1].indicator).number == Decimal(200)  # nothing half-written


def test_wrong_template(cast, w):
    data = edit(template(w, cast), lambda book: book["说明"].cell(row=2, column=2, value="other"))
    assert "模板类型不符" in errors_of(data)[0]
    data = edit(template(w, cast), lambda book: book.remove(book["说明"]))
    assert "不是本平台导出的填报模板" in errors_of(data)[0]


def test_wrong_period(cast, w):
    from jixiao.reporting.models import Period

    q2 = Period.objects.get(cycle=cast.cycle, code="Q2")
    assert "报送期不符" in errors_of(template(w, cast), expect_period=q2)[0]


def test_another_units_file_and_rows(cast, w):
    other = template(w, cast, unit=cast.other_street)
    assert "单位不符" in errors_of(other, expect_unit=cast.street)[0]

    def smuggle(book):
        book["数据"].cell(row=3, column=1, value="S02")
    problems = errors_of(edit(template(w, cast), smuggle))
    assert problems == ["工作表“数据”, 第3行, A列（单位编码）: “S02”不是本单位（S01）的数据，不能导入其他单位的行"]


def test_text_in_number_cells_lists_every_row_and_writes_nothing(cast, w):
    problems = errors_of(edit(template(w, cast), set_values("一百", "12.5万")))
    assert len(problems) == 2 and "第2行" in problems[0] and "H列" in problems[0] and "不是数字" in problems[0]
    assert not Value.objects.exists()


def test_formulas_are_refused(cast, w):
    problems = errors_of(edit(template(w, cast), set_values("=1+1", 3)))
    assert "公式" in problems[0] and "第2行" in problems[0]


def test_merged_cells_are_refused(cast, w):
    data = edit(edit(template(w, cast), set_values(1, 2)), lambda book: book["数据"].merge_cells("H2:H3"))
    assert "合并单元格" in errors_of(data)[0]


def test_a_million_rows_are_refused_before_parsing(cast, w):
    rows = "".join(f'<row r="{i}"><c r="A{i}"><v>{i}</v></c></row>' for i in range(1, 1_000_002))
    sheet = ('<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             f'<sheetData>{rows}</sheetData></worksheet>')

    def swap(name, original):
        return sheet.encode() if name == "xl/worksheets/sheet2.xml" else original

    problems = errors_of(rezip(template(w, cast), swap))
    assert "超过" in problems[0] and "上限" in problems[0]


def rezip(data: bytes, change) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, change(info.filename, src.read(info.filename)))
    return out.getvalue()


def test_zip_bomb_is_refused_from_the_directory(cast, w, monkeypatch):
    monkeypatch.setattr("jixiao.lib.excel.MAX_EXPANDED_BYTES", 1024 * 1024)
    out = io.BytesIO(template(w, cast))
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/media/padding.bin", b"\0" * (2 * 1024 * 1024))
    assert "解压后体积" in errors_of(out.getvalue())[0]


def test_macro_enabled_and_renamed_files(cast, w):
    out = io.BytesIO(template(w, cast))
    with zipfile.ZipFile(out, "a") as z:
        z.writestr("xl/vbaProject.bin", b"macro")
    assert "宏" in errors_of(out.getvalue())[0]
    assert "不是 Excel" in errors_of("单位编码,指标编码\nS01,E202600\n".encode())[0]
    assert "旧版 Excel" in errors_of(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)[0]


def test_import_into_a_submitted_submission_is_refused(cast, w):
    fill(cast, cast.street, w["q1"], w["items"], cast.street_reporter)
    actions.submit(Submission.objects.get(), by=cast.street_reporter)
    assert "不能修改" in errors_of(edit(template(w, cast), set_values(1, 2)))[0]


def test_assessor_template_arrives_verified(cast, w):
    data = template(w, cast, assessor=cast.tjj)
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book["数据"].max_row == 1 + 4  # two streets × two indicators
    summary = imports.import_file(edit(data, set_values(1, 2, 3, 4)), by=cast.assessor, expect_assessor=cast.tjj)
    assert summary["created"] == 4
    assert Value.objects.filter(verified_at__isnull=False, by_assessor=True).count() == 4
    assert Event.objects.filter(code="values.entered_by_assessor").count() == 1


def test_commands(cast, w, tmp_path):
    path = tmp_path / "t.xlsx"
    call_command("export_template", "--cycle", "2026", "--period", "Q1", "--unit", "S01", str(path))
    path.write_bytes(edit(path.read_bytes(), set_values(10, 20)))
    call_command("import_values", str(path), "--user", "street_reporter")
    assert Value.objects.count() == 2
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(edit(path.read_bytes(), set_values("x", 20)))
    with pytest.raises(CommandError, match="未写入任何数据"):
        call_command("import_values", str(bad))
    assert Event.objects.filter(code="values.import_refused", outcome="failure").exists()
    with pytest.raises(CommandError, match="Q9"):
        call_command("export_template", "--cycle", "2026", "--period", "Q9", "--unit", "S01", str(path))


def test_upload_page_inline_and_as_a_background_job(cast, w, login, monkeypatch,
                                                  django_capture_on_commit_callbacks):
    client = login(cast.street_reporter)
    url = reverse("reporting:unit_upload", args=[cast.street.pk, w["q1"].pk])
    bad = edit(template(w, cast), set_values("abc", 1))
    response = client.post(url, {"file": _upload(bad)})
    assert response.status_code == 422 and "不是数字" in response.content.decode()
    assert Event.objects.filter(code="values.import_refused").exists()
    monkeypatch.setattr("jixiao.reporting.views.shared.BACKGROUND_BYTES", 10)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"file": _upload(edit(template(w, cast), set_values(5, 6)))})
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("reporting:job", args=[job.pk])
    assert job.status == JobStatus.DONE and "新增 2 项" in job.summary
    page = client.get(response["Location"], HTTP_HX_REQUEST="true")
    assert "已完成" in page.content.decode() and "hx-trigger" not in page.content.decode()
    assert Value.objects.count() == 2
    # Someone else cannot follow the job.
    assert login(cast.office).get(response["Location"]).status_code == 404


def _upload(data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("模板.xlsx", data)


def test_status_after_import_is_still_draft(cast, w):
    imports.import_file(edit(template(w, cast), set_values(1, 2)), by=cast.street_reporter)
    assert Submission.objects.get().status == Status.DRAFT


@pytest.mark.parametrize("per_statement", [1, 3, 500])
def test_assessor_import_over_unit_values_updates_them_in_place(cast, w, monkeypatch, per_statement):
    """The plain-SQL write path (multi-row INSERT in full statements plus a remainder, executemany UPDATE,
    revisions) on whichever database the suite runs: 4 rows make one 3-row statement and a 1-row remainder."""
    monkeypatch.setattr("jixiao.lib.rows.ROWS_PER_STATEMENT", per_statement)
    fill(cast, cast.street, w["q1"], w["items"], cast.street_reporter)  # 100 and 200, typed by the unit
    data = template(w, cast, assessor=cast.tjj)
    summary = imports.import_file(edit(data, set_values(100, 250, 3, 4)), by=cast.assessor,
                                  expect_assessor=cast.tjj)
    assert (summary["created"], summary["changed"], summary["unchanged"]) == (2, 2, 0)
    values = {(v.unit_id, v.indicator.code): v for v in Value.objects.select_related("indicator")}
    assert len(values) == 4
    assert all(v.verified_at is not None and v.verified_by == cast.assessor and v.by_assessor
               for v in values.values())
    first, second = (values[(cast.street.pk, item.indicator.code)] for item in w["items"])
    assert (first.number, first.version, second.number, second.version) == (100, 2, 250, 2)
    assert first.entered_by == cast.street_reporter  # the first entry stays the unit's
    revision = ValueRevision.objects.get()  # only the figure that moved has a revision
    assert (revision.value_id, revision.old_number, revision.new_number) == (second.pk, 200, 250)
    # The same file again: everything is verified and identical, so nothing is written.
    again = imports.import_file(edit(template(w, cast, assessor=cast.tjj), lambda book: None), by=cast.assessor)
    assert (again["created"], again["changed"], again["unchanged"]) == (0, 0, 4)
    assert ValueRevision.objects.count() == 1 and Value.objects.get(pk=second.pk).version == 2


def test_cells_are_read_as_a_person_types_them(cast, w):
    """Raw cells: codes typed as numbers or padded with spaces, blank and whitespace-only rows in between."""
    def change(book):
        sheet = book["数据"]
        sheet.cell(row=2, column=1, value=" S01 ")
        sheet.cell(row=2, column=8, value=120)
        sheet.cell(row=2, column=10, value="  按月累计  ")
        sheet.insert_rows(3, amount=2)
        sheet.cell(row=4, column=2, value="   ")  # a row of nothing but spaces
        sheet.cell(row=5, column=8, value=80.5)
    summary = imports.import_file(edit(template(w, cast), change), by=cast.street_reporter)
    assert summary["created"] == 2
    first = Value.objects.get(indicator=w["items"][0].indicator)
    assert (first.number, first.note) == (Decimal(120), "按月累计")
    assert Value.objects.get(indicator=w["items"][1].indicator).number == Decimal("80.5")


def test_after_the_window_only_a_returned_submission_takes_an_import(cast, w):
    """The page's rule (actions.entry_closed): a return asks for a correction whatever the date."""
    import datetime

    fill(cast, cast.street, w["q1"], w["items"], cast.street_reporter)
    data = edit(template(w, cast), set_values(151, 200))
    after_window = datetime.datetime.combine(actions.closes_on(w["q1"]) + datetime.timedelta(days=20),
                                             datetime.time(10), tzinfo=datetime.UTC)
    with time_machine.travel(after_window, tick=False):
        assert "截止填报" in errors_of(data)[0]
    sub = actions.submit(Submission.objects.get(), by=cast.street_reporter)
    actions.return_submission(sub, by=cast.street_reviewer, reason="口径有误，请更正", stage="review")
    with time_machine.travel(after_window, tick=False):
        summary = imports.import_file(data, by=cast.street_reporter)
    assert summary["changed"] == 1 and Value.objects.get(number=Decimal(151)).version == 2


@pytest.mark.parametrize("numbers", [(0.1, 1234.5678), (9_999_999_999.9999, -0.0003), (7, 2.5)])
def test_figures_come_back_exactly_as_typed(cast, w, numbers):
    imports.import_file(edit(template(w, cast), set_values(*numbers)), by=cast.street_reporter)
    stored = sorted(Value.objects.values_list("number", flat=True))
    assert stored == sorted(Decimal(repr(n)) for n in numbers)
    # bare figures: the columns bound once a statement hold what a first entry holds
    assert set(Value.objects.values_list("text", "note", "is_outlier", "version")) == {("", "", False, 1)}


def test_an_empty_template_writes_nothing_and_a_colleagues_filled_copy_still_goes_in(cast, w, login):
    """Two people download the template; one uploads it empty. Nothing is written, versions stay, and the other's
    filled copy is taken afterwards."""
    blank, filled = template(w, cast), edit(template(w, cast), set_values(120, 80))
    summary = imports.import_file(blank, by=cast.street_reporter)
    assert (summary["created"], summary["changed"], summary["unchanged"]) == (0, 0, 2)
    assert "未写入任何内容" in imports.describe(summary)
    assert not Value.objects.exists() and not Submission.objects.exists()  # not even the draft
    assert not Event.objects.filter(code="values.imported").exists()
    page = login(cast.street_reporter).post(reverse("reporting:unit_upload", args=[cast.street.pk, w["q1"].pk]),
                                            {"file": _upload(blank)}, follow=True)
    assert "未写入任何内容" in page.content.decode() and not Value.objects.exists()
    assert imports.import_file(filled, by=cast.street_reporter)["created"] == 2
    # The same filled file again changes nothing either: no version moves.
    assert imports.import_file(filled, by=cast.street_reporter)["changed"] == 0
    assert set(Value.objects.values_list("version", flat=True)) == {1}


def test_an_assessor_template_with_blank_rows_writes_only_its_figures(cast, w):
    data = edit(template(w, cast, assessor=cast.tjj), set_values(5, None, None, None))
    summary = imports.import_file(data, by=cast.assessor, expect_assessor=cast.tjj)
    assert (summary["created"], summary["unchanged"]) == (1, 3)
    assert Value.objects.get().number == Decimal(5)
    assert list(Submission.objects.values_list("unit", flat=True)) == [cast.street.pk]


def _rows_of(codes_and_numbers):
    """A unit template whose 数据 rows are replaced by (unit code, indicator code, 数值) rows, version 0."""
    def change(book):
        sheet = book["数据"]
        sheet.delete_rows(2, sheet.max_row)
        for row, (unit, indicator, number) in enumerate(codes_and_numbers, start=2):
            for column, cell in ((1, unit), (3, indicator), (8, number), (12, 0)):
                sheet.cell(row=row, column=column, value=cell)
    return change


def test_a_file_with_many_wrong_rows_says_the_true_count_and_lists_the_first(cast, w, login):
    code = w["items"][0].indicator.code
    data = edit(template(w, cast), _rows_of([("S01", code, "x")] * 1200))
    with pytest.raises(WorkbookError) as info:
        imports.import_file(data, by=cast.street_reporter)
    assert info.value.total == 1200 and len(info.value.errors) == 500
    assert [e.row for e in info.value.errors[:2]] == [2, 3]  # the first ones, in reading order
    page = login(cast.street_reporter).post(reverse("reporting:unit_upload", args=[cast.street.pk, w["q1"].pk]),
                                            {"file": _upload(data)}).content.decode()
    assert "共 1200 处问题（列出前 500 处，另有 700 处未列出）" in page
    assert Event.objects.filter(code="values.import_refused").latest("id").after["problems"] == 1200


@pytest.mark.parametrize(("typed", "problem"), [("12,34", "千位分隔符"), ("1_000", "下划线"), ("٣", "非阿拉伯数字"),
                                                ("1 234", "空格")])
def test_numbers_a_clerk_does_not_mean_are_refused_with_the_reason(cast, w, typed, problem):
    problems = errors_of(edit(template(w, cast), set_values(typed, 1)))
    assert len(problems) == 1 and "第2行" in problems[0] and "H列" in problems[0] and problem in problems[0]


def test_numbers_with_thousands_separators_are_read(cast, w):
    imports.import_file(edit(template(w, cast), set_values("1,234,567.5", "１２")), by=cast.street_reporter)
    assert sorted(Value.objects.values_list("number", flat=True)) == [Decimal(12), Decimal("1234567.5")]


def test_codes_typed_in_full_width_or_with_a_hidden_space_are_read_and_lower_case_is_named(cast, w):
    first, second = (item.indicator.code for item in w["items"])
    data = edit(template(w, cast), _rows_of([("Ｓ０１", first, 5), ("\u200bS01", second, 6)]))
    assert imports.import_file(data, by=cast.street_reporter)["created"] == 2
    problems = errors_of(edit(template(w, cast), _rows_of([("s01", first, 5)])))
    assert problems == ["工作表“数据”, 第2行, A列（单位编码）: 单位编码“s01”不存在；有“S01”：编码区分大小写，请按“S01”填写"]
    problems = errors_of(edit(template(w, cast), _rows_of([("S\n01", first, 5)])))
    assert "不可见的控制字符" in problems[0] and "A列" in problems[0]
