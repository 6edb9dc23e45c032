"""A unit's change history, read from the audit log and put into words."""

from django.db.models import Q

from jixiao.audit.models import Event
from jixiao.org.models import Cadre, CadrePost, Unit, UnitKind

EVENT_LABELS = {
    "unit.created": "新增单位",
    "unit.updated": "修改单位",
    "unit.moved": "调整上级",
    "unit.retired": "撤销单位",
    "unit.imported": "导入单位名册",
    "cadre.created": "新增干部",
    "cadre.updated": "修改干部",
    "cadre.ended": "干部离任",
    "cycle.created": "新建考核年度",
    "cycle.status_changed": "考核年度状态变更",
}
LIMIT = 50


def _labels(model) -> dict[str, str]:
    return {f.name: str(f.verbose_name) for f in model._meta.fields}


FIELD_LABELS = {"org.Unit": _labels(Unit), "org.Cadre": _labels(Cadre)}
VALUE_LABELS = {"kind": dict(UnitKind.choices), "post": dict(CadrePost.choices)}


def for_unit(unit: Unit, cadres: list[Cadre]) -> list[dict]:
    """The latest events about the unit and its cadres, newest first, with what changed."""
    where = Q(object_type="org.Unit", object_id=str(unit.pk))
    if cadres:
        where |= Q(object_type="org.Cadre", object_id__in=[str(c.pk) for c in cadres])
    events = list(Event.objects.filter(where).order_by("-id")[:LIMIT])
    parent_ids = set()
    for event in events:
        for side in (event.before or {}, event.after or {}):
            if side.get("parent"):
                parent_ids.add(side["parent"])
    names = dict(Unit.objects.filter(pk__in=parent_ids).values_list("pk", "name")) if parent_ids else {}
    return [_row(event, names) for event in events]


def _row(event: Event, unit_names: dict) -> dict:
    return {
        "event": event,
        "label": EVENT_LABELS.get(event.code, event.code),
        "changes": changes(event, unit_names),
    }


def changes(event: Event, unit_names: dict | None = None) -> list[tuple[str, str, str]]:
    """(field, old, new) for each field that differs between before and after."""
    before, after = event.before or {}, event.after or {}
    labels = FIELD_LABELS.get(event.object_type, {})
    rows = []
    for key in after if after else before:
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        rows.append((labels.get(key, key), _show(key, old, unit_names or {}), _show(key, new, unit_names or {})))
    return rows


def _show(key, value, unit_names) -> str:
    if value is None or value == "":
        return "—"
    if key in ("parent", "unit"):
        return unit_names.get(value, f"#{value}")
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(VALUE_LABELS.get(key, {}).get(value, value))
