"""Small builders for the org tests: workbooks in memory and uploads."""

import io

import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile

from jixiao.org.unitbook import COLUMNS

HEADER = [title for _, title in COLUMNS]


def workbook_bytes(rows, header=HEADER, sheet="单位") -> bytes:
    """A workbook written cell by cell as given (strings stay strings, so hostile text arrives as typed)."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"strings_to_formulas": False})
    ws = book.add_worksheet(sheet)
    for r, row in enumerate([header, *rows]):
        for c, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, (int, float)):
                ws.write_number(r, c, value)
            else:
                ws.write_string(r, c, str(value))
    book.close()
    return buffer.getvalue()


def row(code, name, kind="委办局", parent="D01", assessor="否", order=0, start="2020-01-01", end="", note="",
        short=""):
    return [code, name, short, kind, parent, assessor, order, start, end, note]


def upload(data: bytes, name="units.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
