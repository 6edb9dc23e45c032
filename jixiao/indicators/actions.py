"""State changes of the indicator library, schemes and targets: atomic, checked, one audit event each.

The scheme workbook's import writes through `book_import`."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from jixiao.audit import log
from jixiao.indicators import targetplan
from jixiao.indicators.locking import guard_change
from jixiao.indicators.models import (
    SCHEME_OPTIONS,
    AdjustmentCategory,
    AdjustmentStatus,
    CyclePolicy,
    GradeRule,
    Indicator,
    IndicatorVersion,
    Scheme,
    SchemeBlock,
    SchemeGroup,
    SchemeItem,
    SchemeStatus,
    Target,
    TargetAdjustment,
    TargetMilestone,
    VetoCondition,
    adjustment_deadline,
)
from jixiao.indicators.rule_specs import clean_params, validate_params
from jixiao.indicators.validation import check_decomposition, target_value_problems, validate_scheme
from jixiao.org.models import Cycle, Group

INDICATOR_FIELDS = ["code", "name", "category", "measure_unit", "direction", "frequency", "aggregation", "active",
                    "sort_order"]
VERSION_FIELDS = ["definition", "data_source", "default_assessor", "measure_unit"]
TARGET_FIELDS = ["target_value", "upper_value", "target_text", "baseline", "actual", "source", "parent"]


class SchemeInvalid(ValidationError):
    """Publishing refused: `problems` lists what is wrong, in Chinese."""

    def __init__(self, problems: list[str]):
        super().__init__(problems)
        self.problems = problems


# --- Indicator library -----------------------------------------------------------------------------


@transaction.atomic
def create_indicator(*, by, valid_from_year: int, version: dict, **fields) -> Indicator:
    """A new library indicator with its first definition, in force from `valid_from_year`."""
    indicator = Indicator(**fields)
    indicator.full_clean()
    indicator.save()
    first = IndicatorVersion.objects.create(indicator=indicator, valid_from_year=valid_from_year, **version)
    log.record("indicator.created", indicator, after={**log.snapshot(indicator), "version": log.snapshot(first)},
               user=by)
    return indicator


@transaction.atomic
def update_indicator(indicator: Indicator, *, by, **fields) -> Indicator:
    """Change library fields (name, category, direction …); definitions change through `revise_definition`."""
    before = log.snapshot(indicator, INDICATOR_FIELDS)
    for name, value in fields.items():
        setattr(indicator, name, value)
    indicator.full_clean()
    indicator.save(update_fields=list(fields))
    log.record("indicator.updated", indicator, before=before, after=log.snapshot(indicator, INDICATOR_FIELDS),
               user=by)
    return indicator


def version_in_locked_use(version: IndicatorVersion) -> bool:
    """A version used by a locked scheme is history: its text may no longer change."""
    items = SchemeItem.objects.filter(version=version).select_related("scheme__cycle")
    return any(item.scheme.is_locked for item in items.distinct())


@transaction.atomic
def revise_definition(indicator: Indicator, year: int, *, by, **fields) -> IndicatorVersion:
    """Set the definition in force from `year` on. Earlier years keep theirs; locked uses are never rewritten."""
    version = IndicatorVersion.objects.filter(indicator=indicator, valid_from_year=year).first()
    if version is None:
        version = IndicatorVersion(indicator=indicator, valid_from_year=year)
        before = None
    else:
        if version_in_locked_use(version):
            raise ValidationError(f"{year}年起的口径已被锁定的考核方案使用，请从下一年度起新建口径。")
        before = log.snapshot(version, VERSION_FIELDS)
    for name, value in fields.items():
        setattr(version, name, value)
    version.full_clean()
    version.save()
    _adopt_new_version(indicator, version, year)
    log.record("indicator.definition_revised", indicator, before=before,
               after={"valid_from_year": year, **log.snapshot(version, VERSION_FIELDS)}, user=by)
    return version


def _adopt_new_version(indicator, version, year) -> None:
    """Draft schemes of `year` and later switch to the version now in force for their cycle."""
    items = SchemeItem.objects.filter(
        indicator=indicator, scheme__cycle__year__gte=year, scheme__status=SchemeStatus.DRAFT
    ).select_related("scheme__cycle")
    for item in items:
        if item.scheme.is_locked:
            continue
        current = indicator.version_for(item.scheme.cycle.year)
        if current is not None and current.pk != item.version_id:
            item.version = current
            item.save(update_fields=["version"])


# --- Schemes ---------------------------------------------------------------------------------------


@transaction.atomic
def create_scheme(*, cycle: Cycle, assessing_unit, code: str, name: str, total_points=Decimal(100), by) -> Scheme:
    scheme = Scheme(cycle=cycle, assessing_unit=assessing_unit, code=code, name=name, total_points=total_points)
    scheme.full_clean()
    scheme.save()
    log.record("scheme.created", scheme, after=log.snapshot(scheme, ["cycle", "assessing_unit", "code", "name",
                                                                     "total_points"]), user=by)
    return scheme


@transaction.atomic
def publish_scheme(scheme: Scheme, *, by) -> Scheme:
    """Lock the scheme for its cycle; refused with the full list of problems when it does not validate."""
    if scheme.status == SchemeStatus.PUBLISHED:
        raise ValidationError("该方案已发布。")
    problems = validate_scheme(scheme)
    if problems:
        raise SchemeInvalid(problems)
    scheme.status = SchemeStatus.PUBLISHED
    scheme.published_at = timezone.now()
    scheme.published_by = by
    scheme.save(update_fields=["status", "published_at", "published_by"])
    log.record("scheme.published", scheme, before={"status": SchemeStatus.DRAFT},
               after={"status": SchemeStatus.PUBLISHED, "items": scheme.items.count()}, user=by)
    return scheme




@transaction.atomic
def set_scheme_options(scheme: Scheme, *, by, reason: str = "", **options) -> Scheme:
    """Change the scheme's scoring options (missing data, tie rule); refused once its results are published."""
    unknown = set(options) - set(SCHEME_OPTIONS)
    if unknown:
        raise ValueError(f"not scheme options: {sorted(unknown)}")
    if scheme.score_runs.filter(published=True).exists():
        raise ValidationError("该方案的考核结果已发布，不能再修改计分选项。")
    locked = guard_change(scheme, by, reason)
    before = log.snapshot(scheme, SCHEME_OPTIONS)
    for name, value in options.items():
        setattr(scheme, name, value)
    scheme.full_clean()
    scheme.save(update_fields=list(options))
    after = log.snapshot(scheme, SCHEME_OPTIONS)
    if locked:
        log.record("scheme.changed_after_lock", scheme, before={"part": "options", "values": before},
                   after={"part": "options", "values": after, "reason": reason.strip()}, user=by)
    else:
        log.record("scheme.options_changed", scheme, before=before, after=after, user=by)
    return scheme


PART_AUDIT_NAMES = {
    SchemeBlock: "block",
    SchemeGroup: "scheme_group",
    SchemeItem: "item",
    AdjustmentCategory: "adjustment_category",
    VetoCondition: "veto",
    GradeRule: "grade",
}




def _part_snapshot(part) -> dict:
    data = log.snapshot(part)
    data.pop("scheme", None)
    return data


def _prepare_item(item: SchemeItem) -> None:
    """Point the item at the indicator version in force for its cycle; default the assessor; clean params."""
    year = item.scheme.cycle.year
    version = item.indicator.version_for(year)
    if version is None:
        raise ValidationError(f"指标「{item.indicator.name}」在{year}年度没有适用的口径版本。")
    item.version = version
    if item.assessor_id is None and version.default_assessor_id is not None:
        item.assessor_id = version.default_assessor_id
    if not validate_params(item.rule, item.params):
        item.params = clean_params(item.rule, item.params)


@transaction.atomic
def save_part(part, *, by, reason: str = ""):
    """Create or change a part of a scheme (block, group, item, category, veto, grade), audited.

    `part` is a model instance already validated by its form; its `scheme` decides whether the change
    needs the office admin and a reason (locked scheme) and is then audited as scheme.changed_after_lock.
    """
    scheme = part.scheme
    locked = guard_change(scheme, by, reason)
    name = PART_AUDIT_NAMES[type(part)]
    before = None
    if part.pk is not None:
        before = _part_snapshot(type(part).objects.get(pk=part.pk))
    if isinstance(part, SchemeItem):
        _prepare_item(part)
    part.full_clean()
    part.save()
    after = _part_snapshot(part)
    if locked:
        log.record("scheme.changed_after_lock", scheme, before={"part": name, "id": part.pk, "values": before},
                   after={"part": name, "id": part.pk, "values": after, "reason": reason.strip()}, user=by)
    else:
        log.record(f"{name}.{'created' if before is None else 'updated'}", part, before=before, after=after, user=by)
    return part


@transaction.atomic
def delete_part(part, *, by, reason: str = "") -> None:
    scheme = part.scheme
    locked = guard_change(scheme, by, reason)
    name = PART_AUDIT_NAMES[type(part)]
    if isinstance(part, SchemeBlock) and part.items.exists():
        raise ValidationError("该板块下仍有指标，请先删除或移走这些指标。")
    if isinstance(part, SchemeGroup) and scheme.items.filter(group=part.group).exists():
        raise ValidationError("该组别下仍有指标，请先删除这些指标。")
    before = _part_snapshot(part)
    pk = part.pk
    part.delete()
    if locked:
        log.record("scheme.changed_after_lock", scheme, before={"part": name, "id": pk, "values": before},
                   after={"part": name, "id": pk, "values": None, "reason": reason.strip()}, user=by)
    else:
        log.record(f"{name}.deleted", scheme, before=before, object_repr=f"{scheme} · {name} #{pk}", user=by)


# --- Copy to next year -----------------------------------------------------------------------------


def _next_code(text: str, year: int) -> str:
    return text.replace(str(year), str(year + 1)) if str(year) in text else f"{text}-{year + 1}"


def _group_for_next_cycle(group: Group, cycle: Cycle) -> Group:
    """The next cycle's group with the same code; created with the same current members when absent."""
    existing = Group.objects.filter(cycle=cycle, code=group.code).first()
    if existing is not None:
        return existing
    copy = Group.objects.create(cycle=cycle, code=group.code, name=group.name, purpose=group.purpose,
                                sort_order=group.sort_order)
    members = group.units.filter(valid_from__lte=cycle.ends_on).exclude(valid_to__lt=cycle.starts_on)
    copy.units.set(members)
    return copy


def _copy_rows(rows, **changes) -> dict:
    """Insert copies of `rows` with `changes`; returns old pk -> new row."""
    mapping = {}
    for row in rows:
        old_pk = row.pk
        row.pk = None
        row.id = None
        for name, value in changes.items():
            setattr(row, name, value(row) if callable(value) else value)
        row.save()
        mapping[old_pk] = row
    return mapping


@transaction.atomic
def copy_to_next_year(scheme: Scheme, *, by) -> Scheme:
    """The next cycle's scheme as a draft to edit: blocks, groups, items, categories, vetoes and grades."""
    year = scheme.cycle.year
    next_cycle = Cycle.objects.filter(year=year + 1).first()
    if next_cycle is None:
        raise ValidationError(f"{year + 1}年度尚未建立，请先在“考核年度”中新建。")
    if Scheme.objects.filter(cycle=next_cycle, assessing_unit=scheme.assessing_unit).exists():
        raise ValidationError(f"{year + 1}年度已有该考核主体的方案。")
    new = Scheme.objects.create(
        cycle=next_cycle, assessing_unit=scheme.assessing_unit, code=_next_code(scheme.code, year),
        name=_next_code(scheme.name, year), total_points=scheme.total_points, copied_from=scheme,
        missing_data=scheme.missing_data, tie_rule=scheme.tie_rule,
    )
    blocks = _copy_rows(scheme.blocks.all(), scheme=new)
    groups = {}
    for link in scheme.scheme_groups.select_related("group"):
        groups[link.group_id] = _group_for_next_cycle(link.group, next_cycle)
        SchemeGroup.objects.create(scheme=new, group=groups[link.group_id], sort_order=link.sort_order)
    items = list(scheme.items.select_related("indicator"))
    versions = _versions_for_year([item.indicator for item in items], year + 1)
    _copy_rows(items, scheme=new, block=lambda r: blocks[r.block_id], group=lambda r: groups[r.group_id],
               version=lambda r: versions.get(r.indicator_id) or r.version)
    _copy_rows(scheme.adjustment_categories.all(), scheme=new)
    _copy_rows(scheme.vetoes.all(), scheme=new)
    _copy_rows(scheme.grade_rules.all(), scheme=new)
    log.record("scheme.copied", new, before={"from_scheme": scheme.pk, "from_year": year},
               after={"to_scheme": new.pk, "to_year": year + 1, "items": len(items)}, user=by)
    return new


def _versions_for_year(indicators, year) -> dict:
    """indicator id -> version in force in `year`, in one query."""
    ids = {i.pk for i in indicators}
    found = {}
    for version in IndicatorVersion.objects.filter(indicator_id__in=ids, valid_from_year__lte=year).order_by(
        "indicator_id", "valid_from_year"
    ):
        found[version.indicator_id] = version
    return found


# --- Targets ---------------------------------------------------------------------------------------


def baseline_from_previous_cycle(cycle: Cycle, unit, indicator) -> Decimal | None:
    """Last year's actual for this unit and indicator, when it is known (hook for the reporting stage)."""
    previous = Target.objects.filter(cycle__year=cycle.year - 1, unit=unit, indicator=indicator).first()
    return previous.actual if previous is not None else None


def _check_target(target: Target) -> None:
    problems = target_value_problems(target.indicator.direction, target.target_value, target.upper_value,
                                     target.target_text)
    if target.parent_id is not None:
        parent = target.parent
        if parent.indicator_id != target.indicator_id or parent.cycle_id != target.cycle_id:
            problems.append("上级目标须为同一年度、同一指标的目标")
    if problems:
        raise ValidationError(problems)


@transaction.atomic
def set_target(*, cycle: Cycle, unit, indicator: Indicator, by, **values) -> Target:
    """Create or change the target of unit × indicator in a cycle; the baseline defaults to last year's actual."""
    target = Target.objects.filter(cycle=cycle, unit=unit, indicator=indicator).first()
    before = log.snapshot(target, TARGET_FIELDS) if target is not None else None
    old_value = target.target_value if target is not None else None
    if target is None:
        target = Target(cycle=cycle, unit=unit, indicator=indicator)
    for name, value in values.items():
        setattr(target, name, value)
    if target.baseline is None and "baseline" not in values:
        target.baseline = baseline_from_previous_cycle(cycle, unit, indicator)
    _check_target(target)
    target.full_clean()
    target.save()
    after = log.snapshot(target, TARGET_FIELDS)
    if before is not None:
        _carry_milestones(target, old_value, before, after)
    log.record("target.created" if before is None else "target.updated", target, before=before, after=after, user=by)
    return target


def _carry_milestones(target: Target, old_value, before: dict, after: dict) -> None:
    """When a target's value changes, its milestones keep their share of it (targetplan.rederived_milestones;
    the scheme workbook does the same unless the file changes that target's milestone row). The change goes
    into the target's own audit event."""
    milestones = list(target.milestones.all())
    current = {m.period: m.value for m in milestones}
    new = targetplan.rederived_milestones(current, old_value, target.target_value)
    if new is None or new == current:
        return
    for milestone in milestones:
        milestone.value = new[milestone.period]
    TargetMilestone.objects.bulk_update(milestones, ["value"])
    before["milestones"] = {period: str(value) for period, value in targetplan.ordered(current).items()}
    after["milestones"] = {period: str(value) for period, value in new.items()}


@transaction.atomic
def set_milestones(target: Target, milestones: dict[str, Decimal], *, by) -> None:
    """Replace the period milestones of a target (period code -> value)."""
    before = {m.period: str(m.value) for m in target.milestones.all()}
    target.milestones.all().delete()
    for period, value in milestones.items():
        milestone = TargetMilestone(target=target, period=period, value=value)
        milestone.full_clean()
        milestone.save()
    log.record("target.milestones_set", target, before=before,
               after={period: str(value) for period, value in milestones.items()}, user=by)


@transaction.atomic
def decompose(parent: Target, parts: dict, *, by) -> str | None:
    """Split a (city-assigned) target to units: unit -> value. Returns the coverage check's message or None."""
    created = {}
    for unit, value in parts.items():
        child = Target.objects.filter(cycle=parent.cycle, unit=unit, indicator=parent.indicator).first()
        if child is None:
            child = Target(cycle=parent.cycle, unit=unit, indicator=parent.indicator, source=parent.source)
            child.baseline = baseline_from_previous_cycle(parent.cycle, unit, parent.indicator)
        child.parent = parent
        child.target_value = value
        _check_target(child)
        child.full_clean()
        child.save()
        created[unit.code] = str(value)
    message = check_decomposition(parent)
    log.record("target.decomposed", parent, after={"parts": created, "check": message or "ok"}, user=by)
    return message


# --- Target adjustments ----------------------------------------------------------------------------


def adjustment_open(cycle: Cycle, today: datetime.date | None = None) -> bool:
    today = today or timezone.localdate()
    return today <= adjustment_deadline(cycle)


@transaction.atomic
def set_adjustment_deadline(cycle: Cycle, deadline: datetime.date, *, by) -> CyclePolicy:
    before = {"adjustment_deadline": adjustment_deadline(cycle).isoformat()}
    policy, _ = CyclePolicy.objects.update_or_create(cycle=cycle, defaults={"adjustment_deadline": deadline})
    log.record("target.deadline_set", policy, before=before, after={"adjustment_deadline": deadline.isoformat()},
               user=by)
    return policy


@transaction.atomic
def request_adjustment(target: Target, *, requested_value: Decimal, reason: str, by) -> TargetAdjustment:
    """A unit asks to change its target; only before the cycle's deadline and one open request at a time."""
    deadline = adjustment_deadline(target.cycle)
    if not adjustment_open(target.cycle):
        raise ValidationError(f"目标调整申请已于 {deadline.year}年{deadline.month}月{deadline.day}日 截止。")
    if not (reason or "").strip():
        raise ValidationError("请填写申请理由。")
    if target.adjustments.filter(status=AdjustmentStatus.PENDING).exists():
        raise ValidationError("该目标已有待审批的调整申请。")
    problems = target_value_problems(target.indicator.direction, requested_value, target.upper_value,
                                     target.target_text)
    if problems:
        raise ValidationError(problems)
    adjustment = TargetAdjustment.objects.create(
        target=target, requested_value=requested_value, previous_value=target.target_value,
        reason=reason.strip(), requested_by=by, requested_at=timezone.now(),
    )
    log.record("adjustment.requested", adjustment,
               after={"target": target.pk, "from": _s(target.target_value), "to": _s(requested_value),
                      "reason": adjustment.reason}, user=by)
    return adjustment


def _decide(adjustment: TargetAdjustment, status: str, by, reason: str) -> None:
    if adjustment.status != AdjustmentStatus.PENDING:
        raise ValidationError("该申请已审批。")
    if adjustment.requested_by_id == by.pk:
        raise ValidationError("不能审批本人提出的申请。")
    adjustment.status = status
    adjustment.decided_by = by
    adjustment.decided_at = timezone.now()
    adjustment.decision_reason = (reason or "").strip()
    adjustment.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])


@transaction.atomic
def approve_adjustment(adjustment: TargetAdjustment, *, by, reason: str = "") -> Target:
    """The office agrees: the target takes the requested value (audited as target.adjusted)."""
    target = Target.objects.select_for_update().get(pk=adjustment.target_id)
    _decide(adjustment, AdjustmentStatus.APPROVED, by, reason)
    old_value = target.target_value
    before = {"target_value": _s(target.target_value)}
    target.target_value = adjustment.requested_value
    _check_target(target)
    target.save(update_fields=["target_value", "updated_at"])
    after = {"target_value": _s(target.target_value), "adjustment": adjustment.pk,
             "reason": adjustment.decision_reason}
    _carry_milestones(target, old_value, before, after)
    log.record("target.adjusted", target, before=before, after=after, user=by)
    return target


@transaction.atomic
def refuse_adjustment(adjustment: TargetAdjustment, *, by, reason: str) -> None:
    if not (reason or "").strip():
        raise ValidationError("驳回须填写理由。")
    _decide(adjustment, AdjustmentStatus.REFUSED, by, reason)
    log.record("adjustment.refused", adjustment, before={"status": AdjustmentStatus.PENDING},
               after={"status": AdjustmentStatus.REFUSED, "reason": adjustment.decision_reason}, user=by)


def _s(value) -> str | None:
    return None if value is None else str(value)

