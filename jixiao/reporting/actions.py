"""Every state change of reporting: atomic, checked, one audit event each, notices sent in the same transaction.

Transitions of a submission: draft/returned → submitted (reporter) → approved (the unit's reviewer, never the
person who entered or submitted) → verified (the assessor units owning its indicators; when every value is
verified) → locked (at the period's verification deadline). A return, with a mandatory reason, is possible at
each step; the office unlocks a whole submission or a single value with a reason. An assessor may also return
one value of an approved submission: only that value opens for the unit, which corrects and resubmits it.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from jixiao.accounts.models import User
from jixiao.accounts.roles import Role
from jixiao.audit import log
from jixiao.lib import refusals
from jixiao.notifications.actions import notify
from jixiao.notifications.models import NoticeKind
from jixiao.reporting import checks, due
from jixiao.reporting.models import (
    CODES_BY_KIND,
    DONE,
    EDITABLE,
    DeadlineException,
    Evidence,
    Period,
    Status,
    Submission,
    Value,
    ValueRevision,
    period_bounds,
)

SUBMISSION_FIELDS = ["status", "submitted_at", "approved_at", "verified_at", "locked_at", "return_reason", "reopened"]


class Refused(ValidationError):
    """An action refused for a reason the user must read (Chinese)."""


class Conflict(Refused):
    """Someone else saved the value since this person loaded it."""


def refusal(code: str, obj, user, message: str, **details) -> None:
    """Record a refused attempt (`lib.refusals.record`), for the workers and commands that refuse without a page.
    Call it after the refused action's transaction rolled back."""
    refusals.record(code, obj, message, user=user, **details)


def _people(unit_ids, roles) -> list[User]:
    return list(User.objects.filter(memberships__unit_id__in=list(unit_ids), memberships__role__in=list(roles),
                                    memberships__revoked_at__isnull=True, is_active=True).distinct())


def entry_url(submission) -> str:
    return reverse("reporting:entry", args=[submission.unit_id, submission.period_id])


def today() -> datetime.date:
    return timezone.localdate()


# --- Periods ----------------------------------------------------------------------------------------


def default_dates(year: int, code: str, *, deadline_days=10, grace_days=3, verify_days=15) -> dict:
    """The window of a period: opens on its last day, due `deadline_days` after it ends, verified 15 days later."""
    starts, ends = period_bounds(year, code)
    deadline = ends + datetime.timedelta(days=deadline_days)
    return {"starts_on": starts, "ends_on": ends, "opens_on": ends, "deadline": deadline, "grace_days": grace_days,
            "verify_deadline": deadline + datetime.timedelta(days=grace_days + verify_days)}


def frequencies_in_use(cycle) -> set[str]:
    from jixiao.indicators.models import SchemeItem, SchemeStatus

    return set(SchemeItem.objects.filter(scheme__cycle=cycle, scheme__status=SchemeStatus.PUBLISHED)
               .values_list("indicator__frequency", flat=True).distinct())


@transaction.atomic
def generate_periods(cycle, *, by, deadline_days: int = 10, grace_days: int = 3, verify_days: int = 15) -> list[Period]:
    """Create the periods a cycle needs from the frequencies of its published schemes' indicators.

    Existing periods are left as they are (their dates may have been changed by the office).
    """
    existing = set(Period.objects.filter(cycle=cycle).values_list("code", flat=True))
    created = []
    for kind in sorted(frequencies_in_use(cycle)):
        for code in CODES_BY_KIND.get(kind, []):
            if code not in existing:
                created.append(Period(cycle=cycle, code=code, kind=kind, **default_dates(
                    cycle.year, code, deadline_days=deadline_days, grace_days=grace_days, verify_days=verify_days)))
    Period.objects.bulk_create(created)
    log.record("period.generated", cycle, user=by, after={"codes": [p.code for p in created]})
    return created


PERIOD_FIELDS = ["opens_on", "deadline", "grace_days", "verify_deadline"]


@transaction.atomic
def update_period(period: Period, *, by, **fields) -> Period:
    before = log.snapshot(period, PERIOD_FIELDS)
    for name, value in fields.items():
        setattr(period, name, value)
    if period.deadline < period.opens_on or period.verify_deadline < period.deadline:
        raise Refused("日期顺序应为：开放填报 ≤ 报送截止 ≤ 核定截止")
    period.save(update_fields=list(fields))
    log.record("period.updated", period, before=before, after=log.snapshot(period, PERIOD_FIELDS), user=by)
    return period


@transaction.atomic
def grant_exception(period: Period, unit, *, deadline: datetime.date, reason: str, by) -> DeadlineException:
    """Extend the deadline of one unit for one period; the reason is kept and audited."""
    reason = (reason or "").strip()
    if not reason:
        raise Refused("请填写延期理由")
    if deadline <= period.deadline:
        raise Refused(f"延期后的截止日期应晚于原截止日期 {period.deadline:%Y-%m-%d}")
    exception, created = DeadlineException.objects.update_or_create(
        period=period, unit=unit,
        defaults={"deadline": deadline, "reason": reason, "granted_by": by, "granted_at": timezone.now()})
    log.record("period.exception_granted", exception, user=by,
               after={"unit": unit.code, "period": period.code, "deadline": deadline, "reason": reason})
    notify(_people([unit.pk], [Role.REPORTER, Role.REVIEWER]), f"{period}报送截止日期已延至{deadline:%Y-%m-%d}",
           f"理由：{reason}", url=reverse("reporting:entry", args=[unit.pk, period.pk]))
    return exception


def exception_for(period, unit) -> DeadlineException | None:
    return DeadlineException.objects.filter(period=period, unit=unit).first()


def deadline_for(period, exception=None) -> datetime.date:
    return exception.deadline if exception is not None else period.deadline


def closes_on(period, exception=None) -> datetime.date:
    """After this day the unit may no longer edit (unless the office unlocks)."""
    if exception is not None:
        return max(period.verify_deadline, exception.deadline)
    return period.verify_deadline


# --- Values -----------------------------------------------------------------------------------------


def open_submission(unit, period) -> Submission:
    """The unit's submission for the period, created as a draft on first use."""
    submission = Submission.objects.filter(unit=unit, period=period).first()
    if submission is None:
        try:
            with transaction.atomic():
                submission = Submission.objects.create(unit=unit, period=period, cycle_id=period.cycle_id)
        except IntegrityError:  # created by a concurrent request
            submission = Submission.objects.get(unit=unit, period=period)
    return submission


def history(unit_id, indicator_id, period) -> tuple[list, object]:
    """Past figures of the same period code (earlier cycles) and the one of last year."""
    rows = dict(Value.objects.filter(unit_id=unit_id, indicator_id=indicator_id, submission__period__code=period.code,
                                     cycle__year__lt=period.cycle.year, number__isnull=False)
                .values_list("cycle__year", "number"))
    return list(rows.values()), rows.get(period.cycle.year - 1)


def check_value(item, number, text, past, last_year) -> tuple[list[str], str]:
    """Problems that refuse the save, and the outlier reason (which only asks for an explanation)."""
    problems = checks.value_problems(item.indicator, number, text, checks.grades_of(item))
    return problems, ("" if problems else checks.outlier_reason(number, past, last_year))


def entry_closed(submission, period, exception=None, day: datetime.date | None = None) -> bool:
    """Whether the entry window of a unit's submission has closed.

    A submission returned for correction stays open whatever the date: the return asks for a correction (its
    timeliness stays that of the first submission). One the office reopened is open as well.
    """
    if submission is not None and (submission.reopened or submission.status == Status.RETURNED):
        return False
    return (day or today()) > closes_on(period, exception)


@dataclass(frozen=True, slots=True)
class Writing:
    """How one value may be written: decided by `write_rule` alone, for the entry page, the Excel import and the
    assessor grid, and applied by each of them through these methods."""

    refusal: str = ""  # why it may not be written at all (Chinese); "" when it may
    reason_needed: str = ""  # the refusal of a write without a reason: a value unlocked or returned on its own
    after_approval: bool = False  # the submission was approved or the value unlocked: a change is counted
    by_assessor: bool = False  # the assessor's own figure: it arrives verified and counts as no change

    def reason_problem(self, reason: str) -> str:
        return self.reason_needed if self.reason_needed and not reason.strip() else ""

    def verification(self, moved: bool, verified_at, verified_by, at, by) -> tuple:
        """The value's (verified_at, verified_by) after the write: the assessor's figure is verified by it; a
        unit's changed figure or text needs verifying again."""
        if self.by_assessor:
            return at, by
        return (None, None) if moved else (verified_at, verified_by)

    def changes_since_approval(self, moved: bool, count: int) -> int:
        return count + 1 if moved and self.after_approval and not self.by_assessor else count


def write_rule(submission, value, *, as_assessor: bool = False, closed_on: datetime.date | None = None) -> Writing:
    """Whether `value` (None: not stored yet) of `submission` may be written, and what a write does to it.

    A unit writes into its draft or returned submission while its entry window is open (`closed_on`: the day the
    window closed, None while it is open, see `entry_closed`), and into a value the office unlocked or its
    assessor returned on its own, with a reason, whatever the submission's state. An assessor enters its own
    figures into any submission not locked. A figure changed after approval (or of an unlocked value) is counted
    (`changes_since_approval`) and, like every change of a stored figure, kept as a revision.
    """
    correctable = value is not None and value.is_correctable
    after_approval = submission.approved_at is not None or (value is not None and value.unlocked)
    if as_assessor:
        locked = submission.status == Status.LOCKED and not correctable
        return Writing("该单位本期报件已锁定，不能再修改。" if locked else "", "", after_approval, True)
    if correctable:
        why = "该数值已核定后解锁，修改时请填写修改理由。" if value.unlocked else "该数值被退回更正，修改时请填写修改理由。"
        return Writing("", why, after_approval)
    if submission.status not in EDITABLE:
        return Writing(f"报件当前状态为“{submission.get_status_display()}”，不能修改。如需更正，请联系审核人退回或绩效办解锁。")
    if closed_on is not None:
        return Writing(f"本期已于 {closed_on:%Y-%m-%d} 截止填报，数据已锁定。如需更正，请向绩效办申请解锁。")
    return Writing("", "", after_approval)


def unit_write_rule(submission, value, period, unit) -> Writing:
    """`write_rule` for a unit's page: its entry window read from the period and the unit's deadline exception."""
    exception = exception_for(period, unit)
    closed = entry_closed(submission, period, exception)
    return write_rule(submission, value, closed_on=closes_on(period, exception) if closed else None)


def _ensure_editable(submission, value, period, unit) -> Writing:
    writing = unit_write_rule(submission, value, period, unit)
    if writing.refusal:
        raise Refused(writing.refusal)
    return writing


@transaction.atomic
def save_value(unit, period, item, *, by, number=None, text: str = "", note: str = "", explanation: str = "",
               version: int | None = None, reason: str = "", source: str = "page") -> Value:
    """Save one value of a unit's submission with its revision, refusing stale versions and bad figures."""
    text, note, explanation = (text or "").strip(), (note or "").strip(), (explanation or "").strip()
    submission = _locked_submission(unit, period)
    value = Value.objects.filter(submission=submission, indicator_id=item.indicator_id).first()
    return _save_one(submission, value, period, unit, item, by=by, number=number, text=text, note=note,
                     explanation=explanation, version=version, reason=reason, source=source)


@dataclass(frozen=True, slots=True)
class Row:
    """One row of a unit's whole entry form (批量填报): what was typed for one scheme item, over which version."""

    item: object
    number: Decimal | None
    text: str
    note: str
    version: int | None


@transaction.atomic
def save_values(unit, period, rows: list[Row], *, by) -> tuple[list[Value], dict[int, str]]:
    """Save a unit's whole entry form: every changed row by the rule of `save_value`, under one lock of the
    submission. Returns the values written and, by indicator id, the Chinese refusal of each row not written.

    Rows identical to what is stored, and empty rows of values not stored yet, are skipped before the rule is
    asked: the same form sent twice writes once. A row someone else saved since the form was loaded (its version
    moved) is refused alone and the other rows are written, so one colleague's edit costs nobody the rest of the
    form. An outlier's explanation, a correction's reason and evidence stay on each value's card.
    """
    submission = _locked_submission(unit, period)
    stored = {v.indicator_id: v for v in Value.objects.filter(
        submission=submission, indicator_id__in=[row.item.indicator_id for row in rows])}
    saved, refused = [], {}
    for row in rows:
        value = stored.get(row.item.indicator_id)
        if _same(value, row):
            continue
        try:
            with transaction.atomic():
                saved.append(_save_one(submission, value, period, unit, row.item, by=by, number=row.number,
                                       text=row.text, note=row.note, explanation=value.explanation if value else "",
                                       version=row.version, reason="", source="page"))
        except Refused as error:
            refused[row.item.indicator_id] = "；".join(error.messages)
    if not saved:
        transaction.set_rollback(True)  # a form that writes nothing leaves no new draft behind
    return saved, refused


def _same(value, row: Row) -> bool:
    """The row holds what is stored (an empty row when nothing is): there is nothing to write."""
    if value is None:
        return row.number is None and not row.text and not row.note
    return (value.number, value.text, value.note) == (row.number, row.text, row.note)


def _locked_submission(unit, period) -> Submission:
    """The unit's submission for the period (a draft made on first use), locked until the transaction ends."""
    submission = open_submission(unit, period)
    return Submission.objects.select_for_update().get(pk=submission.pk)


def _save_one(submission, value, period, unit, item, *, by, number, text, note, explanation, version, reason,
              source) -> Value:
    """Write one value of a locked submission if `write_rule` allows it, its version is the stored one, the figure
    passes the checks and a reason is given where one is needed; else raise Refused (Conflict for the version)."""
    writing = _ensure_editable(submission, value, period, unit)
    current = value.version if value is not None else 0
    if version is not None and version != current:
        raise Conflict("该数值已被他人修改（您打开页面后有新的保存）。为避免覆盖，本次保存未生效，请刷新页面查看最新数值后再修改。")
    problems, outlier = check_value(item, number, text, *history(unit.pk, item.indicator_id, period))
    if problems:
        raise Refused("；".join(problems))
    if missing := writing.reason_problem(reason):
        raise Refused(missing)
    return _write(submission, value, item, writing, by=by, number=number, text=text, note=note,
                  explanation=explanation, outlier=outlier, reason=reason, source=source)


def _write(submission, value, item, writing: Writing, *, by, number, text, note, explanation, outlier, reason,
           source) -> Value:
    now = timezone.now()
    if value is None:
        value = Value(submission=submission, cycle_id=submission.cycle_id, unit_id=submission.unit_id,
                      indicator_id=item.indicator_id, item=item, version=0)
        old_number, old_text = None, ""
    else:
        old_number, old_text = value.number, value.text
    changed = old_number != number or old_text != text
    fields = {"number": number, "text": text, "note": note, "explanation": explanation, "is_outlier": bool(outlier),
              "updated_by": by, "updated_at": now, "version": value.version + 1,
              "changes_since_approval": writing.changes_since_approval(changed, value.changes_since_approval)}
    fields["verified_at"], fields["verified_by_id"] = writing.verification(
        changed, value.verified_at, value.verified_by_id, now, by.pk if by is not None else None)
    old_version, after_approval = value.version, writing.after_approval
    if value.pk is None:
        for name, val in fields.items():
            setattr(value, name, val)
        value.entered_by, value.entered_at = by, now
        value.save()
    else:
        # The version in the WHERE clause makes the check hold even against a concurrent writer.
        if not Value.objects.filter(pk=value.pk, version=value.version).update(**fields):
            raise Conflict("该数值已被他人修改，本次保存未生效，请刷新页面后再修改。")
        for name, val in fields.items():
            setattr(value, name, val)
    if changed and old_version:
        ValueRevision.objects.create(value=value, at=now, by=by, old_number=old_number, new_number=number,
                                     old_text=old_text, new_text=text, reason=reason.strip(),
                                     status=submission.status, after_approval=after_approval, source=source)
    if changed:
        code = "value.changed_after_approval" if after_approval else "value.changed"
        log.record(code, value, user=by, before={"value": ValueRevision.show(old_number, old_text)},
                   after={"value": ValueRevision.show(number, text), "reason": reason.strip(), "source": source,
                          "outlier": outlier})
    return value


# --- Submission workflow ----------------------------------------------------------------------------


def _transition(submission, allowed: set, action: str) -> Submission:
    locked = Submission.objects.select_for_update(of=("self",)).select_related("period__cycle", "unit").get(pk=submission.pk)
    if locked.status not in allowed:
        if locked.status == Status.SUBMITTED and action == "报送":
            raise Refused("该报件已报送，请勿重复提交。")
        raise Refused(f"报件当前状态为“{locked.get_status_display()}”，不能{action}。")
    return locked


def _save(submission, before_status, code, by, fields, **extra):
    submission.save(update_fields=fields + ["updated_at"])
    log.record(code, submission, user=by, before={"status": before_status},
               after={"status": submission.status, **extra})


def missing_items(submission) -> tuple[list, list]:
    """Scope items without a value, and values flagged as outliers without an explanation."""
    items = due.items_for_unit(submission.period, submission.unit)
    values = {v.indicator_id: v for v in submission.values.all()}
    missing = [i for i in items if i.indicator_id not in values or not values[i.indicator_id].is_filled]
    unexplained = [v for v in values.values() if v.is_outlier and not v.explanation]
    return missing, unexplained


@transaction.atomic
def submit(submission, *, by) -> Submission:
    """Send the unit's data to its reviewer: every due value filled, every outlier explained."""
    submission = _transition(submission, EDITABLE, "报送")
    if entry_closed(submission, submission.period, exception_for(submission.period, submission.unit)):
        raise Refused(f"{submission.period}已截止填报，数据已锁定，不能报送。")
    missing, unexplained = missing_items(submission)
    if missing:
        names = "、".join(i.indicator.name for i in missing[:5])
        raise Refused(f"还有 {len(missing)} 项指标未填写：{names}{'等' if len(missing) > 5 else ''}。")
    if unexplained:
        names = "、".join(v.indicator.name for v in unexplained[:5])
        raise Refused(f"以下数值与历史数据差异较大，请先填写异常说明：{names}。")
    before, now = submission.status, timezone.now()
    submission.status, submission.submitted_by, submission.submitted_at = Status.SUBMITTED, by, now
    submission.first_submitted_at = submission.first_submitted_at or now
    _save(submission, before, "submission.submitted", by,
          ["status", "submitted_by", "submitted_at", "first_submitted_at"], late=is_late(submission))
    notify(_people([submission.unit_id], [Role.REVIEWER]), f"{submission}已报送，请审核", url=entry_url(submission),
           kind=NoticeKind.INFO)
    return submission


def entered_by(submission) -> set[int]:
    """Everyone who typed a value of this submission (maker-checker: none of them may approve it)."""
    ids = set(ValueRevision.objects.filter(value__submission=submission).values_list("by_id", flat=True))
    for updated, entered in submission.values.values_list("updated_by_id", "entered_by_id"):
        ids |= {updated, entered}
    return {i for i in ids if i is not None}


@transaction.atomic
def approve(submission, *, by) -> Submission:
    """The unit's reviewer signs the submission off; nobody approves what they entered or submitted."""
    submission = _transition(submission, {Status.SUBMITTED}, "审核通过")
    if by.pk == submission.submitted_by_id or by.pk in entered_by(submission):
        raise Refused("不能审核本人填报或报送的数据（审核与填报须由不同人员完成）。")
    before = submission.status
    submission.status, submission.approved_by, submission.approved_at = Status.APPROVED, by, timezone.now()
    submission.return_reason = ""
    submission.values.update(changes_since_approval=0)
    _save(submission, before, "submission.approved", by, ["status", "approved_by", "approved_at", "return_reason"])
    assessors = {due.assessor_id_of(v.item) for v in submission.values.select_related("item__version")
                 if v.item is not None and v.verified_at is None}
    notify(_people(assessors - {None}, [Role.ASSESSOR]), f"{submission}已审核，请核定",
           url=reverse("reporting:assessor", args=[submission.period_id]))
    return _settle(submission, by)


def _settle(submission, by) -> Submission:
    """An approved submission whose values are all verified (e.g. entered by the assessor) becomes verified."""
    if submission.status == Status.APPROVED and not submission.values.filter(verified_at__isnull=True).exists():
        submission.status, submission.verified_at = Status.VERIFIED, timezone.now()
        _save(submission, Status.APPROVED, "submission.verified", by, ["status", "verified_at"])
    return submission


@transaction.atomic
def verify(submission, *, by, assessor) -> Submission:
    """The assessor unit verifies its indicators' values; the submission is verified when all values are."""
    submission = _transition(submission, {Status.APPROVED}, "核定")
    pending = [v for v in submission.values.select_related("item__version", "indicator")
               if v.item is not None and due.assessor_id_of(v.item) == assessor.pk and v.verified_at is None]
    values = [v for v in pending if not v.is_returned]  # a value returned alone waits for the unit's correction
    if not values:
        raise Refused("本单位退回的数值尚未由单位更正重报。" if pending else "该报件中没有待本单位核定的指标。")
    if any(v.updated_by_id == by.pk for v in values):
        raise Refused("不能核定本人填报的数据。")
    now = timezone.now()
    Value.objects.filter(pk__in=[v.pk for v in values]).update(verified_at=now, verified_by=by, unlocked=False,
                                                               return_reason="")
    log.record("submission.values_verified", submission, user=by,
               after={"assessor": assessor.code, "indicators": [v.indicator.code for v in values]})
    return _settle(submission, by)


@transaction.atomic
def return_submission(submission, *, by, reason: str, stage: str) -> Submission:
    """Send the submission back to the unit with a reason it sees and is notified of.

    `stage` says who returns: "review" (the unit's reviewer, from submitted), "verify" (an assessor, from
    approved) or "office" (from verified, before locking).
    """
    reason = (reason or "").strip()
    if not reason:
        raise Refused("退回时必须填写退回理由。")
    allowed = {"review": {Status.SUBMITTED}, "verify": {Status.APPROVED}, "office": {Status.VERIFIED}}[stage]
    submission = _transition(submission, allowed, "退回")
    before = submission.status
    submission.status, submission.return_reason = Status.RETURNED, reason
    submission.returned_by, submission.returned_at = by, timezone.now()
    submission.returns += 1
    submission.approved_at = submission.approved_at  # kept: later edits count as changes after approval
    _clear_value_returns(submission)
    _save(submission, before, "submission.returned", by,
          ["status", "return_reason", "returned_by", "returned_at", "returns"], reason=reason, stage=stage)
    notify(_people([submission.unit_id], [Role.REPORTER]), f"{submission}被退回", f"退回理由：{reason}",
           url=entry_url(submission), kind=NoticeKind.RETURNED,
           dedupe_key=f"reporting.returned:{submission.pk}:{submission.returns}")
    return submission


def lock_due_submissions(day: datetime.date | None = None, *, by=None) -> int:
    """Lock every verified submission of periods whose verification deadline has passed. Safe to re-run."""
    day = day or today()
    ready = list(Submission.objects.filter(status=Status.VERIFIED, period__verify_deadline__lt=day, reopened=False)
                 .select_related("unit", "period__cycle"))
    for submission in ready:
        with transaction.atomic():
            submission.status, submission.locked_at = Status.LOCKED, timezone.now()
            _save(submission, Status.VERIFIED, "submission.locked", by, ["status", "locked_at"])
            submission.values.filter(unlocked=True, verified_at__isnull=False).update(unlocked=False)
    return len(ready)


@transaction.atomic
def unlock_submission(submission, *, by, reason: str) -> Submission:
    """The office reopens a verified or locked submission for correction, with a reason."""
    reason = (reason or "").strip()
    if not reason:
        raise Refused("解锁时必须填写理由。")
    submission = _transition(submission, DONE | {Status.APPROVED}, "解锁")
    before = submission.status
    submission.status, submission.reopened, submission.return_reason = Status.RETURNED, True, f"绩效办解锁：{reason}"
    submission.returned_by, submission.returned_at = by, timezone.now()
    _clear_value_returns(submission)
    _save(submission, before, "submission.unlocked", by,
          ["status", "reopened", "return_reason", "returned_by", "returned_at"], reason=reason)
    notify(_people([submission.unit_id], [Role.REPORTER, Role.REVIEWER]), f"{submission}已解锁，可更正后重新报送",
           f"理由：{reason}", url=entry_url(submission), kind=NoticeKind.INFO)
    return submission


@transaction.atomic
def unlock_value(value, *, by, reason: str) -> Value:
    """The office reopens one value of an approved, verified or locked submission, with a reason."""
    reason = (reason or "").strip()
    if not reason:
        raise Refused("解锁时必须填写理由。")
    value = Value.objects.select_for_update(of=("self",)).select_related("submission__period__cycle", "unit").get(pk=value.pk)
    if value.submission.status in EDITABLE or value.unlocked:
        raise Refused("该数值当前可以直接修改，无需解锁。")
    Value.objects.filter(pk=value.pk).update(unlocked=True)
    value.unlocked = True
    log.record("value.unlocked", value, user=by, after={"reason": reason})
    notify(_people([value.unit_id], [Role.REPORTER]), f"{value}已单独解锁，可更正", f"理由：{reason}",
           url=entry_url(value.submission))
    return value


@transaction.atomic
def verify_value(value, *, by, assessor) -> Value:
    """The assessor verifies one value changed after unlocking; it is locked again."""
    value = Value.objects.select_for_update(of=("self",)).select_related("item__version", "submission").get(pk=value.pk)
    if value.item is None or due.assessor_id_of(value.item) != assessor.pk:
        raise Refused("该指标不由本单位核定。")
    if value.updated_by_id == by.pk:
        raise Refused("不能核定本人填报的数据。")
    if value.verified_at is not None:
        raise Refused("该数值已核定。")
    if value.is_returned:
        raise Refused("该数值已退回单位更正，尚未重新报送。")
    Value.objects.filter(pk=value.pk).update(verified_at=timezone.now(), verified_by=by, unlocked=False,
                                             return_reason="")
    log.record("value.verified", value, user=by, after={"value": value.display})
    return value


def _clear_value_returns(submission) -> None:
    """The whole submission goes back to the unit: single-value returns merge into it."""
    submission.values.filter(returned_at__isnull=False).update(returned_at=None, returned_by=None)


@transaction.atomic
def return_value(value, *, by, assessor, reason: str) -> Value:
    """The assessor returns one value of an approved submission with a reason; its other values stay as they are.

    Only this value opens for the unit (`Value.is_correctable`); the submission stays approved and becomes
    verified once the corrected value is resubmitted and verified again.
    """
    reason = (reason or "").strip()
    if not reason:
        raise Refused("退回时必须填写退回理由。")
    _transition(value.submission, {Status.APPROVED}, "退回")  # locks the submission first, as `verify` does
    value = (Value.objects.select_for_update(of=("self",)).select_related("item__version", "indicator", "unit")
             .get(pk=value.pk))
    if value.item is None or due.assessor_id_of(value.item) != assessor.pk:
        raise Refused("该指标不由本单位核定。")
    if value.updated_by_id == by.pk:
        raise Refused("不能退回本人填报的数据（核定与填报须由不同人员完成）。")
    if value.verified_at is not None:
        raise Refused("该数值已核定，不能单独退回。如需更正，请联系绩效办解锁。")
    if value.is_returned:
        raise Refused("该数值已退回，正等待单位更正。")
    value.returned_at, value.returned_by, value.return_reason = timezone.now(), by, reason
    value.save(update_fields=["returned_at", "returned_by", "return_reason"])
    log.record("value.returned", value, user=by, before={"value": value.display},
               after={"reason": reason, "assessor": assessor.code})
    notify(_people([value.unit_id], [Role.REPORTER]), f"{value}被退回更正", f"退回理由：{reason}",
           url=entry_url(value.submission), kind=NoticeKind.RETURNED)
    return value


@transaction.atomic
def resubmit_value(value, *, by) -> Value:
    """The unit sends a value returned alone back to its assessor (corrected, or explained in the note)."""
    value = (Value.objects.select_for_update(of=("self",)).select_related("item__version", "indicator", "unit",
                                                                          "submission__period__cycle")
             .get(pk=value.pk))
    if not value.is_returned:
        raise Refused("该数值没有被退回，无需重新报送。")
    if not value.is_filled:
        raise Refused("请先填写该数值再重新报送。")
    if value.is_outlier and not value.explanation:
        raise Refused("该数值与历史数据差异较大，请先填写异常说明再重新报送。")
    value.returned_at, value.returned_by = None, None
    value.save(update_fields=["returned_at", "returned_by"])
    log.record("value.resubmitted", value, user=by,
               after={"value": value.display, "return_reason": value.return_reason})
    notify(_people([due.assessor_id_of(value.item)], [Role.ASSESSOR]), f"{value}已更正重报，请核定",
           f"原退回理由：{value.return_reason}", url=reverse("reporting:assessor", args=[value.submission.period_id]))
    return value


# --- Timeliness -------------------------------------------------------------------------------------


def is_late(submission, exception=None, day: datetime.date | None = None) -> bool:
    """Submitted after the deadline plus grace, or not yet submitted and already past it (`due.is_overdue`)."""
    period = submission.period
    exception = exception or exception_for(period, submission.unit)
    first = submission.first_submitted_at
    if first is not None:
        return timezone.localdate(first) > period.late_after(deadline_for(period, exception))
    return due.is_overdue(period, submission, exception, day or today())


# --- Evidence ---------------------------------------------------------------------------------------


@transaction.atomic
def attach_evidence(value, upload, *, by):
    """Store an evidence file under a random name after checking its content, type and size."""
    import hashlib

    from django.core.files.base import ContentFile

    from jixiao.reporting import evidence
    from jixiao.reporting.models import Evidence

    value = Value.objects.select_related("submission__period__cycle", "unit").get(pk=value.pk)
    _ensure_editable(value.submission, value, value.submission.period, value.unit)
    try:
        kind, content = evidence.check_upload(upload)
    except checks.ValueProblem as problem:
        raise Refused(str(problem)) from None
    item = Evidence(value=value, original_name=(upload.name or "")[:200], kind=kind, size=len(content),
                    sha256=hashlib.sha256(content).hexdigest(), uploaded_by=by, uploaded_at=timezone.now())
    item.file.save(f"x.{kind}", ContentFile(content), save=False)
    try:
        item.save()
    except Exception:
        item.file.delete(save=False)
        raise
    log.record("evidence.attached", value, user=by,
               after={"file": item.original_name, "kind": kind, "size": item.size, "sha256": item.sha256})
    return item


@transaction.atomic
def remove_evidence(evidence, *, by) -> Evidence:
    """Take an evidence file off a value the unit may still edit; refused once the value is submitted or locked.

    The row and the stored file are kept, marked removed (a file someone may have read stays on record); the
    pages no longer list it, and the audit event names the file and its SHA-256.
    """
    evidence = Evidence.objects.select_related("value").get(pk=evidence.pk)
    submission = (Submission.objects.select_for_update(of=("self",)).select_related("period__cycle", "unit")
                  .get(pk=evidence.value.submission_id))
    evidence = Evidence.objects.select_for_update(of=("self",)).select_related("value").get(pk=evidence.pk)
    if evidence.removed_at is not None:
        raise Refused("该佐证材料已删除。")
    try:
        _ensure_editable(submission, evidence.value, submission.period, submission.unit)
    except Refused as refused:
        raise Refused(f"不能删除佐证材料：{refused.messages[0]}") from None
    evidence.removed_at, evidence.removed_by = timezone.now(), by
    evidence.save(update_fields=["removed_at", "removed_by"])
    log.record("evidence.removed", evidence.value, user=by,
               before={"file": evidence.original_name, "kind": evidence.kind, "size": evidence.size,
                       "sha256": evidence.sha256})
    return evidence
