"""The value import's short path for plain figures (imports.Figures): it must write exactly what the general path
writes, refuse exactly what it refuses, and give way to it wherever a figure needs more than its form checked.
Also: duplicate rows, an inactive account, and the database's foreign keys holding the import's rows."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.db import transaction

from jixiao.lib.excel import WorkbookError
from jixiao.reporting import actions, imports
from jixiao.reporting.models import Submission, Value, ValueRevision
from jixiao.reporting.tests.builders import fill, history
from jixiao.reporting.tests.test_imports import edit, errors_of, set_values, template

pytestmark = pytest.mark.usefixtures("frozen")


def snapshot() -> list[tuple]:
    values = sorted(Value.objects.order_by().values_list(
        "unit__code", "indicator__code", "item_id", "number", "text", "note", "explanation", "is_outlier", "version",
        "changes_since_approval", "by_assessor", "verified_by_id", "unlocked", "entered_by_id", "updated_by_id",
        "cycle_id", "submission__unit__code"), key=repr)
    revisions = sorted(ValueRevision.objects.values_list("value__unit__code", "value__indicator__code", "old_number",
                                                         "new_number", "after_approval", "source"), key=repr)
    return [*values, *revisions]


def outcome(data, by, monkeypatch, *, short: bool):
    """What importing `data` does (summary or errors, and the values afterwards), with or without the short path;
    rolled back afterwards. Also how many rows took the short path."""
    taken = []
    parse_rows = imports.parse_rows

    def counting(rows, scope, **kwargs):
        if not short:
            scope.by_code = {code: unit._replace(plain={}) for code, unit in scope.by_code.items()}
        parsed = parse_rows(rows, scope, **kwargs)
        taken.append(sum(len(f.rows) for f in parsed.figures.values()))
        return parsed

    monkeypatch.setattr(imports, "parse_rows", counting)
    with transaction.atomic():
        try:
            result = ("written", imports.import_file(data, by=by), snapshot())
        except WorkbookError as error:
            result = ("refused", [str(e) for e in error.errors], snapshot())
        transaction.set_rollback(True)
    monkeypatch.setattr(imports, "parse_rows", parse_rows)
    return result, taken[0]


def both_ways(data, by, monkeypatch):
    short, taken = outcome(data, by, monkeypatch, short=True)
    general, none = outcome(data, by, monkeypatch, short=False)
    assert none == 0
    assert short == general
    return short, taken


def test_a_first_upload_takes_the_short_path_and_writes_what_the_general_path_writes(cast, w, monkeypatch):
    (kind, summary, values), taken = both_ways(edit(template(w, cast), set_values(120, 80.25)), cast.street_reporter,
                                               monkeypatch)
    assert taken == 2
    assert kind == "written" and (summary["created"], summary["changed"], summary["unchanged"]) == (2, 0, 0)
    assert [v[3] for v in values] == [Decimal(120), Decimal("80.25")]


def test_assessor_figures_for_every_unit_arrive_verified_either_way(cast, w, monkeypatch):
    data = edit(template(w, cast, assessor=cast.tjj), set_values(1, 2.5, 3, 4))
    (kind, summary, values), taken = both_ways(data, cast.assessor, monkeypatch)
    assert taken == 4 and kind == "written" and summary["created"] == 4
    assert all(v[10] is True and v[11] == cast.assessor.pk for v in values)


def test_stored_values_take_the_general_path(cast, w, monkeypatch):
    """A unit's stored values: the template carries their versions, so only unchanged version-0 rows would be
    short; a version-0 row over a stored value is refused the same way."""
    fill(cast, cast.street, w["q1"], w["items"], cast.street_reporter)
    (kind, errors, _values), taken = both_ways(edit(edit(template(w, cast), set_values(150, 250)), _version(0)),
                                               cast.street_reporter, monkeypatch)
    assert taken == 2  # parsed as plain figures, then handed back to the general path, which refuses them
    assert kind == "refused" and len(errors) == 2 and "版本" in errors[0]
    (kind, summary, _values), taken = both_ways(edit(template(w, cast), set_values(150, 250)), cast.street_reporter,
                                                monkeypatch)
    assert taken == 0 and kind == "written" and summary["changed"] == 2


def test_history_sends_a_figure_to_the_outlier_test(cast, w, monkeypatch):
    history(cast, w, {2023: 100, 2024: 110, 2025: 105})
    (kind, _summary, values), taken = both_ways(edit(template(w, cast), set_values(900, 80)), cast.street_reporter,
                                                monkeypatch)
    assert taken == 2 and kind == "written"
    outliers = {v[1]: v[7] for v in values if v[0] == cast.street.code and v[16] == cast.street.code
                and v[3] in (Decimal(900), Decimal(80))}
    assert outliers == {w["items"][0].indicator.code: True, w["items"][1].indicator.code: False}


def test_a_submission_that_refuses_new_values_refuses_short_figures_too(cast, w, monkeypatch):
    """After the window a unit's draft takes nothing: the short figures get the general path's refusal."""
    after_window = datetime.datetime.combine(actions.closes_on(w["q1"]) + datetime.timedelta(days=20),
                                             datetime.time(10), tzinfo=datetime.UTC)
    data = edit(edit(template(w, cast), set_values(6, 7)), lambda book: book["数据"].cell(row=2, column=10, value="注"))
    with time_machine.travel(after_window, tick=False):
        (kind, errors, _values), taken = both_ways(data, cast.street_reporter, monkeypatch)
    closed = f"{actions.closes_on(w['q1']):%Y-%m-%d}"
    assert taken == 1 and kind == "refused" and errors == [  # in row order, whichever path (row 2 has a note)
        f"工作表“数据”, 第{row}行: 本期已于 {closed} 截止填报，数据已锁定。如需更正，请向绩效办申请解锁。" for row in (2, 3)]


def test_a_returned_submission_counts_a_first_figure_as_a_change_after_approval(cast, w, monkeypatch):
    """A submission the assessor returned after approval keeps its approval date: a figure entered now (here one
    whose value was removed) counts as a change after approval, on the short path as on the general one."""
    fill(cast, cast.street, w["q1"], w["items"], cast.street_reporter)
    sub = actions.approve(actions.submit(Submission.objects.get(), by=cast.street_reporter), by=cast.street_reviewer)
    actions.return_submission(sub, by=cast.assessor, reason="数据口径不符，请核实", stage="verify")
    Value.objects.filter(indicator=w["items"][1].indicator).delete()
    data = edit(template(w, cast), set_values(100, 7))
    (kind, summary, values), taken = both_ways(data, cast.street_reporter, monkeypatch)
    assert taken == 1 and kind == "written" and summary["created"] == 1
    assert {(v[3], v[9]) for v in values} == {(Decimal(100), 0), (Decimal(7), 1)}


def _version(number):
    def change(book):
        for row in range(2, book["数据"].max_row + 1):
            book["数据"].cell(row=row, column=12, value=number)
    return change


@pytest.mark.parametrize("second", [(120, None), (130, "另一口径")])
def test_a_duplicated_row_is_named_and_nothing_is_written(cast, w, second):
    def duplicate(book):
        sheet = book["数据"]
        cells = [c.value for c in sheet[2]]
        cells[7], cells[9] = second
        sheet.append(cells)
    data = edit(edit(template(w, cast), set_values(120, 80)), duplicate)
    errors = errors_of(data)
    assert len(errors) == 1 and "第4行" in errors[0] and "与第 2 行重复" in errors[0]
    assert Value.objects.count() == 0


def test_an_inactive_account_cannot_import(cast, w):
    cast.street_reporter.is_active = False
    cast.street_reporter.save(update_fields=["is_active"])
    errors = errors_of(edit(template(w, cast), set_values(1, 2)), by=cast.street_reporter)
    assert "停用" in errors[0] and Value.objects.count() == 0


def test_an_assessor_file_without_a_units_rows_leaves_that_unit_without_a_submission(cast, w):
    def keep_first_unit(book):
        sheet = book["数据"]
        sheet.delete_rows(4, 2)  # the second street's two rows
    data = edit(edit(template(w, cast, assessor=cast.tjj), set_values(1, 2, 3, 4)), keep_first_unit)
    summary = imports.import_file(data, by=cast.assessor)
    assert (summary["created"], summary["units"]) == (2, 1)
    assert list(Submission.objects.values_list("unit", flat=True)) == [cast.street.pk]


def test_an_id_that_does_not_exist_stops_the_write(transactional_db, cast, w, monkeypatch):
    """The import's rows are checked by the database's foreign keys, as every write is: a scheme item id nobody has
    (as a bug would give) stops it, and nothing is written."""
    from django.db import IntegrityError

    of = imports.Scope.of

    def broken(*args):
        scope = of(*args)
        scope.by_code = {code: unit._replace(plain={key: plain._replace(item_id=987654)
                                                    for key, plain in unit.plain.items()})
                         for code, unit in scope.by_code.items()}
        return scope

    monkeypatch.setattr(imports.Scope, "of", broken)
    with pytest.raises(IntegrityError):
        imports.import_file(edit(template(w, cast), set_values(1, 2)), by=cast.street_reporter)
    assert not Value.objects.exists() and not Submission.objects.exists()
