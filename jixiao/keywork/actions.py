"""State changes of key work, supervision, directives and bulletins: atomic, checked, one audit event each.

A refused change (bad input, a closed directive, a double submit) raises ValidationError or PermissionDenied
with a Chinese message; the view then calls `lib.refusals.refuse`, which shows it and writes a failure event
outside the rolled back transaction, so refusals are audited too.
"""

import datetime
import hashlib
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from jixiao.accounts.models import Membership
from jixiao.accounts.roles import Role
from jixiao.audit import log
from jixiao.keywork import bulletins, evidence, periods
from jixiao.keywork.models import (
    Assessment,
    Bulletin,
    Directive,
    DirectiveReply,
    DirectiveStatus,
    KeyTask,
    Milestone,
    Progress,
    ReplyDecision,
    SubTask,
    Supervision,
    TaskStatus,
    Warning,
    WarningLevel,
)
from jixiao.keywork.status import judge
from jixiao.notifications.actions import notify
from jixiao.notifications.models import NoticeKind

TASK_FIELDS = ["code", "name", "kind", "source", "lead_unit", "leader_cadre", "leader_user", "annual_goal",
               "points", "scheme_block", "assessor_unit"]
ESCALATE_STREAK = 2  # a task behind on two milestones in a row goes up to its responsible district leader
UNIT_ROLES = (Role.REPORTER, Role.REVIEWER)


# --- Tasks -------------------------------------------------------------------------------------------


def check_milestones(cycle, milestones: list[dict]) -> None:
    """Each milestone's date must fall within the cycle (a date after the cycle's end is refused)."""
    problems = []
    for m in milestones:
        due = m["due_on"]
        if due > cycle.ends_on:
            problems.append(f"{periods.label(m['period_code'])}节点的完成时限 {due:%Y-%m-%d} 晚于{cycle.name}结束日 "
                            f"{cycle.ends_on:%Y-%m-%d}，不予接受；跨年度的工作请在下一年度另行立项。")
        elif due < cycle.starts_on:
            problems.append(f"{periods.label(m['period_code'])}节点的完成时限 {due:%Y-%m-%d} 早于{cycle.name}开始日 "
                            f"{cycle.starts_on:%Y-%m-%d}。")
    if problems:
        raise ValidationError(problems)


def _clean_task(task: KeyTask, cooperating) -> None:
    if task.lead_unit_id in {u.pk for u in cooperating}:
        raise ValidationError("牵头单位不能同时作为配合单位。")
    if task.leader_cadre_id and task.leader_cadre.unit.kind != "district":
        raise ValidationError("责任区领导须是区级领导（示范区的干部）。")
    if task.scheme_block_id and task.scheme_block.scheme.cycle_id != task.cycle_id:
        raise ValidationError("所选方案板块不属于该考核年度。")
    task.full_clean(validate_unique=False, exclude=["cooperating_units"])
    if KeyTask.objects.filter(cycle=task.cycle, code=task.code).exclude(pk=task.pk).exists():
        raise ValidationError(f"编号“{task.code}”在{task.cycle.name}已被使用。")


@transaction.atomic
def save_task(task: KeyTask, *, by, cooperating, milestones: list[dict], sub_tasks: list[dict]) -> KeyTask:
    """Create or change a task with its cooperating units, milestones (by quarter) and sub-tasks."""
    creating = task.pk is None
    before = None if creating else _task_snapshot(KeyTask.objects.get(pk=task.pk))
    check_milestones(task.cycle, milestones)
    _clean_task(task, cooperating)
    task.save()
    task.cooperating_units.set(cooperating)
    kept = {m["period_code"] for m in milestones}
    task.milestones.exclude(period_code__in=kept).delete()
    for m in milestones:
        Milestone.objects.update_or_create(task=task, period_code=m["period_code"],
                                           defaults={"due_on": m["due_on"], "description": m["description"]})
    allowed = {u.pk for u in cooperating}
    if any(s["unit"].pk not in allowed for s in sub_tasks):
        raise ValidationError("分解任务只能分给配合单位。")
    task.sub_tasks.exclude(unit_id__in=[s["unit"].pk for s in sub_tasks]).delete()
    for s in sub_tasks:
        SubTask.objects.update_or_create(task=task, unit=s["unit"], defaults={"content": s["content"]})
    log.record("keytask.created" if creating else "keytask.updated", task, before=before,
               after=_task_snapshot(task), user=by)
    return task


def _task_snapshot(task: KeyTask) -> dict:
    data = log.snapshot(task, TASK_FIELDS)
    data["cooperating_units"] = sorted(task.cooperating_units.values_list("code", flat=True))
    data["milestones"] = {m.period_code: [m.due_on.isoformat(), m.description] for m in task.milestones.all()}
    data["sub_tasks"] = {s.unit.code: s.content for s in task.sub_tasks.select_related("unit")}
    return data


# --- Progress ------------------------------------------------------------------------------------


def reporting_units(task: KeyTask) -> set[int]:
    return {task.lead_unit_id} | {u.pk for u in task.cooperating_units.all()}


@transaction.atomic
def report_progress(task: KeyTask, *, unit, by, period_code: str, text: str, percent: int,
                    milestone_met: bool = False, problems: str = "", files=()) -> Progress:
    """A unit's progress on a task for one period; once per unit and period (a second submit is refused)."""
    if unit.pk not in reporting_units(task):
        raise PermissionDenied(f"“{task.name}”不由{unit.name}牵头或配合，不能报送其进展。")
    if not periods.is_valid(period_code):
        raise ValidationError("期次无效。")
    if timezone.localdate() < periods.period_start(task.cycle.year, period_code):
        raise ValidationError(f"{task.cycle.year}年{periods.label(period_code)}尚未开始，不能提前报送进展。")
    earlier = Progress.objects.filter(task=task, unit=unit, period_code=period_code).select_related(
        "reported_by").first()
    if earlier is not None:
        raise ValidationError(_duplicate_message(earlier))
    checked = evidence.check_files(files)
    progress = Progress(task=task, unit=unit, period_code=period_code, text=text, percent=percent,
                        milestone_met=milestone_met or percent >= 100, problems=problems, reported_by=by,
                        reported_at=timezone.now())
    progress.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            progress.save()
    except IntegrityError:
        raise ValidationError(_duplicate_message(Progress.objects.get(task=task, unit=unit,
                                                                      period_code=period_code))) from None
    stored = evidence.store(checked, by=by, progress=progress)
    log.record("keywork.progress_reported", task, user=by,
               after={**log.snapshot(progress, ["unit", "period_code", "percent", "milestone_met", "text"]),
                      "evidence": [e.sha256 for e in stored]})
    return progress


def _duplicate_message(earlier: Progress) -> str:
    at = timezone.localtime(earlier.reported_at).strftime("%Y-%m-%d %H:%M")
    return (f"本单位已于 {at} 报送了该工作{periods.label(earlier.period_code)}的进展（报送人："
            f"{earlier.reported_by.display_name}），不能重复报送。已报送的内容保持不变，如需更正请联系区绩效办。")


# --- Assessment ----------------------------------------------------------------------------------


@transaction.atomic
def assess(task: KeyTask, *, unit, by, period_code: str, score: Decimal, comment: str) -> Assessment:
    """Give (or revise) the score of a unit's work on a task for a quarter or the year end."""
    if unit.pk not in reporting_units(task):
        raise ValidationError(f"{unit.name}不承担该工作，不能评分。")
    if not periods.is_valid(period_code):
        raise ValidationError("期次无效。")
    if score < 0 or score > task.points:
        raise ValidationError(f"得分须在 0 至 {task.points} 分之间（该工作分值为 {task.points} 分）。")
    if not comment.strip():
        raise ValidationError("请填写评价意见。")
    existing = Assessment.objects.filter(task=task, unit=unit, period_code=period_code).first()
    before = log.snapshot(existing, ["score", "comment", "assessed_by"]) if existing else None
    assessment, _ = Assessment.objects.update_or_create(
        task=task, unit=unit, period_code=period_code,
        defaults={"score": score, "comment": comment, "assessed_by": by, "assessed_at": timezone.now()})
    log.record("keywork.assessed", task, before=before, user=by,
               after={"unit": unit.code, "period_code": period_code, "score": str(score), "comment": comment})
    return assessment


# --- Warnings --------------------------------------------------------------------------------------


def unit_people(unit_ids) -> list:
    """The reporters and reviewers of units (their 填报员 and 审核人, who answer for the unit's work)."""
    return [m.user for m in Membership.objects.active().filter(unit_id__in=unit_ids, role__in=UNIT_ROLES)
            .select_related("user")]


def office_people() -> list:
    return [m.user for m in Membership.objects.active().filter(role__in=(Role.OFFICE_ADMIN, Role.SUPERVISOR))
            .select_related("user")]


@transaction.atomic
def raise_warnings(cycle, period_code: str, *, by=None) -> list[Warning]:
    """Flag every lagging or stalled task at the end of a period, once per task and period, and notify.

    The unit's reporters and reviewers and the office (admins, supervisors) are told; when the task has missed
    ESCALATE_STREAK milestones in a row the warning is escalated to its responsible district leader as well.
    """
    judged_on = periods.period_end(cycle.year, period_code) + datetime.timedelta(days=1)
    done = set(Warning.objects.filter(task__cycle=cycle, period_code=period_code).values_list("task_id", flat=True))
    office = office_people()
    created = []
    for task in KeyTask.objects.filter(cycle=cycle).for_board():
        judgement = judge(task, judged_on, up_to_period=period_code)
        if task.pk in done or judgement.status not in (TaskStatus.LAGGING, TaskStatus.STALLED):
            continue
        level = WarningLevel.ESCALATED if judgement.streak >= ESCALATE_STREAK else WarningLevel.WARNING
        warning = Warning.objects.create(task=task, period_code=period_code, status=judgement.status, level=level,
                                         streak=judgement.streak, created_at=timezone.now())
        created.append(warning)
        recipients = unit_people([task.lead_unit_id]) + office
        if level == WarningLevel.ESCALATED and task.leader_user_id:
            recipients.append(task.leader_user)
        notify(recipients, _warning_subject(warning, task), _warning_body(warning, task),
               url=reverse("keywork:task_detail", args=[task.pk]), kind=NoticeKind.WARNING,
               dedupe_key=f"keywork.warning.{task.pk}.{period_code}")
    if created:  # a daily re-run that finds nothing new leaves no trace
        log.record("keywork.warnings_raised", cycle, user=by,
                   after={"period_code": period_code, "tasks": [w.task.code for w in created],
                          "escalated": [w.task.code for w in created if w.level == WarningLevel.ESCALATED]})
    return created


def _warning_subject(warning: Warning, task: KeyTask) -> str:
    prefix = "【升级预警】" if warning.level == WarningLevel.ESCALATED else "【预警】"
    return f"{prefix}{task.name}{periods.label(warning.period_code)}{warning.get_status_display()}"


def _warning_body(warning: Warning, task: KeyTask) -> str:
    text = (f"重点工作“{task.name}”（牵头单位：{task.lead_unit.name}）截至{periods.label(warning.period_code)}末"
            f"已连续 {warning.streak} 个节点未完成，状态为“{warning.get_status_display()}”。请尽快采取措施。")
    if warning.level == WarningLevel.ESCALATED:
        text += f"该工作已连续滞后，现提请责任区领导{task.leader_name}督办。"
    return text


# --- Supervision and directives --------------------------------------------------------------------


@transaction.atomic
def record_supervision(*, cycle, kind: str, unit, task, done_on: datetime.date, findings: str, rating: str, by,
                       files=()) -> Supervision:
    if task is not None and task.cycle_id != cycle.pk:
        raise ValidationError("督查事项不属于该考核年度。")
    if not (cycle.starts_on <= done_on <= cycle.ends_on + datetime.timedelta(days=90)):
        raise ValidationError(f"督查日期 {done_on:%Y-%m-%d} 不在{cycle.name}内。")
    checked = evidence.check_files(files)
    supervision = Supervision.objects.create(cycle=cycle, kind=kind, unit=unit, task=task, done_on=done_on,
                                             findings=findings, rating=rating, supervisor=by,
                                             recorded_at=timezone.now())
    stored = evidence.store(checked, by=by, supervision=supervision)
    log.record("supervision.recorded", supervision, user=by,
               after={**log.snapshot(supervision, ["kind", "unit", "task", "done_on", "rating", "findings"]),
                      "evidence": [e.sha256 for e in stored]})
    return supervision


def next_directive_number(cycle) -> str:
    count = Directive.objects.filter(cycle=cycle).count()
    return f"督办〔{cycle.year}〕{count + 1}号"


@transaction.atomic
def issue_directive(*, cycle, unit, task=None, supervision=None, subject: str, requirement: str,
                    deadline: datetime.date, by) -> Directive:
    if deadline < timezone.localdate():
        raise ValidationError("办理时限不能早于今天。")
    directive = Directive.objects.create(
        cycle=cycle, number=next_directive_number(cycle), unit=unit, task=task, supervision=supervision,
        subject=subject, requirement=requirement, deadline=deadline, issued_by=by, issued_at=timezone.now())
    notify(unit_people([unit.pk]), f"【督办】{directive.number} {subject}",
           f"请于 {deadline:%Y-%m-%d} 前办理并回复：{requirement}",
           url=reverse("keywork:directive_detail", args=[directive.pk]), kind=NoticeKind.INFO)
    log.record("directive.issued", directive, user=by,
               after=log.snapshot(directive, ["number", "unit", "task", "subject", "deadline"]))
    return directive


@transaction.atomic
def reply_directive(directive: Directive, *, text: str, by, files=()) -> DirectiveReply:
    """The unit's reply; a reply after the deadline is counted as late. Closed directives take no reply."""
    directive = Directive.objects.select_for_update().get(pk=directive.pk)
    if directive.status == DirectiveStatus.CLOSED:
        raise ValidationError(f"督办单 {directive.number} 已于 {timezone.localtime(directive.closed_at):%Y-%m-%d} "
                              "办结，不能再回复。")
    if directive.status == DirectiveStatus.REPLIED:
        raise ValidationError("本单位的回复正在审核中，请勿重复提交；如被退回可再次回复。")
    checked = evidence.check_files(files)
    now = timezone.now()
    late = timezone.localtime(now).date() > directive.deadline
    reply = DirectiveReply.objects.create(directive=directive, text=text, replied_by=by, replied_at=now,
                                          is_late=late)
    stored = evidence.store(checked, by=by, reply=reply)
    directive.status = DirectiveStatus.REPLIED
    directive.late_replies += int(late)
    directive.save(update_fields=["status", "late_replies"])
    notify([directive.issued_by], f"【督办回复】{directive.number} {directive.unit.label}已回复"
           + ("（逾期）" if late else ""), text[:200],
           url=reverse("keywork:directive_detail", args=[directive.pk]))
    log.record("directive.replied", directive, user=by,
               after={"late": late, "text": text, "evidence": [e.sha256 for e in stored]})
    return reply


@transaction.atomic
def decide_reply(reply: DirectiveReply, *, accept: bool, note: str, by) -> DirectiveReply:
    """The supervisor accepts the reply (the directive is closed) or sends it back with a reason."""
    reply = DirectiveReply.objects.select_for_update().select_related("directive").get(pk=reply.pk)
    directive = reply.directive
    if reply.decision != ReplyDecision.PENDING:
        raise ValidationError("该回复已审核，不能重复审核。")
    if not accept and not note.strip():
        raise ValidationError("退回时须写明理由。")
    now = timezone.now()
    reply.decision = ReplyDecision.ACCEPTED if accept else ReplyDecision.RETURNED
    reply.decision_note, reply.decided_by, reply.decided_at = note, by, now
    reply.save(update_fields=["decision", "decision_note", "decided_by", "decided_at"])
    before = {"status": directive.status}
    directive.status = DirectiveStatus.CLOSED if accept else DirectiveStatus.RETURNED
    directive.closed_at = now if accept else None
    directive.save(update_fields=["status", "closed_at"])
    notify(unit_people([directive.unit_id]),
           f"【督办】{directive.number} " + ("已办结" if accept else "回复被退回，请重新办理"), note,
           url=reverse("keywork:directive_detail", args=[directive.pk]),
           kind=NoticeKind.INFO if accept else NoticeKind.RETURNED)
    log.record("directive.accepted" if accept else "directive.returned", directive, before=before, user=by,
               after={"status": directive.status, "note": note})
    return reply


# --- Bulletins -------------------------------------------------------------------------------------


def next_sequence(cycle) -> int:
    return (Bulletin.objects.filter(cycle=cycle).aggregate(m=Max("sequence"))["m"] or 0) + 1


@transaction.atomic
def publish_bulletin(cycle, period_code: str, *, by, issued_on: datetime.date | None = None) -> Bulletin:
    """Number, render and archive the bulletin of a period; the stored file is what was issued."""
    if not periods.is_valid(period_code):
        raise ValidationError("期次无效，应为 Q1、Q2、Q3、Q4 或 Y。")
    issued_on = issued_on or timezone.localdate()
    if issued_on <= periods.period_end(cycle.year, period_code):
        raise ValidationError(f"{cycle.year}年{periods.label(period_code)}尚未结束，不能通报。")
    sequence = next_sequence(cycle)
    number = bulletins.number_for(cycle, sequence)
    summary = bulletins.collect(cycle, period_code)
    data = bulletins.render(summary, doc_number=number, issued_on=issued_on)
    digest = hashlib.sha256(data).hexdigest()
    bulletin = Bulletin(cycle=cycle, period_code=period_code, sequence=sequence, doc_number=number,
                        title=bulletins.title_for(cycle, period_code), issued_on=issued_on, sha256=digest,
                        counts={str(k): v for k, v in summary.counts().items()}, published_by=by,
                        published_at=timezone.now())
    bulletin.file.save(f"{cycle.year}-{sequence:03d}-{digest[:12]}.docx", ContentFile(data), save=False)
    bulletin.save()
    log.record("bulletin.published", bulletin, user=by,
               after={"doc_number": number, "period_code": period_code, "sha256": digest, "counts": bulletin.counts})
    return bulletin
