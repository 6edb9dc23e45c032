"""The value workbook: export a pre-filled template and import it back, all or nothing (docs/formats.md §值).

One template serves a unit (its own indicators of one period) and an assessor unit (its indicators for every
assessed unit). The sheet “说明” names the template, the cycle, the period and the unit or assessor; the sheet
“数据” has one row per unit × indicator. The import checks everything first and writes nothing when any row
is wrong; the rows are written in bulk in one transaction with one audit event.
"""

import functools
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from decimal import Decimal
from operator import itemgetter
from typing import NamedTuple

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from jixiao.accounts.models import User
from jixiao.audit import log
from jixiao.indicators.models import Target, TargetMilestone
from jixiao.lib.cells import MAX_LISTED, CellProblem, CodeIndex, Problems, normalise_code
from jixiao.lib.excel import (
    BackgroundSheet,
    CellError,
    Sheet,
    WorkbookError,
    cell_text,
    clean_value,
    column_letter,
    open_strict,
    write_workbook,
)
from jixiao.lib.rows import insert_grouped, insert_rows, is_exact_float, sqlite_amount, update_rows
from jixiao.org.models import Cycle, Unit
from jixiao.reporting import actions, checks, due
from jixiao.reporting.models import Period, Status, Submission, Value, ValueRevision, ValueState

TEMPLATE_ID = "jixiao-values-1"
INFO_SHEET, DATA_SHEET = "说明", "数据"
COLUMNS = ["单位编码", "单位名称", "指标编码", "指标名称", "计量单位", "目标值", "本期节点目标", "数值", "文字情况",
           "备注", "异常说明", "版本", "修改理由"]
# 修改理由 is asked for only where the page asks for one (`actions.write_rule`): templates made before it had none.
REQUIRED = ["单位编码", "指标编码", "数值", "文字情况", "备注", "异常说明", "版本"]
READ = REQUIRED  # the columns parse() reads, in the order it unpacks them
MAX_ROWS = 100_000  # one template never needs more: 110 units × 80 indicators is under 9,000
# Uploads with more data rows than this run as a background task with a progress page.
BACKGROUND_ROWS = 2_000


@dataclass(slots=True)
class Entry:
    """One parsed row, ready to be written."""

    unit_id: int
    item: object
    number: Decimal | None
    text: str
    note: str
    explanation: str
    version: int | None
    line: int
    reason: str = ""  # 修改理由: a correction of a value unlocked or returned on its own needs one


class Figure(NamedTuple):
    """A plain first figure as it is inserted (FIGURE_COLUMNS): on SQLite the cell's float, exact by
    `rows.is_exact_float`, elsewhere its Decimal. The parse makes them as `PlainItem + (figure,)`, plain tuples
    of these fields: a named tuple's constructor a row cost a third of the parse (docs/decisions/0003-excel.md)."""

    indicator_id: int
    item_id: int
    number: float | Decimal


@dataclass(slots=True)
class Figures:
    """A unit's rows that hold a figure and nothing else, for an indicator whose figures need no check but their
    form (`checks.plain_figure`), with the version 0 the template gives a value not stored yet: what most rows of a
    first upload are. `lines`: their Excel row numbers, in the order of `rows`."""

    rows: list[Figure] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)


@dataclass
class Parsed:
    period: Period
    unit: Unit | None
    assessor: Unit | None
    entries: list[Entry] = field(default_factory=list)
    figures: dict[int, Figures] = field(default_factory=dict)  # unit id -> its plain first figures

    @property
    def count(self) -> int:
        return len(self.entries) + sum(len(f.rows) for f in self.figures.values())

    @property
    def as_assessor(self) -> bool:
        return self.assessor is not None


# --- Export -----------------------------------------------------------------------------------------


def template_rows(period, *, unit=None, assessor=None) -> list[list]:
    """The data rows of a template, pre-filled with targets, milestones and current values."""
    if unit is not None:
        pairs = [(unit, item) for item in due.items_for_unit(period, unit)]
    else:
        items = {i.indicator_id: i for i in due.items_for_assessor(period, assessor)}
        by_unit = due.scope_by_unit(period)
        units = Unit.objects.in_bulk(list(by_unit))
        pairs = [(units[uid], items[iid]) for uid in sorted(by_unit, key=lambda u: (units[u].sort_order,
                                                                                    units[u].code))
                 for iid in by_unit[uid] if iid in items]
    unit_ids = {u.pk for u, _ in pairs}
    ind_ids = {i.indicator_id for _, i in pairs}
    targets = {(t.unit_id, t.indicator_id): t for t in Target.objects.filter(
        cycle_id=period.cycle_id, unit_id__in=unit_ids, indicator_id__in=ind_ids)}
    milestones = {(m.target.unit_id, m.target.indicator_id): m.value for m in TargetMilestone.objects.filter(
        target__in=targets.values(), period=period.code).select_related("target")}
    values = {(v.unit_id, v.indicator_id): v for v in Value.objects.filter(
        submission__period=period, unit_id__in=unit_ids, indicator_id__in=ind_ids)}
    rows = []
    for u, item in pairs:
        target, value = targets.get((u.pk, item.indicator_id)), values.get((u.pk, item.indicator_id))
        rows.append([u.code, u.name, item.indicator.code, item.indicator.name, item.indicator.measure_unit,
                     target.display_value() if target else "", _f(milestones.get((u.pk, item.indicator_id))),
                     _f(value.number) if value else None, value.text if value else "",
                     value.note if value else "", value.explanation if value else "",
                     value.version if value else 0, ""])
    return rows


def _f(number):
    return float(number) if number is not None else None


def export_template(out, period, *, unit=None, assessor=None) -> int:
    """Write the template to a path or binary buffer; returns the number of data rows."""
    rows = template_rows(period, unit=unit, assessor=assessor)
    who = ["填报单位", unit.code] if unit is not None else ["考核责任单位", assessor.code]
    info = [["模板", TEMPLATE_ID], ["考核年度", period.cycle.year], ["报送期", period.code], who,
            ["报送期名称", str(period)], ["单位名称", (unit or assessor).name],
            ["说明", "请只填写“数值”“文字情况”“备注”“异常说明”列（更正单独解锁或被退回的数值时另填“修改理由”）；"
                    "不要修改编码、版本列，不要增删工作表。"],
            ["说明", "数值为年初至本期末的累计值；定性、节点类指标填写“文字情况”。数值请直接填写数字，不要使用公式。"]]
    write_workbook(out, [Sheet(INFO_SHEET, ["项目", "内容"], info), Sheet(DATA_SHEET, COLUMNS, rows)])
    return len(rows)


# --- Parse ------------------------------------------------------------------------------------------


def _info(sheets, names=None) -> dict[str, str]:
    """The 说明 sheet as a dict; `names`: every sheet of the workbook when `sheets` holds only some."""
    names = set(sheets if names is None else names)
    if INFO_SHEET not in names or DATA_SHEET not in names:
        raise WorkbookError("不是本平台导出的填报模板（缺少“说明”或“数据”工作表）。请先下载模板，在模板中填写后上传。")
    info = {cell_text(row[0]): cell_text(row[1]) for row in sheets[INFO_SHEET][1:] if len(row) >= 2 and row[0]}
    if info.get("模板") != TEMPLATE_ID:
        raise WorkbookError("模板类型不符：该文件不是数值填报模板，或模板版本已过期。请重新下载模板。")
    return info


def _header(rows) -> dict[str, int]:
    header = [cell_text(v) for v in rows[0]] if rows else []
    missing = [title for title in REQUIRED if title not in header]
    if missing:
        raise WorkbookError(CellError(DATA_SHEET, 1, "", f"缺少列：{'、'.join(missing)}。请使用下载的模板，不要修改表头。"))
    return {title: header.index(title) for title in COLUMNS if title in header}


def identify(info, *, expect_period=None, expect_unit=None, expect_assessor=None) -> tuple[Period, Unit | None,
                                                                                           Unit | None]:
    """The period and unit/assessor the file declares, checked against what the page expects."""
    year, code = info.get("考核年度", ""), info.get("报送期", "")
    period = Period.objects.select_related("cycle").filter(cycle__year=int(year) if year.isdigit() else -1,
                                                           code=code).first()
    if period is None:
        raise WorkbookError(f"文件中的考核年度“{year}”报送期“{code}”在系统中不存在。")
    if expect_period is not None and period.pk != expect_period.pk:
        raise WorkbookError(f"报送期不符：文件是{period}的模板，当前页面是{expect_period}。请下载本期模板后填写。")
    unit_code, assessor_code = info.get("填报单位", ""), info.get("考核责任单位", "")
    unit = Unit.objects.filter(code=unit_code).first() if unit_code else None
    assessor = Unit.objects.filter(code=assessor_code, is_assessor=True).first() if assessor_code else None
    if unit is None and assessor is None:
        raise WorkbookError("文件未注明填报单位或考核责任单位，或该单位在系统中不存在。")
    if expect_unit is not None and (unit is None or unit.pk != expect_unit.pk):
        raise WorkbookError(f"单位不符：该文件是“{(unit or assessor).name}”的模板，不能导入到“{expect_unit.name}”。")
    if expect_assessor is not None and (assessor is None or assessor.pk != expect_assessor.pk):
        raise WorkbookError(f"单位不符：该文件不是“{expect_assessor.name}”的考核责任单位模板。")
    return period, unit, assessor


class ItemRule(NamedTuple):
    """How a row of one scheme item is checked: the item, its grade table, and whether its figures need no check
    but their form (`checks.plain_figure`)."""

    item: object
    grades: list[str]
    plain: bool


class PlainItem(NamedTuple):
    """A plain item's ids, for a `Figure`."""

    indicator_id: int
    item_id: int


class UnitRows(NamedTuple):
    """What a file may write for one unit: its id, its items by indicator code, and the plain ones among them."""

    unit_id: int
    items: dict[str, ItemRule]
    plain: dict[str, PlainItem]


@dataclass
class Scope:
    """What a file may write, read once before its rows are checked.

    `by_code`: unit code -> `UnitRows` for every unit the file may hold rows of. Units due the same items share their
    mappings (and `allowed`'s), worked out once.
    """

    period: Period
    unit: Unit | None
    assessor: Unit | None
    units: dict[str, int]
    allowed: dict[int, dict[int, object]]
    by_code: dict[str, UnitRows] = field(default_factory=dict)

    @classmethod
    def of(cls, period, unit, assessor) -> "Scope":
        units = dict(Unit.objects.values_list("code", "pk"))
        if unit is not None:
            own = {i.indicator_id: i for i in due.items_for_unit(period, unit)}
            return cls(period, unit, assessor, units, {unit.pk: own}, {unit.code: UnitRows(unit.pk, *_code_maps(own))})
        mine = {i.indicator_id for i in due.items_for_assessor(period, assessor)}
        code_of = {pk: code for code, pk in units.items()}
        shared: dict[tuple, tuple] = {}  # the items a unit is due -> (them by indicator id, *_code_maps of them)
        allowed, by_code = {}, {}
        for unit_id, items in due.scope_by_unit(period, keep=mine).items():
            maps = shared.get(key := tuple(item.pk for item in items.values()))
            if maps is None:
                maps = shared[key] = (items, *_code_maps(items))
            allowed[unit_id] = maps[0]
            by_code[code_of[unit_id]] = UnitRows(unit_id, maps[1], maps[2])
        return cls(period, unit, assessor, units, allowed, by_code)

    def item(self, unit_id: int, indicator_id: int):
        return self.allowed[unit_id][indicator_id]

    @property
    def unit_ids(self) -> set[int]:
        return set(self.allowed)

    @property
    def indicator_ids(self) -> set[int]:
        shared = {id(items): items for items in self.allowed.values()}  # units due the same items share one mapping
        return {iid for items in shared.values() for iid in items}


def _code_maps(items: dict[int, object]) -> tuple[dict[str, ItemRule], dict[str, PlainItem]]:
    """A unit's items (indicator id -> scheme item) by indicator code, as `UnitRows` holds them."""
    rules, plain = {}, {}
    for indicator_id, item in items.items():
        rule = rules[item.indicator.code] = ItemRule(item, checks.grades_of(item), checks.plain_figure(item.indicator))
        if rule.plain:
            plain[item.indicator.code] = PlainItem(indicator_id, item.id)
    return rules, plain


def _is_plain_figure_row(number, version, text, note, explanation) -> bool:
    """A row as the template exports a value not stored yet (version 0, text cells "" as calamine gives an empty
    cell), with a figure typed in (a float) and nothing else."""
    return (number.__class__ is float and version.__class__ is float and version == 0.0
            and text == note == explanation == "")


def parse_rows(rows, scope: Scope, *, progress: Callable | None = None) -> Parsed:
    """Check every row of the 数据 sheet against what the file may write; raise WorkbookError listing the first
    problems (and counting all of them), or return the entries.

    Takes raw cells as calamine gives them (`clean=False`). A row that holds a plain figure and nothing else skips
    the general checks, whose outcome for it is known: it goes to `parsed.figures` (`_plain_figure`).
    """
    cols = _header(rows)
    reason_at = cols.get("修改理由")
    parsed = Parsed(scope.period, scope.unit, scope.assessor)
    problems = Problems(MAX_LISTED, [DATA_SHEET])
    used = [cols[title] for title in READ]
    width = max(used) + 1
    cells = itemgetter(*used)
    seen: dict[tuple[str, str], int] = {}  # (unit code, indicator code) -> the first row that has it
    as_float = connection.vendor == "sqlite"  # the database's form of a figure: see Figures
    for line, raw_row in enumerate(rows[1:], start=2):
        if progress is not None and line % 5000 == 0:
            progress("校验数据", line, len(rows) - 1)
        if len(raw_row) < width:
            raw_row = list(raw_row) + [None] * (width - len(raw_row))
        unit, indicator, number, text, note, explanation, version = cells(raw_row)
        if _is_plain_figure_row(number, version, text, note, explanation) and _plain_figure(
                unit, indicator, number, line, scope, seen, parsed, problems, cols, as_float):
            continue
        entry = _entry(cells(raw_row), raw_row, line, scope, seen, problems, cols, reason_at)
        if entry is not None:
            parsed.entries.append(entry)
    if problems:
        raise WorkbookError(problems)
    if not parsed.entries and not parsed.figures:
        raise WorkbookError(CellError(DATA_SHEET, None, "", "没有任何数据行。"))
    return parsed


def _plain_figure(unit, indicator, number, line, scope: Scope, seen, parsed: Parsed, problems, cols, as_float) -> bool:
    """File a plain first figure under its unit (`Figures`) when its codes are as exported and its float is exact
    (`rows.is_exact_float`); False sends the row to the general path. Most rows of a first upload come here:
    measured in docs/decisions/0003-excel.md."""
    of_unit = scope.by_code.get(unit)
    target = of_unit.plain.get(indicator) if of_unit is not None else None
    if target is None or not is_exact_float(number):
        return False
    key = (unit, indicator)
    first = seen.setdefault(key, line)
    if first != line:
        _duplicate(problems, line, cols, first, key)
        return True
    figures = parsed.figures.get(of_unit.unit_id)
    if figures is None:
        figures = parsed.figures[of_unit.unit_id] = Figures()
    figures.rows.append(target + (number if as_float else checks.parse_number(number),))  # a Figure's fields
    figures.lines.append(line)
    return True


def _entry(cells, raw_row, line, scope: Scope, seen, problems, cols, reason_at) -> Entry | None:
    """The general path: every check of a row (`cells`: the READ columns); the entry, or None with its problems."""
    unit, indicator, number, text, note, explanation, version = cells
    codes = []
    for title, raw in (("单位编码", unit), ("指标编码", indicator)):
        try:
            codes.append(normalise_code(raw, label=title))
        except CellProblem as problem:
            return _err(problems, line, cols, title, str(problem))
    unit_code, ind_code = codes
    if not unit_code and not ind_code and all(clean_value(v) is None for v in raw_row):
        return None
    text, note, explanation = cell_text(text), cell_text(note), cell_text(explanation)
    version = clean_value(version)
    key = (unit_code, ind_code)
    of_unit = scope.by_code.get(unit_code)
    rule = of_unit.items.get(ind_code) if of_unit is not None else None
    if rule is None:
        return _out_of_scope(line, cols, scope, problems, unit_code, ind_code)
    if (first := seen.setdefault(key, line)) != line:
        return _duplicate(problems, line, cols, first, key)
    try:
        number = checks.parse_number(number)
    except checks.ValueProblem as problem:
        return _err(problems, line, cols, "数值", str(problem))
    wrong = () if rule.plain and not text else checks.value_problems(rule.item.indicator, number, text, rule.grades)
    if wrong:
        column = "数值" if checks.is_numeric(rule.item.indicator) else "文字情况"
        return _err(problems, line, cols, column, "；".join(wrong))
    if version is not None and not isinstance(version, int):
        return _err(problems, line, cols, "版本", "版本应为整数，请不要修改该列")
    if max(len(note), len(explanation), len(text), len(reason := _reason(raw_row, reason_at))) > 500:
        return _err(problems, line, cols, "备注", "备注、异常说明、文字情况、修改理由各不超过 500 字")
    return Entry(of_unit.unit_id, rule.item, number, text, note, explanation, version, line, reason)


def _reason(row, at) -> str:
    return cell_text(row[at]) if at is not None and at < len(row) else ""


def _duplicate(problems, line, cols, first, key) -> None:
    _err(problems, line, cols, "指标编码", f"与第 {first} 行重复（单位“{key[0]}”、指标“{key[1]}”），同一指标只能填一行")


def _out_of_scope(line, cols, scope: Scope, problems, unit_code, ind_code) -> None:
    """Say why a row's unit and indicator are not one the file may write."""
    unit_id = scope.units.get(unit_code)
    if unit_id is None:
        return _err(problems, line, cols, "单位编码", CodeIndex(scope.units).missing(unit_code, f"单位编码“{unit_code}”不存在"))
    if scope.unit is not None and unit_id != scope.unit.pk:
        return _err(problems, line, cols, "单位编码",
                    f"“{unit_code}”不是本单位（{scope.unit.code}）的数据，不能导入其他单位的行")
    return _err(problems, line, cols, "指标编码", f"指标“{ind_code}”不在单位“{unit_code}”本期应报范围内")


def _err(problems, line, cols, title, message) -> None:
    col = column_letter(cols[title]) if title in cols else ""
    problems.add(CellError(DATA_SHEET, line, col, message, title))


# --- Write ------------------------------------------------------------------------------------------


@dataclass
class Stored:
    """What a write needs from the database, read inside its transaction with the submissions locked: the
    submissions (unit id -> submission), their values, the same period's figures of earlier cycles for the
    outlier test, and the period's deadline exceptions."""

    submissions: dict[int, Submission]
    values: dict[tuple[int, int], "StoredValue"]
    history: dict[tuple, dict[int, Decimal]]
    exceptions: dict[int, object]
    drafts: set[int] = field(default_factory=set)  # units whose draft `read` created

    @classmethod
    def read(cls, period, unit_ids, indicator_ids, *, create_drafts: bool = False) -> "Stored":
        """With `create_drafts`, units without a submission get a draft now (the import does this while the
        workbook parses); `bulk_save` removes those its rows do not use, in the same transaction."""
        subs = {s.unit_id: s for s in Submission.objects.select_for_update().filter(period=period,
                                                                                    unit_id__in=unit_ids)}
        drafts = set(unit_ids) - subs.keys() if create_drafts else set()
        stored = cls(subs, _stored(subs), _history(period, unit_ids, indicator_ids),
                     {x.unit_id: x for x in period.exceptions.all()}, drafts)
        if drafts:
            subs.update(_submissions(period, drafts, {}))
        return stored


@transaction.atomic
def bulk_save(period, entries: list[Entry], *, by, as_assessor: bool, source: str = "excel",
              stored: Stored | None = None, figures: dict[int, Figures] | None = None, item_of=None,
              ) -> dict:
    """Write many values at once, all or nothing; raise WorkbookError naming every refused row.

    A unit writes only into its draft or returned submission before the period closes (or into values the
    office unlocked); an assessor writes into any submission not yet locked, and its values arrive verified.
    Rows identical to what is stored are skipped. `stored`: read beforehand in the same transaction (the
    import reads it while the workbook is still being parsed), for at least the entries' units.

    `figures` (parse_rows' plain first figures, by unit) go in as they are when their submission takes new
    values, nothing is stored for them yet and the unit has no history for the outlier test; the others become
    entries (`item_of(unit id, indicator id)` gives their scheme item) and take the general path.
    """
    figures = figures or {}
    count = len(entries) + sum(len(f.rows) for f in figures.values())
    unit_ids = {e.unit_id for e in entries} | figures.keys()
    if stored is None:
        stored = Stored.read(period, unit_ids, {e.item.indicator_id for e in entries}
                             | {indicator_id for f in figures.values() for indicator_id, _item_id, _figure in f.rows})
    subs = _submissions(period, unit_ids, stored.submissions)
    existing, past = stored.values, stored.history
    today = actions.today()
    rule = functools.partial(actions.write_rule, as_assessor=as_assessor)
    # The page's window (actions.entry_closed): past it only a reopened or returned submission is open.
    closed_on = {uid: _closed_on(sub, period, stored.exceptions.get(uid), today) for uid, sub in subs.items()}
    # How a value not stored yet is written depends on its submission only: decided once a unit.
    new_rule = {uid: rule(sub, None, closed_on=closed_on[uid]) for uid, sub in subs.items()}
    # Adapted once: the database's form of "now" (SQLite stores text) for every row written.
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    by_id = by.pk if by is not None else None
    last_year = period.cycle.year - 1
    problems, bare, new, changed, revisions = Problems(MAX_LISTED, [DATA_SHEET]), [], [], [], []
    groups, entries = _plain_figures(figures, subs, new_rule, stored, item_of, list(entries))
    outlier_reason = checks.outlier_reason
    # SQLite keeps a DecimalField as a REAL whichever way it arrives: binding the float where it is exact skips the
    # adapter's text and SQLite's parse of it (rows.sqlite_amount).
    as_float = connection.vendor == "sqlite"
    for e in entries:
        sub = subs[e.unit_id]
        indicator_id = e.item.indicator_id
        value = existing.get((sub.pk, indicator_id))
        if value is None and e.number is None and not (e.text or e.note or e.explanation):
            continue  # an empty row of a value not stored yet: nothing to write (a blank template writes nothing)
        if value is not None and _unchanged(value, e, as_assessor):
            continue  # nothing to write, no revision, and no rule to apply
        problem = _version_problem(value, e.version)
        if not problem:
            writing = new_rule[e.unit_id] if value is None else rule(sub, value, closed_on=closed_on[e.unit_id])
            problem = writing.refusal or writing.reason_problem(e.reason)
        if problem:
            problems.add(CellError(DATA_SHEET, e.line, "", problem))
            continue
        history = past.get((e.unit_id, indicator_id))
        outlier = bool(history) and bool(outlier_reason(e.number, list(history.values()), history.get(last_year)))
        if value is None:
            moved = e.number is not None or e.text != ""
            since = writing.changes_since_approval(moved, 0)
            number = sqlite_amount(e.number) if as_float else e.number
            if e.text or e.note or e.explanation or outlier or since:
                new.append((sub.pk, e.unit_id, indicator_id, e.item.id, number, e.text, e.note, e.explanation,
                            outlier, since))
            else:
                bare.append((sub.pk, e.unit_id, indicator_id, e.item.id, number))
        else:
            _stage(sub, value, e, writing, by_id, now, outlier, source, changed, revisions)
    if problems:
        raise WorkbookError(problems)
    created = len(bare) + len(new) + sum(len(rows) for _group, rows in groups)
    summary = {"period": f"{period.cycle.year}{period.code}", "created": created, "changed": len(changed),
               "unchanged": count - created - len(changed), "units": len(subs), "source": source}
    if not created and not changed:
        transaction.set_rollback(True)  # drafts made ready for it go too: an upload that changes nothing writes nothing
        return summary
    first = {"cycle": period.cycle_id, "version": 1, "by_assessor": as_assessor,
             "verified_at": now if as_assessor else None, "verified_by": by_id if as_assessor else None,
             "unlocked": False, "updated_by": by_id, "updated_at": now, "entered_by": by_id, "entered_at": now}
    _insert(Value, BARE_COLUMNS, bare, shared={**first, **BARE})
    insert_grouped(Value, FIGURE_COLUMNS, groups, by=BARE_COLUMNS[:2], shared={**first, **BARE})
    _insert(Value, NEW_COLUMNS, new, shared=first)
    _update(Value, UPDATE_COLUMNS, changed)
    _insert(ValueRevision, REVISION_COLUMNS, revisions)
    created_for = {row[1] for row in bare} | {row[1] for row in new} | {key[1] for key, _rows in groups}
    if stored.drafts - created_for:  # drafts made ready for units the file writes no new value of
        Submission.objects.filter(period=period, unit_id__in=stored.drafts - created_for).delete()
    if as_assessor:
        for sub in subs.values():
            if sub.status == Status.APPROVED:
                actions._settle(sub, by)
    log.record("values.entered_by_assessor" if as_assessor else "values.imported", period, user=by, after=summary)
    return summary


# The write path uses plain parameterised statements (jixiao/lib/rows.py): Django's bulk_create builds a
# model instance and prepares every field of every row, which took 20 s for 50,000 values. New rows go in
# as multi-row INSERTs, changed rows as one executemany UPDATE.
VALUE_COLUMNS = ["submission", "cycle", "unit", "indicator", "item", "number", "text", "note", "explanation",
                 "is_outlier", "version", "changes_since_approval", "by_assessor", "verified_at", "verified_by",
                 "unlocked", "updated_by", "updated_at", "entered_by", "entered_at"]
UPDATE_COLUMNS = VALUE_COLUMNS[5:-2]
# A first entry: the columns that differ row by row; the others (cycle, version 1, who and when, verified or
# not) are the same for every new row of one write and are bound once a statement.
NEW_COLUMNS = ["submission", "unit", "indicator", "item", "number", "text", "note", "explanation", "is_outlier",
               "changes_since_approval"]
# Most first entries are a bare figure (no text, note or explanation, not an outlier): half as many columns to
# bind again, since the rest are the same for all of them.
BARE_COLUMNS = NEW_COLUMNS[:5]
BARE = {"text": "", "note": "", "explanation": "", "is_outlier": False, "changes_since_approval": 0}
# Plain first figures (`Figures`) go in a unit at a time: its submission and unit bound once a statement.
FIGURE_COLUMNS = BARE_COLUMNS[2:]
REVISION_COLUMNS = ["value", "at", "by", "old_number", "new_number", "old_text", "new_text", "reason", "status",
                    "after_approval", "source"]


_insert, _update = insert_rows, update_rows  # the demo seed writes its rows with _insert too


@dataclass(slots=True)
class StoredValue(ValueState):
    """A stored value's fields that the import compares and carries over (read with values_list, no model)."""

    id: int
    submission_id: int
    indicator_id: int
    number: Decimal | None
    text: str
    note: str
    explanation: str
    version: int
    changes_since_approval: int
    by_assessor: bool
    verified_at: object
    verified_by_id: int | None
    unlocked: bool
    returned_at: object


STORED_COLUMNS = [f.name for f in fields(StoredValue)]


def _stored(subs) -> dict[tuple[int, int], StoredValue]:
    rows = Value.objects.filter(submission__in=list(subs.values())).values_list(*STORED_COLUMNS)
    return {(row[1], row[2]): StoredValue(*row) for row in rows}


def _plain_figures(figures: dict[int, Figures], subs, new_rule, stored: Stored, item_of,
                   entries: list[Entry]) -> tuple[list[tuple], list[Entry]]:
    """Split plain first figures into those that go in as they are, as ((submission id, unit id), rows) a unit,
    and entries for the general path, added to `entries`: every figure of a unit whose submission refuses new
    values or counts them as changes after approval, and each figure that has a stored value or history."""
    existing, past = stored.values, stored.history
    groups = []
    for unit_id, unit_figures in figures.items():
        sub_id, writing = subs[unit_id].pk, new_rule[unit_id]
        rows, lines = unit_figures.rows, unit_figures.lines
        if writing.refusal or writing.changes_since_approval(True, 0):
            entries += _entries(unit_id, rows, lines, item_of)
            continue
        if existing or past:
            back = [i for i, (indicator_id, _item_id, _figure) in enumerate(rows)
                    if (sub_id, indicator_id) in existing or (unit_id, indicator_id) in past]
            if back:
                entries += _entries(unit_id, [rows[i] for i in back], [lines[i] for i in back], item_of)
                taken = set(back)
                rows = [row for i, row in enumerate(rows) if i not in taken]
        if rows:
            groups.append(((sub_id, unit_id), rows))
    return groups, entries


def _entries(unit_id, rows, lines, item_of) -> list[Entry]:
    """Plain first figures as the entries parse_rows' general path would have made of them."""
    return [Entry(unit_id, item_of(unit_id, indicator_id), checks.parse_number(figure), "", "", "", 0, line)
            for (indicator_id, _item_id, figure), line in zip(rows, lines, strict=True)]


def _submissions(period, unit_ids, known: dict[int, Submission]) -> dict[int, Submission]:
    """The submissions of `unit_ids`, from those already read (and locked) plus drafts created now."""
    subs = {uid: known[uid] for uid in unit_ids if uid in known}
    missing = sorted(uid for uid in unit_ids if uid not in subs)
    if missing:
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        _insert(Submission, ["unit"], [(uid,) for uid in missing],
                shared={"period": period.pk, "cycle": period.cycle_id, "status": Status.DRAFT, "return_reason": "",
                        "returns": 0, "reopened": False, "updated_at": now})
        subs.update({s.unit_id: s for s in Submission.objects.filter(period=period, unit_id__in=missing)})
    return subs


def _history(period, unit_ids, indicator_ids) -> dict[tuple, dict[int, Decimal]]:
    rows = Value.objects.filter(unit_id__in=unit_ids, indicator_id__in=indicator_ids,
                                submission__period__code=period.code, cycle__year__lt=period.cycle.year,
                                number__isnull=False).values_list("unit_id", "indicator_id", "cycle__year", "number")
    past: dict[tuple, dict[int, Decimal]] = {}
    for unit_id, indicator_id, year, number in rows:
        past.setdefault((unit_id, indicator_id), {})[year] = number
    return past


def _closed_on(sub, period, exception, today):
    return actions.closes_on(period, exception) if actions.entry_closed(sub, period, exception, today) else None


def _version_problem(value, version) -> str:
    """The file's version of a row against the stored one: the template was exported before someone saved."""
    if value is not None and version is not None and version != value.version:
        return f"该数值在模板导出后已被修改（系统版本 {value.version}，文件版本 {version}），为免覆盖未导入。请重新下载模板。"
    if value is None and version not in (None, 0):
        return "文件中的版本与系统不符，请重新下载模板。"
    return ""


def _unchanged(value: StoredValue, e: Entry, as_assessor: bool) -> bool:
    """The row holds what is stored (and, for an assessor, the value is verified already): nothing to write."""
    same = (value.number, value.text, value.note, value.explanation) == (e.number, e.text, e.note, e.explanation)
    return same and (not as_assessor or value.verified_at is not None)


def _stage(sub, value: StoredValue, e: Entry, writing, by_id, at, outlier, source, changed, revisions):
    """Queue the row of a changed value (UPDATE_COLUMNS order and its id) and, when its figure moved, a revision,
    as `writing` (actions.write_rule) says."""
    moved = value.number != e.number or value.text != e.text
    verified_at, verified_by = writing.verification(moved, _dt(value.verified_at), value.verified_by_id, at, by_id)
    since = writing.changes_since_approval(moved, value.changes_since_approval)
    by_assessor, unlocked = (True, False) if writing.by_assessor else (value.by_assessor, value.unlocked)
    changed.append((e.number, e.text, e.note, e.explanation, outlier, value.version + 1, since, by_assessor,
                    verified_at, verified_by, unlocked, by_id, at, value.id))
    if moved:
        revisions.append((value.id, at, by_id, value.number, e.number, value.text, e.text, e.reason, sub.status,
                          writing.after_approval, source))


def _dt(moment):
    return connection.ops.adapt_datetimefield_value(moment) if moment is not None else None


# --- Whole file -------------------------------------------------------------------------------------


def import_file(file, *, by, expect_period=None, expect_unit=None, expect_assessor=None, progress=None) -> dict:
    """Read, check and write a workbook. Raises WorkbookError (nothing written) on any problem.

    Once the package passes its checks, calamine parses the 数据 sheet in a worker thread (it releases the
    GIL; the workbook is opened and its 说明 sheet read first, in this thread, so that the worker never waits for
    the GIL) while this thread reads, from the database, what the rows are checked against and
    what the write needs, and makes a draft ready for each unit in scope that has no submission yet (those the
    file turns out to write nothing new for are removed before the commit); the rows are then checked and written
    in the same transaction.
    """
    if progress is not None:
        progress("读取文件", 0, 0)
    data = open_strict(file, settings.UPLOAD_MAX_BYTES, max_rows=MAX_ROWS, ignore_sheets=[INFO_SHEET])
    pending = BackgroundSheet(data, DATA_SHEET, first=[INFO_SHEET], start=False)
    info = _info(pending.first, pending.names)
    pending.start()
    return _import(info, pending, by, expect_period, expect_unit, expect_assessor, progress)


@transaction.atomic
def _import(info, pending, by, expect_period, expect_unit, expect_assessor, progress) -> dict:
    """import_file's transaction: everything it reads from the database and writes."""
    if by is not None and not User.objects.filter(pk=by.pk, is_active=True).exists():
        raise WorkbookError("当前账号已停用或不存在，不能导入。")
    period, unit, assessor = identify(info, expect_period=expect_period, expect_unit=expect_unit,
                                      expect_assessor=expect_assessor)
    scope = Scope.of(period, unit, assessor)
    stored = Stored.read(period, scope.unit_ids, scope.indicator_ids, create_drafts=True)
    parsed = parse_rows(pending.rows(clean=False), scope, progress=progress)
    if progress is not None:
        progress("写入数据库", parsed.count, parsed.count)
    summary = bulk_save(period, parsed.entries, by=by, as_assessor=parsed.as_assessor, stored=stored,
                        figures=parsed.figures, item_of=scope.item)
    if not summary["created"] and not summary["changed"]:
        transaction.set_rollback(True)  # the drafts made ready while the file parsed: nothing is written
    return summary


def cycle_period(year: int, code: str) -> Period:
    cycle = Cycle.objects.filter(year=year).first()
    period = Period.objects.select_related("cycle").filter(cycle=cycle, code=code).first() if cycle else None
    if period is None:
        raise WorkbookError(f"{year}年度没有报送期“{code}”。请先由绩效办生成报送期。")
    return period


def describe(summary: dict) -> str:
    """What an import did, in the words the page, the job and the command show."""
    if not summary["created"] and not summary["changed"]:
        return (f"文件中没有新填或改动的数据（{summary['unchanged']} 行与系统一致或为空白），未写入任何内容，"
                "版本号未变。")
    return f"导入完成：新增 {summary['created']} 项，修改 {summary['changed']} 项，未变 {summary['unchanged']} 项。"
