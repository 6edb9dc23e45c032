"""State changes of scoring: compute runs, open the appeal window, appeals, the ledger, publication.

Each function is atomic and writes one audit event. A run is an immutable snapshot (models.ScoreRun);
the stages are: preliminary (初步结果) → appeal window (反馈申诉, until `appeal_deadline`) → final (最终结果,
a new run computed after the appeals were decided) → published (发布; the cycle moves to 已发布 when every
scheme of the cycle has a published run).
"""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from jixiao.audit import log
from jixiao.indicators.models import SchemeItem
from jixiao.lib.rows import insert_rows
from jixiao.org import actions as org_actions
from jixiao.org.models import CycleStatus
from jixiao.scoring import engine, loader
from jixiao.scoring.models import (
    Adjustment,
    Appeal,
    AppealStatus,
    Calibration,
    RunStatus,
    ScoreLine,
    ScoreResult,
    ScoreRun,
    Stage,
    VetoFlag,
)
from jixiao.scoring.queries import diff  # noqa: F401  (re-exported: actions.diff(run_a, run_b))
from jixiao.scoring.types import GRADE_LABELS, InputError


def _who(by):
    return {"user": by} if by is not None else {}


def latest_run(scheme, stage: str | None = None) -> ScoreRun | None:
    runs = ScoreRun.objects.filter(scheme=scheme).exclude(status=RunStatus.SUPERSEDED)
    if stage:
        runs = runs.filter(stage=stage)
    return runs.order_by("-created_at", "-id").first()


# --- Compute ------------------------------------------------------------------------------------------


@transaction.atomic
def compute(scheme, stage: str, *, by, now: datetime.datetime | None = None, inputs=None) -> ScoreRun:
    """Score the whole scheme from the database as of `now` and store the snapshot; refused once published.

    Same inputs as the current run of the stage → that run is returned unchanged (same digest, same results).
    """
    if stage not in Stage.values:
        raise ValidationError(f"未知的考核阶段“{stage}”")
    runs = list(ScoreRun.objects.select_for_update().filter(scheme=scheme).order_by("created_at", "id"))
    if any(r.published for r in runs):
        raise ValidationError("该方案的考核结果已发布，不能重新计算")
    current = [r for r in runs if r.status != RunStatus.SUPERSEDED]
    if stage == Stage.PRELIMINARY and any(r.stage == Stage.FINAL for r in current):
        raise ValidationError("已生成最终结果，不能再计算初步结果")
    if stage == Stage.FINAL:
        _check_final_allowed(current, now or timezone.now())
    if inputs is None:  # a preliminary run before the cycle's end is scored during the year (loader.load)
        inputs = loader.load(scheme, as_of=timezone.localdate(now) if now else None, year_end=stage == Stage.FINAL)
    try:
        result = engine.score_scheme(inputs)
    except InputError as error:
        raise ValidationError(error.problems) from error
    previous = next((r for r in reversed(current) if r.stage == stage), None)
    if previous is not None and previous.digest == result.digest and previous.engine_version == result.engine_version:
        return previous
    run = ScoreRun.objects.create(
        scheme=scheme, cycle=scheme.cycle, stage=stage, digest=result.digest, engine_version=result.engine_version,
        warnings=list(result.warnings), unit_count=len(result.units), created_at=now or timezone.now(),
        created_by=by, supersedes=previous,
    )
    if previous is not None:
        previous.status = RunStatus.SUPERSEDED
        previous.save(update_fields=["status"])
    if stage == Stage.FINAL:  # the appeal window of the preliminary result is over for good
        for preliminary in current:
            if preliminary.stage == Stage.PRELIMINARY and preliminary.status == RunStatus.APPEAL:
                preliminary.status = RunStatus.CLOSED
                preliminary.save(update_fields=["status"])
    store(run, result)
    log.record("scoring.computed", run, after={
        "scheme": scheme.code, "stage": stage, "digest": result.digest, "engine_version": result.engine_version,
        "units": len(result.units), "supersedes": previous.pk if previous else None}, **_who(by))
    return run


def _check_final_allowed(current: list[ScoreRun], now) -> None:
    preliminary = next((r for r in reversed(current) if r.stage == Stage.PRELIMINARY), None)
    if preliminary is None:
        raise ValidationError("尚无初步结果，不能计算最终结果")
    if preliminary.appeal_deadline is None:
        raise ValidationError("初步结果尚未进入反馈申诉期，不能计算最终结果")
    if now <= preliminary.appeal_deadline:
        raise ValidationError("反馈申诉期尚未结束，不能计算最终结果")
    if preliminary.appeals.filter(status=AppealStatus.PENDING).exists():
        raise ValidationError("仍有未处理的申诉，请先处理后再计算最终结果")


def store(run: ScoreRun, result) -> None:
    """Write the engine's result as the run's rows: one bulk insert per table."""
    links = list(run.scheme.scheme_groups.select_related("group"))
    order = {link.group.code: link.sort_order for link in links}
    group_ids = {link.group.code: link.group_id for link in links}
    rows = []
    for unit in result.units:
        rows.append(ScoreResult(
            run=run, unit_id=unit.unit, group_id=group_ids[unit.group], group_order=order.get(unit.group, 0),
            total=unit.total, block_total=unit.block_total, adjustment_total=unit.adjustment_total,
            outside_total=unit.outside_total,
            blocks=[{"code": b.block, "name": b.name, "kind": b.kind, "weight": str(b.weight), "raw": str(b.raw),
                     "max": str(b.max_points), "score": str(b.score), "applicable": b.applicable,
                     "explanation": b.explanation} for b in unit.blocks],
            adjustments=[{"category": a.category, "name": a.name, "kind": a.kind, "outside_total": a.outside_total,
                          "requested": str(a.requested), "applied": str(a.applied), "cap": str(a.cap),
                          "explanation": a.explanation,
                          "entries": [{"id": e.id, "points": str(e.points), "reason": e.reason} for e in a.entries]}
                         for a in unit.adjustments],
            rank=unit.rank, group_size=unit.group_size, threshold_grade=unit.threshold_grade, grade=unit.grade,
            grade_steps=list(unit.grade_steps), award_eligible=unit.award_eligible,
            vetoes=[{"condition": v.condition, "reason": v.reason} for v in unit.vetoes],
            calibration=({"grade": unit.calibration.grade, "reason": unit.calibration.reason,
                          "by": unit.calibration.by} if unit.calibration else None),
            lost_points=sum((max(line.lost, Decimal(0)) for line in unit.lines), Decimal(0)).quantize(Decimal("0.01")),
            explanation=unit.explanation,
        ))
    saved = ScoreResult.objects.bulk_create(rows)
    result_ids = {row.unit_id: row.pk for row in saved}
    if any(pk is None for pk in result_ids.values()):  # backends that do not return ids
        result_ids = dict(ScoreResult.objects.filter(run=run).values_list("unit_id", "id"))
    # Lines are most of a snapshot (22,400 for a city of 2,000 units): plain multi-row INSERTs, not model
    # instances (lib/rows.py); the engine's values are already rounded and the table's constraints hold them.
    insert_rows(ScoreLine, LINE_COLUMNS, [
        (run.pk, result_ids[unit.unit], unit.unit, line.item, line.block, line.indicator, line.name[:100], line.rule,
         line.status, line.points, line.max_points.quantize(Decimal("0.000001")), line.base_points, line.explanation)
        for unit in result.units for line in unit.lines])


LINE_COLUMNS = ["run", "result", "unit", "item", "block", "indicator", "name", "rule", "status", "points",
                "max_points", "base_points", "explanation"]


# --- Appeal window and appeals ------------------------------------------------------------------------


@transaction.atomic
def open_appeals(run: ScoreRun, deadline: datetime.datetime, *, by, now=None) -> ScoreRun:
    """Show the preliminary result to the units and accept appeals until `deadline` (反馈申诉期)."""
    run = ScoreRun.objects.select_for_update().get(pk=run.pk)
    if run.stage != Stage.PRELIMINARY or run.status != RunStatus.COMPUTED:
        raise ValidationError("只有尚未反馈的初步结果可以开启反馈申诉期")
    if deadline <= (now or timezone.now()):
        raise ValidationError("申诉截止时间必须晚于当前时间")
    before = log.snapshot(run, ["status", "appeal_deadline"])
    run.status, run.appeal_deadline = RunStatus.APPEAL, deadline
    run.save(update_fields=["status", "appeal_deadline"])
    log.record("scoring.appeals_opened", run, before=before, after=log.snapshot(run, ["status", "appeal_deadline"]),
               **_who(by))
    return run


@transaction.atomic
def file_appeal(run: ScoreRun, unit, *, by, reason: str, evidence: str, item: SchemeItem | None = None,
                now: datetime.datetime | None = None) -> Appeal:
    now = now or timezone.now()
    if run.status != RunStatus.APPEAL or run.appeal_deadline is None:
        raise ValidationError("该结果未处于反馈申诉期，不能提出申诉")
    if now > run.appeal_deadline:
        raise ValidationError(f"申诉已于 {timezone.localtime(run.appeal_deadline):%Y-%m-%d %H:%M} 截止，不能再提出申诉")
    if not run.results.filter(unit=unit).exists():
        raise ValidationError("本单位不在该考核结果中")
    if item is not None and item.scheme_id != run.scheme_id:
        raise ValidationError("所选指标不属于该考核方案")
    if len(reason.strip()) < 10:
        raise ValidationError("申诉理由不少于 10 个字")
    if not evidence.strip():
        raise ValidationError("请说明佐证材料")
    appeal = Appeal.objects.create(run=run, unit=unit, item=item, reason=reason.strip(), evidence=evidence.strip(),
                                   filed_by=by, filed_at=now)
    log.record("scoring.appeal_filed", appeal, after=log.snapshot(appeal, ["unit", "item", "reason", "evidence"]),
               **_who(by))
    return appeal


@transaction.atomic
def decide_appeal(appeal: Appeal, accept: bool, reason: str, *, by, now=None) -> Appeal:
    appeal = Appeal.objects.select_for_update().get(pk=appeal.pk)
    if appeal.status != AppealStatus.PENDING:
        raise ValidationError("该申诉已处理")
    if not reason.strip():
        raise ValidationError("请填写处理意见")
    before = log.snapshot(appeal, ["status", "decision_reason"])
    appeal.status = AppealStatus.ACCEPTED if accept else AppealStatus.REJECTED
    appeal.decision_reason, appeal.decided_by, appeal.decided_at = reason.strip(), by, now or timezone.now()
    appeal.save()
    log.record("scoring.appeal_decided", appeal, before=before,
               after=log.snapshot(appeal, ["status", "decision_reason"]), **_who(by))
    return appeal


# --- Publication --------------------------------------------------------------------------------------


@transaction.atomic
def publish(run: ScoreRun, *, by, now=None) -> ScoreRun:
    """Publish the final run; when every scheme of the cycle is published, the cycle becomes 已发布."""
    run = ScoreRun.objects.select_for_update().get(pk=run.pk)
    if run.published or ScoreRun.objects.filter(scheme=run.scheme_id, published=True).exists():
        raise ValidationError("该方案的考核结果已发布，不能重复发布")
    if run.stage != Stage.FINAL or run.status == RunStatus.SUPERSEDED:
        raise ValidationError("只能发布当前的最终结果")
    from jixiao.results import committee  # results builds on scoring; the sign-off gates publication here

    committee.require_approval(run)
    run.published, run.published_at, run.published_by, run.status = True, now or timezone.now(), by, \
        RunStatus.PUBLISHED
    run.save(update_fields=["published", "published_at", "published_by", "status"])
    log.record("scoring.published", run, after={"scheme": run.scheme.code, "digest": run.digest}, **_who(by))
    cycle = run.cycle
    schemes = set(cycle.schemes.values_list("id", flat=True))
    done = set(ScoreRun.objects.filter(cycle=cycle, published=True).values_list("scheme_id", flat=True))
    if schemes <= done and org_actions.next_status(cycle) == CycleStatus.PUBLISHED:
        org_actions.change_cycle_status(cycle, CycleStatus.PUBLISHED, by=by)
    return run


# --- Ledger, vetoes, calibrations ---------------------------------------------------------------------


def _check_open(scheme) -> None:
    if ScoreRun.objects.filter(scheme=scheme, published=True).exists():
        raise ValidationError("该方案的考核结果已发布，不能再修改考核依据")


@transaction.atomic
def add_adjustment(*, cycle, unit, category, points, reason: str, evidence_note: str = "", by, now=None):
    _check_open(category.scheme)
    if category.scheme.cycle_id != cycle.pk:
        raise ValidationError("加减分项目不属于该考核年度")
    points = abs(Decimal(points))
    if points == 0:
        raise ValidationError("分值不能为 0")
    if not reason.strip():
        raise ValidationError("请填写加减分事由")
    entry = Adjustment.objects.create(cycle=cycle, unit=unit, category=category, points=points, reason=reason,
                                      evidence_note=evidence_note, entered_by=by, entered_at=now or timezone.now())
    log.record("scoring.adjustment_added", entry,
               after=log.snapshot(entry, ["unit", "category", "points", "reason", "evidence_note"]), **_who(by))
    return entry


@transaction.atomic
def cancel_adjustment(entry: Adjustment, reason: str, *, by) -> Adjustment:
    _check_open(entry.category.scheme)
    if entry.cancelled:
        raise ValidationError("该加减分记录已撤销")
    if not reason.strip():
        raise ValidationError("请填写撤销理由")
    entry.cancelled, entry.cancel_reason = True, reason
    entry.save(update_fields=["cancelled", "cancel_reason"])
    log.record("scoring.adjustment_cancelled", entry, before={"cancelled": False},
               after={"cancelled": True, "cancel_reason": reason}, **_who(by))
    return entry


@transaction.atomic
def flag_veto(*, cycle, unit, condition, reason: str, by, now=None) -> VetoFlag:
    _check_open(condition.scheme)
    if not reason.strip():
        raise ValidationError("请填写否决事实和依据")
    flag = VetoFlag.objects.create(cycle=cycle, unit=unit, condition=condition, reason=reason, entered_by=by,
                                   entered_at=now or timezone.now())
    log.record("scoring.veto_flagged", flag, after=log.snapshot(flag, ["unit", "condition", "reason"]), **_who(by))
    return flag


@transaction.atomic
def calibrate(*, scheme, unit, grade: str, reason: str, by, now=None) -> Calibration:
    _check_open(scheme)
    if grade not in GRADE_LABELS:
        raise ValidationError("未知的等次")
    if not reason.strip():
        raise ValidationError("等次校准必须填写理由")
    cal = Calibration.objects.create(scheme=scheme, unit=unit, grade=grade, reason=reason, decided_by=by,
                                     decided_at=now or timezone.now())
    log.record("scoring.calibrated", cal, after=log.snapshot(cal, ["unit", "grade", "reason"]), **_who(by))
    return cal
