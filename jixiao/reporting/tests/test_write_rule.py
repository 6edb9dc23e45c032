"""One rule for writing a value (actions.write_rule): the entry page, the Excel import and the assessor grid take
and refuse the same writes, and a write does the same to the value (verification, change count, revision).

Each case builds a submission in one state and writes 150 over the first indicator's 100 through one channel.
"""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
import time_machine
from django.urls import reverse

from jixiao.lib.excel import WorkbookError
from jixiao.reporting import actions, imports
from jixiao.reporting.models import Status, Submission, Value, ValueRevision
from jixiao.reporting.tests.builders import fill

pytestmark = pytest.mark.usefixtures("frozen")
REASON = "按统计年报更正"


def _after_window(w):
    day = actions.closes_on(w["q1"]) + datetime.timedelta(days=5)
    return datetime.datetime.combine(day, datetime.time(10), tzinfo=datetime.UTC)


def _submitted(cast, w):
    fill(cast, cast.street, w["q1"], w["items"], cast.street_reporter)
    return actions.submit(Submission.objects.get(unit=cast.street), by=cast.street_reporter)


def _approved(cast, w):
    return actions.approve(_submitted(cast, w), by=cast.street_reviewer)


def _verified(cast, w):
    return actions.verify(_approved(cast, w), by=cast.assessor, assessor=cast.tjj)


def _first(cast, w):
    return Value.objects.get(unit=cast.street, indicator=w["items"][0].indicator)


def draft(cast, w):
    fill(cast, cast.street, w["q1"], w["items"], cast.street_reporter)


def draft_after_window(cast, w):
    draft(cast, w)
    return _after_window(w)


def submitted(cast, w):
    _submitted(cast, w)


def approved(cast, w):
    _approved(cast, w)


def value_returned_by_its_assessor(cast, w):
    _approved(cast, w)
    actions.return_value(_first(cast, w), by=cast.assessor, assessor=cast.tjj, reason="口径不一致")


def value_unlocked_by_the_office(cast, w):
    _verified(cast, w)
    actions.unlock_value(_first(cast, w), by=cast.office, reason="统计年报更正")


def returned_after_window(cast, w):
    actions.return_submission(_submitted(cast, w), by=cast.street_reviewer, reason="口径有误", stage="review")
    return _after_window(w)


def locked(cast, w):
    _verified(cast, w)
    actions.lock_due_submissions(w["q1"].verify_deadline + datetime.timedelta(days=1))


# state -> (the unit may write, the write counts as a change after approval)
UNIT = {draft: (True, False), draft_after_window: (False, None), submitted: (False, None), approved: (False, None),
        value_returned_by_its_assessor: (True, True), value_unlocked_by_the_office: (True, True),
        returned_after_window: (True, False), locked: (False, None)}


def _template(w, cast, **who) -> openpyxl.Workbook:
    buffer = io.BytesIO()
    imports.export_template(buffer, w["q1"], **(who or {"unit": cast.street}))
    return openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))


def _column(sheet, title) -> int:
    header = [cell.value for cell in sheet[1]]
    return header.index(title) + 1 if title in header else len(header) + 1


def _workbook_row(cast, w, book, number, reason):
    """Write `number` (and the reason) into the row of the street's first indicator; return the file's bytes."""
    sheet = book["数据"]
    code = w["items"][0].indicator.code
    row = next(r for r in range(2, sheet.max_row + 1)
               if sheet.cell(r, 1).value == cast.street.code and sheet.cell(r, 3).value == code)
    sheet.cell(row, _column(sheet, "数值"), number)
    column = _column(sheet, "修改理由")
    sheet.cell(1, column, "修改理由")
    sheet.cell(row, column, reason)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def by_page(cast, w, login):
    """The entry page's save (the htmx card); answers the refusal or ""."""
    value = _first(cast, w)
    url = reverse("reporting:save_value", args=[cast.street.pk, w["q1"].pk, w["items"][0].pk])
    response = login(cast.street_reporter).post(url, {"number": "150", "version": value.version, "reason": REASON},
                                                HTTP_HX_REQUEST="true")
    return "" if response.status_code == 200 else str(response.status_code)


def _import(data, **kwargs):
    try:
        imports.import_file(data, **kwargs)
    except WorkbookError as error:
        return str(error)
    return ""


def by_import(cast, w, login):
    data = _workbook_row(cast, w, _template(w, cast), 150, REASON)
    return _import(data, by=cast.street_reporter, expect_unit=cast.street)


def by_grid(cast, w, login):
    item = w["items"][0]
    data = {f"v-{cast.street.pk}-{item.indicator_id}": "150", f"ver-{cast.street.pk}-{item.indicator_id}":
            _first(cast, w).version}
    response = login(cast.assessor).post(reverse("reporting:assessor", args=[w["q1"].pk]), data)
    return "" if response.status_code == 302 else str(response.status_code)


def by_assessor_import(cast, w, login):
    data = _workbook_row(cast, w, _template(w, cast, assessor=cast.tjj), 150, "")
    return _import(data, by=cast.assessor, expect_assessor=cast.tjj)


def _write(cast, w, login, state, channel) -> tuple[str, Value]:
    when = state(cast, w)
    before = _first(cast, w)
    if when is None:
        refused = channel(cast, w, login)
    else:
        with time_machine.travel(when, tick=False):
            refused = channel(cast, w, login)
    return refused, before


@pytest.mark.parametrize("channel", [by_page, by_import], ids=["page", "import"])
@pytest.mark.parametrize("state", list(UNIT), ids=[s.__name__ for s in UNIT])
def test_the_page_and_the_import_take_the_same_writes_of_a_unit(cast, w, login, state, channel):
    allowed, after_approval = UNIT[state]
    refused, before = _write(cast, w, login, state, channel)
    value = _first(cast, w)
    if not allowed:
        assert refused and value.number == Decimal(100) and value.version == before.version
        return
    assert refused == ""
    assert (value.number, value.version, value.verified_at) == (Decimal(150), before.version + 1, None)
    assert value.changes_since_approval == before.changes_since_approval + (1 if after_approval else 0)
    revision = ValueRevision.objects.get(value=value)
    assert (revision.old_number, revision.new_number, revision.after_approval) == (100, 150, after_approval)
    assert revision.reason == REASON


@pytest.mark.parametrize("channel", [by_grid, by_assessor_import], ids=["grid", "import"])
@pytest.mark.parametrize("state", [draft, approved, value_returned_by_its_assessor, value_unlocked_by_the_office,
                                   locked], ids=lambda s: s.__name__)
def test_the_grid_and_the_assessor_import_take_the_same_writes(cast, w, login, state, channel):
    refused, before = _write(cast, w, login, state, channel)
    value = _first(cast, w)
    if state is locked:
        assert refused and value.number == Decimal(100)
        return
    assert refused == ""
    assert (value.number, value.version, value.verified_by) == (Decimal(150), before.version + 1, cast.assessor)
    assert not value.unlocked and not value.is_returned
    assert value.changes_since_approval == before.changes_since_approval  # the assessor's own figure


def test_a_correction_without_a_reason_is_refused_alike(cast, w, login):
    value_returned_by_its_assessor(cast, w)
    version = _first(cast, w).version
    problems = _import(_workbook_row(cast, w, _template(w, cast), 150, ""), by=cast.street_reporter)
    with pytest.raises(actions.Refused) as refused:
        actions.save_value(cast.street, w["q1"], w["items"][0], by=cast.street_reporter, number=Decimal(150))
    assert refused.value.messages[0] in problems and "修改理由" in problems
    assert _first(cast, w).number == Decimal(100)
    # An unchanged row of a returned value needs no reason: nothing is written for it.
    assert _import(_workbook_row(cast, w, _template(w, cast), 100, ""), by=cast.street_reporter) == ""
    assert _first(cast, w).version == version and Submission.objects.get(unit=cast.street).status == Status.APPROVED
