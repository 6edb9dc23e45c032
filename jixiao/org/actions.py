"""State changes of units, cadres and cycles: each atomic, checked, and written to the audit log."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from jixiao.audit import log
from jixiao.org import unitbook
from jixiao.org.models import Cadre, Cycle, CycleStatus, Unit
from jixiao.org.rules import loop_path, parent_problem

UNIT_FIELDS = ["code", "name", "short_name", "kind", "parent", "is_assessor", "sort_order", "valid_from",
               "valid_to", "note"]
UNIT_EDITABLE = ["name", "short_name", "kind", "is_assessor", "sort_order", "valid_from", "note"]
CADRE_FIELDS = ["unit", "name", "post", "title", "tenure_from", "tenure_to"]
CADRE_EDITABLE = ["name", "post", "title", "tenure_from"]
CYCLE_FIELDS = ["year", "name", "status", "starts_on", "ends_on"]
# The one way a cycle moves: forward, one step at a time.
NEXT_STATUS = {
    CycleStatus.PLANNING: CycleStatus.RUNNING,
    CycleStatus.RUNNING: CycleStatus.SCORING,
    CycleStatus.SCORING: CycleStatus.PUBLISHED,
    CycleStatus.PUBLISHED: CycleStatus.ARCHIVED,
}


def _who(by):
    return {"user": by} if by is not None else {}


# --- Units ------------------------------------------------------------------------------------------


def check_parent(kind: str, parent: Unit | None) -> None:
    problem = parent_problem(kind, parent.kind if parent is not None else None)
    if problem:
        raise ValidationError(problem)
    if parent is not None and parent.is_retired:
        raise ValidationError(f"上级单位“{parent.name}”已撤销")


@transaction.atomic
def create_unit(*, by, **fields) -> Unit:
    unit = Unit(**fields)
    check_parent(unit.kind, unit.parent)
    if Unit.objects.filter(code=unit.code).exists():
        raise ValidationError(f"单位编码“{unit.code}”已存在")
    unit.full_clean()
    unit.save()
    log.record("unit.created", unit, after=log.snapshot(unit, UNIT_FIELDS), **_who(by))
    return unit


@transaction.atomic
def update_unit(unit: Unit, *, by, **fields) -> Unit:
    """Change a unit's attributes; its parent changes only through `move_unit`."""
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    unknown = set(fields) - set(UNIT_EDITABLE)
    if unknown:
        raise ValueError(f"not editable here: {sorted(unknown)}")
    before = log.snapshot(unit, UNIT_FIELDS)
    for name, value in fields.items():
        setattr(unit, name, value)
    if "kind" in fields:
        check_parent(unit.kind, unit.parent)
        for child in unit.children.current():
            problem = parent_problem(child.kind, unit.kind)
            if problem:
                raise ValidationError(f"下级单位“{child.name}”：{problem}")
    unit.full_clean()
    unit.save(update_fields=list(fields))
    log.record("unit.updated", unit, before=before, after=log.snapshot(unit, UNIT_FIELDS), **_who(by))
    return unit


@transaction.atomic
def move_unit(unit: Unit, new_parent: Unit | None, *, by) -> Unit:
    """Put a unit under another parent, refusing loops and parents of the wrong kind."""
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    if unit.is_retired:
        raise ValidationError("已撤销的单位不能调整上级")
    if new_parent is not None:
        new_parent = Unit.objects.get(pk=new_parent.pk)  # fresh: it may have been retired meanwhile
        parent_of = dict(Unit.objects.values_list("pk", "parent_id"))
        parent_of[unit.pk] = new_parent.pk
        if loop_path(unit.pk, parent_of):
            raise ValidationError("不能把单位调整到它自己或它的下级单位之下（会形成循环）")
        if new_parent.pk == unit.parent_id:
            raise ValidationError("新的上级单位与原上级单位相同")
    check_parent(unit.kind, new_parent)
    before = log.snapshot(unit, ["parent"])
    unit.parent = new_parent
    unit.save(update_fields=["parent"])
    log.record("unit.moved", unit, before=before, after=log.snapshot(unit, ["parent"]), **_who(by))
    return unit


@transaction.atomic
def retire_unit(unit: Unit, on: datetime.date, *, by) -> Unit:
    """撤销: close the unit's validity; its rows and history stay."""
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    if unit.is_retired:
        raise ValidationError(f"该单位已于 {unit.valid_to} 撤销")
    if unit.children.current().exists():
        raise ValidationError("该单位还有在用的下级单位，请先撤销或调整这些下级单位")
    if on < unit.valid_from:
        raise ValidationError(f"撤销日期不能早于启用日期 {unit.valid_from}")
    before = log.snapshot(unit, ["valid_to"])
    unit.valid_to = on
    unit.save(update_fields=["valid_to"])
    log.record("unit.retired", unit, before=before, after=log.snapshot(unit, ["valid_to"]), **_who(by))
    return unit


@transaction.atomic
def import_units(rows: list[unitbook.UnitRow], *, by) -> unitbook.Plan:
    """Apply a unit workbook: all rows or none. Checks again inside the transaction, then writes."""
    units = list(Unit.objects.select_for_update().order_by("pk"))
    plan = unitbook.plan(rows, units)  # raises WorkbookError
    by_code = {u.code: u for u in units}
    changes = {c.row.code: c for c in plan.changes if c.status != unitbook.UNCHANGED}
    for code in _parents_first(changes, by_code):
        _apply_row(changes[code].row, by_code, by)
    return plan


def _parents_first(changes: dict, by_code: dict) -> list[str]:
    """Order the changed codes so a new parent is written before its children."""
    ordered, done = [], set()

    def visit(code):
        if code in done or code not in changes:
            return
        done.add(code)
        visit(changes[code].row.parent_code)
        ordered.append(code)

    for code in changes:
        visit(code)
    return ordered


def _apply_row(row: unitbook.UnitRow, by_code: dict, by) -> None:
    values = {f: getattr(row, f) for f in unitbook.COMPARED if f != "parent_code"}
    values["parent"] = by_code[row.parent_code] if row.parent_code else None
    unit = by_code.get(row.code)
    before = log.snapshot(unit, UNIT_FIELDS) if unit is not None else None
    if unit is None:
        unit = Unit(code=row.code)
    for name, value in values.items():
        setattr(unit, name, value)
    unit.full_clean(validate_unique=before is None)
    unit.save()
    by_code[row.code] = unit
    log.record("unit.imported", unit, before=before, after=log.snapshot(unit, UNIT_FIELDS), **_who(by))


# --- Cadres -----------------------------------------------------------------------------------------


@transaction.atomic
def create_cadre(unit: Unit, *, by, **fields) -> Cadre:
    if unit.is_retired:
        raise ValidationError("已撤销的单位不能新增干部")
    cadre = Cadre(unit=unit, **fields)
    cadre.full_clean()
    cadre.save()
    log.record("cadre.created", cadre, after=log.snapshot(cadre, CADRE_FIELDS), **_who(by))
    return cadre


@transaction.atomic
def update_cadre(cadre: Cadre, *, by, **fields) -> Cadre:
    cadre = Cadre.objects.select_for_update().get(pk=cadre.pk)
    unknown = set(fields) - set(CADRE_EDITABLE)
    if unknown:
        raise ValueError(f"not editable here: {sorted(unknown)}")
    before = log.snapshot(cadre, CADRE_FIELDS)
    for name, value in fields.items():
        setattr(cadre, name, value)
    cadre.full_clean()
    cadre.save(update_fields=list(fields))
    log.record("cadre.updated", cadre, before=before, after=log.snapshot(cadre, CADRE_FIELDS), **_who(by))
    return cadre


@transaction.atomic
def end_tenure(cadre: Cadre, on: datetime.date, *, by) -> Cadre:
    """The cadre leaves the post; the record stays for the cadre archive."""
    cadre = Cadre.objects.select_for_update().get(pk=cadre.pk)
    if cadre.tenure_to is not None:
        raise ValidationError(f"该干部已于 {cadre.tenure_to} 离任")
    if on < cadre.tenure_from:
        raise ValidationError(f"离任日期不能早于任职起始日期 {cadre.tenure_from}")
    before = log.snapshot(cadre, ["tenure_to"])
    cadre.tenure_to = on
    cadre.save(update_fields=["tenure_to"])
    log.record("cadre.ended", cadre, before=before, after=log.snapshot(cadre, ["tenure_to"]), **_who(by))
    return cadre


@transaction.atomic
def note_cadre_export(count: int, filters: dict, *, by) -> None:
    """Cadre lists are personal data: their export is audited (SECURITY.md)."""
    log.record("cadre.exported", None, after={"count": count, "filters": filters},
               object_repr=f"干部名册 {count} 人", **_who(by))


# --- Cycles -----------------------------------------------------------------------------------------


@transaction.atomic
def create_cycle(*, by, **fields) -> Cycle:
    cycle = Cycle(status=CycleStatus.PLANNING, **fields)
    cycle.full_clean()
    cycle.save()
    log.record("cycle.created", cycle, after=log.snapshot(cycle, CYCLE_FIELDS), **_who(by))
    return cycle


@transaction.atomic
def change_cycle_status(cycle: Cycle, new_status: str, *, by) -> Cycle:
    cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
    if NEXT_STATUS.get(cycle.status) != new_status:
        labels = dict(CycleStatus.choices)
        raise ValidationError(
            f"{cycle.name}当前为“{labels[cycle.status]}”，不能改为“{labels.get(new_status, new_status)}”")
    before = log.snapshot(cycle, ["status"])
    cycle.status = new_status
    cycle.save(update_fields=["status"])
    log.record("cycle.status_changed", cycle, before=before, after=log.snapshot(cycle, ["status"]), **_who(by))
    return cycle


def next_status(cycle: Cycle) -> str | None:
    return NEXT_STATUS.get(cycle.status)
