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


def duplicate_rows_workbook(n_rows: int) -> bytes:
    """A unit workbook whose sheet repeats one row `n_rows` times, as a hostile tool writes it: shared strings, no
    cell references and no <dimension> to give the size away, so 2,000,000 rows pack into about a megabyte (issue
    14 measured such a file of 795 KB). The sheet XML is streamed into the zip: building it takes little memory."""
    import zipfile
    from xml.sax.saxutils import escape

    strings = [*HEADER, "B05", "甲局", "委办局", "D01"]
    shared = "".join(f"<si><t>{escape(text)}</t></si>" for text in strings)
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    header = "".join(f'<c t="s"><v>{i}</v></c>' for i in range(len(HEADER)))
    first = len(HEADER)
    row_xml = (f'<row><c t="s"><v>{first}</v></c><c t="s"><v>{first + 1}</v></c><c/>'
               f'<c t="s"><v>{first + 2}</v></c><c t="s"><v>{first + 3}</v></c></row>').encode()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(workbook_bytes([row("B05", "甲局")]))) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename == "xl/sharedStrings.xml":
                dst.writestr(info.filename, f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{main}" '
                                            f'count="{len(strings)}" uniqueCount="{len(strings)}">{shared}</sst>')
            elif info.filename != "xl/worksheets/sheet1.xml":
                dst.writestr(info.filename, src.read(info.filename))
        with dst.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{main}"><sheetData>'
                        f"<row>{header}</row>".encode())
            for done in range(0, n_rows, 10_000):
                sheet.write(row_xml * min(10_000, n_rows - done))
            sheet.write(b"</sheetData></worksheet>")
    return out.getvalue()
