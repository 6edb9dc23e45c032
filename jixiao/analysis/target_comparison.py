"""A target beside its own past and its peers (纵比与横比, “自己和自己比”, 标杆), for the target page.

- `history`: the unit's target, baseline and actual of the indicator in every cycle, with whether the actual met
  the target and how much the actual grew on the year before.
- `peer_groups`: in each peer group (考核组别) of the cycle the unit belongs to, every member's target of the
  indicator and how far it lifts the member's own baseline (目标增幅): the comparison that is fair between units of
  different size. Members are ranked by it — higher for a higher-better indicator, lower (a deeper cut) for a
  lower-better one; a member without a baseline is listed unranked.

Both read a fixed number of queries whatever the number of cycles or members. Only higher- and lower-better
indicators have numbers to compare; for the others the history lists the targets alone and there are no peers.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from jixiao.indicators.models import SINGLE_BOUND_DIRECTIONS, Direction, Target
from jixiao.org.models import Group, GroupPurpose

PERCENT = Decimal("0.1")


def percent_change(new: Decimal | None, old: Decimal | None) -> Decimal | None:
    """(new ÷ old − 1) in percent to one decimal place; None without both or with an old value of 0."""
    if new is None or old is None or old == 0:
        return None
    return ((new / old - 1) * 100).quantize(PERCENT, ROUND_HALF_UP)


@dataclass
class YearRow:
    target: Target
    met: bool | None  # the actual met the target (None: not both known, or nothing to compare)
    growth: Decimal | None  # the actual against the year before's actual, in percent

    @property
    def year(self) -> int:
        return self.target.cycle.year


def met(direction: str, value: Decimal | None, actual: Decimal | None) -> bool | None:
    if value is None or actual is None or direction not in SINGLE_BOUND_DIRECTIONS:
        return None
    return actual >= value if direction == Direction.HIGHER_BETTER else actual <= value


def history(target: Target) -> list[YearRow]:
    """Every cycle's target of the unit and indicator, oldest first (one query)."""
    direction = target.indicator.direction
    comparable = direction in SINGLE_BOUND_DIRECTIONS
    rows, previous = [], None
    for past in Target.objects.filter(unit_id=target.unit_id, indicator_id=target.indicator_id).select_related(
            "cycle").order_by("cycle__year"):
        growth = percent_change(past.actual, previous.actual) if previous is not None and comparable else None
        rows.append(YearRow(past, met(direction, past.target_value, past.actual), growth))
        previous = past
    return rows


def history_chart(rows: list[YearRow], measure_unit: str) -> dict | None:
    """An ECharts option: target and actual by year (None when fewer than two years have a number)."""
    numbered = [row for row in rows if row.target.target_value is not None or row.target.actual is not None]
    if len(numbered) < 2:
        return None

    def series(name, field):
        return {"name": name, "type": "line", "connectNulls": False,
                "data": [None if getattr(row.target, field) is None else float(getattr(row.target, field))
                         for row in numbered]}

    return {"tooltip": {"trigger": "axis"}, "legend": {}, "grid": {"containLabel": True},
            "xAxis": {"type": "category", "data": [f"{row.year}年" for row in numbered]},
            "yAxis": {"type": "value", "name": measure_unit},
            "series": [series("目标值", "target_value"), series("年度实际值", "actual")]}


@dataclass
class PeerRow:
    target: Target
    lift: Decimal | None  # 目标增幅: the target against the member's baseline, in percent
    rank: int | None
    is_self: bool


@dataclass
class PeerGroup:
    group: Group
    rows: list[PeerRow]  # ranked members first, then the unranked, each by unit order
    ranked: int
    median_lift: Decimal | None
    best: PeerRow | None

    @property
    def own(self) -> PeerRow | None:
        return next((row for row in self.rows if row.is_self), None)


def peer_groups(target: Target) -> list[PeerGroup]:
    """The target's peers in each 考核组别 of its cycle that holds its unit (two queries)."""
    direction = target.indicator.direction
    if direction not in SINGLE_BOUND_DIRECTIONS:
        return []
    groups = list(Group.objects.filter(cycle_id=target.cycle_id, purpose=GroupPurpose.PEER, units=target.unit_id)
                  .prefetch_related("units"))
    members = {unit.pk for group in groups for unit in group.units.all()}
    targets = {t.unit_id: t for t in Target.objects.filter(cycle_id=target.cycle_id, indicator_id=target.indicator_id,
                                                           unit_id__in=members).select_related("unit")}
    found = []
    for group in groups:
        rows = [PeerRow(t, percent_change(t.target_value, t.baseline), None, t.pk == target.pk)
                for unit in sorted(group.units.all(), key=lambda u: (u.sort_order, u.code))
                if (t := targets.get(unit.pk)) is not None]
        ranked = sorted((row for row in rows if row.lift is not None), key=lambda row: row.lift,
                        reverse=direction == Direction.HIGHER_BETTER)
        for place, row in enumerate(ranked, start=1):  # ties share the better place: 1, 1, 3
            row.rank = ranked[place - 2].rank if place > 1 and row.lift == ranked[place - 2].lift else place
        unranked = [row for row in rows if row.lift is None]
        median = (Decimal(statistics.median([row.lift for row in ranked])).quantize(PERCENT, ROUND_HALF_UP)
                  if ranked else None)
        found.append(PeerGroup(group, ranked + unranked, len(ranked), median, ranked[0] if ranked else None))
    return found
