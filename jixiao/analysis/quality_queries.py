"""The queries of 数据质量预警: the figures of one reporting period, each tested against the unit's own history
and against its group (quality.py holds the tests).

History: the unit's verified figures of the same period code in the `quality.HISTORY_YEARS` years before, less
the years measured under another definition (IndicatorVersion, 口径). Peers: the same period's figures of the
other units holding the same scheme item (the same 考核组别 and indicator), from submissions that have been
sent (待审核 onwards); a value without a scheme item is set against every unit reporting the indicator.

Everything is fetched in bulk: `assess_values` reads at most seven queries however many values it is given
(tests/test_quality_queries.py).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from jixiao.analysis import quality
from jixiao.analysis.compare import definition_changed, definition_starts
from jixiao.analysis.models import QualityRule
from jixiao.indicators.models import SchemeItem
from jixiao.org.models import Unit
from jixiao.reporting.models import Period, Status, Value

REPORTED = [Status.SUBMITTED, Status.APPROVED, Status.VERIFIED, Status.LOCKED]
EVERYONE = "本期全部报送单位"


def rule_for(cycle) -> QualityRule:
    """The cycle's thresholds, or the defaults (unsaved) where the office has set none."""
    return QualityRule.objects.filter(cycle=cycle).first() or QualityRule(cycle=cycle)


def plain(rule: QualityRule) -> quality.Rule:
    return quality.Rule(rule.threshold, rule.min_history, rule.min_peers)


def assess_values(period, values, rule: QualityRule | None = None) -> dict[int, quality.Assessment]:
    """value id → both tests of each numeric value of `period` in `values` (at most 7 queries, whatever their number)."""
    values = [v for v in values if v is not None and v.number is not None]
    if not values:
        return {}
    year = period.cycle.year
    thresholds = plain(rule or rule_for(period.cycle))
    unit_ids = {v.unit_id for v in values}
    indicator_ids = {v.indicator_id for v in values}
    history = _history(period, year, unit_ids, indicator_ids)
    starts = definition_starts(indicator_ids)
    by_item, by_indicator = _peers(period, indicator_ids)
    groups = dict(SchemeItem.objects.filter(pk__in={v.item_id for v in values if v.item_id})
                  .values_list("pk", "group__name"))
    began = dict(Unit.objects.filter(pk__in=unit_ids).values_list("pk", "valid_from"))
    out = {}
    for v in values:
        years = history.get((v.unit_id, v.indicator_id), {})
        same = [n for y, n in years.items() if not definition_changed(starts.get(v.indicator_id, []), y, year)]
        pool = by_item[v.item_id] if v.item_id else by_indicator[v.indicator_id]
        others = [n for unit_id, n in pool if unit_id != v.unit_id]
        group = f"考核组别“{groups[v.item_id]}”" if v.item_id in groups else EVERYONE
        since = began[v.unit_id].year if began[v.unit_id].year > year - quality.HISTORY_YEARS else None
        out[v.pk] = quality.assess(v.number, same, others, thresholds, group=group, since_year=since,
                                   left_out=len(years) - len(same))
    return out


def _history(period, year, unit_ids, indicator_ids) -> dict[tuple[int, int], dict[int, object]]:
    """(unit, indicator) → {year: verified figure of the same period code} over the years before `year`."""
    out = defaultdict(dict)
    for unit_id, indicator_id, y, number in Value.objects.filter(
            unit_id__in=unit_ids, indicator_id__in=indicator_ids, submission__period__code=period.code,
            cycle__year__gte=year - quality.HISTORY_YEARS, cycle__year__lt=year, number__isnull=False,
            verified_at__isnull=False).values_list("unit_id", "indicator_id", "cycle__year", "number"):
        out[(unit_id, indicator_id)][y] = number
    return out


def _peers(period, indicator_ids):
    """The period's sent figures as (unit, number), by scheme item and by indicator."""
    by_item, by_indicator = defaultdict(list), defaultdict(list)
    for unit_id, indicator_id, item_id, number in Value.objects.filter(
            submission__period=period, indicator_id__in=indicator_ids, number__isnull=False,
            submission__status__in=REPORTED).values_list("unit_id", "indicator_id", "item_id", "number"):
        by_item[item_id].append((unit_id, number))
        by_indicator[indicator_id].append((unit_id, number))
    return by_item, by_indicator


@dataclass(frozen=True)
class Flag:
    """A flagged value of a period, with both its tests."""

    value: Value
    assessment: quality.Assessment


def flags(period, *, indicator_ids=None, rule: QualityRule | None = None) -> tuple[list[Flag], int]:
    """The flagged values among the period's sent figures (of `indicator_ids` only, when given), unit by unit,
    and how many figures were tested."""
    values = (Value.objects.filter(submission__period=period, number__isnull=False, submission__status__in=REPORTED)
              .select_related("unit", "indicator", "submission")
              .order_by("unit__sort_order", "unit__code", "indicator__sort_order", "indicator__code"))
    if indicator_ids is not None:
        values = values.filter(indicator_id__in=indicator_ids)
    values = list(values)
    found = assess_values(period, values, rule)
    return [Flag(v, found[v.pk]) for v in values if found[v.pk].flagged], len(values)


def periods_with_figures(cycle) -> list[Period]:
    """The periods of `cycle` with at least one sent submission, oldest first (one query)."""
    return list(Period.objects.filter(cycle=cycle, submissions__status__in=REPORTED).distinct()
                .select_related("cycle").order_by("ends_on", "kind", "code"))
