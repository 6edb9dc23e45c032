"""State changes of the indicator library, schemes and targets: atomic, checked, one audit event each."""

import datetime
from decimal import Decimal
from operator import itemgetter

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from jixiao.accounts import access
from jixiao.accounts.roles import Role
from jixiao.audit import log
from jixiao.indicators import schemebook, schemeplan
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
    TargetSource,
    VetoCondition,
    adjustment_deadline,
)
from jixiao.indicators.rule_specs import clean_params, validate_params
from jixiao.indicators.validation import check_decomposition, target_value_problems, validate_scheme
from jixiao.lib.rows import insert_rows, sqlite_amount
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
    locked = _guard_change(scheme, by, reason)
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


def is_office_admin(user) -> bool:
    return access.role_of(user) == Role.OFFICE_ADMIN


def _guard_change(scheme: Scheme, by, reason: str) -> bool:
    """Whether the change hits a locked scheme; refuses when the office admin or the reason is missing."""
    if not scheme.is_locked:
        return False
    if not is_office_admin(by):
        raise PermissionDenied("方案已锁定，只有绩效办管理员可以修改。")
    if not (reason or "").strip():
        raise ValidationError("方案已锁定，修改须填写修改理由。")
    return True


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
    locked = _guard_change(scheme, by, reason)
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
    locked = _guard_change(scheme, by, reason)
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
    """When a target's value changes, its milestones keep their share of it (schemeplan.rederived_milestones;
    the scheme workbook does the same unless the file changes that target's milestone row). The change goes
    into the target's own audit event."""
    milestones = list(target.milestones.all())
    current = {m.period: m.value for m in milestones}
    new = schemeplan.rederived_milestones(current, old_value, target.target_value)
    if new is None or new == current:
        return
    for milestone in milestones:
        milestone.value = new[milestone.period]
    TargetMilestone.objects.bulk_update(milestones, ["value"])
    before["milestones"] = {period: str(value) for period, value in schemeplan.ordered(current).items()}
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


# --- Scheme workbook import ------------------------------------------------------------------------


class ImportRefused(ValidationError):
    """The workbook is fine but the import may not run as asked (a locked scheme without a reason)."""


class ImportConflict(ValidationError):
    """Another import or edit wrote rows this import was about to write, between its plan and its write (two
    offices confirming the same new targets at once): nothing of this import is written; reading the file again
    plans against what is there now."""

    def __init__(self):
        super().__init__("写入时与同时进行的其他修改冲突（例如另一人刚刚导入或修改了相同的目标值），本次未写入任何数据。"
                         "请重新上传文件，核对预览后再确认。")


@transaction.atomic
def import_scheme_book(book: dict, *, by, reason: str = "", file_name: str = ""):
    """Apply a parsed scheme workbook: every row or none. Plans again inside the transaction, then writes.

    Changed existing rows get one audit event each with before/after (`target.imported`, `item.imported` …;
    changes to a locked scheme `scheme.changed_after_lock` with the reason); new rows are listed in the one
    summary event `scheme.imported`. Raises WorkbookError (row-level problems), ImportRefused or ImportConflict.
    """
    return _apply_book_plan(schemeplan.plan(book), by, reason, file_name)  # plan raises WorkbookError


@transaction.atomic
def import_scheme_file(file, max_bytes: int, *, by, reason: str = "", file_name: str = ""):
    """Read, check and apply a scheme workbook file in one transaction (the command's import); as
    `import_scheme_book`, with the file read by `schemeplan.read`."""
    _book, plan = schemeplan.read(file, max_bytes)
    return _apply_book_plan(plan, by, reason, file_name)


def _apply_book_plan(plan, by, reason: str, file_name: str):
    """Refuse a locked scheme's change without the right person or a reason, else write the plan and audit it."""
    if plan.locked:
        if by is not None and not is_office_admin(by):
            raise PermissionDenied("方案已锁定，只有绩效办管理员可以修改。")
        if not (reason or "").strip():
            raise ImportRefused(f"以下方案已锁定（已发布或本年度考核已开始），修改须填写修改理由：{'、'.join(plan.locked)}")
    if plan.has_changes:
        try:
            with transaction.atomic():
                _BookWriter(plan, by, (reason or "").strip()).write()
        except IntegrityError as exc:  # the plan checked every row: only a concurrent writer gets here
            raise ImportConflict() from exc
        log.record("scheme.imported", plan.cycle, object_repr=f"{plan.cycle.year}年度考核方案工作簿",
                   after={"file": file_name, "counts": plan.counts, "reason": (reason or "").strip(),
                          "created": {op_sheet: keys for op_sheet, keys in _created_keys(plan).items() if keys}},
                   **({"user": by} if by is not None else {}))
    return plan


def _created_keys(plan) -> dict:
    """The key text (`Op.key`) of every new row, per sheet: built here in one pass, thousands at a time."""
    created = {}
    for spec_key, ops in plan.ops.items():
        fields = ops[0].spec.key_fields if ops else ()
        if len(fields) == 2:  # most rows (targets, milestones): one f-string, not a join of a list
            first, second = fields
            created[spec_key] = [f"{op.row.get(first)} / {op.row.get(second)}" for op in ops if op.status == "new"]
        else:
            created[spec_key] = [" / ".join([str(op.row.get(f)) for f in fields]) for op in ops if op.status == "new"]
    if plan.plain_targets:  # their keys in row order among the other new targets'
        plain = [f"{entry[1]} / {entry[2]}" for entry in plan.plain_targets]
        others = [(op.row["row"], op.key) for op in plan.ops["targets"] if op.status == "new"]
        if others:
            numbered = [(entry[0], key) for entry, key in zip(plan.plain_targets, plain, strict=True)]
            plain = [key for _number, key in sorted(numbered + others)]
        created["targets"] = plain
    return created


PART_FIELDS = {
    "blocks": ["name", "weight", "kind", "sort_order"],
    "groups": ["group", "sort_order"],
    "categories": ["name", "kind", "cap", "outside_total", "sort_order"],
    "vetoes": ["name", "effect", "cap_grade", "sort_order"],
    "grades": ["min_score", "quota_percent"],
}
PART_MODELS = {"blocks": SchemeBlock, "groups": SchemeGroup, "categories": AdjustmentCategory,
               "vetoes": VetoCondition, "grades": GradeRule}
PART_NAMES = {"schemes": "scheme", "blocks": "block", "groups": "scheme_group", "items": "item",
              "categories": "adjustment_category", "vetoes": "veto", "grades": "grade"}


class _BookWriter:
    """Writes a checked plan: schemes, then their parts, then targets, decomposition links and milestones."""

    def __init__(self, plan, by, reason):
        self.plan, self.by, self.reason = plan, by, reason
        self.state = plan.state
        self.who = {"user": by} if by is not None else {}
        self.schemes = dict(self.state.schemes)
        self.blocks = dict(self.state.blocks)

    def write(self):
        self.write_schemes()
        for key in ("blocks", "groups", "categories", "vetoes", "grades"):
            self.write_parts(key)
        self.write_items()
        self.write_targets()
        self.write_carried_milestones()
        self.write_links()
        self.write_milestones()

    def audit_change(self, key, op, obj):
        before = {title: old for title, old, _new in op.diffs}
        after = {title: new for title, _old, new in op.diffs}
        scheme = self.schemes.get(op.row.get("scheme")) if key != "targets" else None
        if scheme is not None and scheme.is_locked:
            log.record("scheme.changed_after_lock", scheme, before={"part": PART_NAMES[key], "id": obj.pk,
                                                                    "values": before},
                       after={"part": PART_NAMES[key], "id": obj.pk, "values": after, "reason": self.reason,
                              "source": "import"}, **self.who)
        else:
            code = "target.imported" if key == "targets" else f"{PART_NAMES[key]}.imported"
            log.record(code, obj, before=before, after=after, **self.who)

    def write_schemes(self):
        for op in self.plan.ops["schemes"]:
            row = op.row
            scheme = op.existing or Scheme(cycle=self.plan.cycle, code=row["scheme"],
                                           assessing_unit=self.state.units[row["assessing_unit"]])
            scheme.name, scheme.total_points = row["name"], row["total_points"]
            for name in SCHEME_OPTIONS:
                if row.get(name):
                    setattr(scheme, name, row[name])
            scheme.full_clean(validate_unique=op.existing is None)
            scheme.save()
            self.schemes[row["scheme"]] = scheme
            if op.existing is not None:
                self.audit_change("schemes", op, scheme)

    def write_parts(self, key):
        model = PART_MODELS[key]
        for op in self.plan.ops[key]:
            row = op.row
            part = op.existing
            if part is None:
                part = model(scheme=self.schemes[row["scheme"]])
                if key in ("blocks", "categories", "vetoes"):
                    part.code = row["code"]
                elif key == "grades":
                    part.grade = row["grade"]
            for name in PART_FIELDS[key]:
                setattr(part, name, op.values[name])
            part.save()
            if key == "blocks":
                self.blocks[(row["scheme"], row["code"])] = part
            if op.existing is not None:
                self.audit_change(key, op, part)

    def write_items(self):
        new, changed = [], []
        for op in self.plan.ops["items"]:
            row, values = op.row, op.values
            item = op.existing or SchemeItem(scheme=self.schemes[row["scheme"]],
                                             group=self.state.groups[row["group"]],
                                             indicator=self.state.indicators[row["indicator"]])
            item.block = self.blocks[(row["scheme"], values["block_code"])]
            for name in ("points", "rule", "params", "assessor", "not_applicable_policy", "sort_order", "version"):
                setattr(item, name, values[name])
            (changed if op.existing is not None else new).append((op, item))
        SchemeItem.objects.bulk_create([item for _op, item in new])
        for op, item in changed:
            item.save()
            self.audit_change("items", op, item)

    def write_targets(self):
        cycle, state = self.plan.cycle, self.state
        unit_ids = {code: unit.pk for code, unit in state.units.items()}
        indicator_ids = {code: indicator.pk for code, indicator in state.indicators.items()}
        new, changed = [], []
        for op in self.plan.ops["targets"]:
            row = op.row
            if op.existing is None:
                new.append((row["row"], unit_ids[row["unit"]], indicator_ids[row["indicator"]], op.values))
            else:
                changed.append((op, Target(pk=op.existing["id"], cycle=cycle, unit=state.units[row["unit"]],
                                           indicator=state.indicators[row["indicator"]], **op.values)))
        insert_targets(cycle, [row[1:] for row in new], self.plan.plain_targets, [row[0] for row in new])
        if changed:
            Target.objects.bulk_update([t for _op, t in changed], schemeplan.TARGET_FIELDS, batch_size=500)
            for op, target in changed:
                self.audit_change("targets", op, target)

    def write_carried_milestones(self):
        """Milestones that follow a changed target value (the target's own audit event lists them)."""
        carried = self.plan.rederived
        if not carried:
            return
        ids = self.target_ids(set(carried))
        by_target = {ids[key]: values for key, values in carried.items()}
        milestones = list(TargetMilestone.objects.filter(target_id__in=by_target))
        for milestone in milestones:
            milestone.value = by_target[milestone.target_id][milestone.period]
        TargetMilestone.objects.bulk_update(milestones, ["value"], batch_size=500)

    def target_ids(self, keys) -> dict:
        units = {u: self.state.units[u].pk for u, _i in keys}
        indicators = {i: self.state.indicators[i].pk for _u, i in keys}
        rows = Target.objects.filter(cycle=self.plan.cycle, unit_id__in=units.values(),
                                     indicator_id__in=indicators.values()).values_list(
            "id", "unit__code", "indicator__code")
        return {(u, i): pk for pk, u, i in rows}

    def write_links(self):
        ops = self.plan.ops["decompositions"]
        if not ops:
            return
        keys = set()
        for op in ops:
            keys |= {(op.row["unit"], op.row["indicator"]), (op.row["parent_unit"], op.row["indicator"])}
        ids = self.target_ids(keys)
        children = []
        for op in ops:
            child = Target(pk=ids[(op.row["unit"], op.row["indicator"])],
                           parent_id=ids[(op.row["parent_unit"], op.row["indicator"])])
            children.append(child)
        Target.objects.bulk_update(children, ["parent"], batch_size=500)
        for op, child in zip(ops, children, strict=True):
            if op.existing is not None:
                log.record("target.imported", Target.objects.get(pk=child.pk),
                           before={"上级单位编码": op.diffs[0][1]}, after={"上级单位编码": op.diffs[0][2]}, **self.who)

    def write_milestones(self):
        ops = self.plan.ops["milestones"]
        if not ops:
            return
        ids = self.target_ids({(op.row["unit"], op.row["indicator"]) for op in ops})
        target_ids = [ids[(op.row["unit"], op.row["indicator"])] for op in ops]
        TargetMilestone.objects.filter(target_id__in=target_ids).delete()
        TargetMilestone.objects.bulk_create([
            TargetMilestone(target_id=target_id, period=period, value=value)
            for op, target_id in zip(ops, target_ids, strict=True)
            for period, value in op.values.items() if value is not None
        ], batch_size=500)
        for op, target_id in zip(ops, target_ids, strict=True):
            if op.existing is not None:
                log.record("target.milestones_imported", Target.objects.get(pk=target_id),
                           before={t: old for t, old, _n in op.diffs}, after={t: new for t, _o, new in op.diffs},
                           **self.who)


def insert_targets(cycle, rows: list[tuple[int, int, dict]], plain: list[list] = (), numbers: list[int] = ()
                   ) -> None:
    """Insert new targets of `cycle`, (unit id, indicator id, {TARGET_FIELDS: value}) each, and the plain new targets
    `plain` (schemebook.NEW_PLAIN), as multi-row INSERTs; with both, `numbers` gives the row number of each of `rows`
    and the targets go in in row order (so do their ids).

    A workbook may bring thousands of new targets; the ORM's bulk_create spends most of its time building
    model instances and compiling the statement per batch, a plain parameterised INSERT does not. The rows
    are checked by schemeplan beforehand and the table's constraints still hold them. On SQLite, binding is most
    of the INSERT's time: see `_sqlite_runs`.
    """
    shared = {"cycle": cycle.pk, "updated_at": connection.ops.adapt_datetimefield_value(timezone.now())}
    if connection.vendor != "sqlite":
        values_of = itemgetter(*schemeplan.TARGET_FIELDS)
        full = [(unit, indicator, *values_of(values)) for unit, indicator, values in rows]
        if plain:
            full = _in_row_order(full, numbers, [_full_plain_row(entry) for entry in plain], plain)
        insert_rows(Target, TARGET_COLUMNS, full, shared=shared)
        return
    for bare, run in _sqlite_runs(rows, plain, numbers):
        if bare:
            insert_rows(Target, BARE_TARGET_COLUMNS, run, shared={**shared, **BARE_TARGET})
        else:
            insert_rows(Target, TARGET_COLUMNS, run, shared=shared)


TARGET_COLUMNS = ["unit", "indicator", *schemeplan.TARGET_FIELDS]
# A bare target (the common new one): a value and a baseline, the rest as every such row has it.
BARE_TARGET_COLUMNS = ["unit", "indicator", "target_value", "baseline"]
BARE_TARGET = {"upper_value": None, "target_text": "", "actual": None, "source": TargetSource.DISTRICT_SET.value}
MIN_BARE_RUN = 100  # bare rows in a row worth statements of their own


def _full_plain_row(entry: list) -> tuple:
    """A plain new target as a row of TARGET_COLUMNS, its amounts as Decimals (the general path's values)."""
    row = schemebook.plain_row(entry)
    return (entry[3], entry[4], row["target_value"], None, "", row["baseline"], None, BARE_TARGET["source"])


def _in_row_order(rows: list, numbers: list[int], plain_rows: list, plain: list[list]) -> list:
    """`rows` (row numbers `numbers`) and `plain_rows` (those of the plain new targets `plain`) in row order."""
    if not rows:
        return plain_rows
    merged = sorted([*zip(numbers, rows, strict=True), *((entry[0], row) for entry, row in zip(plain, plain_rows,
                                                                                              strict=True))],
                    key=itemgetter(0))
    return [row for _number, row in merged]


def _sqlite_runs(rows: list[tuple], plain: list[list] = (), numbers: list[int] = ()) -> list[tuple[bool, list[tuple]]]:
    """The rows for SQLite, in their order, as runs of bare rows (True: unit, indicator, value and baseline only) and
    of full rows, with amounts as floats where that is exact (`rows.sqlite_amount`). A plain new target is a bare row
    of the floats calamine gave (exact: see schemebook.NEW_PLAIN), or of its defaulted baseline's.

    Python's sqlite3 binds a float or an int directly but looks up an adapter for None, a str subclass and a Decimal
    (Django's turns it into text that SQLite parses back into the REAL it stores): binding a bare row's four
    parameters instead of eight, and floats, takes the INSERT of bench/import_scheme.py's 7,560 targets from 40 to
    30 ms, conversions included. Rows keep their order (so their ids do); a bare run too short to be worth its
    statements goes in with the full rows.
    """
    amount = sqlite_amount
    district = BARE_TARGET["source"]
    shaped = []  # (bare, row)
    for unit, indicator, values in rows:
        value, baseline = amount(values["target_value"]), amount(values["baseline"])
        upper, text, actual, source = values["upper_value"], values["target_text"], values["actual"], values["source"]
        if upper is None and actual is None and text == "" and source == district:
            shaped.append((True, (unit, indicator, value, baseline)))
        else:
            shaped.append((False, (unit, indicator, value, amount(upper), text, baseline, amount(actual), source)))
    if plain:
        bare_plain = [(entry[3], entry[4], entry[5], entry[6] if entry[6].__class__ is not Decimal else amount(entry[6]))
                      for entry in plain]
        if not shaped:  # the plain new targets alone: one bare run
            return [(True, bare_plain)]
        shaped = _in_row_order(shaped, numbers, [(True, row) for row in bare_plain], plain)
    runs: list[tuple[bool, list[tuple]]] = []
    for bare, row in shaped:
        if runs and runs[-1][0] is bare:
            runs[-1][1].append(row)
        else:
            runs.append((bare, [row]))
    merged: list[tuple[bool, list[tuple]]] = []
    for bare, run in runs:
        if bare and len(run) < MIN_BARE_RUN:
            bare, run = False, [(unit, indicator, value, None, "", baseline, None, district)
                                for unit, indicator, value, baseline in run]
        if merged and not bare and not merged[-1][0]:
            merged[-1][1].extend(run)
        else:
            merged.append((bare, run))
    return merged
