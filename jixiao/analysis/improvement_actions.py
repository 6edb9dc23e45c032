"""State changes of improvement targets: propose a batch, adjust, approve, and carry approved targets into the
next cycle's targets. Atomic, checked again under the lock, audited.

Approving twice is harmless: a target no longer 待审定 is counted as already approved and left alone. An approved
target is written into the next cycle through indicators.actions.set_target (its own audit event, milestones
kept in proportion) at once when that cycle exists; otherwise it waits as 已批准，待转入 until the office carries
it over (`apply_approved`) once the cycle is set up.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from jixiao.analysis import improvement_queries
from jixiao.analysis.models import ImprovementStatus, ImprovementTarget
from jixiao.audit import log
from jixiao.indicators import actions as indicator_actions
from jixiao.indicators.models import Target, TargetSource
from jixiao.indicators.validation import target_value_problems
from jixiao.org.models import Cycle, CycleStatus

PROPOSAL_FIELDS = ["data_year", "group", "method", "share", "current", "reference", "proposed", "adjusted",
                   "explanation", "benchmark", "proposed_at"]
CLOSED = {CycleStatus.SCORING, CycleStatus.PUBLISHED, CycleStatus.ARCHIVED}


@dataclass
class Counts:
    """What a batch did: rows (re)proposed, with a figure, left as they were (approved already), and why not."""

    written: int = 0
    with_value: int = 0
    kept: int = 0
    approved: int = 0
    applied: int = 0
    already: int = 0
    problems: list[str] = field(default_factory=list)


@transaction.atomic
def propose(cycle: Cycle, *, method: str, share: Decimal, by, data_cycle: Cycle | None = None, group_id=None,
            indicator_id=None) -> Counts:
    """(Re)compute the proposals of next year's targets by one method and share, from the figures of `data_cycle`
    (default: the latest complete year, `improvement_queries.complete_cycle`) for its units × indicators
    (optionally one group or indicator). Rows already approved keep theirs; a proposal computed again drops its
    earlier adjustment. Refused (ValidationError) when there is no complete year to compute from."""
    Cycle.objects.select_for_update().get(pk=cycle.pk)  # one batch at a time per cycle
    data_cycle = data_cycle or improvement_queries.complete_cycle(cycle)
    if data_cycle is None:
        raise ValidationError(f"{cycle.year}年度及以前没有已完成的考核年度，请改为按本年度已核定的最新数值测算。")
    if data_cycle.year > cycle.year:
        raise ValidationError(f"不能用 {data_cycle.year} 年度的数值测算 {cycle.year + 1} 年度的目标。")
    existing = {(t.unit_id, t.indicator_id): t for t in ImprovementTarget.objects.filter(cycle=cycle)}
    now, counts, new, changed = timezone.now(), Counts(), [], []
    for row in improvement_queries.inputs(data_cycle, group_id=group_id, indicator_id=indicator_id):
        target = existing.get((row.unit.pk, row.indicator.pk))
        if target is not None and target.status != ImprovementStatus.PROPOSED:
            counts.kept += 1
            continue
        found = improvement_queries.proposal(row, method, share)
        target = target or ImprovementTarget(cycle=cycle, unit=row.unit, indicator=row.indicator)
        (changed if target.pk else new).append(target)
        for name, value in {"data_year": data_cycle.year, "group": row.group, "method": method, "share": share,
                            "current": found.current, "reference": found.reference, "proposed": found.value, "adjusted": None,
                            "explanation": found.explanation[:300], "benchmark": row.benchmark[:200],
                            "proposed_at": now}.items():
            setattr(target, name, value)
        counts.written += 1
        counts.with_value += found.value is not None
    ImprovementTarget.objects.bulk_create(new, batch_size=500)
    ImprovementTarget.objects.bulk_update(changed, PROPOSAL_FIELDS, batch_size=500)
    log.record("improvement.proposed", cycle, user=by, after={
        "method": method, "share": str(share), "data_year": data_cycle.year, "group": group_id,
        "indicator": indicator_id,
        "written": counts.written, "with_value": counts.with_value, "kept": counts.kept})
    return counts


@transaction.atomic
def adjust(target: ImprovementTarget, value: Decimal, *, by) -> ImprovementTarget:
    """Set the office's figure in place of the proposal; refused (ValidationError, in Chinese) once approved or
    when the indicator's direction forbids the figure."""
    target = ImprovementTarget.objects.select_for_update().select_related("indicator", "unit").get(pk=target.pk)
    if target.status != ImprovementStatus.PROPOSED:
        raise ValidationError(f"{target.unit.name}“{target.indicator.name}”的改进目标已批准，不能再调整。")
    problems = target_value_problems(target.indicator.direction, value)
    if problems:
        raise ValidationError([f"{target.unit.name}“{target.indicator.name}”：{p}" for p in problems])
    before = log.snapshot(target, ["proposed", "adjusted"])
    target.adjusted = value
    target.save(update_fields=["adjusted"])
    log.record("improvement.adjusted", target, user=by, before=before, after=log.snapshot(target, ["proposed", "adjusted"]))
    return target


def _refusal(target: ImprovementTarget) -> str:
    """Why `target` cannot be approved, or ""."""
    name = f"{target.unit.name}“{target.indicator.name}”"
    if target.final is None:
        return f"{name}没有建议目标（{target.explanation or '无法测算'}），不能批准，请先填写调整后目标。"
    problems = target_value_problems(target.indicator.direction, target.final)
    return f"{name}：{problems[0]}，请先调整。" if problems else ""


@transaction.atomic
def approve(cycle: Cycle, ids, *, by) -> Counts:
    """Approve the cycle's targets of `ids` that are 待审定 and have a figure; the others are counted (already
    approved) or named with the reason. Approved targets go into the next cycle at once when it exists."""
    counts, now, done = Counts(), timezone.now(), []
    for target in (ImprovementTarget.objects.select_for_update().filter(cycle=cycle, pk__in=ids)
                   .select_related("unit", "indicator").order_by("pk")):
        if target.status != ImprovementStatus.PROPOSED:
            counts.already += 1
            continue
        reason = _refusal(target)
        if reason:
            counts.problems.append(reason)
            continue
        before = log.snapshot(target, ["status"])
        target.status, target.approved_by, target.approved_at = ImprovementStatus.APPROVED, by, now
        target.save(update_fields=["status", "approved_by", "approved_at"])
        log.record("improvement.approved", target, user=by, before=before,
                   after={"status": target.status, "target_value": str(target.final)})
        counts.approved += 1
        done.append(target.pk)
    following = next_cycle(cycle)
    if done and following is not None and following.status not in CLOSED:
        _apply(cycle, following, ImprovementTarget.objects.filter(pk__in=done), counts, by=by)
    return counts


def next_cycle(cycle: Cycle) -> Cycle | None:
    return Cycle.objects.filter(year=cycle.year + 1).first()


@transaction.atomic
def apply_approved(cycle: Cycle, *, by) -> Counts:
    """Write every approved, not yet carried target of `cycle` into the next cycle's targets. Refused with the
    reason when the next cycle does not exist yet or is already being scored."""
    following = next_cycle(cycle)
    if following is None:
        raise ValidationError(f"{cycle.year + 1}年度尚未设立：已批准的改进目标会保留，待该年度设立后再转入。")
    if following.status in CLOSED:
        raise ValidationError(f"{following.year}年度已{following.get_status_display()}，不能再转入目标。")
    counts = Counts()
    _apply(cycle, following, ImprovementTarget.objects.filter(cycle=cycle, status=ImprovementStatus.APPROVED),
           counts, by=by)
    if not counts.applied and not counts.problems:
        raise ValidationError("没有待转入的已批准改进目标。")
    return counts


def _apply(cycle: Cycle, following: Cycle, targets, counts: Counts, *, by) -> None:
    now = timezone.now()
    assigned = set(Target.objects.filter(cycle=following, source=TargetSource.CITY_ASSIGNED)
                   .values_list("unit_id", "indicator_id"))
    for target in targets.select_for_update().select_related("unit", "indicator").order_by("pk"):
        if target.status != ImprovementStatus.APPROVED:
            continue
        if (target.unit_id, target.indicator_id) in assigned:  # the city's figure is not the district's to change
            counts.problems.append(f"{target.unit.name}“{target.indicator.name}”未能转入：{following.year}年度目标"
                                   "为市下达目标，不能以改进目标替换，可作为参考报市里。")
            continue
        try:
            with transaction.atomic():
                written = indicator_actions.set_target(cycle=following, unit=target.unit, indicator=target.indicator,
                                                       by=by, target_value=target.final)
        except ValidationError as error:
            counts.problems.append(f"{target.unit.name}“{target.indicator.name}”未能转入：{'；'.join(error.messages)}")
            continue
        target.status, target.applied_at = ImprovementStatus.APPLIED, now
        target.save(update_fields=["status", "applied_at"])
        log.record("improvement.applied", target, user=by, after={
            "cycle": following.year, "target": written.pk, "target_value": str(target.final)})
        counts.applied += 1
