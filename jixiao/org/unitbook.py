"""The unit workbook (单位名册): export, parse and check. Format documented in docs/formats.md §1.

Import runs in two steps: `parse` turns the sheet into `UnitRow`s (one cell at a time), then `plan`
checks the rows against each other and the database and says, row by row, what would change. Nothing
here writes; `actions.import_units` applies a plan.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import asdict, dataclass, field

from django.utils import timezone

from jixiao.lib import excel
from jixiao.lib.cells import (
    CellProblem,
    CodeIndex,
    Problems,
    code_problem,
    name_problem,
    normalise_code,
    parse_whole,
)
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
from jixiao.org.models import Unit, UnitKind
from jixiao.org.rules import formula_problem, kind_label, loops, parent_problem
from jixiao.org.tree import build, walk

SHEET = "单位"
MAX_ROWS = excel.MAX_ROWS  # the imports' one row cap; a city with every district's villages has a few thousand units
# (field, column title) in file order.
COLUMNS = [
    ("code", "单位编码"),
    ("name", "单位名称"),
    ("short_name", "简称"),
    ("kind", "类型"),
    ("parent_code", "上级单位编码"),
    ("is_assessor", "考核责任单位"),
    ("sort_order", "排序"),
    ("valid_from", "启用日期"),
    ("valid_to", "撤销日期"),
    ("note", "备注"),
]
TITLES = dict(COLUMNS)
REQUIRED_TITLES = ["单位编码", "单位名称", "类型", "上级单位编码"]
COMPARED = [f for f, _ in COLUMNS if f != "code"]
CODE_RE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z_.\-]{0,19}$")
KIND_BY_TEXT = {**{str(k.label): k.value for k in UnitKind}, **{k.value: k.value for k in UnitKind},
                "村": UnitKind.VILLAGE.value, "社区": UnitKind.VILLAGE.value}
YES, NO = "是", "否"
HEADER_NOTES = {
    0: "必填，唯一；字母、数字、- _ . 组成，最长 20 位。已存在的编码表示修改该单位，新编码表示新增。",
    3: "必填：" + "、".join(str(k.label) for k in UnitKind),
    4: "区、市可留空；其他单位必填，须是本文件或系统中已有的单位编码。",
    5: "填“是”或“否”，留空为否。",
    8: "留空表示在用；填写日期即撤销（不删除历史）。有在用下级单位的不能撤销。",
}


@dataclass
class UnitRow:
    """One data row of the sheet, checked cell by cell. `row` is the Excel row number."""

    row: int
    code: str
    name: str
    short_name: str = ""
    kind: str = ""
    parent_code: str = ""
    is_assessor: bool = False
    sort_order: int = 0
    valid_from: datetime.date | None = None
    valid_to: datetime.date | None = None
    note: str = ""

    def to_json(self) -> dict:
        data = asdict(self)
        for key in ("valid_from", "valid_to"):
            data[key] = data[key].isoformat() if data[key] else None
        return data

    @classmethod
    def from_json(cls, data: dict) -> UnitRow:
        data = dict(data)
        for key in ("valid_from", "valid_to"):
            data[key] = datetime.date.fromisoformat(data[key]) if data[key] else None
        return cls(**data)


# What an import would do to one row's unit (`Change.status`).
NEW, CHANGED, UNCHANGED = "new", "changed", "unchanged"


@dataclass
class Change:
    row: UnitRow
    status: str  # NEW | CHANGED | UNCHANGED
    diffs: list[tuple[str, str, str]] = field(default_factory=list)  # (column title, old, new)

    STATUS_LABELS = {NEW: "新增", CHANGED: "修改", UNCHANGED: "未变"}

    @property
    def status_label(self):
        return self.STATUS_LABELS[self.status]


@dataclass
class Plan:
    changes: list[Change]

    def of(self, status):
        return [c for c in self.changes if c.status == status]

    @property
    def counts(self):
        return {s: len(self.of(s)) for s in (NEW, CHANGED, UNCHANGED)}

    @property
    def has_changes(self):
        return any(c.status != UNCHANGED for c in self.changes)


# --- Export -----------------------------------------------------------------------------------------


def unit_values(unit: Unit, code_of: dict[int, str]) -> dict:
    """A unit as the workbook sees it (the fields compared on import)."""
    return {
        "name": unit.name, "short_name": unit.short_name, "kind": unit.kind,
        "parent_code": code_of.get(unit.parent_id, "") if unit.parent_id else "",
        "is_assessor": unit.is_assessor, "sort_order": unit.sort_order,
        "valid_from": unit.valid_from, "valid_to": unit.valid_to, "note": unit.note,
    }


def display(field_name: str, value) -> str:
    if field_name == "kind":
        return kind_label(value)
    if field_name == "is_assessor":
        return YES if value else NO
    return cell_text(value)


def export_rows(units: list[Unit]) -> list[list]:
    """Rows in tree order (a parent before its children), so the file reads like the tree."""
    code_of = {u.pk: u.code for u in units}
    rows = []
    for node in walk(build(units)):
        values = unit_values(node.unit, code_of)
        rows.append([node.unit.code] + [_export_cell(f, values[f]) for f in COMPARED])
    return rows


def _export_cell(field_name, value):
    if field_name in ("kind", "is_assessor"):
        return display(field_name, value)
    return value


def sheet_for(units: list[Unit]) -> Sheet:
    return Sheet(SHEET, [title for _, title in COLUMNS], export_rows(units),
                 widths=[12, 30, 16, 10, 14, 12, 8, 12, 12, 30], notes=HEADER_NOTES)


def write(path_or_buffer, units: list[Unit] | None = None) -> None:
    units = units if units is not None else list(Unit.objects.all())
    write_workbook(path_or_buffer, [sheet_for(units)])


# --- Parse (cell by cell) ---------------------------------------------------------------------------


class _Errors:
    """The sheet's problems (lib.cells.Problems: all counted, the first listed), each placed by its column title."""

    def __init__(self):
        self.items = Problems(sheets=[SHEET])
        self.columns: dict[str, int] = {}

    def add(self, row, title, message):
        col = self.columns.get(title)
        self.items.add(CellError(SHEET, row, column_letter(col) if col is not None else "", message,
                                 title if col is not None else ""))


def parse(sheets: dict[str, list[list]]) -> list[UnitRow]:
    """Rows of the 单位 sheet, or WorkbookError listing every bad cell."""
    if SHEET not in sheets:
        names = "、".join(sheets) or "无"
        raise WorkbookError(CellError(SHEET, None, "", f"找不到名为“{SHEET}”的工作表（文件中的工作表：{names}）。"))
    rows = sheets[SHEET]
    if not rows:
        raise WorkbookError(CellError(SHEET, 1, "", "工作表是空的，第 1 行应为表头。"))
    errors = _Errors()
    errors.columns = header_index(rows[0], TITLES.values())
    missing = [t for t in REQUIRED_TITLES if t not in errors.columns]
    if missing:
        raise WorkbookError(CellError(SHEET, 1, "", f"表头缺少必需的列：{'、'.join(missing)}。"))
    parsed = []
    first_row: dict[str, int] = {}
    for number, raw in enumerate(rows[1:], start=2):
        cells = {f: _cell(raw, errors.columns.get(t)) for f, t in COLUMNS}
        if all(v is None for v in cells.values()):
            continue
        row = _parse_row(number, cells, errors)
        if row.code and row.code in first_row:
            errors.add(number, TITLES["code"], f"单位编码“{row.code}”与第 {first_row[row.code]} 行重复")
        first_row.setdefault(row.code, number)
        parsed.append(row)
    if errors.items:
        raise WorkbookError(errors.items)
    if not parsed:
        raise WorkbookError(CellError(SHEET, 2, "", "工作表中没有数据行。"))
    return parsed


def _cell(raw: list, index: int | None):
    if index is None or index >= len(raw):
        return None
    return raw[index]


def _parse_row(number: int, cells: dict, errors: _Errors) -> UnitRow:
    def bad(field_name, message):
        errors.add(number, TITLES[field_name], message)

    code = _code(cells, "code", bad)
    name = _text(cells, "name", 80, bad, required=True)
    short_name = _text(cells, "short_name", 30, bad)
    note = _text(cells, "note", 200, bad, guard=False)
    kind_text = cell_text(cells["kind"])
    kind = KIND_BY_TEXT.get(kind_text, "")
    if not kind_text:
        bad("kind", "类型为空")
    elif not kind:
        bad("kind", f"未知的类型“{kind_text}”，应为：{'、'.join(str(k.label) for k in UnitKind)}")
    return UnitRow(
        row=number, code=code, name=name, short_name=short_name, kind=kind,
        parent_code=_code(cells, "parent_code", bad), is_assessor=_yes_no(cells["is_assessor"], bad),
        sort_order=_sort_order(cells["sort_order"], bad), valid_from=_date(cells, "valid_from", bad),
        valid_to=_date(cells, "valid_to", bad), note=note,
    )


def _code(cells, field_name, bad) -> str:
    """A code cell as lib.cells reads codes (full width and invisible characters undone); "" when empty or wrong."""
    title = TITLES[field_name]
    try:
        code = normalise_code(cells[field_name], label=title)
    except CellProblem as problem:
        bad(field_name, str(problem))
        return ""
    if not code:
        if field_name == "code":
            bad(field_name, f"{title}为空")
        return ""
    problem = code_problem(code, CODE_RE, label=title)
    if problem:
        bad(field_name, problem)
        return ""
    return code


def _text(cells, field_name, max_length, bad, *, required=False, guard=True) -> str:
    """A text cell; names (`guard`) may neither start like a formula nor hold control or bidi characters."""
    text = cell_text(cells[field_name])
    title = TITLES[field_name]
    if required and not text:
        bad(field_name, f"{title}为空")
    elif len(text) > max_length:
        bad(field_name, f"{title}过长：{len(text)} 个字，最多 {max_length} 个字")
    elif guard and (problem := formula_problem(text)):
        bad(field_name, f"{title}{problem}")
    elif guard and (problem := name_problem(text, label=title)):
        bad(field_name, problem)
    return text


def _yes_no(value, bad) -> bool:
    if value is None or isinstance(value, bool):
        return bool(value)
    text = cell_text(value)
    if text in (YES, NO):
        return text == YES
    bad("is_assessor", f"应填“是”或“否”，而不是“{text}”")
    return False


def _sort_order(value, bad) -> int:
    try:
        return parse_whole(value) or 0
    except CellProblem as problem:
        bad("sort_order", f"排序{problem}")
        return 0


def _date(cells, field_name, bad):
    try:
        return cell_date(cells[field_name])
    except ValueError:
        bad(field_name, f"日期“{cell_text(cells[field_name])}”无法识别，请写成 2024-01-31 的形式")
        return None


# --- Plan (rows against each other and the database) ------------------------------------------------


def plan(rows: list[UnitRow], units: list[Unit] | None = None) -> Plan:
    """What importing `rows` would do, or WorkbookError with every row-level problem. Reads, never writes."""
    units = units if units is not None else list(Unit.objects.all())
    checker = _Checker(rows, units)
    checker.check()
    if checker.errors:
        raise WorkbookError(checker.errors)
    return Plan([checker.change_for(row) for row in rows])


FIELD_INDEX = {f: i for i, (f, _title) in enumerate(COLUMNS)}


class _Checker:
    """Checks the rows against each other and the database. Every step is linear in the rows and units (the children
    of each unit are gathered once, not per row; loops are found for all units at once): bench/import_units.py."""

    def __init__(self, rows: list[UnitRow], units: list[Unit]):
        self.rows = rows
        self.errors = Problems(sheets=[SHEET])
        self.existing = {u.code: u for u in units}
        code_of = {u.pk: u.code for u in units}
        self.values = {u.code: unit_values(u, code_of) for u in units}
        self.today = timezone.localdate()

    def error(self, row: UnitRow, field_name: str, message: str):
        self.errors.add(CellError(SHEET, row.row, column_letter(FIELD_INDEX[field_name]), message, TITLES[field_name]))

    def check(self):
        self.rows = self._unique_rows()
        self.file_codes = {row.code for row in self.rows}
        for row in self.rows:
            self._fill_defaults(row)
        final = {code: dict(v) for code, v in self.values.items()}
        for row in self.rows:
            final[row.code] = {f: getattr(row, f) for f in COMPARED}
        self.final = final
        self.codes = CodeIndex(final)
        parent_of = {code: v["parent_code"] or None for code, v in final.items()}
        self.loops = loops(parent_of)
        self.children: dict[str, list[str]] = {}
        for code, parent in parent_of.items():
            if parent is not None:
                self.children.setdefault(parent, []).append(code)
        for row in self.rows:
            self._check_row(row)

    def _unique_rows(self):
        first_row: dict[str, int] = {}
        unique = []
        for row in self.rows:
            if row.code in first_row:
                self.error(row, "code", f"单位编码“{row.code}”与第 {first_row[row.code]} 行重复")
            else:
                first_row[row.code] = row.row
                unique.append(row)
        return unique

    def _fill_defaults(self, row: UnitRow):
        if row.valid_from is None:
            current = self.values.get(row.code)
            row.valid_from = current["valid_from"] if current else self.today

    def _check_row(self, row: UnitRow):
        if row.valid_to and row.valid_to < row.valid_from:
            self.error(row, "valid_to", f"撤销日期 {row.valid_to} 早于启用日期 {row.valid_from}")
        current = self.values.get(row.code)
        if current and current["valid_to"] and not row.valid_to:
            self.error(row, "valid_to", f"该单位已于 {current['valid_to']} 撤销，不能通过导入恢复")
        if not self._check_parent(row):
            return
        self._check_children(row)

    def _check_parent(self, row: UnitRow) -> bool:
        parent = row.parent_code or None
        if parent == row.code:
            self.error(row, "parent_code", "上级单位不能是本单位")
            return False
        if parent is not None and parent not in self.final:
            self.error(row, "parent_code", self.codes.missing(parent, f"上级单位编码“{parent}”在文件和系统中都不存在"))
            return False
        loop = self.loops.get(row.code)
        if loop:
            self.error(row, "parent_code", f"上级关系形成循环：{' → '.join(loop)}")
            return False
        parent_values = self.final.get(parent) if parent else None
        problem = parent_problem(row.kind, parent_values["kind"] if parent_values else None)
        if problem:
            self.error(row, "kind" if parent is None else "parent_code", problem)
            return False
        if parent_values and parent_values["valid_to"] and not row.valid_to:
            self.error(row, "parent_code", f"上级单位“{parent}”已撤销，在用单位不能隶属于它")
            return False
        return True

    def _check_children(self, row: UnitRow):
        children = [(code, self.final[code]) for code in self.children.get(row.code, ())]
        if row.valid_to:
            current = [code for code, v in children if not v["valid_to"]]
            if current:
                self.error(row, "valid_to", f"该单位还有在用的下级单位（{'、'.join(current[:5])}），不能撤销")
        for code, v in children:
            if code in self.file_codes:
                continue  # that row's own parent check reports it
            problem = parent_problem(v["kind"], row.kind)
            if problem:
                self.error(row, "kind", f"下级单位“{code}”：{problem}")
                break

    def change_for(self, row: UnitRow) -> Change:
        current = self.values.get(row.code)
        if current is None:
            return Change(row, NEW)
        diffs = [(TITLES[f], display(f, current[f]), display(f, getattr(row, f)))
                 for f in COMPARED if current[f] != getattr(row, f)]
        return Change(row, CHANGED if diffs else UNCHANGED, diffs)


def read_plan(file, max_bytes: int) -> tuple[list[UnitRow], Plan]:
    """Read strictly, parse and check an uploaded workbook in one go (raises WorkbookError).

    The strict reader (lib.excel.read_workbook_strict) refuses, before calamine parses anything, a sheet of more
    than MAX_ROWS rows, formulas (calamine would give their cached value, which anyone can forge), merged cells,
    hidden sheets and external links."""
    rows = parse(read_workbook_strict(file, max_bytes, max_rows=MAX_ROWS))
    return rows, plan(rows)
