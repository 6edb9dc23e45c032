"""A small cycle with everything the scheme workbook carries, and helpers to edit exported workbooks."""

import io
from decimal import Decimal

import openpyxl

from jixiao.indicators import schemebook, schemeimport
from jixiao.indicators.models import (
    Direction,
    SchemeItem,
    Target,
    TargetMilestone,
    TargetSource,
    VetoCondition,
)
from jixiao.indicators.tests import builders
from jixiao.lib.excel import read_workbook


def build(cast, year=2027, status="planning"):
    """A draft scheme of `year` (two items per group), targets of both streets, a district target decomposed
    to them, quarterly milestones and a veto. Returns (cycle, scheme)."""
    cycle = builders.cycle(year, status=status)
    scheme = builders.valid_scheme(cast, cycle)
    VetoCondition.objects.create(scheme=scheme, code="V1", name="安全生产重大事故", effect="cap_grade",
                                 cap_grade="average")
    items = list(SchemeItem.objects.filter(scheme=scheme).select_related("indicator"))
    first = items[0].indicator
    parent = Target.objects.create(cycle=cycle, unit=cast.district, indicator=first, target_value=Decimal(2000),
                                   source=TargetSource.CITY_ASSIGNED)
    for unit, value in ((cast.street, 1200), (cast.other_street, 800)):
        for item in items:
            target = Target.objects.create(cycle=cycle, unit=unit, indicator=item.indicator,
                                           target_value=Decimal(value), baseline=Decimal(value - 100),
                                           parent=parent if item.indicator == first else None,
                                           source=TargetSource.CITY_ASSIGNED if item.indicator == first
                                           else TargetSource.DISTRICT_SET)
            if item.indicator == first:
                for i, period in enumerate(("Q1", "Q2", "Q3", "Q4"), start=1):
                    TargetMilestone.objects.create(target=target, period=period, value=Decimal(value * i) / 4)
    return cycle, scheme


def export(cycle) -> bytes:
    buffer = io.BytesIO()
    schemebook.write(buffer, cycle)
    return buffer.getvalue()


def contents(data: bytes) -> dict:
    return read_workbook(data, 10 * 1024 * 1024)


def edit(data: bytes, change) -> bytes:
    """Open an exported workbook with openpyxl, let `change(workbook)` edit it, return the new bytes."""
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    change(workbook)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def find_row(sheet, **columns) -> int:
    """The row number of the first data row whose cells match `columns` (header title -> value)."""
    header = [c.value for c in sheet[1]]
    for row in range(2, sheet.max_row + 1):
        if all(str(sheet.cell(row, header.index(t) + 1).value) == str(v) for t, v in columns.items()):
            return row
    raise LookupError(columns)


def set_cell(sheet_name, title, value, **match):
    def change(workbook):
        sheet = workbook[sheet_name]
        header = [c.value for c in sheet[1]]
        sheet.cell(find_row(sheet, **match), header.index(title) + 1).value = value
    return change


def import_bytes(data: bytes, by, reason=""):
    """Import a workbook file as the command does (`schemeimport.import_scheme_file`)."""
    return schemeimport.import_scheme_file(data, 10 * 1024 * 1024, by=by, reason=reason, file_name="test.xlsx")


def import_book(data: bytes, by, reason=""):
    """Import a workbook parsed apart, as the page's confirmation does (`schemeimport.import_scheme_book`)."""
    book = schemebook.read_book(data, 10 * 1024 * 1024)
    return schemeimport.import_scheme_book(book, by=by, reason=reason, file_name="test.xlsx")


def lower_better_indicator(code="C01", assessor=None):
    return builders.indicator(code, direction=Direction.LOWER_BETTER, assessor=assessor)
