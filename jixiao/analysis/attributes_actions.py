"""State changes of unit attributes and neighbour groups: atomic, checked again inside the transaction, audited."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from jixiao.analysis import attributes
from jixiao.audit import log
from jixiao.org.models import Cycle, Group, GroupPurpose, Unit, UnitAttribute, UnitAttributeValue

GROUP_PREFIX = "NN-"
ATTRIBUTE_FIELDS = ["code", "name", "measure", "weight", "log_scale", "allow_negative", "sort_order"]


@transaction.atomic
def import_attributes(cycle: Cycle, parsed: attributes.Parsed, *, by) -> attributes.Plan:
    """Apply an attribute workbook to `cycle`: all of it or nothing. Plans again under the lock (raises
    WorkbookError when the data changed meanwhile in a way the file no longer fits), then writes."""
    Cycle.objects.select_for_update().get(pk=cycle.pk)
    units = {u.code: u for u in Unit.objects.all()}
    plan = attributes.plan(parsed, cycle, units)
    by_code = _write_definitions(cycle, parsed.definitions or [])
    _write_values(parsed, by_code, units)
    log.record("unit.attributes_imported", cycle, user=by, after={
        "units": plan.units, "new_attributes": plan.new_attributes, "changed_attributes": plan.changed_attributes,
        **{f"values_{key}": count for key, count in plan.counts.items()}})
    return plan


def _write_definitions(cycle: Cycle, definitions: list[attributes.Definition]) -> dict[str, UnitAttribute]:
    by_code = {a.code: a for a in cycle.unit_attributes.all()}
    last = max((a.sort_order for a in by_code.values()), default=0)
    for definition in definitions:
        attribute = by_code.get(definition.code) or UnitAttribute(cycle=cycle, code=definition.code,
                                                                  sort_order=last + 10)
        last = max(last, attribute.sort_order)
        for name in ("name", "measure", "weight", "log_scale", "allow_negative"):
            setattr(attribute, name, getattr(definition, name))
        attribute.full_clean(validate_unique=False)
        attribute.save()
        by_code[definition.code] = attribute
    return by_code


def _write_values(parsed: attributes.Parsed, by_code: dict[str, UnitAttribute], units: dict[str, Unit]) -> None:
    columns = [by_code[code] for code in parsed.columns]
    rows = {units[code].pk: values for _n, code, values in parsed.rows}
    current = {(v.unit_id, v.attribute_id): v for v in UnitAttributeValue.objects.filter(
        attribute__in=columns, unit_id__in=rows)}
    new, changed, removed = [], [], []
    for unit_id, values in rows.items():
        for attribute in columns:
            value, old = values.get(attribute.code), current.get((unit_id, attribute.pk))
            if old is None and value is not None:
                new.append(UnitAttributeValue(attribute=attribute, unit_id=unit_id, value=value))
            elif old is not None and value is None:
                removed.append(old.pk)
            elif old is not None and old.value != value:
                old.value = value
                changed.append(old)
    UnitAttributeValue.objects.filter(pk__in=removed).delete()
    UnitAttributeValue.objects.bulk_update(changed, ["value", "updated_at"], batch_size=1000)
    UnitAttributeValue.objects.bulk_create(new, batch_size=1000)


@transaction.atomic
def set_weights(cycle: Cycle, choices: dict[int, tuple[Decimal, bool]], *, by) -> list[str]:
    """Set each attribute's weight and 取对数 (by attribute id); returns the names of those that changed.

    Refused (ValidationError, in Chinese) when an attribute is to be logged but allows negative values or has a
    value that is not positive: the log of it does not exist."""
    rows = list(cycle.unit_attributes.select_for_update().filter(pk__in=choices))
    problems, changed = [], []
    for attribute in rows:
        weight, log_scale = choices[attribute.pk]
        if log_scale and not attribute.log_scale:
            problems += _log_problems(attribute)
        if (weight, log_scale) != (attribute.weight, attribute.log_scale):
            before = log.snapshot(attribute, ATTRIBUTE_FIELDS)
            attribute.weight, attribute.log_scale = weight, log_scale
            changed.append((attribute, before))
    if problems:
        raise ValidationError(problems)
    for attribute, before in changed:
        attribute.full_clean(validate_unique=False)
        attribute.save(update_fields=["weight", "log_scale"])
        log.record("unit.attribute_weight_set", attribute, user=by, before=before,
                   after=log.snapshot(attribute, ATTRIBUTE_FIELDS))
    return [attribute.name for attribute, _before in changed]


def _log_problems(attribute: UnitAttribute) -> list[str]:
    if attribute.allow_negative:
        return [f"“{attribute.name}”允许负值，不能取对数。"]
    bad = list(attribute.values.filter(value__lte=0).select_related("unit").order_by("unit__code")[:5])
    if bad:
        units = "、".join(f"{v.unit.name}（{v.value.normalize()}）" for v in bad)
        return [f"“{attribute.name}”有不大于 0 的值，不能取对数：{units}。"]
    return []


def group_code(unit: Unit) -> str:
    code = f"{GROUP_PREFIX}{unit.code}"
    return code if len(code) <= 20 else f"{GROUP_PREFIX}{unit.pk}"


@transaction.atomic
def save_neighbour_group(cycle: Cycle, unit: Unit, neighbours: list[Unit], *, by) -> Group:
    """Keep `unit` and its proposed `neighbours` as the office's comparison group (比较组) of the cycle, for the
    comparison pages (横比). Saving again replaces the members; a group of the code that is not a comparison
    group (a scoring group) is never touched."""
    code = group_code(unit)
    group = Group.objects.select_for_update().filter(cycle=cycle, code=code).first()
    if group is not None and group.purpose != GroupPurpose.COMPARE:
        raise ValidationError(f"本年度已有编码为“{code}”的考核组别，不能覆盖，请先修改该组别的编码。")
    if not neighbours:
        raise ValidationError(f"“{unit.label}”没有可保存的近邻单位。")
    before = {"units": sorted(group.units.values_list("code", flat=True))} if group is not None else None
    if group is None:
        group = Group.objects.create(cycle=cycle, code=code, name=f"{unit.label}及其近邻单位"[:60],
                                     purpose=GroupPurpose.COMPARE, sort_order=900)
    group.units.set([unit, *neighbours])
    log.record("unit.neighbour_group_saved", group, user=by, before=before,
               after={"code": code, "units": sorted(u.code for u in [unit, *neighbours])})
    return group
