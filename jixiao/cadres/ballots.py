"""The 民主测评结果 workbook (纸质测评录入, docs/cadres.md): one sheet, a row per team or cadre of a cycle.

Read with the project's strict reader (lib.excel.read_workbook_strict: formulas, merged cells, hidden sheets and
the row cap refused first) and checked cell by cell through lib.cells; every problem is collected with its place
and nothing is written unless the whole sheet is good (actions.import_democratic).
"""

from dataclasses import dataclass, field
from decimal import Decimal

from jixiao.cadres import compute
from jixiao.lib.cells import CellProblem, Problems, parse_number, parse_whole
from jixiao.lib.excel import (
    CellError,
    Sheet,
    WorkbookError,
    cell_text,
    column_letter,
    header_index,
    read_workbook_strict,
    write_workbook,
)

SHEET = "民主测评结果"
TEAM_DIMENSIONS = ["政治思想建设", "领导能力", "工作实绩", "党风廉政建设"]
CADRE_DIMENSIONS = ["德", "能", "勤", "绩", "廉"]
HEADER = ["单位编码", "单位名称", "干部姓名", "职务", "测评得分", "有效票数"] + TEAM_DIMENSIONS + CADRE_DIMENSIONS
REQUIRED = ["单位编码", "干部姓名", "测评得分", "有效票数"]
MAX_ROWS = 20_000
NOTES = {2: "留空表示对该单位领导班子的测评；填写姓名表示对该干部的测评", 4: "0–100，最多两位小数",
         5: "有效测评票数，正整数", 6: "以下分项得分可不填；班子填前四项，干部填德、能、勤、绩、廉"}


@dataclass(frozen=True)
class BallotRow:
    row: int
    unit: object  # org.Unit
    cadre_id: int | None
    label: str  # "发改委领导班子" / "发改委 张三", for messages
    score: Decimal
    raters: int
    dimensions: dict = field(default_factory=dict)


def write_template(buffer, cycle) -> None:
    """The workbook to fill in: a row per assessed team, then its cadres, names and titles filled in."""
    results = compute.final_results(cycle)
    units = sorted({r.unit_id: r.unit for r in results.values()}.values(), key=lambda u: (u.sort_order, u.code))
    cadres = compute.cadres_of(cycle, [u.pk for u in units])
    rows = []
    for unit in units:
        rows.append([unit.code, unit.name, "", "领导班子"])
        rows += [[unit.code, unit.name, c.name, c.title] for c in cadres if c.unit_id == unit.pk]
    write_workbook(buffer, [Sheet(SHEET, HEADER, rows, notes=NOTES)])


def read(upload, max_bytes: int, cycle) -> list[BallotRow]:
    """The rows of an uploaded workbook for `cycle`, or WorkbookError listing every problem with its place."""
    sheets = read_workbook_strict(upload, max_bytes, max_rows=MAX_ROWS)
    if SHEET not in sheets:
        raise WorkbookError(f"工作簿中没有名为“{SHEET}”的工作表（请下载模板，按模板格式填写）。")
    rows = sheets[SHEET]
    index = header_index(rows[0] if rows else [], HEADER)
    missing = [title for title in REQUIRED if title not in index]
    if missing:
        raise WorkbookError(CellError(SHEET, 1, "", f"缺少列：{'、'.join(missing)}"))
    reader = _Reader(cycle, index)
    out = [row for number, cells in enumerate(rows[1:], start=2) if (row := reader.row(number, cells)) is not None]
    if reader.problems:
        raise WorkbookError(reader.problems)
    if not out:
        raise WorkbookError(CellError(SHEET, None, "", "工作表中没有任何测评结果。"))
    return out


class _Reader:
    """Checks rows one by one against the cycle's assessed units and cadres, remembering what it has seen."""

    def __init__(self, cycle, index):
        results = compute.final_results(cycle)
        self.units = {r.unit.code: r.unit for r in results.values()}
        self.cadres: dict = {}
        for cadre in compute.cadres_of(cycle, [u.pk for u in self.units.values()]):
            self.cadres.setdefault((cadre.unit_id, cadre.name), []).append(cadre)
        self.index, self.problems, self.seen = index, Problems(sheets=[SHEET]), {}

    def cell(self, cells, title):
        i = self.index.get(title)
        return cells[i] if i is not None and i < len(cells) else None

    def problem(self, number, title, message):
        self.problems.add(CellError(SHEET, number, column_letter(self.index[title]), message, title))

    def row(self, number, cells) -> BallotRow | None:
        if all(self.cell(cells, title) in (None, "") for title in HEADER):
            return None
        mark = self.problems.total
        unit, cadre = self.target(number, cells)
        score = self.number(number, cells, "测评得分", required=True)
        raters = self.raters(number, cells)
        named = bool(cell_text(self.cell(cells, "干部姓名")))
        names = CADRE_DIMENSIONS if named else TEAM_DIMENSIONS
        dimensions = {name: self.number(number, cells, name) for name in names if name in self.index}
        for other in (TEAM_DIMENSIONS if named else CADRE_DIMENSIONS):
            if other in self.index and self.cell(cells, other) not in (None, ""):
                self.problem(number, other, f"对{'干部' if named else '领导班子'}的测评不填写“{other}”分项")
        if self.problems.total > mark or unit is None:
            return None
        label = f"{unit.name} {cadre.name}" if cadre else f"{unit.name}领导班子"
        key = (unit.pk, cadre.pk if cadre else None)
        if key in self.seen:
            self.problem(number, "干部姓名" if cadre else "单位编码", f"{label}的测评结果与第{self.seen[key]}行重复")
            return None
        self.seen[key] = number
        return BallotRow(number, unit, cadre.pk if cadre else None, label, score, raters,
                         {k: str(v) for k, v in dimensions.items() if v is not None})

    def target(self, number, cells):
        code = cell_text(self.cell(cells, "单位编码"))
        unit = self.units.get(code)
        if not code:
            self.problem(number, "单位编码", "不能为空")
        elif unit is None:
            self.problem(number, "单位编码", f"“{code[:20]}”不是本年度有考核结果的单位")
        name = cell_text(self.cell(cells, "干部姓名"))
        if unit is None or not name:
            return unit, None
        found = self.cadres.get((unit.pk, name), [])
        if not found:
            self.problem(number, "干部姓名", f"{unit.name}本年度没有名为“{name[:20]}”的干部")
        elif len(found) > 1:
            self.problem(number, "干部姓名", f"{unit.name}本年度有 {len(found)} 名干部名为“{name[:20]}”，无法区分")
        return unit, (found[0] if len(found) == 1 else None)

    def number(self, number, cells, title, required=False) -> Decimal | None:
        try:
            value = parse_number(self.cell(cells, title), places=2)
        except CellProblem as problem:
            self.problem(number, title, str(problem))
            return None
        if value is None:
            if required:
                self.problem(number, title, "不能为空")
        elif not 0 <= value <= 100:
            self.problem(number, title, f"应在 0 至 100 之间，而不是 {value}")
        return value

    def raters(self, number, cells) -> int | None:
        try:
            value = parse_whole(self.cell(cells, "有效票数"), largest=100_000)
        except CellProblem as problem:
            self.problem(number, "有效票数", str(problem))
            return None
        if not value:
            self.problem(number, "有效票数", "应为正整数")
        return value
