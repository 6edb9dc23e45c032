"""Reading and writing Excel workbooks (.xlsx). Pure helpers: no Django models, no database.

Reading uses python-calamine (fast, Rust, never evaluates formulas or follows external links); writing uses
xlsxwriter. See docs/decisions/0003-excel.md for the choices and the checks an uploaded file goes through.
"""

from __future__ import annotations

import datetime
import html
import io
import os
import re
import threading
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import xlsxwriter
from python_calamine import CalamineWorkbook

from jixiao.lib.cells import Problems

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
    """A workbook that cannot be used; carries the problems found, each with its place.

    `errors` lists them (from a `cells.Problems`: the first MAX_LISTED in reading order); `total` counts them all,
    listed or not, so a page says "共 99,000 处问题，列出前 500 处" rather than the length of a cut list."""

    def __init__(self, errors: Sequence[CellError] | CellError | str | Problems):
        if isinstance(errors, str):
            errors = [CellError("", None, "", errors)]
        elif isinstance(errors, CellError):
            errors = [errors]
        if isinstance(errors, Problems):
            self.errors, self.total = errors.listed, errors.total
        else:
            self.errors = list(errors)
            self.total = len(self.errors)
        super().__init__("; ".join(str(e) for e in self.errors))

    @property
    def unlisted(self) -> int:
        """Problems counted but not listed."""
        return self.total - len(self.errors)

    def summary(self) -> str:
        """"共 N 处问题" and, when not all are listed, how many are: the closing line of a command or a page."""
        if self.unlisted:
            return f"共 {self.total} 处问题（列出前 {len(self.errors)} 处，另有 {self.unlisted} 处未列出）"
        return f"共 {self.total} 处问题"


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


def read_workbook(file, max_bytes: int, *, clean: bool = True) -> dict[str, list[list]]:
    """Read every sheet of an .xlsx into rows of values, or raise WorkbookError in Chinese.

    Not for uploads: every import reads them with `read_workbook_strict` / `open_strict` (formulas, hidden sheets,
    merged cells and the row cap refused before calamine parses). This reads files we wrote ourselves (tests).

    `file` is a path, bytes, or a binary file object (Django's UploadedFile included). Cells come back as
    str (stripped), int (for whole numbers: calamine gives 101.0 for 101), float, bool, datetime.date /
    datetime.datetime, or None for an empty cell. Trailing empty rows are dropped.

    `clean=False` leaves the cells as calamine gives them ("" for an empty cell, floats for every number,
    text unstripped) for formats that read tens of thousands of rows but only some of their columns: they
    pass the cells they use through `clean_value` themselves instead of paying for every cell.
    """
    data = _read_limited(file, max_bytes)
    _check_package(data)
    return _parse(data, clean)


def _parse(data: bytes, clean: bool) -> dict[str, list[list]]:
    return _rows(_load_sheets(data), clean)


def _load_sheets(data: bytes) -> dict:
    """calamine's parsed worksheets, all of them (not yet Python values). The parse runs without the GIL."""
    workbook, present = _open_workbook(data)
    return _parse_sheets(workbook, present)


def _open_workbook(data: bytes) -> tuple[CalamineWorkbook, list[str]]:
    """calamine's workbook of checked bytes and its worksheet names, in workbook order (no sheet parsed yet)."""
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        return workbook, list(workbook.sheet_names)
    except Exception as exc:  # calamine raises several types for a damaged file
        raise WorkbookError(UNREADABLE) from exc


def _parse_sheets(workbook: CalamineWorkbook, names: Iterable[str]) -> dict:
    """The named sheets of an open workbook, parsed by calamine (without the GIL)."""
    try:
        return {name: workbook.get_sheet_by_name(name) for name in names}
    except Exception as exc:  # calamine raises several types for a damaged file
        raise WorkbookError(UNREADABLE) from exc


def _rows(parsed: dict, clean: bool) -> dict[str, list[list]]:
    try:
        sheets = {name: sheet.to_python(skip_empty_area=False) for name, sheet in parsed.items()}
    except Exception as exc:
        raise WorkbookError(UNREADABLE) from exc
    if clean:
        return {name: _clean_rows(rows) for name, rows in sheets.items()}
    for rows in sheets.values():
        while rows and all(clean_value(v) is None for v in rows[-1]):
            rows.pop()
    return sheets


UNREADABLE = "无法读取该工作簿，文件可能已损坏或加密，请用 Excel 另存为 .xlsx 后重试。"


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


def _check_package(data: bytes) -> int:
    """Judge the file by its content, never by its name. Returns the size of its parts once unzipped."""
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
    return expanded


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


# --- Strict reading: look inside the package before calamine does ------------------------------------
# Exchange formats that carry many rows of numbers (the scheme workbook) refuse what calamine would
# silently flatten: formulas (calamine returns the cached value, which may be stale or forged), merged
# cells (only the top-left cell holds the value), hidden sheets (data nobody reviewed) and external links.
# The package is streamed part by part, so a sheet with a million rows is refused after reading only as
# many rows as the cap allows.

# The one row cap of every workbook import (units, schemes, values): data rows per sheet, the header on top. The
# biggest real sheet, a district's full target matrix or value template, has about 9,000 rows; a city's about ten
# times that. Past it a sheet is refused while it is streamed, before calamine parses anything.
MAX_ROWS = 100_000
STREAM_CHUNK = 1024 * 1024
STREAM_OVERLAP = 4096
MAX_LISTED_PER_SHEET = 10
_SHEET_TAG = re.compile(rb"<(?:\w+:)?sheet\b[^>]*>")
_REL_TAG = re.compile(rb"<(?:\w+:)?Relationship\b[^>]*>")
_ATTR = re.compile(rb'([\w:]+)\s*=\s*"([^"]*)"')
_ROW_TAG = re.compile(rb"<(?:\w+:)?row[\s>/]")
_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")
# Cheap first passes (they start with a literal, which the regex engine scans for quickly): every formula
# tag, prefixed or not, contains `f` followed by a space, `>` or `/`; every prefixed row tag `:row`.
_FORMULA_HINT = re.compile(rb"f[\s>/]")
_PREFIXED_ROW = re.compile(rb":row[\s>/]")
_CELL_TAG = re.compile(rb'<(?:\w+:)?c\s[^>]*?\br="([A-Z]{1,3}\d+)"')
_MERGE_TAG = re.compile(rb"<(?:\w+:)?mergeCell\b[^>]*>")
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="[A-Z]*\d*:?[A-Z]*(\d+)"')
_CELL_REF = re.compile(r"([A-Z]{1,3})(\d+)")


@dataclass(frozen=True)
class SheetPart:
    """A worksheet of a package: its name, the zip member holding it and whether it is hidden."""

    name: str
    path: str
    hidden: bool


def _attrs(tag: bytes) -> dict[str, str]:
    return {key.decode().split(":")[-1]: html.unescape(value.decode("utf-8", "replace"))
            for key, value in _ATTR.findall(tag)}


def sheet_parts(package: zipfile.ZipFile) -> list[SheetPart]:
    """The worksheets in workbook order, read from xl/workbook.xml and its relationships."""
    workbook = package.read("xl/workbook.xml")
    try:
        rels = package.read("xl/_rels/workbook.xml.rels")
    except KeyError:
        rels = b""
    targets = {}
    for tag in _REL_TAG.findall(rels):
        attrs = _attrs(tag)
        target = attrs.get("Target", "")
        targets[attrs.get("Id", "")] = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    parts = []
    for tag in _SHEET_TAG.findall(workbook):
        attrs = _attrs(tag)
        parts.append(SheetPart(attrs.get("name", ""), targets.get(attrs.get("id", ""), ""),
                               attrs.get("state", "visible") in ("hidden", "veryHidden")))
    return parts


def _cell_error(sheet: str, ref: str, message: str) -> CellError:
    match = _CELL_REF.match(ref or "")
    if not match:
        return CellError(sheet, None, "", message)
    return CellError(sheet, int(match.group(2)), match.group(1), message)


@dataclass
class _SheetScan:
    rows: int = 0
    too_many: bool = False
    formulas: list[str] = field(default_factory=list)
    n_formulas: int = 0
    merges: list[str] = field(default_factory=list)


def _formula_ref(buffer: bytes, at: int) -> str:
    """The reference of the cell whose formula starts at `at`: the last cell tag before it (prefixed or not)."""
    cells = list(_CELL_TAG.finditer(buffer, max(0, at - 1024), at))
    return cells[-1].group(1).decode() if cells else ""


def _scan_chunk(scan: _SheetScan, buffer: bytes, limit: int, exact: bool = False) -> None:
    """Count rows and note formulas and merges in `buffer[:limit]` (`limit` never falls inside a tag).

    Byte counts and literal-led searches settle the common case (unprefixed row tags, no formula, no merge) at
    memory speed; the exact patterns run only where a prefixed row tag, a formula or a merge may be, so nothing
    they would find is missed. Unless `exact`, the rows are counted as every `<row` — row tags and any other tag
    whose name starts with "row" (`<rowBreaks>`) —, at least the true count: enough to know a sheet is within
    the cap, and `scan_sheet` counts again exactly before it refuses one.
    """
    if _PREFIXED_ROW.search(buffer, 0, limit):
        scan.rows += len(_ROW_TAG.findall(buffer, 0, limit))
    elif not exact:
        scan.rows += buffer.count(b"<row", 0, limit)
    else:
        rows = buffer.count(b"<row ", 0, limit)
        if rows != buffer.count(b"<row", 0, limit):  # <row> or <row/>, a line break after the name, <rowBreaks>
            rows = len(_ROW_TAG.findall(buffer, 0, limit))
        scan.rows += rows
    if _FORMULA_HINT.search(buffer, 0, limit):
        for match in _FORMULA_TAG.finditer(buffer, 0, limit):
            scan.n_formulas += 1
            if len(scan.formulas) < MAX_LISTED_PER_SHEET:
                scan.formulas.append(_formula_ref(buffer, match.start()))
    if buffer.find(b"mergeCell", 0, limit) >= 0:
        for match in _MERGE_TAG.finditer(buffer, 0, limit):
            if len(scan.merges) < MAX_LISTED_PER_SHEET:
                scan.merges.append(_attrs(match.group(0)).get("ref", ""))


def scan_sheet(package: zipfile.ZipFile, path: str, max_rows: int) -> _SheetScan:
    """Stream one sheet part: rows (stopping once past `max_rows`), formula cells and merged ranges.

    Rows are first counted as every `<row` (see `_scan_chunk`); a sheet whose count passes the cap is streamed
    again and its rows counted exactly, so only a sheet that truly has too many rows is refused.
    """
    scan = _scan(package, path, max_rows, exact=False)
    return _scan(package, path, max_rows, exact=True) if scan.too_many else scan


def _scan(package: zipfile.ZipFile, path: str, max_rows: int, *, exact: bool) -> _SheetScan:
    scan = _SheetScan()
    with package.open(path) as stream:
        tail = b""
        first = True
        while True:
            chunk = stream.read(STREAM_CHUNK)
            buffer = tail + chunk
            if first:
                first = False
                dimension = _DIMENSION.search(buffer[:4096])
                if dimension and int(dimension.group(1)) > max_rows + 1:
                    scan.too_many, scan.rows = True, int(dimension.group(1))
                    return scan
            if not chunk:
                _scan_chunk(scan, buffer, len(buffer), exact)
                break
            # Cut just before a "<": no tag straddles the cut, so each tag is seen in exactly one buffer.
            limit = max(buffer.rfind(b"<", 0, max(len(buffer) - STREAM_OVERLAP, 0)), 0)
            _scan_chunk(scan, buffer, limit, exact)
            tail = buffer[limit:]
            if scan.rows > max_rows + 1:
                scan.too_many = True
                return scan
    scan.too_many = scan.rows > max_rows + 1
    return scan


def inspect_package(data: bytes, *, max_rows: int, ignore_sheets: Iterable[str] = ()) -> list[CellError]:
    """Problems that make a package unfit for a strict import (empty list: fine).

    `max_rows` caps the data rows of every sheet (the header row comes on top). Sheets named in
    `ignore_sheets` (e.g. an explanation sheet) are still checked for being hidden and for size.
    """
    ignored = set(ignore_sheets)
    problems: list[CellError] = []
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        names = set(package.namelist())
        if any(name.lower().startswith("xl/externallinks/") for name in names):
            problems.append(CellError("", None, "", "文件包含指向其他工作簿的外部链接，出于安全原因不予接收，"
                                                    "请在 Excel 中“断开链接”后另存。"))
        for part in sheet_parts(package):
            if part.hidden:
                problems.append(CellError(part.name, None, "", "工作表被隐藏。请在 Excel 中取消隐藏并核对其内容，"
                                                               "或删除该工作表后重新上传。"))
            if part.path not in names:
                continue
            scan = scan_sheet(package, part.path, max_rows)
            if scan.too_many:
                problems.append(CellError(part.name, None, "", f"工作表超过 {max_rows} 行数据的上限，不予读取。"
                                                               "请拆分后分批导入。"))
                continue
            if part.name in ignored:
                continue
            problems += [_cell_error(part.name, ref, "单元格含公式。导入只接受数值和文本：请复制后“选择性粘贴为数值”。")
                         for ref in scan.formulas]
            if scan.n_formulas > len(scan.formulas):
                problems.append(CellError(part.name, None, "", f"另有 {scan.n_formulas - len(scan.formulas)} 个"
                                                               "单元格含公式（未逐一列出）。"))
            problems += [_cell_error(part.name, ref.split(":")[0], f"合并单元格 {ref}。请取消合并，并在每个单元格"
                                                                     "中填写各自的值。") for ref in scan.merges]
    return problems


def read_workbook_strict(file, max_bytes: int, *, max_rows: int = MAX_ROWS, ignore_sheets: Iterable[str] = (),
                         clean: bool = True) -> dict[str, list[list]]:
    """`read_workbook` plus `inspect_package`: refuses formulas, merged cells, hidden sheets, external
    links and sheets longer than `max_rows`, all before calamine parses anything."""
    return _parse(open_strict(file, max_bytes, max_rows=max_rows, ignore_sheets=ignore_sheets), clean)


# --- Reading in the background ------------------------------------------------------------------------
# calamine parses a worksheet without holding the GIL, so on a machine with two or more cores the parse of a
# large sheet can run while the caller reads what it needs from the database. The package checks run first
# and in the caller's thread: calamine never starts on a file they refuse.


def open_strict(file, max_bytes: int, *, max_rows: int = MAX_ROWS, ignore_sheets: Iterable[str] = ()) -> bytes:
    """The bytes of an upload that passed every check of `read_workbook_strict`, not yet parsed."""
    data = _read_limited(file, max_bytes)
    _check_package(data)
    _inspect(data, max_rows, ignore_sheets)
    return data


def _inspect(data: bytes, max_rows: int, ignore_sheets: Iterable[str]) -> None:
    try:
        problems = inspect_package(data, max_rows=max_rows, ignore_sheets=ignore_sheets)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise WorkbookError("文件已损坏，无法作为 Excel 工作簿（.xlsx）打开。") from exc
    if problems:
        raise WorkbookError(problems)


# A package this small once unzipped may have its big sheet parsed while it is still being inspected: calamine's
# work on it is bounded whatever the file holds, and nothing it gives is used unless the inspection passes.
EARLY_PARSE_BYTES = 16 * 1024 * 1024


def open_strict_parsing(file, max_bytes: int, *, max_rows: int = MAX_ROWS, sheet: str, ignore_sheets: Iterable[str] = ()
                        ) -> tuple[bytes, BackgroundSheet]:
    """`open_strict`, and a `BackgroundSheet` parsing `sheet` of the bytes it returns.

    When the package unzips to at most EARLY_PARSE_BYTES, the worker starts before `inspect_package` streams the
    sheets (about a tenth of the parse for a workbook of 9,000 rows), so the two run side by side; a refused file
    raises as `open_strict` does and its parse is never read. A bigger package is inspected first: calamine never
    starts on a file the inspection refuses, so a sheet of a million rows is not parsed at all.
    """
    data = _read_limited(file, max_bytes)
    early = None
    if _check_package(data) <= EARLY_PARSE_BYTES:
        try:
            early = BackgroundSheet(data, sheet)
        except WorkbookError:  # calamine cannot open it: the inspection may say why, else the open below does
            early = None
    _inspect(data, max_rows, ignore_sheets)
    return data, early or BackgroundSheet(data, sheet)


def read_sheets_except(data: bytes, names: Iterable[str], *, clean: bool = True) -> tuple[list[str], dict[str, list[list]]]:
    """Every worksheet name of checked bytes in workbook order, and the sheets not in `names` parsed now: the
    small sheets of a workbook whose big one a `BackgroundSheet` parses meanwhile."""
    left_out = set(names)
    workbook, present = _open_workbook(data)
    return present, _rows(_parse_sheets(workbook, [name for name in present if name not in left_out]), clean)


class BackgroundSheet:
    """One sheet of checked bytes parsed by calamine in a worker thread; `rows()` waits for it.

    The workbook is opened in the caller's thread, so the worker makes a single call, which runs without the GIL:
    a worker that needs the GIL several times (opening the file calls back into Python) waits up to the
    interpreter's switch interval (5 ms) for it each time the caller is busy in Python.
    A damaged file raises its WorkbookError here or from `rows()`.
    """

    def __init__(self, data: bytes, name: str, *, first: Iterable[str] = (), start: bool = True):
        """`first`: small sheets to parse in the caller's thread, from the same opened workbook, before the worker
        starts (`self.first`, raw cells as `read_workbook(..., clean=False)` gives them; a name it lacks is left out).
        `self.names`: every worksheet name, in workbook order. `start=False`: the worker starts at `start()`, e.g.
        once `first` says the file is what the caller expects."""
        self.name = name
        self._sheet = None
        self._error: WorkbookError | None = None
        workbook, self.names = _open_workbook(data)
        present = name in self.names
        self.first = _rows(_parse_sheets(workbook, [n for n in first if n in self.names]), False)
        self._thread = None
        if present:
            self._thread = threading.Thread(target=self._run, args=(workbook,), name="xlsx-parse", daemon=True)
            if start:
                self._thread.start()

    def start(self) -> None:
        if self._thread is not None and self._thread.ident is None:  # not started yet
            self._thread.start()

    def _run(self, workbook) -> None:
        try:
            self._sheet = _parse_sheets(workbook, [self.name])[self.name]
        except WorkbookError as exc:  # raised in the caller's thread
            self._error = exc

    def rows(self, *, clean: bool = True) -> list[list] | None:
        """The sheet's rows (as `read_workbook` gives them), or None when the workbook has no such sheet."""
        if self._thread is None:
            return None
        self.start()
        self._thread.join()
        if self._error is not None:
            raise self._error
        return _rows({self.name: self._sheet}, clean)[self.name]
