"""The inputs of improvement targets: for each scheme group and indicator of a cycle, every member's figure of the
year, the 标杆, and each unit's earlier whole years.

A unit's figure is the one the comparison pages read (compare.year_values: the latest verified period, else the
year-end Target.actual). Earlier years count only as whole years (a year-end verified value, else Target.actual)
measured under the same definition (口径) as this year. A fixed number of queries whatever the number of units.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from jixiao.analysis import compare, improvement, stats
from jixiao.indicators.models import NUMERIC_DIRECTIONS, Indicator, SchemeItem, Target
from jixiao.org.models import Cycle, CycleStatus, Group, Unit
from jixiao.reporting.models import DONE, Value

COMPLETE = (CycleStatus.SCORING, CycleStatus.PUBLISHED, CycleStatus.ARCHIVED)


def complete_cycle(cycle) -> Cycle | None:
    """The latest complete year up to `cycle`: `cycle` itself once it is being scored or published, else the latest
    earlier one that is; None when there is none."""
    if cycle.status in COMPLETE:
        return cycle
    return Cycle.objects.filter(year__lt=cycle.year, status__in=COMPLETE).order_by("-year").first()


@dataclass(frozen=True)
class Input:
    """What one unit's proposal on one indicator is computed from."""

    unit: Unit
    indicator: Indicator
    group: Group
    current: compare.YearValue
    figures: dict  # unit id → this year's figure of every member of the group
    names: dict  # unit id → the unit's short name
    years: dict  # year → the unit's whole-year figure before this year, same definition
    benchmark: str  # the 标杆's names, "本单位" when it is the unit itself


def items(cycle, *, group_id=None, indicator_id=None):
    """The scheme items of the cycle whose indicator has a number, with their group and indicator."""
    found = (SchemeItem.objects.filter(scheme__cycle=cycle, indicator__direction__in=NUMERIC_DIRECTIONS)
             .select_related("indicator", "group")
             .order_by("group__sort_order", "group__code", "indicator__sort_order", "indicator__code"))
    if group_id:
        found = found.filter(group_id=group_id)
    if indicator_id:
        found = found.filter(indicator_id=indicator_id)
    return found


def inputs(cycle, *, group_id=None, indicator_id=None) -> list[Input]:
    """One Input per unit × indicator of the cycle's scheme groups that the unit carries (a unit in two groups of one
    indicator: the first)."""
    chosen = list(items(cycle, group_id=group_id, indicator_id=indicator_id))
    members = defaultdict(list)
    for gid, uid in (Group.units.through.objects.filter(group_id__in={i.group_id for i in chosen})
                     .values_list("group_id", "unit_id")):
        members[gid].append(uid)
    unit_ids = {u for gid in members for u in members[gid]}
    indicator_ids = {i.indicator_id for i in chosen}
    units = Unit.objects.in_bulk(unit_ids)
    current = compare.year_values(cycle, indicator_ids, unit_ids, compare.as_of_for(cycle))
    history = whole_years(cycle, indicator_ids, unit_ids)
    carried = set(Target.objects.filter(cycle=cycle, indicator_id__in=indicator_ids)
                  .values_list("unit_id", "indicator_id"))
    with_targets = {indicator_id for _unit_id, indicator_id in carried}
    out, seen = [], set()
    for item in chosen:
        ids = sorted(members[item.group_id], key=lambda pk: (units[pk].sort_order, units[pk].code))
        figures = {pk: current[(pk, item.indicator_id)].number for pk in ids}
        names = {pk: units[pk].label for pk in ids}
        best = _best(figures, item.indicator.direction)
        for pk in ids:
            if (pk, item.indicator_id) in seen or not owed(pk, item.indicator_id, carried, with_targets):
                continue
            seen.add((pk, item.indicator_id))
            benchmark = "本单位" if pk in best and len(best) == 1 else "、".join(names[b] for b in best)
            out.append(Input(units[pk], item.indicator, item.group, current[(pk, item.indicator_id)], figures,
                             names, history.get((pk, item.indicator_id), {}), benchmark))
    return out


def owed(unit_id, indicator_id, carried: set, with_targets: set) -> bool:
    """Whether the unit carries the indicator: it has a target of it, or the indicator has no targets at all (as
    reporting decides who owes a value; a unit without one is not proposed a target of it)."""
    return (unit_id, indicator_id) in carried or indicator_id not in with_targets


def _best(figures, direction) -> tuple:
    if direction not in stats.DIRECTIONS:
        return ()
    return improvement.benchmarks(figures, direction)[0]


def whole_years(cycle, indicator_ids, unit_ids) -> dict[tuple[int, int], dict[int, Decimal]]:
    """(unit, indicator) → {year: whole-year figure} of the years before `cycle` measured under this year's
    definition (3 queries): the year-end verified value, else the year's Target.actual."""
    out = defaultdict(dict)
    for year, unit_id, indicator_id, actual in Target.objects.filter(
            cycle__year__lt=cycle.year, indicator_id__in=indicator_ids, unit_id__in=unit_ids,
            actual__isnull=False).values_list("cycle__year", "unit_id", "indicator_id", "actual"):
        out[(unit_id, indicator_id)][year] = actual
    for year, unit_id, indicator_id, code, number in (
            Value.objects.filter(cycle__year__lt=cycle.year, indicator_id__in=indicator_ids, unit_id__in=unit_ids,
                                 submission__status__in=DONE, verified_at__isnull=False, number__isnull=False)
            .order_by("submission__period__ends_on", "id")
            .values_list("cycle__year", "unit_id", "indicator_id", "submission__period__code", "number")):
        if compare._is_year_end(year, code):
            out[(unit_id, indicator_id)][year] = number
    starts = compare.definition_starts(indicator_ids)
    for (_unit_id, indicator_id), years in out.items():
        mine = starts.get(indicator_id, [])
        for year in [y for y in years if compare.definition_changed(mine, y, cycle.year)]:
            del years[year]
    return out


def proposal(row: Input, method: str, share: Decimal) -> improvement.Proposal:
    """The proposal of one input; a part-year figure says which period it is."""
    found = improvement.propose(method, share, row.indicator.direction, row.current.number, group=row.figures,
                                names=row.names, years=row.years, key=row.unit.pk)
    if found.current is not None and not row.current.full_year:
        found = improvement.Proposal(found.value, found.current, found.reference,
                                     f"（按{row.current.period_label}累计值）{found.explanation}", found.keep)
    if row.unit.valid_to is not None:
        found = improvement.Proposal(None, found.current, None, f"单位已于 {row.unit.valid_to:%Y-%m-%d} 撤销或合并，"
                                                                "不再提出下一年度目标")
    return found
