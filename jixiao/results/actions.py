"""State changes of result use: rectification items, cadre records and talks. Atomic, guarded, audited.

A refused change raises ValidationError with a Chinese message; the view shows and audits it through `lib.refusals`.
"""

import datetime

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from jixiao.accounts.models import Membership
from jixiao.accounts.roles import Role
from jixiao.audit import log
from jixiao.keywork import evidence
from jixiao.notifications.actions import notify
from jixiao.notifications.models import NoticeKind
from jixiao.org.models import CadrePost
from jixiao.results.models import (
    Rectification,
    RectificationReport,
    RectificationSource,
    RectificationStatus,
)
from jixiao.scoring.types import EXCELLENT

S = RectificationStatus
UNIT_ROLES = (Role.REPORTER, Role.REVIEWER)
FIELDS = ["status", "measures", "unit_deadline", "disclose", "return_reason", "closed_by", "closed_at"]
# Which status each change may start from.
ALLOWED_FROM = {
    "submit_measures": {S.OPEN, S.IN_PROGRESS},
    "report_progress": {S.IN_PROGRESS},
    "verify": {S.REPORTED},
    "send_back": {S.REPORTED},
}


def unit_users(unit):
    return [m.user for m in Membership.objects.active().filter(unit=unit, role__in=UNIT_ROLES).select_related("user")]


def office_users():
    return [m.user for m in Membership.objects.active().filter(role=Role.OFFICE_ADMIN).select_related("user")]


def _guard(item: Rectification, change: str) -> None:
    if item.status not in ALLOWED_FROM[change]:
        raise ValidationError(f"该整改事项当前状态为“{item.get_status_display()}”，不能执行此操作。")


def _lock(item: Rectification) -> Rectification:
    return Rectification.objects.select_for_update().select_related("unit").get(pk=item.pk)


# --- Creating items ---------------------------------------------------------------------------------


@transaction.atomic
def create_rectification(*, cycle, unit, source: str, problem: str, deadline: datetime.date, by,
                         reference: str = "", disclose: bool = False) -> Rectification:
    """Assign a problem to a unit; the same source record gives at most one item."""
    problem = (problem or "").strip()
    if not problem:
        raise ValidationError("请填写需要整改的问题。")
    if source not in RectificationSource.values:
        raise ValidationError("整改来源无效。")
    if reference and Rectification.objects.filter(source=source, reference=reference).exists():
        raise ValidationError("该来源记录已生成过整改事项，不能重复交办。")
    item = Rectification.objects.create(cycle=cycle, unit=unit, source=source, reference=reference[:120],
                                        problem=problem, deadline=deadline, disclose=disclose, created_by=by,
                                        created_at=timezone.now())
    log.record("rectification.created", item, after=log.snapshot(item), user=by)
    notify(unit_users(unit), f"整改交办：{problem[:40]}", f"请于 {deadline:%Y-%m-%d} 前制定整改措施并完成整改。",
           url=item.get_absolute_url(), kind=NoticeKind.REMINDER)
    return item


def from_supervision(supervision, *, deadline, by, disclose=False) -> Rectification:
    """An item from a supervision's findings (督查发现问题)."""
    return create_rectification(
        cycle=supervision.cycle, unit=supervision.unit, source=RectificationSource.SUPERVISION,
        reference=f"Supervision:{supervision.pk}", problem=supervision.findings, deadline=deadline, by=by,
        disclose=disclose)


def from_follow_up(follow_up, *, deadline, by, disclose=False) -> Rectification:
    """An item from a 不满意 evaluation answer and its comment (评议意见)."""
    problem = f"在综合评议中，“{follow_up.dimension}”一项被评为“{follow_up.value_label}”。"
    if follow_up.comment:
        problem += f"评议意见：{follow_up.comment}"
    return create_rectification(
        cycle=follow_up.campaign.cycle, unit=follow_up.unit, source=RectificationSource.EVALUATION,
        reference=f"FollowUp:{follow_up.pk}", problem=problem, deadline=deadline, by=by, disclose=disclose)


def from_lost_points(result, *, deadline, by, minimum=None) -> list[Rectification]:
    """One item per line of a unit's result that lost points (考核失分), its explanation as the reason.

    Lines already turned into items are skipped, so the office may run it again after a new run. Refused for a
    run not yet released to the units: the items and their notices would tell the unit its figures first.
    """
    from decimal import Decimal

    if not result.run.is_released:
        raise ValidationError("该考核结果尚未向单位反馈或发布，不能交办失分整改；请先开启反馈申诉期或发布结果。")
    minimum = Decimal(minimum if minimum is not None else "0.01")
    made = []
    for line in result.lines.order_by("block", "indicator", "id"):
        reference = f"ScoreLine:{line.unit_id}:{line.item_id}"
        if line.lost < minimum or Rectification.objects.filter(source=RectificationSource.LOST_POINTS,
                                                               reference=reference).exists():
            continue
        made.append(create_rectification(
            cycle=result.run.cycle, unit=result.unit, source=RectificationSource.LOST_POINTS, reference=reference,
            problem=f"“{line.name}”失{line.lost:.2f}分：{line.explanation}", deadline=deadline, by=by))
    return made


# --- The unit's side --------------------------------------------------------------------------------


@transaction.atomic
def submit_measures(item: Rectification, *, measures: str, unit_deadline: datetime.date, by) -> Rectification:
    item = _lock(item)
    _guard(item, "submit_measures")
    if not (measures or "").strip():
        raise ValidationError("请填写整改措施。")
    if unit_deadline > item.deadline:
        raise ValidationError(f"承诺完成日期不能晚于整改时限 {item.deadline:%Y-%m-%d}。")
    before = log.snapshot(item, FIELDS)
    item.measures, item.unit_deadline, item.status = measures.strip(), unit_deadline, S.IN_PROGRESS
    item.save(update_fields=["measures", "unit_deadline", "status"])
    log.record("rectification.measures", item, before=before, after=log.snapshot(item, FIELDS), user=by)
    return item


@transaction.atomic
def report_progress(item: Rectification, *, text: str, completed: bool, upload=None, by) -> RectificationReport:
    """A progress report; `completed` asks the office to verify and close (销号)."""
    item = _lock(item)
    _guard(item, "report_progress")
    if not (text or "").strip():
        raise ValidationError("请填写整改进展情况。")
    checked = evidence.check_files([upload] if upload else [])
    if completed and not checked:
        raise ValidationError("申请销号须上传整改佐证材料。")
    report = RectificationReport(rectification=item, text=text.strip(), completed=completed, reported_by=by,
                                 reported_at=timezone.now())
    if checked:
        report.original_name, report.sha256 = checked[0].name, checked[0].sha256
        report.file.save(checked[0].name, ContentFile(checked[0].data), save=False)
    report.save()
    before = log.snapshot(item, FIELDS)
    if completed:
        item.status = S.REPORTED
        item.save(update_fields=["status"])
        notify(office_users(), f"整改申请销号：{item.unit}", item.problem[:200], url=item.get_absolute_url(),
               kind=NoticeKind.REMINDER)
    log.record("rectification.reported", item, before=before,
               after={**log.snapshot(item, FIELDS), "report": report.pk, "file": report.original_name}, user=by)
    return report


# --- The office's side ------------------------------------------------------------------------------


@transaction.atomic
def verify(item: Rectification, *, by) -> Rectification:
    """The office checks the evidence and closes the item (销号)."""
    item = _lock(item)
    _guard(item, "verify")
    before = log.snapshot(item, FIELDS)
    item.status, item.closed_by, item.closed_at, item.return_reason = S.CLOSED, by, timezone.now(), ""
    item.save(update_fields=["status", "closed_by", "closed_at", "return_reason"])
    log.record("rectification.closed", item, before=before, after=log.snapshot(item, FIELDS), user=by)
    notify(unit_users(item.unit), f"整改已销号：{item.problem[:40]}", url=item.get_absolute_url())
    return item


@transaction.atomic
def send_back(item: Rectification, *, reason: str, by) -> Rectification:
    item = _lock(item)
    _guard(item, "send_back")
    if not (reason or "").strip():
        raise ValidationError("退回须说明原因。")
    before = log.snapshot(item, FIELDS)
    item.status, item.return_reason = S.IN_PROGRESS, reason.strip()[:300]
    item.save(update_fields=["status", "return_reason"])
    log.record("rectification.returned", item, before=before, after=log.snapshot(item, FIELDS), user=by)
    notify(unit_users(item.unit), f"整改被退回：{item.problem[:40]}", reason, url=item.get_absolute_url(),
           kind=NoticeKind.RETURNED)
    return item


@transaction.atomic
def set_disclosure(item: Rectification, *, disclose: bool, by) -> Rectification:
    item = _lock(item)
    before = log.snapshot(item, FIELDS)
    item.disclose = disclose
    item.save(update_fields=["disclose"])
    log.record("rectification.disclosure", item, before=before, after=log.snapshot(item, FIELDS), user=by)
    return item


def remind_overdue(day: datetime.date) -> int:
    """Remind each overdue item's unit once a week (dedupe key per item and ISO week); returns notices made."""
    year, week, _ = day.isocalendar()
    sent = 0
    for item in Rectification.objects.overdue(day).select_related("unit"):
        with transaction.atomic():
            sent += len(notify(unit_users(item.unit), f"整改逾期提醒：{item.problem[:40]}",
                               f"整改时限 {item.due_on:%Y-%m-%d} 已过，请尽快完成并报告。",
                               url=reverse("results:rectification_detail", args=[item.pk]), kind=NoticeKind.OVERDUE,
                               dedupe_key=f"rectification.overdue:{item.pk}:{year}-W{week:02d}"))
    return sent


# --- Cadres (干部实绩档案, 组织谈话) ---------------------------------------------------------------------


@transaction.atomic
def record_cadres(cycle, *, by) -> int:
    """Write each in-office cadre's record for the cycle from the units' standing results; existing records stay.

    Only results released to the units count: a record is history, and a preliminary figure the units never saw
    must not become part of a cadre's file.
    """
    from jixiao.org.models import Cadre
    from jixiao.results import queries
    from jixiao.results.models import CadreRecord
    from jixiao.scoring.models import ScoreRun

    runs = queries.official_runs(cycle, ScoreRun.objects.released())
    if not runs:
        raise ValidationError("该年度尚无已向单位反馈或发布的考核结果，不能写入干部实绩档案。")
    results = {r.unit_id: r for r in queries.results_of(runs)}
    done = set(CadreRecord.objects.filter(cycle=cycle).values_list("cadre_id", flat=True))
    cadres = (Cadre.objects.filter(unit_id__in=results, tenure_from__lte=cycle.ends_on)
              .exclude(tenure_to__lt=cycle.starts_on).exclude(pk__in=done))
    now = timezone.now()
    rows = [CadreRecord(cycle=cycle, cadre=c, unit_id=c.unit_id, post=c.post, title=c.title,
                        group_name=results[c.unit_id].group.name, total=results[c.unit_id].total,
                        rank=results[c.unit_id].rank, group_size=results[c.unit_id].group_size,
                        grade=results[c.unit_id].grade, recorded_at=now) for c in cadres]
    CadreRecord.objects.bulk_create(rows)
    log.record("cadre.records_written", cycle, after={"cycle": cycle.year, "records": len(rows)}, user=by)
    return len(rows)


@transaction.atomic
def record_talk(record, *, held_on: datetime.date, held_by: str, summary: str, by):
    """Record the organisational talk with a main leader of a unit graded 一般 or worse (once per record)."""
    from jixiao.results.models import Talk
    from jixiao.results.queries import AVERAGE_OR_WORSE

    if record.post != CadrePost.MAIN_LEADER or record.grade not in AVERAGE_OR_WORSE:
        raise ValidationError("只对等次为“一般”及以下单位的主要领导进行组织谈话。")
    if Talk.objects.filter(record=record).exists():
        raise ValidationError("该干部本年度的组织谈话已记录。")
    talk = Talk.objects.create(record=record, held_on=held_on, held_by=held_by.strip(), summary=summary.strip(),
                               recorded_by=by, recorded_at=timezone.now())
    log.record("cadre.talk_recorded", record, after=log.snapshot(talk), user=by)
    return talk


# --- Commendation ---------------------------------------------------------------------------------------


@transaction.atomic
def commend(run, *, by) -> int:
    """List the units graded 优秀 and still award-eligible in a published run (表彰名单); once per run."""
    from jixiao.results.models import Commendation

    if not run.published:
        raise ValidationError("只能根据已发布的考核结果确定表彰名单。")
    if Commendation.objects.filter(run=run).exists():
        raise ValidationError("该批次的表彰名单已确定。")
    now = timezone.now()
    rows = [Commendation(cycle=run.cycle, run=run, unit=r.unit, group_name=r.group.name, total=r.total, rank=r.rank,
                         created_by=by, created_at=now)
            for r in run.results.filter(grade=EXCELLENT, award_eligible=True).select_related("unit", "group")]
    Commendation.objects.bulk_create(rows)
    log.record("results.commended", run, after={"units": [r.unit.code for r in rows]}, user=by)
    return len(rows)
