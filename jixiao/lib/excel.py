"""Reading and writing Excel workbooks (.xlsx). Pure helpers: no Django models, no database.

Reading uses python-calamine (fast, Rust, never evaluates formulas or follows external links); writing uses
xlsxwriter. See docs/decisions/0003-excel.md for the choices and the checks an uploaded file goes through.
"""

from __future__ import annotations

import datetime
import io
import os
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import xlsxwriter
from python_calamine import CalamineWorkbook

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls / .doc
# What the parts of a package may add up to once unzipped; beyond this it is treated as a zip bomb.
MAX_EXPANDED_BYTES = 256 * 1024 * 1024
# Leading characters that make a spreadsheet treat text as a formula (OWASP "CSV injection").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
DATE_FORMAT = "yyyy-mm-dd"


@dataclass(frozen=True)
class CellError:
    """One problem in an uploaded workbook. `row` is Excel's 1-based row number; `column` a letter."""

    sheet: str
    row: int | None
    column: str
    message: str
    column_title: str = ""

    def __str__(self) -> str:
        where = []
        if self.sheet:
            where.append(f"工作表“{self.sheet}”")
        if self.row:
            where.append(f"第{self.row}行")
        if self.column:
            title = f"（{self.column_title}）" if self.column_title else ""
            where.append(f"{self.column}列{title}")
        return f"{', '.join(where)}: {self.message}" if where else self.message


class WorkbookError(Exception):
    """A workbook that cannot be used; carries every problem found, each with its place."""

    def __init__(self, errors: Sequence[CellError] | CellError | str):
        if isinstance(errors, str):
            errors = [CellError("", None, "", errors)]
        elif isinstance(errors, CellError):
            errors = [errors]
        self.errors = list(errors)
        super().__init__("; ".join(str(e) for e in self.errors))


@dataclass
class Sheet:
    """One worksheet to write: a header row and data rows (str, int, float, Decimal, date, bool or None)."""

    name: str
    header: list[str]
    rows: Iterable[Sequence] = ()
    widths: list[int] | None = None
    notes: dict[int, str] = field(default_factory=dict)  # column index -> comment on its header cell


def column_letter(index: int) -> str:
    """0 -> "A", 25 -> "Z", 26 -> "AA"."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def display_width(value) -> int:
    """Rough width in Excel character units: CJK characters take two."""
    text = cell_text(value)
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


# --- Writing ----------------------------------------------------------------------------------------


def write_workbook(path_or_buffer, sheets: Sequence[Sheet]) -> None:
    """Write sheets to a path or a binary buffer. Text never becomes a formula."""
    workbook = xlsxwriter.Workbook(path_or_buffer, {"in_memory": True, "strings_to_formulas": False,
                                            "strings_to_urls": False, "strings_to_numbers": False})
    formats = {
        "header": workbook.add_format({"bold": True, "bg_color": "#F2F2F2", "border": 1, "text_wrap": True}),
        "date": workbook.add_format({"num_format": DATE_FORMAT}),
        "datetime": workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"}),
        # quote_prefix: Excel shows the text as typed and keeps it text even when the cell is edited.
        "guarded": workbook.add_format({"quote_prefix": True}),
    }
    for sheet in sheets:
        _write_sheet(workbook, sheet, formats)
    workbook.close()


def _write_sheet(workbook, sheet: Sheet, formats) -> None:
    ws = workbook.add_worksheet(sheet.name)
    widths = [display_width(title) for title in sheet.header]
    for col, title in enumerate(sheet.header):
        ws.write_string(0, col, str(title), formats["header"])
        if col in sheet.notes:
            ws.write_comment(0, col, sheet.notes[col])
    row_number = 0
    for row_number, row in enumerate(sheet.rows, start=1):
        for col, value in enumerate(row):
            write_cell(ws, row_number, col, value, formats)
            if col < len(widths):
                widths[col] = max(widths[col], display_width(value))
    ws.freeze_panes(1, 0)
    if sheet.header:
        ws.autofilter(0, 0, max(row_number, 1), len(sheet.header) - 1)
    chosen = sheet.widths or [min(max(w + 2, 8), 60) for w in widths]
    for col, width in enumerate(chosen):
        ws.set_column(col, col, width)


def write_cell(ws, row: int, col: int, value, formats) -> None:
    if value is None or value == "":
        ws.write_blank(row, col, None)
    elif isinstance(value, bool):
        ws.write_boolean(row, col, value)
    elif isinstance(value, datetime.datetime):
        ws.write_datetime(row, col, value.replace(tzinfo=None), formats["datetime"])
    elif isinstance(value, datetime.date):
        ws.write_datetime(row, col, value, formats["date"])
    elif isinstance(value, (int, float)):
        ws.write_number(row, col, value)
    else:
        text = str(value)
        if text.startswith(FORMULA_PREFIXES):
            ws.write_string(row, col, text, formats["guarded"])
        else:
            ws.write_string(row, col, text)


# --- Reading ----------------------------------------------------------------------------------------


def read_workbook(file, max_bytes: int) -> dict[str, list[list]]:
    """Read every sheet of an .xlsx into rows of values, or raise WorkbookError in Chinese.

    `file` is a path, bytes, or a binary file object (Django's UploadedFile included). Cells come back as
    str (stripped), int (for whole numbers: calamine gives 101.0 for 101), float, bool, datetime.date /
    datetime.datetime, or None for an empty cell. Trailing empty rows are dropped.
    """
    data = _read_limited(file, max_bytes)
    _check_package(data)
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = {name: workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
                  for name in workbook.sheet_names}
    except Exception as exc:  # calamine raises several types for a damaged file
        raise WorkbookError("无法读取该工作簿，文件可能已损坏或加密，请用 Excel 另存为 .xlsx 后重试。") from exc
    return {name: _clean_rows(rows) for name, rows in sheets.items()}


def _read_limited(file, max_bytes: int) -> bytes:
    size = _declared_size(file)
    if size is not None and size > max_bytes:
        raise WorkbookError(size_message(size, max_bytes))
    if isinstance(file, (bytes, bytearray)):
        data = bytes(file)
    elif isinstance(file, (str, os.PathLike)):
        with open(file, "rb") as handle:
            data = handle.read(max_bytes + 1)
    else:
        if hasattr(file, "seek"):
            file.seek(0)
        data = file.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise WorkbookError(size_message(len(data), max_bytes))
    if not data:
        raise WorkbookError("上传的文件是空的。")
    return data


def _declared_size(file) -> int | None:
    if isinstance(file, (bytes, bytearray)):
        return len(file)
    if isinstance(file, (str, os.PathLike)):
        return os.path.getsize(file)
    size = getattr(file, "size", None)
    return size if isinstance(size, int) else None


def size_message(size: int, max_bytes: int) -> str:
    return (f"文件大小为 {size / 1024 / 1024:.1f} MB，超过上限 {max_bytes / 1024 / 1024:.0f} MB。"
            "请删除多余的工作表或行后重试，或分批导入。")


def _check_package(data: bytes) -> None:
    """Judge the file by its content, never by its name."""
    if data.startswith(OLE_MAGIC):
        raise WorkbookError("这是旧版 Excel（.xls）或其他 Office 文件，请在 Excel 中“另存为” .xlsx 格式后再上传。")
    if not data.startswith(ZIP_MAGIC):
        raise WorkbookError("文件不是 Excel 工作簿（.xlsx）：请勿上传改了扩展名的文本、CSV 或其他文件。")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            names = set(package.namelist())
            expanded = sum(info.file_size for info in package.infolist())
    except (zipfile.BadZipFile, ValueError) as exc:
        raise WorkbookError("文件已损坏，无法作为 Excel 工作簿（.xlsx）打开。") from exc
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise WorkbookError("文件不是 Excel 工作簿（.xlsx）：压缩包中缺少工作簿内容。")
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise WorkbookError("文件包含宏，出于安全原因不予接收，请另存为不含宏的 .xlsx 文件。")
    if expanded > MAX_EXPANDED_BYTES:
        raise WorkbookError("文件解压后体积异常庞大，疑似恶意文件，不予接收。")


def _clean_rows(rows: list[list]) -> list[list]:
    cleaned = [[clean_value(v) for v in row] for row in rows]
    while cleaned and all(v is None for v in cleaned[-1]):
        cleaned.pop()
    return cleaned


def clean_value(value):
    if isinstance(value, str):
        value = value.strip()
        return value or None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def cell_text(value) -> str:
    """A cell as text: codes typed as numbers come back as "101", not "101.0"."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


def cell_date(value) -> datetime.date | None:
    """A date cell or text such as 2024-01-31, 2024/1/31 or 2024年1月31日. ValueError when not a date."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        text = value.strip().replace("年", "-").replace("月", "-").replace("日", "").replace("/", "-").replace(".", "-")
        parts = text.split("-")
        if len(parts) == 3 and all(p.isdigit() for p in parts):
            return datetime.date(int(parts[0]), int(parts[1]), int(parts[2]))
    raise ValueError(f"not a date: {value!r}")


def header_index(header: Sequence, wanted: Iterable[str]) -> dict[str, int]:
    """Map each wanted title to its column index in a header row (titles matched after stripping)."""
    positions = {cell_text(title): i for i, title in enumerate(header) if cell_text(title)}
    return {title: positions[title] for title in wanted if title in positions}
