"""The value workbook: export a pre-filled template and import it back, all or nothing (docs/formats.md §值).

One template serves a unit (its own indicators of one period) and an assessor unit (its indicators for every
assessed unit). The sheet “说明” names the template, the cycle, the period and the unit or assessor; the sheet
“数据” has one row per unit × indicator. The import checks everything first and writes nothing when any row
is wrong; the rows are written in bulk in one transaction with one audit event.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from operator import itemgetter

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from jixiao.audit import log
from jixiao.indicators.models import Target, TargetMilestone
from jixiao.lib.excel import (
    CellError,
    Sheet,
    WorkbookError,
    cell_text,
    clean_value,
    column_letter,
    read_workbook_strict,
    write_workbook,
)
from jixiao.lib.rows import gc_paused, insert_rows, update_rows
from jixiao.org.models import Cycle, Unit
from jixiao.reporting import actions, checks, scope
from jixiao.reporting.models import EDITABLE, Period, Status, Submission, Value, ValueRevision

TEMPLATE_ID = "jixiao-values-1"
INFO_SHEET, DATA_SHEET = "说明", "数据"
COLUMNS = ["单位编码", "单位名称", "指标编码", "指标名称", "计量单位", "目标值", "本期节点目标", "数值", "文字情况",
           "备注", "异常说明", "版本"]
REQUIRED = ["单位编码", "指标编码", "数值", "文字情况", "备注", "异常说明", "版本"]
READ = REQUIRED  # the columns parse() reads, in the order it unpacks them
MAX_ROWS = 100_000  # one template never needs more: 110 units × 80 indicators is under 9,000
MAX_ERRORS = 200
# Uploads with more data rows than this run as a background task with a progress page.
BACKGROUND_ROWS = 2_000


@dataclass
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


@dataclass
class Parsed:
    period: Period
    unit: Unit | None
    assessor: Unit | None
    entries: list[Entry] = field(default_factory=list)

    @property
    def as_assessor(self) -> bool:
        return self.assessor is not None


# --- Export -----------------------------------------------------------------------------------------


def template_rows(period, *, unit=None, assessor=None) -> list[list]:
    """The data rows of a template, pre-filled with targets, milestones and current values."""
    if unit is not None:
        pairs = [(unit, item) for item in scope.items_for_unit(period, unit)]
    else:
        items = {i.indicator_id: i for i in scope.items_for_assessor(period, assessor)}
        by_unit = scope.scope_by_unit(period)
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
                     value.version if value else 0])
    return rows


def _f(number):
    return float(number) if number is not None else None


def export_template(out, period, *, unit=None, assessor=None) -> int:
    """Write the template to a path or binary buffer; returns the number of data rows."""
    rows = template_rows(period, unit=unit, assessor=assessor)
    who = ["填报单位", unit.code] if unit is not None else ["考核责任单位", assessor.code]
    info = [["模板", TEMPLATE_ID], ["考核年度", period.cycle.year], ["报送期", period.code], who,
            ["报送期名称", str(period)], ["单位名称", (unit or assessor).name],
            ["说明", "请只填写“数值”“文字情况”“备注”“异常说明”列；不要修改编码、版本列，不要增删工作表。"],
            ["说明", "数值为年初至本期末的累计值；定性、节点类指标填写“文字情况”。数值请直接填写数字，不要使用公式。"]]
    write_workbook(out, [Sheet(INFO_SHEET, ["项目", "内容"], info), Sheet(DATA_SHEET, COLUMNS, rows)])
    return len(rows)


# --- Parse ------------------------------------------------------------------------------------------


def read(file) -> dict[str, list[list]]:
    # Raw cells: parse() cleans only the seven columns it reads, not every cell of a 50,000-row sheet.
    return read_workbook_strict(file, settings.UPLOAD_MAX_BYTES, max_rows=MAX_ROWS, ignore_sheets=[INFO_SHEET],
                                clean=False)


def _info(sheets) -> dict[str, str]:
    if INFO_SHEET not in sheets or DATA_SHEET not in sheets:
        raise WorkbookError("不是本平台导出的填报模板（缺少“说明”或“数据”工作表）。请先下载模板，在模板中填写后上传。")
    info = {cell_text(row[0]): cell_text(row[1]) for row in sheets[INFO_SHEET][1:] if len(row) >= 2 and row[0]}
    if info.get("模板") != TEMPLATE_ID:
        raise WorkbookError("模板类型不符：该文件不是数值填报模板，或模板版本已过期。请重新下载模板。")
    return info


def _header(sheets) -> dict[str, int]:
    rows = sheets[DATA_SHEET]
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


def parse(sheets, *, expect_period=None, expect_unit=None, expect_assessor=None,
          progress: Callable | None = None) -> Parsed:
    """Check every row of a read workbook; raise WorkbookError listing each bad cell, or return the entries.

    Takes cleaned cells (`read_workbook`) or raw ones (`read(..., clean=False)`): every cell it uses goes
    through `clean_value` / `cell_text`, so both give the same entries and the same messages.
    """
    info = _info(sheets)
    cols = _header(sheets)
    period, unit, assessor = identify(info, expect_period=expect_period, expect_unit=expect_unit,
                                      expect_assessor=expect_assessor)
    parsed = Parsed(period, unit, assessor)
    allowed = _allowed(period, unit, assessor)
    units = dict(Unit.objects.values_list("code", "pk"))
    errors: list[CellError] = []
    rows = sheets[DATA_SHEET]
    used = [cols[title] for title in READ]
    width = max(used) + 1
    cells = itemgetter(*used)
    entries = parsed.entries
    for line, row in enumerate(rows[1:], start=2):
        if progress is not None and line % 5000 == 0:
            progress("校验数据", line, len(rows) - 1)
        if len(row) < width:
            row = list(row) + [None] * (width - len(row))
        unit_cell, ind_cell, raw, text, note, explanation, version = cells(row)
        unit_code = unit_cell.strip() if unit_cell.__class__ is str else cell_text(unit_cell)
        ind_code = ind_cell.strip() if ind_cell.__class__ is str else cell_text(ind_cell)
        if not unit_code and not ind_code and all(clean_value(v) is None for v in row):
            continue
        text = text.strip() if text.__class__ is str else cell_text(text)
        note = note.strip() if note.__class__ is str else cell_text(note)
        explanation = explanation.strip() if explanation.__class__ is str else cell_text(explanation)
        entry = _entry(line, cols, units, allowed, unit, errors, unit_code, ind_code, clean_value(raw), text, note,
                       explanation, clean_value(version))
        if entry is not None:
            entries.append(entry)
        elif len(errors) >= MAX_ERRORS:
            errors.append(CellError(DATA_SHEET, None, "", f"错误超过 {MAX_ERRORS} 处，其余未列出。"))
            break
    if errors:
        raise WorkbookError(errors)
    if not entries:
        raise WorkbookError(CellError(DATA_SHEET, None, "", "没有任何数据行。"))
    return parsed


def _allowed(period, unit, assessor) -> dict[int, dict[str, object]]:
    """unit id -> {indicator code -> item} that this file may write."""
    if unit is not None:
        return {unit.pk: {i.indicator.code: i for i in scope.items_for_unit(period, unit)}}
    mine = {i.indicator_id for i in scope.items_for_assessor(period, assessor)}
    return {uid: {item.indicator.code: item for iid, item in items.items() if iid in mine}
            for uid, items in scope.scope_by_unit(period).items()}


def _err(errors, line, cols, title, message):
    col = column_letter(cols[title]) if title in cols else ""
    errors.append(CellError(DATA_SHEET, line, col, message, title))


def _entry(line, cols, units, allowed, unit, errors, unit_code, ind_code, raw, text, note, explanation,
           version) -> Entry | None:
    unit_id = units.get(unit_code)
    if unit_id is None:
        return _err(errors, line, cols, "单位编码", f"单位编码“{unit_code}”不存在")
    if unit is not None and unit_id != unit.pk:
        return _err(errors, line, cols, "单位编码", f"“{unit_code}”不是本单位（{unit.code}）的数据，不能导入其他单位的行")
    item = allowed.get(unit_id, {}).get(ind_code)
    if item is None:
        return _err(errors, line, cols, "指标编码", f"指标“{ind_code}”不在单位“{unit_code}”本期应报范围内")
    try:
        number = checks.parse_number(raw)
    except checks.ValueProblem as problem:
        return _err(errors, line, cols, "数值", str(problem))
    indicator = item.indicator
    problems = checks.value_problems(indicator, number, text, checks.grades_of(item))
    if problems:
        return _err(errors, line, cols, "数值" if checks.is_numeric(indicator) else "文字情况", "；".join(problems))
    if version is not None and not isinstance(version, int):
        return _err(errors, line, cols, "版本", "版本应为整数，请不要修改该列")
    if len(note) > 500 or len(explanation) > 500 or len(text) > 500:
        return _err(errors, line, cols, "备注", "备注、异常说明、文字情况各不超过 500 字")
    return Entry(unit_id, item, number, text, note, explanation, version, line)


# --- Write ------------------------------------------------------------------------------------------


@transaction.atomic
def bulk_save(period, entries: list[Entry], *, by, as_assessor: bool, source: str = "excel") -> dict:
    """Write many values at once, all or nothing; raise WorkbookError naming every refused row.

    A unit writes only into its draft or returned submission before the period closes (or into values the
    office unlocked); an assessor writes into any submission not yet locked, and its values arrive verified.
    Rows identical to what is stored are skipped.
    """
    subs = _submissions(period, {e.unit_id for e in entries})
    existing = _stored(subs)
    past = _history(period, entries)
    exceptions = {x.unit_id: x for x in period.exceptions.all()}
    today = actions.today()
    # The page's rule (actions.entry_closed): past the window only a reopened or returned submission is open.
    closed = {uid: actions.entry_closed(sub, period, exceptions.get(uid), today) for uid, sub in subs.items()}
    # Adapted once: the database's form of "now" (SQLite stores text) for every row written.
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    by_id = by.pk if by is not None else None
    last_year = period.cycle.year - 1
    facts = {uid: (sub.pk, sub.cycle_id, sub.approved_at is not None, sub.status) for uid, sub in subs.items()}
    errors, new, changed, revisions = [], [], [], []
    for e in entries:
        sub = subs[e.unit_id]
        fact = facts[e.unit_id]
        indicator_id = e.item.indicator_id
        value = existing.get((fact[0], indicator_id))
        problem = _write_problem(sub, value, e, as_assessor, closed[e.unit_id])
        if problem:
            errors.append(CellError(DATA_SHEET, e.line, "", problem))
            continue
        if value is not None and (value.number, value.text, value.note, value.explanation) == (
                e.number, e.text, e.note, e.explanation) and (not as_assessor or value.verified_at is not None):
            continue  # unchanged: nothing to write, no revision
        history = past.get((e.unit_id, indicator_id))
        outlier = bool(history) and bool(checks.outlier_reason(e.number, list(history.values()),
                                                                 history.get(last_year)))
        _stage(fact, value, e, indicator_id, by_id, now, as_assessor, outlier, source, new, changed, revisions)
    if errors:
        raise WorkbookError(errors[:MAX_ERRORS])
    _write(new, changed, revisions)
    if as_assessor:
        for sub in subs.values():
            if sub.status == Status.APPROVED:
                actions._settle(sub, by)
    summary = {"period": f"{period.cycle.year}{period.code}", "created": len(new), "changed": len(changed),
               "unchanged": len(entries) - len(new) - len(changed), "units": len(subs), "source": source}
    log.record("values.entered_by_assessor" if as_assessor else "values.imported", period, user=by, after=summary)
    return summary


# The write path uses plain parameterised statements (jixiao/lib/rows.py): Django's bulk_create builds a
# model instance and prepares every field of every row, which took 20 s for 50,000 values. New rows go in
# as multi-row INSERTs, changed rows as one executemany UPDATE.
VALUE_COLUMNS = ["submission", "cycle", "unit", "indicator", "item", "number", "text", "note", "explanation",
                 "is_outlier", "version", "changes_since_approval", "by_assessor", "verified_at", "verified_by",
                 "unlocked", "updated_by", "updated_at", "entered_by", "entered_at"]
UPDATE_COLUMNS = VALUE_COLUMNS[5:-2]
REVISION_COLUMNS = ["value", "at", "by", "old_number", "new_number", "old_text", "new_text", "reason", "status",
                    "after_approval", "source"]
STORED_COLUMNS = ["id", "submission_id", "indicator_id", "number", "text", "note", "explanation", "version",
                  "changes_since_approval", "by_assessor", "verified_at", "verified_by_id", "unlocked"]


_insert, _update = insert_rows, update_rows  # the demo seed writes its rows with _insert too


def _write(new, changed, revisions) -> None:
    """new: VALUE_COLUMNS tuples; changed: UPDATE_COLUMNS tuples + id; revisions: REVISION_COLUMNS tuples."""
    _insert(Value, VALUE_COLUMNS, new)
    _update(Value, UPDATE_COLUMNS, changed)
    _insert(ValueRevision, REVISION_COLUMNS, revisions)


class _Stored:
    """A stored value's fields that the import compares and carries over (read with values_list, no model)."""

    __slots__ = STORED_COLUMNS

    def __init__(self, row):
        for name, v in zip(STORED_COLUMNS, row, strict=True):
            setattr(self, name, v)


def _stored(subs) -> dict[tuple[int, int], _Stored]:
    rows = Value.objects.filter(submission__in=list(subs.values())).values_list(*STORED_COLUMNS)
    return {(row[1], row[2]): _Stored(row) for row in rows}


def _submissions(period, unit_ids) -> dict[int, Submission]:
    subs = {s.unit_id: s for s in Submission.objects.select_for_update().filter(period=period, unit_id__in=unit_ids)}
    missing = [Submission(period=period, unit_id=uid, cycle_id=period.cycle_id) for uid in unit_ids if uid not in subs]
    if missing:
        Submission.objects.bulk_create(missing)
        subs.update({s.unit_id: s for s in Submission.objects.filter(period=period, unit_id__in=unit_ids)})
    return subs


def _history(period, entries) -> dict[tuple, dict[int, Decimal]]:
    rows = Value.objects.filter(unit_id__in={e.unit_id for e in entries},
                                indicator_id__in={e.item.indicator_id for e in entries},
                                submission__period__code=period.code, cycle__year__lt=period.cycle.year,
                                number__isnull=False).values_list("unit_id", "indicator_id", "cycle__year", "number")
    past: dict[tuple, dict[int, Decimal]] = {}
    for unit_id, indicator_id, year, number in rows:
        past.setdefault((unit_id, indicator_id), {})[year] = number
    return past


def _write_problem(sub, value, e, as_assessor, closed) -> str:
    if value is not None and e.version is not None and e.version != value.version:
        return f"该数值在模板导出后已被修改（系统版本 {value.version}，文件版本 {e.version}），为免覆盖未导入。请重新下载模板。"
    if value is None and e.version not in (None, 0):
        return "文件中的版本与系统不符，请重新下载模板。"
    if value is not None and value.unlocked:
        return ""
    if as_assessor:
        return "该单位本期报件已锁定，不能再修改。" if sub.status == Status.LOCKED else ""
    if sub.status not in EDITABLE:
        return f"本期报件状态为“{sub.get_status_display()}”，不能修改。"
    if closed:
        return "本期已截止填报，数据已锁定。"
    return ""


def _stage(fact, value, e, indicator_id, by_id, at, as_assessor, outlier, source, new, changed, revisions):
    """Queue the row of a new or changed value (VALUE_COLUMNS order) and, when its figure moved, a revision.

    `fact`: the submission's (pk, cycle id, approved, status), read once per submission."""
    sub_id, cycle_id, approved, status = fact
    if value is None:
        old_number, old_text, version, since, by_assessor, verified_at, verified_by, unlocked = (
            None, "", 0, 0, False, None, None, False)
    else:
        old_number, old_text, version, since = value.number, value.text, value.version, value.changes_since_approval
        by_assessor, verified_at, verified_by, unlocked = (value.by_assessor, _dt(value.verified_at),
                                                           value.verified_by_id, value.unlocked)
    after_approval = approved or unlocked
    moved = old_number != e.number or old_text != e.text
    if as_assessor:
        verified_at, verified_by, by_assessor, unlocked = at, by_id, True, False
    elif moved:
        verified_at, verified_by = None, None
        if after_approval:
            since += 1
    row = (sub_id, cycle_id, e.unit_id, indicator_id, e.item.id, e.number, e.text, e.note, e.explanation,
           outlier, version + 1, since, by_assessor, verified_at, verified_by, unlocked, by_id, at)
    if value is None:
        new.append(row + (by_id, at))
        return
    changed.append(row[5:] + (value.id,))
    if moved:
        revisions.append((value.id, at, by_id, old_number, e.number, old_text, e.text, "", status,
                          after_approval, source))


def _dt(moment):
    return connection.ops.adapt_datetimefield_value(moment) if moment is not None else None


# --- Whole file -------------------------------------------------------------------------------------


def import_file(file, *, by, expect_period=None, expect_unit=None, expect_assessor=None, progress=None) -> dict:
    """Read, check and write a workbook. Raises WorkbookError (nothing written) on any problem."""
    if progress is not None:
        progress("读取文件", 0, 0)
    with gc_paused():  # 50,000 rows of cells, entries and tuples: see jixiao/lib/rows.py
        sheets = read(file)
        parsed = parse(sheets, expect_period=expect_period, expect_unit=expect_unit,
                       expect_assessor=expect_assessor, progress=progress)
        if progress is not None:
            progress("写入数据库", len(parsed.entries), len(parsed.entries))
        return bulk_save(parsed.period, parsed.entries, by=by, as_assessor=parsed.as_assessor)


def cycle_period(year: int, code: str) -> Period:
    cycle = Cycle.objects.filter(year=year).first()
    period = Period.objects.select_related("cycle").filter(cycle=cycle, code=code).first() if cycle else None
    if period is None:
        raise WorkbookError(f"{year}年度没有报送期“{code}”。请先由绩效办生成报送期。")
    return period
