"""The scheme workbook (考核方案工作簿): a cycle's schemes with all their parts, the targets, milestones and
decompositions, one sheet each. Format: docs/formats.md §2.

This module knows the sheets and their columns, writes the export and parses an upload cell by cell into
plain row dicts (`Book`). `schemeplan.plan` checks a Book against the database and says what would change;
`schemeimport.import_scheme_book` writes. Nothing here touches the database except the export's reads.
"""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import repeat
from operator import itemgetter

from jixiao.indicators.models import (
    GRADE_ORDER,
    PERIOD_CODES,
    AdjustmentCategory,
    AdjustmentKind,
    BlockKind,
    Grade,
    GradeRule,
    Scheme,
    SchemeBlock,
    SchemeGroup,
    SchemeItem,
    Target,
    TargetMilestone,
    TargetSource,
    VetoCondition,
    VetoEffect,
)
from jixiao.indicators.rule_specs import RULES, format_params_text
from jixiao.indicators.schemesheets import (
    BOOL,
    CHOICE,
    CODE,
    CODE_RE,
    INFO,
    INT,
    LARGEST,
    LARGEST_FLOAT,
    MAX_ROWS,
    NA_LABELS,
    NO,
    NUMBER_KINDS,
    PLACES,
    README,
    SCHEMES,
    SPECS,
    TARGETS,
    TEXT,
    YES,
    Col,
    SheetSpec,
)
from jixiao.lib.cells import (
    CellProblem,
    Problems,
    code_problem,
    name_problem,
    normalise_code,
    parse_number,
    parse_whole,
)
from jixiao.lib.excel import (
    BackgroundSheet,
    CellError,
    Sheet,
    WorkbookError,
    cell_text,
    clean_value,
    column_letter,
    header_index,
    open_strict_parsing,
    read_workbook_strict,
    write_workbook,
)
from jixiao.lib.rows import EXACT_FLOAT, is_exact_float
from jixiao.org.rules import formula_problem

# sheet key -> parsed rows; each row has "row" (Excel row number). Also AS_STORED: 目标值 rows taken as stored.
Book = dict[str, list | dict]


# --- Export -----------------------------------------------------------------------------------------


def number(value):
    """A Decimal as Excel wants it: int when whole, else float (write_workbook writes Decimals as text)."""
    if value is None:
        return None
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def _label(choices_cls, value) -> str:
    return str(choices_cls(value).label) if value else ""


def export_rows(cycle) -> dict[str, list[list]]:
    """Every sheet's rows for `cycle`, in a fixed number of queries."""
    schemes = list(Scheme.objects.filter(cycle=cycle).select_related("assessing_unit").order_by("code"))
    code_of = {s.pk: s.code for s in schemes}
    rows = {spec.key: [] for spec in SPECS}
    rows["schemes"] = [[s.code, s.name, cycle.year, s.assessing_unit.code, number(s.total_points),
                        s.get_missing_data_display(), s.get_tie_rule_display(), s.get_status_display()]
                       for s in schemes]
    rows["blocks"] = [[code_of[b.scheme_id], b.code, b.name, number(b.weight), _label(BlockKind, b.kind), b.sort_order]
                      for b in SchemeBlock.objects.filter(scheme__in=schemes).order_by("scheme__code", "sort_order",
                                                                                     "code")]
    rows["groups"] = [[code_of[g.scheme_id], g.group.code, g.group.name, g.n_units, g.sort_order] for g in _scheme_groups(schemes)]
    rows["items"] = [_item_row(code_of, i) for i in SchemeItem.objects.for_table().filter(scheme__in=schemes)
                     .order_by("scheme__code", "block__sort_order", "group__sort_order", "group__code", "sort_order",
                               "indicator__sort_order", "indicator__code")]
    rows["categories"] = [[code_of[c.scheme_id], c.code, c.name, _label(AdjustmentKind, c.kind), number(c.cap),
                           YES if c.outside_total else NO, c.sort_order]
                          for c in AdjustmentCategory.objects.filter(scheme__in=schemes).order_by(
                              "scheme__code", "sort_order", "code")]
    rows["vetoes"] = [[code_of[v.scheme_id], v.code, v.name, _label(VetoEffect, v.effect), _label(Grade, v.cap_grade),
                       v.sort_order] for v in VetoCondition.objects.filter(scheme__in=schemes).order_by(
                           "scheme__code", "sort_order", "code")]
    grades = sorted(GradeRule.objects.filter(scheme__in=schemes),
                    key=lambda g: (code_of[g.scheme_id], GRADE_ORDER.index(g.grade)))
    rows["grades"] = [[code_of[g.scheme_id], _label(Grade, g.grade), number(g.min_score), number(g.quota_percent)]
                      for g in grades]
    _target_rows(cycle, rows)
    return rows


def _scheme_groups(schemes):
    from django.db.models import Count

    return (SchemeGroup.objects.filter(scheme__in=schemes).select_related("group")
            .annotate(n_units=Count("group__units")).order_by("scheme__code", "sort_order", "group__code"))


def _item_row(code_of, item: SchemeItem) -> list:
    params = format_params_text(item.rule, item.params).replace("\n", "; ")
    return [code_of[item.scheme_id], item.block.code, item.group.code, item.indicator.code, item.indicator.name,
            number(item.points), RULES[item.rule].name if item.rule in RULES else item.rule, params,
            item.assessor.code if item.assessor_id else "", NA_LABELS.get(item.not_applicable_policy, ""),
            item.sort_order]


def _target_rows(cycle, rows) -> None:
    targets = list(Target.objects.filter(cycle=cycle).select_related("unit", "indicator", "parent__unit"))
    for t in targets:
        rows["targets"].append([
            t.unit.code, t.unit.name, t.indicator.code, t.indicator.name, t.indicator.measure_unit,
            number(t.target_value), number(t.upper_value), t.target_text, number(t.baseline), number(t.actual),
            _label(TargetSource, t.source),
        ])
        if t.parent_id is not None:
            rows["decompositions"].append([t.indicator.code, t.indicator.name, t.parent.unit.code, t.parent.unit.name,
                                           t.unit.code, t.unit.name])
    by_target = {}
    for m in TargetMilestone.objects.filter(target__cycle=cycle).only("target_id", "period", "value"):
        by_target.setdefault(m.target_id, {})[m.period] = number(m.value)
    for t in targets:
        if t.pk in by_target:
            values = by_target[t.pk]
            rows["milestones"].append([t.unit.code, t.unit.name, t.indicator.code, t.indicator.name,
                                       *(values.get(code) for code in PERIOD_CODES)])
    rows["decompositions"].sort(key=lambda r: (r[0], r[2], r[4]))


README_LINES = [
    ("这是考核方案工作簿（示范区绩效管理平台导出）。格式说明见 docs/formats.md 第 2 节。", ""),
    ("按编码匹配：已有的为修改，新的为新增；文件中没有的内容保持不变，导入不会删除任何内容。", ""),
    ("灰色说明列（名称、状态、成员单位数等）仅供阅读，导入时忽略。", ""),
    ("不接受公式、合并单元格、隐藏工作表和宏；有任何问题时整份文件不导入，并列出“工作表, 行, 列: 问题”。", ""),
    ("已锁定方案（已发布或年度已开始）的修改须由绩效办管理员填写理由，记入审计日志。", ""),
]


def sheets_for(cycle) -> list[Sheet]:
    rows = export_rows(cycle)
    sheets = [Sheet(README, ["说明", ""], README_LINES, widths=[100, 4])]
    for spec in SPECS:
        notes = {i: c.note for i, c in enumerate(spec.columns) if c.note}
        for i, c in enumerate(spec.columns):
            if c.kind == INFO:
                notes[i] = "仅供阅读，导入时忽略"
        sheets.append(Sheet(spec.name, spec.titles, rows[spec.key], notes=notes))
    return sheets


def write(path_or_buffer, cycle) -> None:
    write_workbook(path_or_buffer, sheets_for(cycle))


# --- Parse (cell by cell) ---------------------------------------------------------------------------


class Errors:
    """Collects CellErrors (lib.cells.Problems: every one counted, the first listed in sheet and row order, however
    they are added); knows where each column of each sheet sits in the uploaded header."""

    def __init__(self):
        self.items = Problems(sheets=[spec.name for spec in SPECS])
        self.positions: dict[str, dict[str, int]] = {}

    def __bool__(self) -> bool:
        return bool(self.items)

    def add(self, spec: SheetSpec, row: int | None, field: str | None, message: str) -> None:
        title = spec.title(field) if field else ""
        index = self.positions.get(spec.key, {}).get(title) if field else None
        if index is None and field:
            index = spec.titles.index(title)
        letter = column_letter(index) if index is not None else ""
        self.items.add(CellError(spec.name, row, letter, message, title if letter else ""))

    def raise_if_any(self) -> None:
        if self.items:
            raise WorkbookError(self.items)


def read_book(file, max_bytes: int) -> Book:
    """Read an uploaded workbook strictly and parse every sheet (raises WorkbookError).

    The import itself reads through `schemeplan.read`, which parses the file while it loads the stored rows."""
    sheets = read_workbook_strict(file, max_bytes, max_rows=MAX_ROWS, ignore_sheets=[README], clean=False)
    return parse(sheets)


def open_book(file, max_bytes: int) -> tuple[bytes, BackgroundSheet]:
    """The checked bytes of an upload (`read_book`'s checks; raises WorkbookError), and its 目标值 sheet being parsed in
    a worker thread (see lib.excel.open_strict_parsing)."""
    return open_strict_parsing(file, max_bytes, max_rows=MAX_ROWS, sheet=TARGETS.name, ignore_sheets=[README])


def parse(sheets: dict[str, list[list]], stored: dict | None = None) -> Book:
    """Parse every sheet. With `stored` (the cycle's `target_cells` by unit and indicator code), a 目标值 row equal
    to a stored target's export is listed under AS_STORED instead of being converted."""
    if SCHEMES.name not in sheets:
        names = "、".join(sheets) or "无"
        raise WorkbookError(CellError(SCHEMES.name, None, "", f"找不到名为“{SCHEMES.name}”的工作表（文件中的工作表：{names}）。"))
    return add_targets(parse_except_targets(sheets), sheets.get(TARGETS.name), stored)


@dataclass
class PartParse:
    """Every sheet of a book but 目标值, parsed, and their problems, not raised yet (`add_targets` raises them)."""

    book: Book
    errors: Errors


def parse_except_targets(sheets: dict[str, list[list]]) -> PartParse:
    """Every sheet but 目标值, as `parse` does (the caller has checked that the 方案 sheet is there): schemeplan.read
    parses them while calamine is still parsing the big 目标值 sheet."""
    errors = Errors()
    return PartParse({spec.key: _parse_sheet(spec, sheets.get(spec.name), errors) for spec in SPECS if spec is not TARGETS},
                     errors)


def add_targets(part: PartParse, rows: list[list] | None, stored: dict | None = None,
                new: NewTargets | None = None) -> Book:
    """The book of `part` with the 目标值 sheet's `rows` (None: no such sheet) parsed as `parse` does; raises every
    problem of the book, in sheet order as a sheet-by-sheet pass would list them. With `new` (and `stored`), rows
    that are plain new targets go to NEW_PLAIN (see `NewTargets`)."""
    errors, parsed = part.errors, part.book
    book: Book = {}
    for spec in SPECS:
        if spec is not TARGETS:
            book[spec.key] = parsed[spec.key]
        elif stored is None:
            book[spec.key] = _parse_sheet(spec, rows, errors)
        else:
            book[AS_STORED] = {}
            plain = None if new is None else PlainTargets(new)
            book[spec.key] = _parse_sheet(spec, rows, errors, stored, book[AS_STORED], plain)
            if plain is not None:
                book[NEW_PLAIN] = plain
    errors.raise_if_any()
    if not book["schemes"]:
        raise WorkbookError(CellError(SCHEMES.name, 2, "", "“方案”工作表中没有数据行。"))
    return book


def parse_schemes(rows: list[list]) -> list[dict] | None:
    """The 方案 sheet's rows alone (to learn the cycle before the rest is parsed); None if it has any problem."""
    errors = Errors()
    parsed = _parse_sheet(SCHEMES, rows, errors)
    return None if errors.items else parsed


def _parse_sheet(spec: SheetSpec, rows: list[list] | None, errors: Errors, stored: dict | None = None,
                 as_stored: dict | None = None, plain: PlainTargets | None = None) -> list[dict]:
    """The sheet's rows as dicts of field -> value, plus "row" (its Excel row number). Rows taken as stored (see
    `parse`) go to `as_stored` instead, as row number -> the stored target's cells, and plain new targets to
    `plain.rows` (see `NewTargets`)."""
    if rows is None:
        return []
    if not rows:
        errors.add(spec, 1, None, "工作表是空的，第 1 行应为表头。")
        return []
    positions = header_index(rows[0], spec.titles)
    errors.positions[spec.key] = positions
    missing = [c.title for c in spec.columns if c.required and c.title not in positions]
    if missing:
        errors.add(spec, 1, None, f"表头缺少必需的列：{'、'.join(missing)}。")
        return []
    data_columns = spec.data_columns
    # Absent optional columns read as an empty cell past the header's last column.
    width = max([*positions.values(), 0]) + 1
    indexes = [positions.get(c.title, width) for c in data_columns]
    pick, need = _picker(indexes), max(indexes) + 1
    numbers, picked, order = _pick_rows(rows, pick, need, stored, as_stored, plain)
    start = errors.items.mark()
    columns = _convert_columns(spec, errors, numbers, picked)
    names = [*(c.field for c in data_columns), "row"]
    key_indexes = [names.index(f) for f in spec.key_fields]
    whole_and_distinct = _keys_whole_and_distinct([columns[i] for i in key_indexes] if columns else [], as_stored,
                                                  plain)
    if not whole_and_distinct and plain and plain.rows:
        # A key missing or given twice: the rows are picked again without plain new targets, so that the checks
        # below see every row that is not taken as stored (a file with such a problem is refused anyway).
        errors.items.drop_since(start)  # the second pass converts more rows: it finds again all the first found
        as_stored.clear()
        plain.rows.clear()
        plain.keys.clear()
        numbers, picked, order = _pick_rows(rows, pick, need, stored, as_stored)
        columns = _convert_columns(spec, errors, numbers, picked)
        whole_and_distinct = False
    if whole_and_distinct:
        # Nothing to check row by row: each converted row is its values and its row number.
        parsed = list(map(dict, map(zip, repeat(names), zip(*columns, numbers, strict=False))))
    else:
        parsed = _check_keys(spec, errors, names, key_indexes, zip(*columns, numbers, strict=False), len(numbers),
                             order, as_stored)
    return parsed


def _keys_whole_and_distinct(key_columns: list[list], as_stored: dict | None, plain: PlainTargets | None = None
                             ) -> bool:
    """Whether every converted row has all its key cells and no two rows, those taken as stored and the plain new
    targets included, share a key: the common sheet, which needs no duplicate check row by row."""
    if not all(all(column) for column in key_columns):
        return False
    count = len(key_columns[0]) if key_columns else 0
    keys = set(zip(*key_columns, strict=True)) if key_columns else set()
    if len(keys) != count:
        return False
    if as_stored:
        stored_keys = {cells[:2] for cells in as_stored.values()}
        if len(stored_keys) != len(as_stored) or not keys.isdisjoint(stored_keys):
            return False
        keys |= stored_keys
    if plain and plain.rows:
        return len(plain.keys) == len(plain.rows) and keys.isdisjoint(plain.keys)
    return True


def _check_keys(spec, errors, names, key_indexes, converted, count, order, as_stored) -> list[dict]:
    """The converted rows as dicts, in row order, each key's later rows refused as duplicates (and dropped from
    `as_stored` when taken as stored). `converted` gives each row's values followed by its row number."""
    key_of = _picker(key_indexes)
    parsed, seen = [], {}
    for entry in repeat(None, count) if order is None else order:
        if entry is None:
            values = next(converted)
            number_, key = values[-1], key_of(values)
        else:  # the row number of a row taken as stored
            number_, key = entry, as_stored[entry][:2]
        if all(key):
            if key in seen:
                errors.add(spec, number_, spec.key_fields[-1], f"与第 {seen[key]} 行重复（{' / '.join(map(str, key))}）")
                if entry is not None:
                    del as_stored[entry]
                continue
            seen[key] = number_
        if entry is None:
            parsed.append(dict(zip(names, values, strict=False)))
    return parsed


def _pick_rows(rows: list[list], pick, need: int, stored: dict | None, as_stored: dict | None,
               plain: PlainTargets | None = None):
    """The data rows' numbers and picked cells, empty rows left out. With `stored`, a row whose cells are a stored
    target's is not picked but noted in `as_stored` (row number -> those cells); `order` then lists, in row order,
    None for each picked row and the row number of each row taken as stored (None without `stored`). With `plain`,
    a row that is a plain new target (`NewTargets`) is not picked either but added to `plain.rows`."""
    numbers, picked = [], []
    order = None if stored is None else []
    if plain is not None:
        new = plain.context
        stored_keys, units, indicators, sources = new.stored_keys, new.units, new.indicators, PLAIN_SOURCES
        add_plain, add_key = plain.rows.append, plain.keys.add
    for number_, raw in enumerate(rows[1:], start=2):
        if len(raw) < need:
            raw = list(raw) + [None] * (need - len(raw))
        values = pick(raw)
        first = values[0]
        if order is not None:
            key = (first, values[1])
            cells = stored.get(key)
            if cells is not None and cells == values:
                as_stored[number_] = cells
                order.append(number_)
                continue
            # A plain new target: its cells are what the column converters' short paths give back unchanged and the
            # plan accepts as they are (`NewTargets`). The comparisons are ordered to reject a row early.
            if plain is not None and (value := values[2]).__class__ is float and values[3] == "" and values[4] == "" \
                    and values[6] == "" and values[7] in sources and 0 < value < EXACT_FLOAT \
                    and round(value * 10000.0) / 10000.0 == value and key not in stored_keys:
                unit_id, indicator_id, baseline = units.get(first), indicators.get(values[1]), values[5]
                if unit_id is not None and indicator_id is not None:
                    if baseline == "":
                        add_plain([number_, first, values[1], unit_id, indicator_id, value, None])
                        add_key(key)
                        continue
                    if baseline.__class__ is float and -EXACT_FLOAT < baseline < EXACT_FLOAT \
                            and round(baseline * 10000.0) / 10000.0 == baseline:  # rows.is_exact_float, inline
                        add_plain([number_, first, values[1], unit_id, indicator_id, value, baseline])
                        add_key(key)
                        continue
        if not ((first.__class__ is str and first.strip()) or first.__class__ in (int, float)) and all(
                clean_value(v) is None for v in values):
            continue
        numbers.append(number_)
        picked.append(values)
        if order is not None:
            order.append(None)
    return numbers, picked, order


def _convert_columns(spec: SheetSpec, errors: Errors, numbers: list[int], picked: list[tuple]) -> list[list]:
    """Convert the picked cells column by column: an empty cell ("" from calamine) of an optional column is None
    and a text seen before in the column is its earlier value, both without a call; the rest is converted.
    The caller puts the errors back in row order, as a row-by-row pass would give them."""
    columns = []
    for col, cells in zip(spec.data_columns, zip(*picked, strict=True), strict=False):
        memo = {}  # text cell -> value, for codes and choices that repeat
        convert = _converter(spec, col, errors, memo)
        optional = not col.required
        if col.kind in NUMBER_KINDS:
            columns.append(_number_column(cells, numbers, convert, optional, PLACES[col.kind]))
            continue
        columns.append([None if optional and value == "" else memo[value] if value in memo
                        else convert(value, number_)
                        for value, number_ in zip(cells, numbers, strict=False)])
    return columns


def _number_column(cells: tuple, numbers: list[int], convert, optional: bool, places: int) -> list:
    """A number column: the short path of `_converter`'s number cell taken inline (a call per cell costs a third
    of the conversion), anything else through `convert`."""
    column = []
    append = column.append
    for value, number_ in zip(cells, numbers, strict=False):
        if value.__class__ is float and -LARGEST_FLOAT < value < LARGEST_FLOAT:
            if value.is_integer():
                append(Decimal(int(value)))
                continue
            text = repr(value)
            dot = text.find(".")
            if dot > 0 and "e" not in text and len(text) - dot - 1 <= places:
                append(Decimal(text))
                continue
        elif optional and value == "":
            append(None)
            continue
        append(convert(value, number_))
    return column


def _picker(indexes: list[int]):
    """A function returning the items at `indexes` of a sequence as a tuple (operator.itemgetter, always a tuple)."""
    if len(indexes) == 1:
        index = indexes[0]
        return lambda seq: (seq[index],)
    return itemgetter(*indexes)


def _converter(spec: SheetSpec, col: Col, errors: Errors, memo: dict):
    """A function (cell, row number) -> parsed value for one column, prepared once per sheet.

    Codes and choices note each well-formed text cell and its value in `memo` (text keys only, so a number
    never matches one); the caller looks there first.

    Cells may come raw from calamine (floats, unstripped text, "" when empty) or cleaned; the common cells
    (a number within the column's places, a well-formed code) take a short path, everything else — empty,
    wrong or unusual — goes through `_parse_cell`, which owns every rule and message.
    """
    def general(value, row):
        if (value is None or value == "") and not col.required:
            return None
        return _parse_cell(spec, col, clean_value(value), row, errors)

    if col.kind in NUMBER_KINDS:
        places = PLACES[col.kind]

        optional = not col.required

        def number_cell(value, row):
            if value.__class__ is float and -LARGEST_FLOAT < value < LARGEST_FLOAT:
                if value.is_integer():
                    return Decimal(int(value))
                text = repr(value)
                dot = text.find(".")
                if dot > 0 and "e" not in text and len(text) - dot - 1 <= places:
                    return Decimal(text)
            elif optional and value == "":
                return None
            return general(value, row)
        return number_cell
    if col.kind == CODE:
        def code_cell(value, row):
            if value.__class__ is str:
                text = value.strip()
                if CODE_RE.match(text):
                    memo[value] = text
                    return text
            return general(value, row)
        return code_cell
    if col.kind == CHOICE:
        choices = col.choices

        def choice_cell(value, row):
            if value.__class__ is str:
                found = choices.get(value.strip())
                if found is not None:
                    memo[value] = found
                    return found
            return general(value, row)
        return choice_cell
    return general


def _parse_cell(spec, col: Col, value, row: int, errors: Errors):
    def bad(message):
        errors.add(spec, row, col.field, message)

    if value is None:
        if col.required:
            bad(f"{col.title}为空")
        return None
    if col.kind in NUMBER_KINDS:
        return _decimal(value, PLACES[col.kind], col, bad)
    if col.kind == INT:
        try:
            return parse_whole(value)
        except CellProblem as problem:
            bad(f"{col.title}{problem}")
            return None
    if col.kind == BOOL:
        if isinstance(value, bool):
            return value
        text = cell_text(value)
        if text in (YES, NO):
            return text == YES
        bad(f"应填“是”或“否”，而不是“{text}”")
        return None
    if col.kind == CODE:
        try:
            text = normalise_code(value, label=col.title)
        except CellProblem as problem:
            bad(str(problem))
            return None
        problem = code_problem(text, CODE_RE, label=col.title, max_length=30)
        if problem:
            bad(problem)
            return None
        return text
    text = cell_text(value)
    if col.kind == CHOICE:
        if text in col.choices:
            return col.choices[text]
        options = "、".join(dict.fromkeys(k for k in col.choices if not k.isascii())) or "、".join(col.choices)
        bad(f"无法识别“{text}”，应为：{options}")
        return None
    if len(text) > col.max_length:
        bad(f"{col.title}过长：{len(text)} 个字，最多 {col.max_length} 个字")
        return None
    if col.kind == TEXT and (problem := formula_problem(text) or name_problem(text, label=col.title)):
        bad(problem if problem.startswith(col.title) else f"{col.title}{problem}")
        return None
    return text


def _decimal(value, places: int, col: Col, bad) -> Decimal | None:
    """A number cell through the imports' one number parser (lib.cells.parse_number), its problem named with the
    column's title."""
    try:
        return parse_number(value, places=places, largest=LARGEST)
    except CellProblem as problem:
        bad(f"{col.title}：{problem}")
        return None


# --- 目标值 rows read back as exported -------------------------------------------------------------------
# A re-imported workbook mostly brings its targets back as they were exported. A row whose cells are exactly
# those the export writes for a stored target, when converting them is sure to give that target's values
# back (`target_cells`), is that target again: the parse lists it under AS_STORED (row number -> the stored
# target's cells) without converting its cells, and the plan counts it unchanged when it plans against the same
# stored rows (the same cells object). On its way to the confirmation it travels as a row of its values
# (`stored_row`).

AS_STORED = "targets_as_stored"
SOURCE_LABELS = {c.value: str(c.label) for c in TargetSource}
SOURCE_CODES = {label: code for code, label in SOURCE_LABELS.items()}
TEXT_MAX = TARGETS.col("target_text").max_length
_plain_codes: dict[str, bool] = {}


def target_cells(unit: str, indicator: str, value, upper, text: str, baseline, actual, source: str) -> tuple | None:
    """The 目标值 cells of an exported stored target as calamine reads them back (the data columns, in order),
    or None when reading them back might not give the target's values (the row is then converted and compared).

    Amounts are as the database driver returns them (float or int on SQLite, Decimal on PostgreSQL): a stored
    value of at most four decimal places, whose shortest repr is its decimal form. Called for every stored
    target of the cycle, so the common cells (an empty amount, an empty text) take no call.
    """
    label = SOURCE_LABELS.get(source)
    if label is None or not (_plain_codes.get(unit) or plain_code(unit)) or not (
            _plain_codes.get(indicator) or plain_code(indicator)):
        return None
    if text and (text != text.strip() or len(text) > TEXT_MAX or formula_problem(text)):
        return None
    cells = (unit, indicator, "" if value is None else _amount_cell(value), "" if upper is None else _amount_cell(upper),
             text, "" if baseline is None else _amount_cell(baseline), "" if actual is None else _amount_cell(actual),
             label)
    return None if None in cells else cells


def plain_code(code: str) -> bool:
    """A code the parse reads back as itself (memoised: a workbook repeats its units and indicators)."""
    plain = _plain_codes[code] = code == code.strip() and bool(CODE_RE.match(code))
    return plain


def _amount_cell(value):
    """A stored amount as calamine reads back its exported cell, or None when it may not read back as the same
    amount (more than four decimal places, or more digits than a float holds) or when a cell of another kind
    would equal it (a TRUE or FALSE cell equals 1 or 0, and the parse refuses it)."""
    cell = float(value)  # exact below EXACT_FLOAT: the float the export writes, whose repr the parse reads
    return cell if is_exact_float(cell) and cell != 0 and cell != 1 else None


def stored_row(number_: int, cells: tuple) -> dict:
    """The row a 目标值 row taken as stored (an AS_STORED entry) parses to, from its cells: those `target_cells`
    gives are what the column converters take their short path with (amounts as floats, texts as they are)."""
    unit, indicator, value, upper, text, baseline, actual, label = cells
    return {"unit": unit, "indicator": indicator, "target_value": _cell_amount(value), "upper_value": _cell_amount(upper),
            "target_text": text or None, "baseline": _cell_amount(baseline), "actual": _cell_amount(actual),
            "source": SOURCE_CODES[label], "row": number_}


def _cell_amount(cell) -> Decimal | None:
    if cell == "":
        return None
    return Decimal(int(cell)) if cell.is_integer() else Decimal(repr(cell))


# --- Plain new targets ----------------------------------------------------------------------------------
# A first import of a year's targets brings thousands of new rows, nearly all of one shape: a known unit, a
# higher- or lower-better indicator, a positive target value and perhaps a baseline, each a float of at most
# four decimal places, nothing else, source 区定. Such a row converts to a target the plan accepts without a
# question, so the parse does not convert it: it goes to NEW_PLAIN as a list [row number, unit code, indicator
# code, unit id, indicator id, target value, baseline] (amounts as calamine's floats, the baseline None when the
# cell is empty), and the plan counts, defaults the baseline of and writes these rows as they are. Every other
# row, and every row of a file with a missing or repeated key, takes the general path.

NEW_PLAIN = "targets_new_plain"
PLAIN_SOURCES = frozenset(["", *(text for text, code in TARGETS.col("source").choices.items()
                                 if code == TargetSource.DISTRICT_SET)])


@dataclass(frozen=True)
class NewTargets:
    """What the parse needs to know to take a 目标值 row as a plain new target, from the stored rows of an open cycle
    (`schemeplan.State.new_targets`): the (unit code, indicator code) of every stored target, and the ids of the units
    and of the higher- or lower-better indicators by their codes, those that read back as themselves only."""

    stored_keys: Container
    units: dict[str, int]
    indicators: dict[str, int]


@dataclass
class PlainTargets:
    """The plain new targets of one parse, made against `context`."""

    context: NewTargets
    rows: list[list] = field(default_factory=list)
    keys: set[tuple[str, str]] = field(default_factory=set)  # of the rows, as they are added

    def __len__(self) -> int:
        return len(self.rows)


def plain_row(entry: list) -> dict:
    """The row a plain new target parses to by the general path (a baseline defaulted since, a Decimal, is kept)."""
    number_, unit, indicator, _unit_id, _indicator_id, value, baseline = entry
    return {"unit": unit, "indicator": indicator, "target_value": _cell_amount(value), "upper_value": None,
            "target_text": None, "baseline": baseline if baseline is None or baseline.__class__ is Decimal
            else _cell_amount(baseline), "actual": None,
            "source": TargetSource.DISTRICT_SET.value, "row": number_}


# --- The parsed book travels from the preview to the confirmation as JSON ------------------------------


def book_to_json(book: Book) -> dict:
    """JSON-safe rows. Rows taken as stored travel as rows of their values: the confirmation compares them again."""
    data = {}
    for key, rows in book.items():
        if key in (AS_STORED, NEW_PLAIN):
            continue
        if key == TARGETS.key and (book.get(AS_STORED) or book.get(NEW_PLAIN)):
            rows = sorted([*rows, *(stored_row(*entry) for entry in (book.get(AS_STORED) or {}).items()),
                           *map(plain_row, book[NEW_PLAIN].rows if book.get(NEW_PLAIN) else ())],
                          key=itemgetter("row"))
        data[key] = [{k: (str(v) if isinstance(v, Decimal) else v) for k, v in row.items()} for row in rows]
    return data


def book_from_json(data: dict) -> Book:
    book: Book = {}
    for spec in SPECS:
        kinds = {c.field: c.kind for c in spec.columns}
        book[spec.key] = [{k: (Decimal(v) if kinds.get(k) in NUMBER_KINDS and v is not None else v)
                           for k, v in row.items()} for row in data.get(spec.key, [])]
    return book
