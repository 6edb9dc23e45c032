"""The queries of 横比纵比: one indicator of one cycle across a peer set, and one unit against its own past.

Which figure is a unit's value: the one the scoring engine scores (scoring/loader.py `_reported`): the
verified reporting value (已核定 / 已锁定) of the latest period ended by the day asked, the year-end
`Target.actual` (年末核定回填) where there is none; a value changed after unlocking and not verified again is
missing (数值待核定), never the figure it replaced. Values are year-to-date, so last year's figure that a value
is set against is that of the *same period* (上年同期): June against June, never against a whole year.

Peer sets (`PeerSet`): a 考核组别 of a scheme item of the indicator, an office 比较组 (`GroupPurpose.COMPARE`),
or every unit of the cycle's groups that holds the indicator. Score lines are read from the run that stands
for each scheme (`scoring.queries.current_run`) among the runs the reader may see (`access.visible_runs`).

Every function reads a fixed number of queries whatever the number of units (tests/test_compare.py); the
statistics are `stats.py`'s.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from jixiao.analysis import history, stats
from jixiao.indicators.models import (
    SINGLE_BOUND_DIRECTIONS,
    Aggregation,
    Indicator,
    IndicatorVersion,
    SchemeItem,
    Target,
)
from jixiao.org.models import Cycle, Group, GroupPurpose, Succession, Unit
from jixiao.reporting.models import DONE, Value, period_bounds
from jixiao.scoring.loader import PERIOD_LABELS, _reported
from jixiao.scoring.models import ScoreLine
from jixiao.scoring.queries import current_run
from jixiao.scoring.types import SCORED, STATUS_LABELS

VALUE, POINTS = "value", "points"
MEASURES = {VALUE: "指标值", POINTS: "指标得分"}
ALL = "all"
SCHEME, COMPARE = "scheme", "compare"
PEER_KINDS = {SCHEME: "考核组别", COMPARE: "比较组", ALL: "全部单位"}


@dataclass(frozen=True)
class PeerSet:
    """The units compared together: a scheme group, an office comparison group, or all units."""

    kind: str  # SCHEME, COMPARE or ALL
    code: str  # the group's code; "all" for all units
    name: str
    unit_ids: frozenset[int]

    @property
    def label(self) -> str:
        return self.name if self.kind == ALL else f"{PEER_KINDS[self.kind]}：{self.name}"


@dataclass(frozen=True)
class YearValue:
    """A unit's figure of an indicator in one cycle, where it came from, or why there is none."""

    number: Decimal | None
    code: str = ""  # the period code of the reporting value; "" for a year-end Target.actual or none
    note: str = ""
    full_year: bool = False  # covers the whole year (a year-end period, or Target.actual)

    @property
    def period_label(self) -> str:
        return "全年" if self.full_year else PERIOD_LABELS.get(self.code, self.code)


@dataclass(frozen=True)
class Row:
    """One unit in a comparison table."""

    unit: Unit
    current: YearValue
    standing: stats.Standing | None
    previous: YearValue | None = None
    change: Decimal | None = None
    growth: stats.Outcome | None = None


@dataclass(frozen=True)
class Table:
    """A peer set compared on one indicator of one cycle (横比), with last year's figure of each unit (纵比)."""

    cycle: Cycle
    indicator: Indicator
    peer_set: PeerSet
    measure: str
    comparison: stats.Comparison
    rows: list[Row]  # ranked, best first
    missing: list[Row]  # no value: listed apart
    notes: list[str] = field(default_factory=list)
    run_label: str = ""

    @property
    def best_units(self) -> list[Unit]:
        return [row.unit for row in self.rows if row.standing.rank == 1]

    @property
    def size(self) -> int:
        return self.comparison.size

    def row_of(self, unit_id) -> Row | None:
        return next((row for row in self.rows + self.missing if row.unit.pk == unit_id), None)


def comparable_indicators(cycle):
    """The indicators of the cycle's scheme items that have one number to rank (higher or lower better)."""
    return (Indicator.objects.filter(scheme_items__scheme__cycle=cycle, direction__in=SINGLE_BOUND_DIRECTIONS)
            .distinct().order_by("sort_order", "code"))


def peer_sets(cycle, indicator) -> list[PeerSet]:
    """The peer sets to choose from (2 queries): the indicator's scheme groups, the office's comparison
    groups of the cycle, then all units of those scheme groups."""
    scheme_groups = set(SchemeItem.objects.filter(scheme__cycle=cycle, indicator=indicator)
                        .values_list("group_id", flat=True))
    groups, members = {}, defaultdict(set)
    for group_id, code, name, purpose, unit_id in (
            Group.objects.filter(cycle=cycle).filter(Q(pk__in=scheme_groups) | Q(purpose=GroupPurpose.COMPARE))
            .order_by("sort_order", "code").values_list("pk", "code", "name", "purpose", "units")):
        groups[group_id] = (code, name, purpose)
        if unit_id is not None:
            members[group_id].add(unit_id)
    out = [PeerSet(SCHEME, code, name, frozenset(members[gid])) for gid, (code, name, _p) in groups.items()
           if gid in scheme_groups]
    out += [PeerSet(COMPARE, code, name, frozenset(members[gid])) for gid, (code, name, purpose) in groups.items()
            if purpose == GroupPurpose.COMPARE and gid not in scheme_groups]
    everyone = frozenset(u for gid in scheme_groups for u in members[gid])
    return out + [PeerSet(ALL, ALL, "全部被考核单位", everyone)]


def peer_set(cycle, indicator, code: str = "") -> PeerSet | None:
    """The peer set named by `code` (a group code, or "all"); the first scheme group without one; None when
    `code` names no set of this indicator."""
    sets = peer_sets(cycle, indicator)
    if not code:
        return sets[0]
    return next((s for s in sets if s.code == code), None)


def as_of_for(cycle) -> datetime.date:
    """The day a comparison reads: today during the cycle, its last day once it is over."""
    return min(timezone.localdate(), cycle.ends_on)


def _is_year_end(year: int, code: str) -> bool:
    end = period_bounds(year, code)[1]
    return (end.month, end.day) == (12, 31)


def year_values(cycle, indicator_ids, unit_ids, as_of) -> dict[tuple[int, int], YearValue]:
    """(unit, indicator) → the figure the scoring engine reads (2 queries)."""
    reported = _reported(cycle, set(indicator_ids), set(unit_ids), as_of)
    actuals = dict(((u, i), a) for u, i, a in Target.objects.filter(
        cycle=cycle, indicator_id__in=indicator_ids, unit_id__in=unit_ids, actual__isnull=False)
        .values_list("unit_id", "indicator_id", "actual"))
    out = {}
    for key in {(u, i) for u in unit_ids for i in indicator_ids}:
        number, _text, code, verified = reported.get(key, (None, "", "", True))
        if not verified:
            out[key] = YearValue(None, code, f"{PERIOD_LABELS.get(code, code)}数值修改后尚未重新核定")
        elif number is not None:
            out[key] = YearValue(number, code, f"{PERIOD_LABELS.get(code, code)}已核定报送值",
                                 _is_year_end(cycle.year, code))
        elif key in actuals:
            out[key] = YearValue(actuals[key], "", "年末核定实际值", True)
        else:
            out[key] = YearValue(None, "", "无已核定数值")
    return out


def previous_values(cycle, indicator_ids, unit_ids, current: dict) -> dict[tuple[int, int], YearValue]:
    """(unit, indicator) → last year's figure of the same period as `current`'s (2 queries).

    A year-to-date value of period P is set against last year's verified value of P; a whole-year value
    against last year's whole year (its year-end period, else its Target.actual)."""
    year = cycle.year - 1
    rows = (Value.objects.filter(cycle__year=year, submission__status__in=DONE, verified_at__isnull=False,
                                 number__isnull=False, indicator_id__in=indicator_ids, unit_id__in=unit_ids)
            .order_by("submission__period__ends_on", "id")
            .values_list("unit_id", "indicator_id", "submission__period__code", "number"))
    by_code, year_end = {}, {}
    for unit_id, indicator_id, code, number in rows:
        by_code[(unit_id, indicator_id, code)] = number
        if _is_year_end(year, code):
            year_end[(unit_id, indicator_id)] = (number, code)
    actuals = dict(((u, i), a) for u, i, a in Target.objects.filter(
        cycle__year=year, indicator_id__in=indicator_ids, unit_id__in=unit_ids, actual__isnull=False)
        .values_list("unit_id", "indicator_id", "actual"))
    out = {}
    for key, now in current.items():
        if now.number is None:
            continue
        if not now.full_year:
            number = by_code.get((*key, now.code))
            out[key] = (YearValue(number, now.code, f"{year}年{now.period_label}已核定报送值") if number is not None
                        else YearValue(None, now.code, f"{year}年{now.period_label}无已核定数值（同期不可比）"))
        elif key in year_end:
            number, code = year_end[key]
            out[key] = YearValue(number, code, f"{year}年全年已核定报送值", True)
        elif key in actuals:
            out[key] = YearValue(actuals[key], "", f"{year}年年末核定实际值", True)
        else:
            out[key] = YearValue(None, "", f"{year}年无全年数值（可能当时尚未设立或未报送）")
    return out


def _units(unit_ids):
    return {u.pk: u for u in Unit.objects.filter(pk__in=unit_ids)}


def _build(cycle, indicator, peers, measure, figures, previous, notes, run_label="", *, units=None) -> Table:
    """The table of `peers`; `units` (id → Unit) when the caller fetched them already, else one query."""
    units = {pk: units[pk] for pk in peers.unit_ids} if units is not None else _units(peers.unit_ids)
    ordered = sorted(units, key=lambda pk: (units[pk].sort_order, units[pk].code))
    comparison = stats.compare({pk: figures[pk].number for pk in ordered}, indicator.direction)
    rows, missing = [], []
    for pk in ordered:
        now, before = figures[pk], previous.get(pk)
        change = growth = None
        if now.number is not None and before is not None and before.number is not None:
            change, growth = now.number - before.number, stats.growth(now.number, before.number)
        elif now.number is not None:
            growth = stats.growth(now.number, None)
        row = Row(units[pk], now, comparison.of(pk), before, change, growth)
        (rows if row.standing is not None else missing).append(row)
    rows.sort(key=lambda r: (r.standing.rank, r.unit.sort_order, r.unit.code))
    return Table(cycle, indicator, peers, measure, comparison, rows, missing,
                 notes + list(comparison.notes), run_label)


def indicator_table(cycle, indicator, peers: PeerSet, *, as_of: datetime.date | None = None) -> Table:
    """Every unit of `peers` on the indicator's value of the cycle, against each other and last year — a unit
    renamed this year against its predecessor's (6 queries; 8 when a unit was renamed)."""
    as_of = as_of or as_of_for(cycle)
    ids = list(peers.unit_ids)
    current = year_values(cycle, [indicator.pk], ids, as_of)
    previous = previous_values(cycle, [indicator.pk], ids, current)
    previous.update(renamed_previous(cycle, ids, [indicator.pk], current, previous))
    figures = {u: current[(u, indicator.pk)] for u in ids}
    before = {u: previous[(u, indicator.pk)] for u in ids if (u, indicator.pk) in previous}
    notes = [f"数值截至 {as_of:%Y-%m-%d}，取各单位已核定的最新报送期（累计值）；与上年同期比较。"]
    starts = definition_starts([indicator.pk]).get(indicator.pk, [])
    if definition_changed(starts, cycle.year - 1, cycle.year):
        notes.append(f"该指标口径自 {cycle.year} 年起调整，与上年同期的比较仅供参考。")
    return _build(cycle, indicator, peers, VALUE, figures, before, notes)


def score_table(cycle, indicator, peers: PeerSet, runs) -> Table:
    """Every unit of `peers` on the indicator's score line in the run that stands for each scheme of the cycle
    holding the indicator, among `runs` (the reader's `access.visible_runs`); last year's likewise."""
    ids = list(peers.unit_ids)
    now, label = _points(cycle, indicator, ids, runs)
    last_cycle = Cycle.objects.filter(year=cycle.year - 1).first()
    before = _points(last_cycle, indicator, ids, runs)[0] if last_cycle else {}
    previous = {u: before.get(u, YearValue(None, "", f"{cycle.year - 1}年无该指标得分")) for u in ids}
    notes = [f"得分取{label}。"] if label else ["本年度尚无可查看的考核结果。"]
    return _build(cycle, indicator, peers, POINTS, {u: now.get(u, YearValue(None, "", "无得分")) for u in ids},
                  previous, notes, label)


def _points(cycle, indicator, unit_ids, runs) -> tuple[dict[int, YearValue], str]:
    schemes = {item.scheme for item in SchemeItem.objects.filter(scheme__cycle=cycle, indicator=indicator)
               .select_related("scheme__cycle")}
    chosen = [run for run in (current_run(s, runs) for s in sorted(schemes, key=lambda s: s.code)) if run]
    out = {}
    for unit_id, points, status in ScoreLine.objects.filter(run__in=chosen, indicator=indicator.code,
                                                             unit_id__in=unit_ids).values_list(
            "unit_id", "points", "status"):
        out[unit_id] = (YearValue(points, "", "", True) if status == SCORED
                        else YearValue(None, "", f"得分行状态：{STATUS_LABELS.get(status, status)}"))
    return out, "、".join(f"{run.scheme.name}{run.get_stage_display()}" for run in chosen)


# --- One unit against its peers and its own past (本单位横比纵比) ----------------------------------------


@dataclass(frozen=True)
class YearPoint:
    year: int
    value: YearValue
    same_definition: bool = True  # measured under the definition (口径) in force in the year compared
    source: str = ""  # "" for the unit's own figure; 原×× etc. for a predecessor's (analysis/history.py)
    comparable: bool = True  # False for a year before a merger, split or transfer (机构调整)
    note: str = ""  # why the year is not compared, or that it is a sum of the predecessors

    @property
    def trended(self) -> bool:
        """Whether the year enters the trend test: a whole year, under the same definition, comparable."""
        return self.value.full_year and self.same_definition and self.comparable


def definition_starts(indicator_ids) -> dict[int, list[int]]:
    """indicator → the years its definitions (IndicatorVersion, 口径) start, oldest first (one query)."""
    starts = defaultdict(list)
    for indicator_id, year in (IndicatorVersion.objects.filter(indicator_id__in=indicator_ids)
                               .order_by("valid_from_year").values_list("indicator_id", "valid_from_year")):
        starts[indicator_id].append(year)
    return starts


def definition_of(starts: list[int], year: int) -> int | None:
    """The start year of the definition in force in `year` (the latest start not after it); None before any."""
    return next((start for start in reversed(starts) if start <= year), None)


def definition_changed(starts: list[int], year: int, other: int) -> bool:
    """Whether `year` and `other` were measured under different definitions (both with one)."""
    a, b = definition_of(starts, year), definition_of(starts, other)
    return a is not None and b is not None and a != b


@dataclass(frozen=True)
class UnitIndicator:
    """One indicator of a unit: its place in its scheme group and its own years."""

    indicator: Indicator
    table: Table
    row: Row
    window: list[stats.Standing]
    years: list[YearPoint]  # oldest first; the running year's part-year figure is marked, never trended
    trend: stats.Trend


def unit_rows(cycle, unit, *, as_of: datetime.date | None = None, alpha: float = 0.05,
              line: history.Lineage | None = None) -> list[UnitIndicator]:
    """Every comparable indicator of the unit's scheme groups in the cycle: rank, window and years — the years
    through the unit's predecessors (`line`, read when not given), marked as analysis/history.py says."""
    as_of = as_of or as_of_for(cycle)
    line = line or history.lineage(unit)
    items = list(SchemeItem.objects.filter(scheme__cycle=cycle, group__units=unit,
                                           indicator__direction__in=SINGLE_BOUND_DIRECTIONS)
                 .select_related("indicator", "group").order_by("indicator__sort_order", "indicator__code"))
    groups = {item.group_id for item in items}
    members = defaultdict(set)
    for gid, uid in Group.units.through.objects.filter(group_id__in=groups).values_list("group_id", "unit_id"):
        members[gid].add(uid)
    indicator_ids = [item.indicator_id for item in items]
    all_ids = {u for gid in groups for u in members[gid]}
    current = year_values(cycle, indicator_ids, all_ids, as_of)
    previous = previous_values(cycle, indicator_ids, all_ids, current)
    previous.update(renamed_previous(cycle, all_ids, indicator_ids, current, previous))
    past = _history(line, indicator_ids, cycle,
                    additive={item.indicator_id for item in items if item.indicator.aggregation == Aggregation.SUM})
    starts = definition_starts(indicator_ids)
    units = _units(all_ids)
    out = []
    for item in items:
        ind = item.indicator
        peers = PeerSet(SCHEME, item.group.code, item.group.name, frozenset(members[item.group_id]))
        mine = starts.get(ind.pk, [])
        notes = ([f"该指标口径自 {cycle.year} 年起调整，与上年同期的比较仅供参考。"]
                 if definition_changed(mine, cycle.year - 1, cycle.year) else [])
        table = _table_from(cycle, ind, peers, units, current, previous, notes)
        row = table.row_of(unit.pk)
        years = past.get(ind.pk, [])
        if row is not None and row.current.number is not None:
            years = [p for p in years if p.year != cycle.year] + [YearPoint(cycle.year, row.current)]
        years = [replace(p, same_definition=not definition_changed(mine, p.year, cycle.year)) for p in years]
        trend = stats.mann_kendall({p.year: p.value.number for p in years if p.trended}, alpha=alpha)
        out.append(UnitIndicator(ind, table, row, stats.window(table.comparison, unit.pk), years, trend))
    return out


def renamed_previous(cycle, unit_ids, indicator_ids, current, previous) -> dict:
    """Last year's same period of the units renamed this year (one 更名 dated in the cycle's year, nothing else):
    their predecessor's figure, marked 原××, where the unit itself has none (1 query; 2 more when one is)."""
    steps = defaultdict(list)
    for after, before, kind, name in Succession.objects.filter(successor_id__in=unit_ids, on__year=cycle.year
                                                               ).values_list("successor_id", "predecessor_id", "kind",
                                                                             "predecessor__name"):
        steps[after].append((before, kind, name))
    renamed = {after: found[0] for after, found in steps.items() if len(found) == 1 and found[0][1] == history.RENAME}
    wanted = {(renamed[u][0], i): (u, now) for (u, i), now in current.items() if u in renamed and i in indicator_ids
              and now.number is not None and (previous.get((u, i)) is None or previous[(u, i)].number is None)}
    if not wanted:
        return {}
    found = previous_values(cycle, indicator_ids, {b for b, _i in wanted}, {k: v[1] for k, v in wanted.items()})
    return {(wanted[key][0], key[1]): replace(value, note=f"原{renamed[wanted[key][0]][2]}{value.note}")
            for key, value in found.items() if value.number is not None}


def _table_from(cycle, indicator, peers, units, current, previous, notes) -> Table:
    figures = {u: current[(u, indicator.pk)] for u in peers.unit_ids}
    before = {u: previous[(u, indicator.pk)] for u in peers.unit_ids if (u, indicator.pk) in previous}
    return _build(cycle, indicator, peers, VALUE, figures, before, notes, units=units)


def _history(line: history.Lineage, indicator_ids, cycle, *, additive=frozenset()) -> dict[int, list[YearPoint]]:
    """indicator → the figure of every cycle up to `cycle` of the unit and its predecessors (2 queries): the latest
    verified period of each year, else its year-end Target.actual; a predecessor's year marked, and not compared
    where a merger, split or transfer lies between (analysis/history.py)."""
    latest = {}
    for unit_id, year, indicator_id, code, number in (
            Value.objects.filter(unit_id__in=line.ids, indicator_id__in=indicator_ids, cycle__year__lte=cycle.year,
                                 submission__status__in=DONE, verified_at__isnull=False, number__isnull=False)
            .order_by("submission__period__ends_on", "id")
            .values_list("unit_id", "cycle__year", "indicator_id", "submission__period__code", "number")):
        latest[(indicator_id, unit_id, year)] = YearValue(number, code, "已核定报送值", _is_year_end(year, code))
    for unit_id, year, indicator_id, actual in Target.objects.filter(
            unit_id__in=line.ids, indicator_id__in=indicator_ids, cycle__year__lte=cycle.year,
            actual__isnull=False).values_list("unit_id", "cycle__year", "indicator_id", "actual"):
        if not latest.get((indicator_id, unit_id, year), YearValue(None)).full_year:
            latest[(indicator_id, unit_id, year)] = YearValue(actual, "", "年末核定实际值", True)
    by_indicator = defaultdict(dict)
    for (indicator_id, unit_id, year), value in latest.items():
        by_indicator[indicator_id][(unit_id, year)] = value
    return {indicator_id: _year_points(line, values, indicator_id in additive)
            for indicator_id, values in by_indicator.items()}


def _year_points(line: history.Lineage, values: dict, additive: bool) -> list[YearPoint]:
    figures = {key: history.Figure(key[0], value.number) for key, value in values.items()}
    years = sorted({year for _unit, year in values})
    whole = {y for y in years if all(v.full_year for (_u, year), v in values.items() if year == y)}
    out = []
    for row in history.follow(line.unit.pk, years, line.links, figures, line.names, full_years=whole,
                              additive=additive, existed=line.existed).years:
        if row.comparable and len(row.figures) > 1:  # a count summed over the merged units
            out.append(YearPoint(row.year, YearValue(row.value, "", row.note, row.full_year),
                                 source="、".join(f.label or "本单位" for f in row.figures), note=row.note))
            continue
        for f in row.figures:
            out.append(YearPoint(row.year, values[(f.unit, row.year)], source=f.label, comparable=row.comparable,
                                 note=row.note))
    return out
