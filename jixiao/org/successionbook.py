"""The 机构调整 workbook (docs/formats.md): one sheet, a row per succession. Read strictly, written for export.

Reading checks the cells (codes, date, kind); whether a row may be recorded — a known unit, no loop, dates inside
the units' validity — is `succession_actions.import_successions`'s, against the database and the earlier rows.
"""

import datetime
from dataclasses import dataclass

from jixiao.lib.excel import (
    CellError,
    Sheet,
    WorkbookError,
    cell_date,
    cell_text,
    column_letter,
    header_index,
    read_workbook_strict,
    write_workbook,
)
from jixiao.org.models import Succession, SuccessionKind
from jixiao.org.rules import formula_problem

SHEET = "机构调整"
HEADER = ["原单位编码", "承继单位编码", "调整日期", "调整方式", "说明"]
REQUIRED = HEADER[:4]
KINDS = {label: value for value, label in SuccessionKind.choices}
MAX_ROWS = 1000


@dataclass(frozen=True)
class SuccessionRow:
    row: int  # Excel's row number
    predecessor: str
    successor: str
    on: datetime.date
    kind: str
    note: str


def write(buffer) -> None:
    rows = [[s.predecessor.code, s.successor.code, s.on, s.get_kind_display(), s.note]
            for s in Succession.objects.select_related("predecessor", "successor").order_by("on", "id")]
    write_workbook(buffer, [Sheet(SHEET, HEADER, rows, notes={
        2: "承继单位按调整后的机构开始工作的第一天，如 2023-04-01", 3: "更名、合并、拆分或划转之一"})])


def read(upload, max_bytes: int) -> list[SuccessionRow]:
    """The rows of an uploaded workbook, or WorkbookError listing every problem with its place."""
    sheets = read_workbook_strict(upload, max_bytes, max_rows=MAX_ROWS)
    if SHEET not in sheets:
        raise WorkbookError(f"工作簿中没有名为“{SHEET}”的工作表（请先导出机构调整，按导出的格式填写）")
    rows = sheets[SHEET]
    index = header_index(rows[0] if rows else [], HEADER)
    missing = [title for title in REQUIRED if title not in index]
    if missing:
        raise WorkbookError(CellError(SHEET, 1, "", f"缺少列：{'、'.join(missing)}"))
    out, errors = [], []
    for number, cells in enumerate(rows[1:], start=2):
        row, problems = _row(number, cells, index)
        errors += problems
        if row is not None:
            out.append(row)
    if errors:
        raise WorkbookError(errors)
    if not out:
        raise WorkbookError(CellError(SHEET, None, "", "工作表中没有任何机构调整记录"))
    return out


def _row(number, cells, index) -> tuple[SuccessionRow | None, list[CellError]]:
    def cell(title):
        i = index.get(title)
        return cells[i] if i is not None and i < len(cells) else None

    if all(cell(title) in (None, "") for title in HEADER):
        return None, []
    problems = []

    def problem(title, message):
        problems.append(CellError(SHEET, number, column_letter(index[title]), message, title))

    codes = {title: cell_text(cell(title)) for title in HEADER[:2]}
    for title, code in codes.items():
        if not code:
            problem(title, "不能为空")
    try:
        on = cell_date(cell("调整日期"))
        if on is None:
            problem("调整日期", "不能为空")
    except ValueError:
        on = None
        problem("调整日期", f"“{cell_text(cell('调整日期'))}”不是日期，请按 2023-04-01 填写")
    kind = KINDS.get(cell_text(cell("调整方式")))
    if kind is None:
        problem("调整方式", f"“{cell_text(cell('调整方式'))}”不是更名、合并、拆分或划转")
    note = cell_text(cell("说明")) if "说明" in index else ""
    if len(note) > 200:
        problem("说明", "不能超过 200 字")
    elif formula_problem(note):
        problem("说明", formula_problem(note))
    if problems:
        return None, problems
    return SuccessionRow(number, codes["原单位编码"], codes["承继单位编码"], on, kind, note), []
