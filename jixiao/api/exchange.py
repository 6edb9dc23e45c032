"""Bulk values through the API (DHIS2's dataValueSets, docs/api_values.md): the import behind
`POST /api/v1/datavaluesets` and the statistics connector, the idempotent request around it, and the delta export.

The import does not check a value itself: it lays the rows out as the Excel template's 数据 sheet and runs the
Excel import's own `parse_rows` and `bulk_save` (one Scope and one bulk_save a period, all in one transaction), so
a value obeys one rule whichever way it comes (`actions.write_rule`: locks, windows, revisions, audit). What is
added here is what the workbook does not have: periods in several forms, the token's unit subtree, the import
strategy, dry runs, tombstones of deleted values, and conflicts that name their line and carry a code.
"""

import base64
import datetime
import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from jixiao.accounts import access
from jixiao.accounts.roles import Role
from jixiao.api import formats, tokens
from jixiao.api.formats import DataValue, FormatError
from jixiao.api.models import ApiToken, ExchangeJob, JobState, ValueTombstone
from jixiao.indicators.models import Indicator
from jixiao.lib import refusals
from jixiao.lib.cells import MAX_LISTED
from jixiao.lib.excel import WorkbookError
from jixiao.lib.rows import is_exact_float
from jixiao.org.models import Unit
from jixiao.reporting import checks, imports
from jixiao.reporting.models import CODE_LABELS, Period, Value

__all__ = ["DataValue", "ExchangeError", "import_rows", "parse_period", "receive"]

STRATEGIES = {"create": "仅新增", "update": "仅修改", "create_and_update": "新增和修改", "delete": "删除"}
# A request with more values than this runs as a background job, like a workbook of as many rows.
BACKGROUND_ROWS = imports.BACKGROUND_ROWS
# Conflicts that leave a row out without stopping the import (DHIS2's "ignored"); every other stops it whole.
WARNINGS = {"E_VALUE_EXISTS", "E_VALUE_MISSING"}


class ExchangeError(Exception):
    """A request refused whole before any row is looked at (Chinese, for the caller)."""

    def __init__(self, message: str, status: int = 400, code: str = "bad_request"):
        super().__init__(message)
        self.status, self.code = status, code


class PeriodProblem(ValueError):
    pass


# --- Periods ------------------------------------------------------------------------------------------

OURS = re.compile(r"^(\d{4})(M(?:0[1-9]|1[0-2])|Q[1-4]|H[12]|Y)$")
DHIS2 = re.compile(r"^(\d{4})(?:(0[1-9]|1[0-2])|Q([1-4])|S([12]))?$")
ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})/P(1M|3M|6M|1Y|12M)$")
ISO_CODES = {"1M": lambda m: f"M{m:02d}", "3M": lambda m: f"Q{(m + 2) // 3}", "6M": lambda m: f"H{(m + 5) // 6}",
             "1Y": lambda m: "Y", "12M": lambda m: "Y"}
ISO_STARTS = {"1M": range(1, 13), "3M": (1, 4, 7, 10), "6M": (1, 7), "1Y": (1,), "12M": (1,)}


def parse_period(text: str) -> tuple[int, str]:
    """(year, period code) of a period written as ours (2026M07, 2026Q3, 2026H1, 2026Y), as DHIS2 (202607, 2026Q3,
    2026S1, 2026) or as ADX/ISO 8601 (2026-07-01/P1M, …/P3M, …/P6M, …/P1Y, starting on its first day)."""
    text = (text or "").strip()
    if match := OURS.match(text):
        return int(match[1]), match[2]
    if match := DHIS2.match(text):
        month, quarter, half = match[2], match[3], match[4]
        code = f"M{month}" if month else f"Q{quarter}" if quarter else f"H{half}" if half else "Y"
        return int(match[1]), code
    if match := ISO.match(text):
        year, month, day, length = int(match[1]), int(match[2]), int(match[3]), match[4]
        if day == 1 and month in ISO_STARTS[length]:
            return year, ISO_CODES[length](month)
        raise PeriodProblem(f"报送期“{text}”不是从期初开始的完整期（月、季、半年、年应从其第一天开始）")
    raise PeriodProblem(f"无法识别的报送期格式“{text[:40]}”：可用 2026M07、2026Q1、2026H1、2026Y，"
                        "或 ISO 8601 形式 2026-07-01/P1M、P3M、P6M、P1Y")


def period_name(year: int, code: str) -> str:
    return f"{year}{code}"


# --- Import -------------------------------------------------------------------------------------------


@dataclass
class Outcome:
    """What one import found: counts and conflicts (errors stop it whole; warnings leave their row out)."""

    imported: int = 0
    updated: int = 0
    ignored: int = 0
    deleted: int = 0
    errors: int = 0
    conflicts: list = field(default_factory=list)

    def add(self, line: int, obj: str, code: str, value, message: str) -> None:
        if code not in WARNINGS:
            self.errors += 1
        if len(self.conflicts) < MAX_LISTED:
            shown = value if value is None or isinstance(value, str) else repr(value)
            self.conflicts.append({"line": line, "object": obj, "code": code, "value": shown, "message": message})


def normalise_strategy(strategy: str) -> str:
    key = (strategy or "create_and_update").strip().lower().replace("-", "_")
    key = {"new_and_updates": "create_and_update", "updates": "update", "new": "create"}.get(key, key)
    if key not in STRATEGIES:
        raise ExchangeError(f"导入策略“{strategy}”无效：可选 create、update、create_and_update、delete。")
    return key


def writer_of(user) -> tuple[Unit | None, Unit | None]:
    """(unit, assessor) the user writes as, as the upload pages allow: a reporter its own unit's values, an
    assessor unit the values of the units it assesses. Anyone else is refused (403)."""
    membership = access.current_membership(user)
    if membership is not None and access.can(user, "reporting.enter"):
        return membership.unit, None
    if membership is not None and access.can(user, "reporting.verify"):
        return None, membership.unit
    raise ExchangeError("当前角色不能写入数值：只有填报员（本单位）和考核责任单位（其负责的指标）可以导入。", 403,
                        "forbidden")


def import_rows(rows: list[DataValue], *, user, strategy: str = "create_and_update", dry_run: bool = False,
                token=None, source: str = "api") -> dict:
    """Import `rows` as `user` (a token's membership when `token` is given, limited to its units), all or nothing;
    returns the import summary (docs/api_values.md). Raises ExchangeError only for a request refused whole."""
    strategy = normalise_strategy(strategy)
    unit, assessor = writer_of(user)
    outcome = Outcome()
    groups = _by_period(rows, outcome, tokens.unit_ids(token) if token is not None else None)
    deletions: list[tuple] = []
    with transaction.atomic():
        for period, group in groups:
            _import_period(period, group, unit, assessor, user, strategy, source, outcome, deletions)
        if not outcome.errors and deletions:
            _tombstones(deletions, user)
        if outcome.errors or dry_run:
            transaction.set_rollback(True)
    summary = _summary(outcome, strategy, dry_run, len(rows))
    if outcome.errors and not dry_run:
        first = outcome.conflicts[0]["message"] if outcome.conflicts else "导入被拒"
        refusals.record("api.values_refused", None, first, user=user, problems=outcome.errors, rows=len(rows))
    return summary


def _by_period(rows, outcome: Outcome, allowed: set[int] | None) -> list[tuple[Period, list[DataValue]]]:
    """The rows by period, after the checks the workbook has no column for: the period's form, that it exists,
    and that the row's unit lies in the token's subtree."""
    units = dict(Unit.objects.values_list("code", "pk")) if allowed is not None else {}
    keyed: dict[tuple[int, str], list[DataValue]] = defaultdict(list)
    forms: dict[str, tuple[int, str] | str] = {}  # a period as written -> its key, or why it is refused
    for row in rows:
        key = forms.get(row.period)
        if key is None:
            try:
                key = forms[row.period] = parse_period(row.period)
            except PeriodProblem as problem:
                key = forms[row.period] = str(problem)
        if key.__class__ is str:
            outcome.add(row.line, "period", "E_PERIOD_FORMAT", row.period, key)
            continue
        if allowed is not None and row.org_unit in units and units[row.org_unit] not in allowed:
            outcome.add(row.line, "orgUnit", "E_UNIT_TOKEN_SCOPE", row.org_unit,
                        f"单位“{row.org_unit}”不在该令牌限定的单位范围内")
            continue
        keyed[key].append(row)
    periods = {(p.cycle.year, p.code): p for p in Period.objects.select_related("cycle").filter(
        cycle__year__in={y for y, _c in keyed}, code__in={c for _y, c in keyed})}
    found = []
    for key, group in sorted(keyed.items()):
        if key not in periods:
            for row in group:
                outcome.add(row.line, "period", "E_PERIOD_UNKNOWN", row.period,
                            f"报送期“{period_name(*key)}”（{key[0]}年{CODE_LABELS.get(key[1], key[1])}）在系统中不存在")
            continue
        found.append((periods[key], group))
    return found


def _import_period(period, group, unit, assessor, user, strategy, source, outcome: Outcome, deletions) -> None:
    """One period's rows through the Excel import's checks and write, in a savepoint of the import."""
    scope = imports.Scope.of(period, unit, assessor)
    stored = imports.Stored.read(period, scope.unit_ids, scope.indicator_ids)
    sheet, lines, deleting = _sheet(group, scope, stored, strategy, outcome)
    if len(sheet) == 1:
        return
    try:
        with transaction.atomic():
            parsed = imports.parse_rows(sheet, scope)
            saved = imports.bulk_save(period, parsed.entries, by=user, as_assessor=assessor is not None,
                                      source=source, stored=stored, figures=parsed.figures, item_of=scope.item)
    except WorkbookError as error:
        _conflicts(error, lines, sheet, set(scope.by_code), outcome)
        return
    if strategy == "delete":
        outcome.deleted += saved["changed"]
        deletions += [(period, *key) for key in deleting]
    else:
        outcome.imported += saved["created"]
        outcome.updated += saved["changed"]
    outcome.ignored += saved["unchanged"]


def _sheet(group, scope, stored, strategy, outcome: Outcome) -> tuple[list[list], list[int], list[tuple]]:
    """The rows as the template's 数据 sheet (imports.READ columns), the payload line of each sheet row, and the
    (unit id, indicator id) of each value a delete clears. The strategy's own refusals are made here."""
    indicators = _indicators(scope)
    subs = {uid: sub.pk for uid, sub in stored.submissions.items()}
    held_values = stored.values
    sheet, lines, deleting = [list(imports.READ)], [], []
    for row in group:
        code = row.data_element
        of_unit = scope.by_code.get(row.org_unit)
        indicator_id, numeric = indicators.get(code, (None, True))
        due = of_unit is not None and code in of_unit.items
        value = held_values.get((subs.get(of_unit.unit_id), indicator_id)) if due else None
        held = value is not None and (value.number is not None or value.text != "")
        if due and not _strategy_allows(row, strategy, value, held, outcome):
            continue
        if strategy == "delete":
            if due:
                deleting.append((of_unit.unit_id, indicator_id))
            sheet.append([row.org_unit, code, None, "", "", "", None])
        else:
            # Version 0 says "not stored yet", as the template does, checked here under the submissions' lock;
            # None (no version check) for a stored value, as the API has no version to compare.
            version = None if value is not None else 0.0
            if numeric:
                sheet.append([row.org_unit, code, _figure(row.value), "", row.comment, "", version])
            else:
                sheet.append([row.org_unit, code, None, row.value or "", row.comment, "", version])
        lines.append(row.line)
    return sheet, lines, deleting


def _strategy_allows(row, strategy, value, held, outcome: Outcome) -> bool:
    if strategy == "create" and held:
        outcome.ignored += 1
        outcome.add(row.line, "value", "E_VALUE_EXISTS", row.value, "该数值已存在，导入策略为“仅新增”，本行未导入")
        return False
    if strategy in ("update", "delete") and not held:
        outcome.ignored += 1
        outcome.add(row.line, "value", "E_VALUE_MISSING", row.value,
                    f"该数值尚未填报，导入策略为“{STRATEGIES[strategy]}”，本行未处理")
        return False
    if strategy == "delete" and value.verified_at is not None:
        outcome.add(row.line, "value", "E_VALUE_VERIFIED", row.value, "该数值已核定，不能删除；如需更正，请联系考核责任单位")
        return False
    return True


def _indicators(scope) -> dict[str, tuple[int, bool]]:
    """Indicator code -> (its id, whether its value is a figure; else the value is its text), over every unit in
    scope; read once a period rather than through each row's scheme item."""
    shared = {id(rows.items): rows.items for rows in scope.by_code.values()}
    return {code: (rule.item.indicator_id, checks.is_numeric(rule.item.indicator))
            for items in shared.values() for code, rule in items.items()}


PLAIN_DECIMAL = re.compile(r"^-?\d{1,15}(?:\.\d{1,4})?$")


def _figure(text: str | None):
    """A figure as the workbook reader gives it: a float when the text is a plain decimal that a float holds
    exactly (what a spreadsheet cell holds, so the import's fast path for plain first figures applies), else the
    text itself, which `checks.parse_number` reads or refuses."""
    if text is None or text == "":
        return None
    if PLAIN_DECIMAL.match(text):
        number = float(text)
        if is_exact_float(number):
            return number
    return text


def _conflicts(error: WorkbookError, lines: list[int], sheet: list[list], writable: set[str], outcome: Outcome,
               ) -> None:
    """The workbook's problems as conflicts: each names the payload line, the object and a code."""
    known = None
    for problem in error.errors:
        index = (problem.row or 0) - 2
        line = lines[index] if 0 <= index < len(lines) else 0
        cells = sheet[index + 1] if 0 <= index < len(lines) else None
        obj, code = _code_of(problem.column_title, problem.message)
        message = problem.message
        if code == "E_INDICATOR_SCOPE" and cells is not None and cells[0] not in writable:
            obj, code = "orgUnit", "E_UNIT_SCOPE"  # an assessor's row of a unit it does not assess
            message = f"单位“{cells[0]}”本期没有由本单位考核的应报指标，不能导入该单位的数据"
        elif code == "E_INDICATOR_SCOPE" and cells is not None:
            if known is None:
                known = set(Indicator.objects.filter(code__in={r[1] for r in sheet[1:]}).values_list("code", flat=True))
            if cells[1] not in known:
                code = "E_INDICATOR_UNKNOWN"
        value = None if cells is None else {"orgUnit": cells[0], "dataElement": cells[1]}.get(obj, cells[2] or cells[3])
        outcome.add(line, obj, code, value, message)
    outcome.errors += error.total - len(error.errors)  # counted, not listed


def _code_of(column: str, message: str) -> tuple[str, str]:
    if column == "单位编码":
        return "orgUnit", "E_UNIT_UNKNOWN" if "不存在" in message else "E_UNIT_SCOPE"
    if column == "指标编码":
        return "dataElement", "E_DUPLICATE" if "重复" in message else "E_INDICATOR_SCOPE"
    if column in ("数值", "文字情况"):
        return "value", "E_VALUE_INVALID"
    if column == "备注":
        return "comment", "E_COMMENT_TOO_LONG"
    if "没有任何数据行" in message:
        return "payload", "E_EMPTY"
    return "value", "E_WRITE_REFUSED"  # the write rule: a locked or closed submission, a reason needed


def _tombstones(deletions: list[tuple], user) -> None:
    from jixiao.audit import log

    now = timezone.now()
    ValueTombstone.objects.bulk_create([
        ValueTombstone(cycle_id=period.cycle_id, period_code=period.code, unit_id=unit_id, indicator_id=indicator_id,
                       deleted_at=now, deleted_by=user) for period, unit_id, indicator_id in deletions])
    for period in {d[0] for d in deletions}:
        log.record("api.values_deleted", period, user=user,
                   after={"period": period_name(period.cycle.year, period.code),
                          "deleted": sum(1 for d in deletions if d[0] == period)})


def _summary(outcome: Outcome, strategy: str, dry_run: bool, total: int) -> dict:
    if outcome.errors:
        status, counts = "ERROR", {"imported": 0, "updated": 0, "ignored": total, "deleted": 0}
    else:
        status = "WARNING" if outcome.conflicts else "SUCCESS"
        counts = {"imported": outcome.imported, "updated": outcome.updated, "ignored": outcome.ignored,
                  "deleted": outcome.deleted}
    if outcome.errors:
        description = f"发现 {outcome.errors} 处问题，未写入任何数据。"
    elif dry_run:
        description = "试导入（dryRun）：检查通过，未写入任何数据；以上为实际导入时的结果。"
    else:
        description = "导入完成。"
    return {"status": status, "description": description, "dryRun": dry_run, "strategy": strategy,
            "importCount": counts, "conflicts": outcome.conflicts, "conflictCount": outcome.errors
            + sum(1 for c in outcome.conflicts if c["code"] in WARNINGS)}


# --- The request: idempotency and background jobs ----------------------------------------------------


@dataclass
class Received:
    """What `receive` answers: the summary (or, for a background job, the job), and whether it is a replay."""

    job: ExchangeJob | None
    summary: dict | None
    replayed: bool = False

    @property
    def queued(self) -> bool:
        return self.summary is None


def digest_of(body: bytes, content_type: str, strategy: str, dry_run: bool) -> str:
    """The request an Idempotency-Key stands for: its body and how it is to be imported."""
    head = f"{formats.kind_of(content_type)}\n{strategy}\n{int(dry_run)}\n".encode()
    return hashlib.sha256(head + body).hexdigest()


def receive(body: bytes, content_type: str, *, user, token, strategy: str, dry_run: bool, key: str = "",
            background: bool | None = None) -> Received:
    """Import a request body: inline, or as a background job when it is big (or `background`); with an
    Idempotency-Key, at most once per key and user, whatever the number of replays arriving at the same time.

    The job row holding the key is inserted in the import's own transaction: a concurrent replay's insert waits
    on the unique key until the first commits, then fails and reads the first one's summary."""
    strategy = normalise_strategy(strategy)
    writer_of(user)
    rows = formats.read(body, content_type)
    digest = digest_of(body, content_type, strategy, dry_run)
    key = (key or "").strip()[:200]
    later = background if background is not None else len(rows) > BACKGROUND_ROWS
    job = ExchangeJob(token=token, user=user, idempotency_key=key, body_digest=digest,
                      content_type=formats.kind_of(content_type)[:20], strategy=strategy, dry_run=dry_run,
                      source="api", state=JobState.QUEUED if later else JobState.RUNNING)
    with transaction.atomic():
        try:
            with transaction.atomic():
                if later:
                    job.payload = body
                job.save()
        except IntegrityError:
            return _replay(user, key, digest)
        if later:
            from jixiao.api.tasks import import_job_task

            transaction.on_commit(lambda: import_job_task.enqueue(job.pk))
            return Received(job, None)
        summary = import_rows(rows, user=user, strategy=strategy, dry_run=dry_run, token=token)
        summary["jobId"] = job.pk
        _finish(job, summary)
    return Received(job, summary)


def _replay(user, key: str, digest: str) -> Received:
    first = ExchangeJob.objects.get(user=user, idempotency_key=key)
    if first.body_digest != digest:
        raise ExchangeError("该 Idempotency-Key 已用于另一份不同的请求内容；请为新的请求使用新的键。", 409, "conflict")
    return Received(first, first.summary, replayed=True)


def _finish(job: ExchangeJob, summary: dict) -> None:
    job.summary, job.state, job.finished_at, job.payload = summary, JobState.DONE, timezone.now(), None
    job.save(update_fields=["summary", "state", "finished_at", "payload"])


def run_job(job_id: int) -> ExchangeJob:
    """A background import: the stored body, read and imported as its request would have been inline."""
    from jixiao.accounts.models import Membership

    job = ExchangeJob.objects.select_related("user", "token__membership__unit").get(pk=job_id)
    if job.state != JobState.QUEUED:
        return job
    ExchangeJob.objects.filter(pk=job.pk).update(state=JobState.RUNNING)
    user = job.user
    if job.token is not None:  # act as the token's membership, as the request did
        user._jixiao_memberships = [job.token.membership]
        user._jixiao_active = job.token.membership
    elif (membership := Membership.objects.active().filter(user=user).first()) is not None:
        user._jixiao_active = membership
    try:
        if job.token is not None and not ApiToken.objects.usable().filter(pk=job.token_id).exists():
            raise ExchangeError("提交该任务的接口令牌已被吊销或已过期，任务未执行，未写入任何数据。", 401, "unauthorized")
        rows = formats.read(bytes(job.payload), job.content_type)
        summary = import_rows(rows, user=user, strategy=job.strategy, dry_run=job.dry_run, token=job.token)
    except (FormatError, ExchangeError) as error:
        summary = {"status": "ERROR", "description": str(error), "dryRun": job.dry_run, "strategy": job.strategy,
                   "importCount": {"imported": 0, "updated": 0, "ignored": 0, "deleted": 0}, "conflicts": [],
                   "conflictCount": 0}
    except Exception:
        # Nothing was written (the import is one transaction); whoever polls the job must not wait forever.
        ExchangeJob.objects.filter(pk=job.pk).update(state=JobState.FAILED, finished_at=timezone.now(), payload=None)
        raise
    summary["jobId"] = job.pk
    _finish(job, summary)
    return job


# --- Delta export ------------------------------------------------------------------------------------


def visible_values(user, token, *, unverified: bool = False):
    """The values the caller's page shows: its units' (access.visible_units) and, for an assessor unit, those of
    the items it owns; within the token's units. A leader, like on the page, sees verified figures only unless
    asking for unverified ones too (the page's “查看含未核定的全部数据”)."""
    membership = access.current_membership(user)
    where = Q(unit__in=access.visible_units(user))
    if membership is not None and access.can(user, "reporting.verify"):
        mine = membership.unit_id
        where |= Q(item__assessor_id=mine) | Q(item__assessor__isnull=True, item__version__default_assessor_id=mine)
    values = Value.objects.filter(where)
    if access.role_of(user) == Role.LEADER and not unverified:
        values = values.filter(verified_at__isnull=False)
    limited = tokens.unit_ids(token) if token is not None else None
    if limited is not None:
        values = values.filter(unit_id__in=limited)
    return values, limited


def export(user, token, *, period: str = "", org_unit: str = "", data_element: str = "",
           updated_after: datetime.datetime | None = None, cursor: str = "", limit: int = 1000,
           unverified: bool = False) -> dict:
    """Values updated after `updated_after` (all when None) in keyset pages on (updated_at, id), and, on the first
    page, the deletions since then (ValueTombstone). Only roles whose pages show values may export them."""
    if not (access.can(user, "reporting.view") or access.can(user, "reporting.verify")):
        raise ExchangeError("当前角色不能查看填报数值，不能导出。", 403, "forbidden")
    values, limited = visible_values(user, token, unverified=unverified)
    values = values.exclude(number__isnull=True, text="", note="")  # a cleared value is reported as a deletion
    tombs = ValueTombstone.objects.all()
    if limited is not None:
        tombs = tombs.filter(unit_id__in=limited)
    tombs = tombs.filter(unit__in=access.visible_units(user)) if not access.can(user, "reporting.verify") else \
        tombs.filter(Q(unit__in=access.visible_units(user)) | Q(indicator_id__in=_assessed_indicators(user)))
    if period:
        try:
            year, code = parse_period(period)
        except PeriodProblem as problem:
            raise ExchangeError(str(problem)) from None
        values = values.filter(cycle__year=year, submission__period__code=code)
        tombs = tombs.filter(cycle__year=year, period_code=code)
    if org_unit:
        codes = [c.strip() for c in org_unit.split(",") if c.strip()]
        values, tombs = values.filter(unit__code__in=codes), tombs.filter(unit__code__in=codes)
    if data_element:
        codes = [c.strip() for c in data_element.split(",") if c.strip()]
        values, tombs = values.filter(indicator__code__in=codes), tombs.filter(indicator__code__in=codes)
    if updated_after is not None:
        values, tombs = values.filter(updated_at__gt=updated_after), tombs.filter(deleted_at__gt=updated_after)
    values = values.filter(updated_at__isnull=False) if updated_after is not None else values
    if cursor:
        at, pk = _read_cursor(cursor)
        values = values.filter(Q(updated_at__gt=at) | Q(updated_at=at, id__gt=pk))
    rows = list(values.order_by("updated_at", "id").values_list(
        "id", "updated_at", "number", "text", "note", "indicator__code", "unit__code", "cycle__year",
        "submission__period__code", "verified_at")[:limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    found = [{"dataElement": ind, "period": period_name(year, code), "orgUnit": unit,
              "value": _shown(number, text), "comment": note, "verified": verified is not None,
              "lastUpdated": at.isoformat() if at else None}
             for _pk, at, number, text, note, ind, unit, year, code, verified in rows]
    deletions = [] if cursor else [
        {"dataElement": ind, "period": period_name(year, code), "orgUnit": unit, "deleted": at.isoformat()}
        for ind, unit, year, code, at in tombs.order_by("deleted_at", "id").values_list(
            "indicator__code", "unit__code", "cycle__year", "period_code", "deleted_at")[:10 * limit]]
    next_cursor = _write_cursor(rows[-1][1], rows[-1][0]) if more and rows[-1][1] is not None else None
    return {"dataValues": found, "deletions": deletions, "next": next_cursor}


def _assessed_indicators(user):
    from jixiao.indicators.models import SchemeItem

    mine = access.current_membership(user).unit_id
    return SchemeItem.objects.filter(Q(assessor_id=mine) | Q(assessor__isnull=True, version__default_assessor_id=mine)
                                     ).values("indicator_id")


def _shown(number, text) -> str | None:
    if number is not None:
        return format(number.normalize(), "f")
    return text or None


def _write_cursor(at: datetime.datetime, pk: int) -> str:
    return base64.urlsafe_b64encode(f"{at.isoformat()}|{pk}".encode()).decode().rstrip("=")


def _read_cursor(cursor: str) -> tuple[datetime.datetime, int]:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        at, pk = text.split("|")
        return datetime.datetime.fromisoformat(at), int(pk)
    except (ValueError, UnicodeDecodeError):
        raise ExchangeError("分页游标无效：请使用上一页返回的 next。") from None
