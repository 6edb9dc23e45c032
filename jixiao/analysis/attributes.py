"""The unit attribute workbook (单位属性): template and export, parse and check. Nothing here writes.

Two sheets. “属性” defines the attributes (属性编码, 属性名称, 计量单位, 权重, 取对数, 允许负值); it may be left
out when the cycle's attributes stay as they are. “属性值” holds one row per unit: 单位编码, 单位名称 (for the
reader; not imported), then one column per attribute, headed by its name and measure (“常住人口（万人）”), its
name or its code. An empty cell means the unit has no value (an existing one is removed).

Import runs in two steps like the unit workbook: `parse` reads the sheets cell by cell, `plan` checks the rows
against the database and says what would change; `attributes_actions.import_attributes` applies a plan.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from jixiao.lib import excel
from jixiao.lib.cells import (
    CellProblem,
    CodeIndex,
    Problems,
    code_problem,
    name_problem,
    normalise_code,
    parse_number,
)
from jixiao.lib.excel import (
    CellError,
    Sheet,
    WorkbookError,
    cell_text,
    column_letter,
    header_index,
    write_workbook,
)
from jixiao.org.models import Cycle, Unit, UnitAttribute, UnitAttributeValue, UnitKind
from jixiao.org.rules import formula_problem

DEFINITIONS, VALUES = "属性", "属性值"
DEFINITION_COLUMNS = ["属性编码", "属性名称", "计量单位", "权重", "取对数", "允许负值"]
UNIT_COLUMNS = ["单位编码", "单位名称"]
CODE_RE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z_.\-]{0,19}$")
YES, NO = "是", "否"
MAX_WEIGHT = Decimal(10)
PLACES = 4  # UnitAttributeValue.value keeps four decimal places
# What a district's office records for its streets and parks when it has nothing yet: the template's attributes.
SUGGESTED = [
    ("POP", "常住人口", "万人", Decimal(1), True, False),
    ("AREA", "面积", "平方公里", Decimal(1), True, False),
    ("GDP", "地区生产总值", "亿元", Decimal(1), True, False),
    ("REV", "一般公共预算收入", "亿元", Decimal(1), True, False),
    ("URBAN", "城镇化率", "%", Decimal(1), False, False),
    ("ENT", "规模以上工业企业", "家", Decimal(1), True, False),
]
TEMPLATE_KINDS = (UnitKind.STREET, UnitKind.PARK)
DEFINITION_NOTES = {
    0: "必填，同一年度内唯一；字母、数字、- _ . 组成，最长 20 位。",
    3: "0 到 10，最多一位小数；留空为 1。0 表示不参与近邻计算。",
    4: "填“是”或“否”。人口、面积、经济总量等规模类属性宜取对数（比较倍数而非差额），取对数的属性须大于 0。",
    5: "填“是”或“否”，留空为否。增长率等可为负的属性才填“是”；不能与取对数同时为“是”。",
}


@dataclass
class Definition:
    """One row of the 属性 sheet (or an attribute already in the cycle)."""

    code: str
    name: str
    measure: str = ""
    weight: Decimal = Decimal(1)
    log_scale: bool = False
    allow_negative: bool = False
    row: int | None = None

    @property
    def title(self) -> str:
        return f"{self.name}（{self.measure}）" if self.measure else self.name

    def to_json(self) -> dict:
        return {"code": self.code, "name": self.name, "measure": self.measure, "weight": str(self.weight),
                "log_scale": self.log_scale, "allow_negative": self.allow_negative, "row": self.row}

    @classmethod
    def from_json(cls, data: dict) -> Definition:
        return cls(**{**data, "weight": Decimal(data["weight"])})

    @classmethod
    def of(cls, attribute: UnitAttribute) -> Definition:
        return cls(attribute.code, attribute.name, attribute.measure, attribute.weight, attribute.log_scale,
                   attribute.allow_negative)


@dataclass
class Parsed:
    """A workbook as read: the definitions of its 属性 sheet (None when it has none) and, per unit row,
    (Excel row, unit code, {attribute code: value or None}); the columns' attribute codes in file order."""

    definitions: list[Definition] | None
    columns: list[str]
    rows: list[tuple[int, str, dict[str, Decimal | None]]]

    def to_json(self) -> dict:
        return {"definitions": None if self.definitions is None else [d.to_json() for d in self.definitions],
                "columns": self.columns,
                "rows": [[n, code, {a: None if v is None else str(v) for a, v in values.items()}]
                         for n, code, values in self.rows]}

    @classmethod
    def from_json(cls, data: dict) -> Parsed:
        definitions = data["definitions"]
        return cls(None if definitions is None else [Definition.from_json(d) for d in definitions], data["columns"],
                   [(n, code, {a: None if v is None else Decimal(v) for a, v in values.items()})
                    for n, code, values in data["rows"]])


# --- Template and export -----------------------------------------------------------------------------------


def definitions_of(cycle: Cycle) -> list[Definition]:
    """The cycle's attributes, or the suggested ones when it has none yet."""
    attributes = [Definition.of(a) for a in cycle.unit_attributes.all()]
    return attributes or [Definition(*suggested) for suggested in SUGGESTED]


def template_units(cycle: Cycle) -> list[Unit]:
    """The units of the values sheet: those with values in the cycle and every current street and park (or, in a
    tree with neither, every current unit but the villages)."""
    with_values = Unit.objects.filter(attribute_values__attribute__cycle=cycle)
    units = Unit.objects.filter(pk__in=with_values) | Unit.objects.current().filter(kind__in=TEMPLATE_KINDS)
    units = list(units.distinct().order_by("sort_order", "code"))
    return units or list(Unit.objects.current().without_villages().order_by("sort_order", "code"))


def sheets(cycle: Cycle) -> list[Sheet]:
    definitions = definitions_of(cycle)
    units = template_units(cycle)
    values: dict[tuple[int, str], Decimal] = {
        (unit_id, code): value for unit_id, code, value in UnitAttributeValue.objects.filter(
            attribute__cycle=cycle).values_list("unit_id", "attribute__code", "value")}
    rows = [[u.code, u.name, *(_number(values.get((u.pk, d.code))) for d in definitions)] for u in units]
    definition_rows = [[d.code, d.name, d.measure, _number(d.weight), YES if d.log_scale else NO,
                        YES if d.allow_negative else NO] for d in definitions]
    notes = {2 + i: f"{d.name}：{d.measure or '无计量单位'}；留空表示无此值。" for i, d in enumerate(definitions)}
    return [Sheet(VALUES, [*UNIT_COLUMNS, *(d.title for d in definitions)], rows, notes=notes),
            Sheet(DEFINITIONS, DEFINITION_COLUMNS, definition_rows, widths=[12, 20, 12, 8, 8, 10],
                  notes=DEFINITION_NOTES)]


def _number(value: Decimal | None):
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def write(buffer, cycle: Cycle) -> None:
    write_workbook(buffer, sheets(cycle))


# --- Parse -------------------------------------------------------------------------------------------------


class _Errors:
    def __init__(self):
        self.items = Problems(sheets=[DEFINITIONS, VALUES])

    def add(self, sheet: str, row: int | None, col: int | None, message: str, title: str = ""):
        self.items.add(CellError(sheet, row, column_letter(col) if col is not None else "", message, title))


def parse(sheets_read: dict[str, list[list]], existing: list[Definition]) -> Parsed:
    """The workbook's definitions and values, or WorkbookError listing every bad cell. `existing`: the cycle's
    attributes, which the values sheet's columns may name when the file has no 属性 sheet."""
    errors = _Errors()
    definitions = _definitions(sheets_read[DEFINITIONS], errors) if DEFINITIONS in sheets_read else None
    if VALUES not in sheets_read:
        names = "、".join(sheets_read) or "无"
        errors.add(VALUES, None, None, f"找不到名为“{VALUES}”的工作表（文件中的工作表：{names}）。")
        raise WorkbookError(errors.items)
    known = _merged(existing, definitions or [])
    columns, rows = _values(sheets_read[VALUES], known, errors)
    if errors.items:
        raise WorkbookError(errors.items)
    return Parsed(definitions, columns, rows)


def _merged(existing: list[Definition], defined: list[Definition]) -> dict[str, Definition]:
    by_code = {d.code: d for d in existing}
    first = {}
    for definition in defined:  # a repeated code is a problem of its own row; its first row defines it
        first.setdefault(definition.code, definition)
    return by_code | first


def _definitions(rows: list[list], errors: _Errors) -> list[Definition]:
    if not rows:
        errors.add(DEFINITIONS, 1, None, "工作表是空的，第 1 行应为表头。")
        return []
    at = header_index(rows[0], DEFINITION_COLUMNS)
    missing = [t for t in DEFINITION_COLUMNS[:2] if t not in at]
    if missing:
        errors.add(DEFINITIONS, 1, None, f"表头缺少必需的列：{'、'.join(missing)}。")
        return []
    found, first = [], {}
    for number, raw in enumerate(rows[1:], start=2):
        cells = {t: raw[i] if i < len(raw) else None for t, i in at.items()}
        if all(v is None for v in cells.values()):
            continue
        definition = _definition(number, cells, at, errors)
        for key, label in ((definition.code, "属性编码"), (definition.name, "属性名称")):
            if key and (label, key) in first:
                errors.add(DEFINITIONS, number, at[label], f"{label}“{key}”与第 {first[label, key]} 行重复", label)
            first.setdefault((label, key), number)
        found.append(definition)
    return found


def _definition(number: int, cells: dict, at: dict, errors: _Errors) -> Definition:
    def bad(title, message):
        errors.add(DEFINITIONS, number, at.get(title), message, title)

    code = _code(cells["属性编码"], lambda m: bad("属性编码", m))
    name = _text(cells["属性名称"], "属性名称", 40, lambda m: bad("属性名称", m), required=True)
    measure = _text(cells.get("计量单位"), "计量单位", 20, lambda m: bad("计量单位", m))
    weight = _weight(cells.get("权重"), lambda m: bad("权重", m))
    log_scale = _yes_no(cells.get("取对数"), lambda m: bad("取对数", m))
    allow_negative = _yes_no(cells.get("允许负值"), lambda m: bad("允许负值", m))
    if log_scale and allow_negative:
        bad("允许负值", "取对数的属性须大于 0，不能同时允许负值")
    return Definition(code, name, measure, weight, log_scale, allow_negative, number)


def _code(raw, bad) -> str:
    try:
        code = normalise_code(raw, label="属性编码")
    except CellProblem as problem:
        bad(str(problem))
        return ""
    if not code:
        bad("属性编码为空")
        return ""
    problem = code_problem(code, CODE_RE, label="属性编码")
    if problem:
        bad(problem)
        return ""
    return code


def _text(raw, title: str, max_length: int, bad, *, required: bool = False) -> str:
    text = cell_text(raw)
    if required and not text:
        bad(f"{title}为空")
    elif len(text) > max_length:
        bad(f"{title}过长：{len(text)} 个字，最多 {max_length} 个字")
    elif problem := formula_problem(text):
        bad(f"{title}{problem}")
    elif problem := name_problem(text, label=title):
        bad(problem)
    return text


def _weight(raw, bad) -> Decimal:
    try:
        weight = parse_number(raw, places=1)
    except CellProblem as problem:
        bad(f"权重{problem}")
        return Decimal(1)
    if weight is None:
        return Decimal(1)
    if not Decimal(0) <= weight <= MAX_WEIGHT:
        bad(f"权重应在 0 到 10 之间，而不是 {weight}")
    return weight


def _yes_no(raw, bad) -> bool:
    if raw is None or isinstance(raw, bool):
        return bool(raw)
    text = cell_text(raw)
    if text in (YES, NO):
        return text == YES
    bad(f"应填“是”或“否”，而不是“{text[:20]}”")
    return False


def _column_titles(known: dict[str, Definition]) -> dict[str, str]:
    """Header text -> attribute code: the title with its measure, the name, or the code."""
    titles = {}
    for d in known.values():
        titles.update({d.title: d.code, d.name: d.code, d.code: d.code})
    return titles


def _values(rows: list[list], known: dict[str, Definition], errors: _Errors):
    if not rows:
        errors.add(VALUES, 1, None, "工作表是空的，第 1 行应为表头。")
        return [], []
    header = rows[0]
    if cell_text(header[0] if header else None) != UNIT_COLUMNS[0]:
        errors.add(VALUES, 1, 0, f"第一列的表头应为“{UNIT_COLUMNS[0]}”。")
        return [], []
    columns = _attribute_columns(header, known, errors)
    found, first = [], {}
    for number, raw in enumerate(rows[1:], start=2):
        if all(excel.clean_value(v) is None for v in raw):
            continue
        code = _unit_code(raw[0] if raw else None, number, errors)
        if code and code in first:
            errors.add(VALUES, number, 0, f"单位编码“{code}”与第 {first[code]} 行重复", UNIT_COLUMNS[0])
        first.setdefault(code, number)
        values = {attribute: _value(raw, col, known[attribute], number, errors) for col, attribute in columns}
        found.append((number, code, values))
    if not found and not errors.items:
        errors.add(VALUES, 2, None, "工作表中没有数据行。")
    return [a for _col, a in columns], found


def _attribute_columns(header: list, known: dict[str, Definition], errors: _Errors) -> list[tuple[int, str]]:
    """(column index, attribute code) of every attribute column; an unknown or repeated title is a problem."""
    titles = _column_titles(known)
    columns, seen = [], {}
    for col, title in enumerate(header):
        text = cell_text(title)
        if col < len(UNIT_COLUMNS) or not text:
            continue
        code = titles.get(text)
        if code is None:
            errors.add(VALUES, 1, col, f"表头“{text[:30]}”不是本年度的属性：请在“{DEFINITIONS}”工作表中定义，"
                                       "或改为已有属性的名称")
        elif code in seen:
            errors.add(VALUES, 1, col, f"属性“{known[code].name}”与 {column_letter(seen[code])} 列重复")
        else:
            seen[code] = col
            columns.append((col, code))
    if not columns and not errors.items:
        errors.add(VALUES, 1, None, "表头中没有属性列。")
    return columns


def _unit_code(raw, number: int, errors: _Errors) -> str:
    try:
        code = normalise_code(raw, label="单位编码")
    except CellProblem as problem:
        errors.add(VALUES, number, 0, str(problem), UNIT_COLUMNS[0])
        return ""
    if not code:
        errors.add(VALUES, number, 0, "单位编码为空", UNIT_COLUMNS[0])
    return code


def _value(raw: list, col: int, definition: Definition, number: int, errors: _Errors) -> Decimal | None:
    cell = raw[col] if col < len(raw) else None
    try:
        value = parse_number(cell, places=PLACES)
    except CellProblem as problem:
        errors.add(VALUES, number, col, f"{definition.name}：{problem}", definition.title)
        return None
    if value is None:
        return None
    if definition.log_scale and value <= 0:
        errors.add(VALUES, number, col, f"{definition.name}须大于 0（该属性取对数），而不是 {value}", definition.title)
    elif value < 0 and not definition.allow_negative:
        errors.add(VALUES, number, col, f"{definition.name}不能为负数：{value}", definition.title)
    return value


# --- Plan --------------------------------------------------------------------------------------------------


@dataclass
class Plan:
    """What importing a workbook would do (counts), per attribute and per value."""

    new_attributes: list[str] = field(default_factory=list)
    changed_attributes: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: {"new": 0, "changed": 0, "removed": 0, "unchanged": 0})
    units: int = 0

    @property
    def has_changes(self) -> bool:
        return bool(self.new_attributes or self.changed_attributes or self.counts["new"] or self.counts["changed"]
                    or self.counts["removed"])


def plan(parsed: Parsed, cycle: Cycle, units: dict[str, Unit] | None = None) -> Plan:
    """What importing `parsed` into `cycle` would change, or WorkbookError naming unknown or retired units and
    existing values that a changed definition no longer allows. Reads, never writes."""
    units = units if units is not None else {u.code: u for u in Unit.objects.all()}
    existing = {a.code: a for a in cycle.unit_attributes.all()}
    errors = _Errors()
    _check_units(parsed, units, errors)
    _check_signs(parsed, _merged([Definition.of(a) for a in existing.values()], parsed.definitions or []), errors)
    result = Plan(units=len(parsed.rows))
    for definition in parsed.definitions or []:
        current = existing.get(definition.code)
        if current is None:
            result.new_attributes.append(definition.name)
        elif _fields(Definition.of(current)) != _fields(definition):
            result.changed_attributes.append(definition.name)
            _check_kept_values(parsed, current, definition, errors)
    if errors.items:
        raise WorkbookError(errors.items)
    _count_values(parsed, cycle, units, result)
    return result


def _check_signs(parsed: Parsed, known: dict[str, Definition], errors: _Errors) -> None:
    """The values against the definitions as they are now: parsed values were checked against those of the upload,
    and the office may have switched 取对数 on meanwhile (a confirmed preview is planned again)."""
    for number, _code, values in parsed.rows:
        for attribute, value in values.items():
            definition = known.get(attribute)
            if definition is None:
                errors.add(VALUES, 1, None, f"属性“{attribute}”在本年度已不存在，请重新下载工作簿")
                return
            if value is not None and (value <= 0 if definition.log_scale else
                                      value < 0 and not definition.allow_negative):
                rule = "须大于 0（该属性取对数）" if definition.log_scale else "不能为负数"
                errors.add(VALUES, number, None, f"{definition.name}{rule}，而不是 {value}", definition.title)


def _fields(definition: Definition) -> tuple:
    return (definition.name, definition.measure, definition.weight, definition.log_scale, definition.allow_negative)


def _check_kept_values(parsed: Parsed, current: UnitAttribute, definition: Definition, errors: _Errors) -> None:
    """Values the file leaves in place must fit the attribute's new definition (取对数: > 0; no 允许负值: ≥ 0)."""
    if definition.allow_negative and not definition.log_scale:
        return
    bound = {"value__lte": 0} if definition.log_scale else {"value__lt": 0}
    rewritten = [code for _n, code, _v in parsed.rows] if definition.code in parsed.columns else []
    kept = list(current.values.filter(**bound).exclude(unit__code__in=rewritten).select_related("unit")
                .order_by("unit__code")[:5])
    if kept:
        units = "、".join(f"{v.unit.name}（{v.value.normalize()}）" for v in kept)
        rule = "须大于 0（取对数）" if definition.log_scale else "不能为负数"
        errors.add(DEFINITIONS, definition.row, None, f"属性“{definition.name}”改后{rule}，但已有值不符：{units}。"
                                                      "请在“属性值”工作表中一并修改")


def _check_units(parsed: Parsed, units: dict[str, Unit], errors: _Errors) -> None:
    index = CodeIndex(units)
    for number, code, _values in parsed.rows:
        unit = units.get(code)
        if unit is None:
            errors.add(VALUES, number, 0, index.missing(code, f"单位编码“{code}”在系统中不存在"), UNIT_COLUMNS[0])
        elif unit.is_retired:
            errors.add(VALUES, number, 0, f"单位“{unit.name}”（{code}）已于 {unit.valid_to} 撤销，不能录入属性",
                       UNIT_COLUMNS[0])


def _count_values(parsed: Parsed, cycle: Cycle, units: dict[str, Unit], result: Plan) -> None:
    current = {(unit_id, code): value for unit_id, code, value in UnitAttributeValue.objects.filter(
        attribute__cycle=cycle, attribute__code__in=parsed.columns).values_list("unit_id", "attribute__code", "value")}
    for _number, code, values in parsed.rows:
        unit = units[code]
        for attribute, value in values.items():
            old = current.get((unit.pk, attribute))
            key = ("unchanged" if old == value else "removed" if value is None else "new" if old is None
                   else "changed")
            if old is None and value is None:
                continue
            result.counts[key] += 1


def read(file, max_bytes: int, cycle: Cycle) -> tuple[Parsed, Plan]:
    """Read strictly (no formulas, merged cells, hidden sheets), parse and plan an upload (raises WorkbookError)."""
    existing = [Definition.of(a) for a in cycle.unit_attributes.all()]
    parsed = parse(excel.read_workbook_strict(file, max_bytes), existing)
    return parsed, plan(parsed, cycle)
