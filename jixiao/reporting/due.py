"""What is due: what each unit must report in a period, and when a period it did not submit is overdue (逾期).

What is due is read from the cycle's published schemes in a fixed number of queries. An indicator is due in a period when its frequency is the period's kind (a quarterly indicator in Q1–Q4, a
yearly one in Y) and a published scheme of the cycle lists it for a group the unit belongs to. Figures are
cumulative for the year to date (累计值), so the last period of the year carries the annual actual.
"""

import datetime
from collections import defaultdict

from django.db.models import Q
from django.utils import timezone

from jixiao.indicators.models import SchemeItem, SchemeStatus
from jixiao.org.models import Group


def is_overdue(period, submission, exception=None, day: datetime.date | None = None) -> bool:
    """The one rule for 逾期: a period that closed without a submission from the unit is overdue.

    "Closed" is the unit's deadline (`exception`'s when the office granted one) plus the period's grace days
    (`Period.late_after`); "without a submission" means never submitted (`Submission.first_submitted_at` is
    empty: a draft, or no submission at all — pass None). A submission made late is no longer overdue; it counts as
    late (`actions.is_late`). Every page that lists a unit's period — the reporting pages, the unit's to-do, the
    dashboards — shows and counts 逾期 through this function, so that a missed period is never shown as 未开始.
    """
    if submission is not None and submission.first_submitted_at is not None:
        return False
    deadline = exception.deadline if exception is not None else period.deadline
    return (day or timezone.localdate()) > period.late_after(deadline)


def assessor_id_of(item) -> int | None:
    """The assessor unit owning a scheme item: the item's own, else the definition's default."""
    return item.assessor_id or item.version.default_assessor_id


def _items(period):
    return (SchemeItem.objects.filter(scheme__cycle_id=period.cycle_id, scheme__status=SchemeStatus.PUBLISHED,
                                      indicator__frequency=period.kind)
            .select_related("indicator", "version", "assessor", "version__default_assessor", "scheme")
            .order_by("indicator__sort_order", "indicator__code", "scheme_id", "group_id"))


def items_for_unit(period, unit) -> list:
    """The scheme items due from `unit` in `period`, one per indicator."""
    seen, rows = set(), []
    for item in _items(period).filter(group__units=unit):
        if item.indicator_id not in seen:
            seen.add(item.indicator_id)
            rows.append(item)
    return rows


def items_for_assessor(period, assessor) -> list:
    """The scheme items of `period` owned by the assessor unit, one per indicator."""
    qs = _items(period).filter(Q(assessor=assessor) | Q(assessor__isnull=True, version__default_assessor=assessor))
    seen, rows = set(), []
    for item in qs:
        if item.indicator_id not in seen:
            seen.add(item.indicator_id)
            rows.append(item)
    return rows


def scope_by_unit(period) -> dict[int, dict[int, object]]:
    """unit id -> {indicator id -> scheme item} for every unit assessed in `period` (two queries)."""
    by_group, groups_of = scope_by_group(period)
    scope: dict[int, dict[int, object]] = defaultdict(dict)
    for unit_id, group_ids in groups_of.items():
        scope[unit_id] = items_of_groups(by_group, group_ids)
    return scope


def items_of_groups(by_group: dict[int, list[tuple[int, object]]], group_ids, keep=None) -> dict[int, object]:
    """indicator id -> scheme item of a unit in `group_ids` (`scope_by_group`'s), the first item of an indicator
    winning; with `keep`, only the indicators in it."""
    items: dict[int, object] = {}
    for group_id in group_ids:
        for indicator_id, item in by_group[group_id]:
            if keep is None or indicator_id in keep:
                items.setdefault(indicator_id, item)
    return items


def scope_by_group(period) -> tuple[dict[int, list[tuple[int, object]]], dict[int, list[int]]]:
    """What `scope_by_unit` merges a unit at a time (two queries): group id -> (indicator id, scheme item) of each
    item due in `period`, and unit id -> its groups, in the order the unit's items are taken (the first item of an
    indicator wins). For callers that work a group at a time: the units of a group share its items."""
    by_group = defaultdict(list)
    for item in _items(period):
        by_group[item.group_id].append((item.indicator_id, item))
    members = Group.units.through.objects.filter(group_id__in=by_group).values_list("group_id", "unit_id")
    groups_of: dict[int, list[int]] = defaultdict(list)
    for group_id, unit_id in members:
        groups_of[unit_id].append(group_id)
    return by_group, groups_of
