"""What is due: what each unit must report in a period, and when a period it did not submit is overdue (逾期).

What is due (应报) is read from the cycle's published schemes and targets in a fixed number of queries. An
indicator is due from a unit in a period when its frequency is the period's kind (a quarterly indicator in Q1–Q4,
a yearly one in Y), a published scheme of the cycle lists it for a group the unit belongs to, and the unit is
among those who report it (`is_due_from`): when the indicator has targets (Target) for some units in the cycle,
only the units with a target for it report it; an indicator without any target in the cycle (qualitative and
key-work items) is due from every unit of its groups. Scoring reads the same rule (scoring.loader): a unit is
never scored for an item it was not due to report. Figures are cumulative for the year to date (累计值), so the
last period of the year carries the annual actual.
"""

import datetime
from collections import defaultdict

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from jixiao.indicators.models import SchemeItem, SchemeStatus, Target
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


def is_due_from(targeted: bool, has_target: bool) -> bool:
    """The rule of who reports a scheme item (应报), for reporting and scoring alike.

    `targeted`: the item's indicator has a Target for at least one unit in the cycle; `has_target`: the unit has
    one. An indicator with targets is due only from the units that have a target for it (a bureau reports its
    own indicators, not every indicator of its group); one without any target in the cycle (qualitative items,
    key work) is due from every unit of the item's groups.
    """
    return has_target or not targeted


def target_pairs(cycle_id, indicator_ids) -> dict[int, set[int]]:
    """indicator id -> the units with a Target for it in the cycle (one query), for `is_due_from`."""
    pairs: dict[int, set[int]] = defaultdict(set)
    # Unordered: Target's default ordering joins the cycle, indicator and unit and sorts every target of the
    # indicators, which a province's scoring (bench/province.py) paid once per scheme, for a dict of sets.
    for indicator_id, unit_id in Target.objects.filter(cycle_id=cycle_id, indicator_id__in=indicator_ids) \
            .order_by().values_list("indicator_id", "unit_id"):
        pairs[indicator_id].add(unit_id)
    return pairs


def items_for_unit(period, unit) -> list:
    """The scheme items due from `unit` in `period`, one per indicator (one query)."""
    targets = Target.objects.filter(cycle_id=period.cycle_id, indicator_id=OuterRef("indicator_id"))
    seen, rows = set(), []
    for item in _items(period).filter(group__units=unit).annotate(
            targeted=Exists(targets), has_target=Exists(targets.filter(unit=unit))):
        if item.indicator_id not in seen and is_due_from(item.targeted, item.has_target):
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


def scope_by_unit(period, keep=None) -> dict[int, dict[int, object]]:
    """unit id -> {indicator id -> scheme item} for every unit that has something due in `period` (three queries).

    A unit in several groups takes the first item of an indicator (its groups in membership order). With `keep`
    (indicator ids, e.g. an assessor's), each unit's items are narrowed to those; the unit stays listed.
    """
    items = list(_items(period))
    by_group: dict[int, list] = defaultdict(list)
    for item in items:
        by_group[item.group_id].append(item)
    pairs = target_pairs(period.cycle_id, {item.indicator_id for item in items})
    scope: dict[int, dict[int, object]] = {}
    for unit_id, group_id in Group.units.through.objects.filter(group_id__in=by_group).values_list(
            "unit_id", "group_id"):
        owed = scope.setdefault(unit_id, {})
        for item in by_group[group_id]:
            if item.indicator_id not in owed and is_due_from(item.indicator_id in pairs,
                                                             unit_id in pairs.get(item.indicator_id, ())):
                owed[item.indicator_id] = item
    return {unit_id: {i: item for i, item in owed.items() if keep is None or i in keep}
            for unit_id, owed in scope.items() if owed}
