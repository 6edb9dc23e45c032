"""A unit's own past (纵比) across reorganisations (机构调整): whose figures stand for it in each year, and which
years may be compared.

The rules (docs/analysis.md, "纵比与机构调整"), for a `Succession` predecessor → successor dated `on`:

- The years before `on`'s year belong to the predecessor: they are shown on the successor's page, marked 原××.
  The year of `on` and later are the successor's own (a predecessor's part of that year is not carried over).
- 更名 (rename): the predecessor's years are the successor's own: compared and trended as usual.
- 合并 (merge): each predecessor's figure is shown, never summed, and the year is not comparable (no growth, left
  out of the trend) — except an indicator value whose indicator adds up (分解汇总方式 求和, a count or a total):
  when two or more of the merged units had a figure that year and every one that existed then has one, their sum
  is compared as the year's figure (one unit's figure alone is only part of what the successor now holds).
- 拆分 (split) and 划转 (transfer): the predecessor's figure is shown "由××拆分，仅供参考" / "原××（划转），仅供参考",
  never compared.
- Several steps chain: the year is comparable only if every step crossed is a rename (or, for a sum, a merge).

A year's figure is compared with the previous year's only when both are comparable whole years; the trend is the
Mann–Kendall test (`stats.mann_kendall`) over the comparable whole years, five at least.

Pure functions over plain data first (`Link`, `Figure`, `follow`), tested by hand in tests/test_history.py; the
queries that feed them (`lineage`, `score_history`, `satisfaction_history`) below.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from jixiao.analysis import stats

RENAME, MERGE, SPLIT, TRANSFER = "rename", "merge", "split", "transfer"
SHORT_TREND = "年份不足五年，不作趋势判断"


@dataclass(frozen=True)
class Link:
    """One recorded succession: `predecessor` → `successor`, the successor's own from `year` on."""

    predecessor: int
    successor: int
    kind: str
    year: int


@dataclass(frozen=True)
class Figure:
    """One unit's figure of one year; rank, group size and grade for a score."""

    unit: int
    value: Decimal
    rank: int | None = None
    group_size: int | None = None
    grade: str = ""
    label: str = ""  # "" for the unit itself; 原×× / 由××拆分，仅供参考 for a predecessor's


@dataclass(frozen=True)
class HistoryYear:
    """A year of a unit's history: the figures that stand for it, and whether the year is compared."""

    year: int
    figures: tuple[Figure, ...]
    full_year: bool
    value: Decimal | None = None  # the compared figure; None when the year is not comparable
    note: str = ""  # why the year is not compared, or how its figure was made
    change: Decimal | None = None
    growth: stats.Outcome | None = None

    @property
    def comparable(self) -> bool:
        return self.value is not None

    @property
    def remark(self) -> str:
        """What a reader needs to know about the year, in one line."""
        parts = [self.note] if self.note else []
        if self.growth is not None and self.growth.value is None:
            parts.append(self.growth.reason)
        elif not self.full_year:
            parts.append("本年度尚未结束，不参与趋势检验")
        return "；".join(parts)


@dataclass(frozen=True)
class History:
    years: list[HistoryYear] = field(default_factory=list)
    trend: stats.Trend | None = None

    @property
    def trend_reason(self) -> str:
        """The trend's reason in words; a short series says so in the agreed phrase."""
        if self.trend is None or self.trend.s is not None:
            return self.trend.reason if self.trend else ""
        return f"可比较的全年数值只有 {self.trend.n} 年，{SHORT_TREND}"


def sources(unit: int, year: int, links: list[Link]) -> list[tuple[int, tuple[Link, ...]]]:
    """The units whose figure of `year` stands for `unit`: itself, then through every link with `year` before the
    link's year its predecessor's sources, each with the links crossed to reach it (a loop is walked once)."""
    into = defaultdict(list)
    for link in links:
        into[link.successor].append(link)
    out, seen = [], set()

    def walk(current, path):
        if current in seen:
            return
        seen.add(current)
        out.append((current, path))
        for link in sorted(into[current], key=lambda lk: lk.predecessor):
            if year < link.year:
                walk(link.predecessor, path + (link,))

    walk(unit, ())
    return out


def label(path: tuple[Link, ...], names: dict[int, str]) -> str:
    """How a predecessor's figure is marked on the successor's page."""
    if not path:
        return ""
    name = names.get(path[-1].predecessor, "")
    kinds = {link.kind for link in path}
    if SPLIT in kinds:
        return f"由{name}拆分，仅供参考"
    if TRANSFER in kinds:
        return f"原{name}（划转），仅供参考"
    return f"原{name}"


def _year(unit, year, links, figures, names, full_year, additive, existed) -> HistoryYear | None:
    found = [(uid, path) for uid, path in sources(unit, year, links)]
    present = [(figures[(uid, year)], path) for uid, path in found if (uid, year) in figures]
    if not present:
        return None
    marked = tuple(Figure(f.unit, f.value, f.rank, f.group_size, f.grade, label(path, names)) for f, path in present)
    kinds = {link.kind for _uid, path in found for link in path}
    if kinds <= {RENAME} and len(present) == 1:
        return HistoryYear(year, marked, full_year, marked[0].value)
    if additive and len(present) > 1 and kinds <= {RENAME, MERGE} and all(
            (uid, year) in figures for uid, _path in found if existed(uid, year)):
        parts = "、".join(f.label or "本单位" for f in marked)
        return HistoryYear(year, marked, full_year, sum(f.value for f in marked), f"{parts}合计（总量指标，可相加）")
    if MERGE in kinds and not kinds & {SPLIT, TRANSFER}:
        note = "机构合并前的年份：各单位分别列示，不相加，不与合并后比较"
    elif kinds & {SPLIT, TRANSFER}:
        note = "拆分或划转前的年份，仅供参考，不作比较"
    else:
        note = "同一年度有多个单位的数值，不作比较"
    return HistoryYear(year, marked, full_year, None, note)


def follow(unit: int, years: list[int], links: list[Link], figures: dict[tuple[int, int], Figure],
           names: dict[int, str], *, full_years: set[int], additive: bool = False, existed=None,
           alpha: float = 0.05) -> History:
    """The unit's history over `years` (oldest first): each year's figures through its predecessors, whether it is
    compared, the change and growth on the previous comparable whole year, and the trend.

    `figures` (unit, year) → Figure; `full_years` the years that are over (a part year is shown, never compared
    with a whole one nor trended); `existed(unit, year)` whether a unit had to have a figure that year (for a sum)."""
    existed = existed or (lambda _uid, _year: True)
    rows, before = [], None
    for year in sorted(years):
        row = _year(unit, year, links, figures, names, year in full_years, additive, existed)
        if row is None:
            before = None
            continue
        row = _growth(row, before)
        rows.append(row)
        before = row
    trend = stats.mann_kendall({r.year: r.value for r in rows if r.comparable and r.full_year}, alpha=alpha)
    return History(rows, trend)


def _growth(row: HistoryYear, before: HistoryYear | None) -> HistoryYear:
    if not row.comparable:
        return row
    if not row.full_year:
        return _with(row, None, stats.Outcome(None, "本年度尚未结束，年内数值不与上年全年比较"))
    if before is None or before.year != row.year - 1:
        return _with(row, None, stats.Outcome(None, "上年无数值（可能当时尚未设立或未参加考核）"))
    if not before.comparable:
        return _with(row, None, stats.Outcome(None, "上年为机构调整前的数值，不作比较"))
    return _with(row, row.value - before.value, stats.growth(row.value, before.value))


def _with(row: HistoryYear, change, growth) -> HistoryYear:
    return HistoryYear(row.year, row.figures, row.full_year, row.value, row.note, change, growth)


# --- Queries ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Lineage:
    """A unit and every unit it carries on, directly or through several reorganisations."""

    unit: object  # org.Unit
    links: list[Link]
    units: dict  # id → org.Unit, the unit itself included

    @property
    def ids(self) -> set[int]:
        return set(self.units)

    @property
    def names(self) -> dict[int, str]:
        return {pk: unit.name for pk, unit in self.units.items()}

    def existed(self, unit_id: int, year: int) -> bool:
        unit = self.units.get(unit_id)
        return unit is not None and unit.valid_from.year <= year and (unit.valid_to is None
                                                                      or unit.valid_to.year >= year)

    def successions(self) -> list[str]:
        """The reorganisations crossed, in words, newest first."""
        kinds = {RENAME: "更名为", MERGE: "并入", SPLIT: "拆分出", TRANSFER: "划转至"}
        return [f"{link.year} 年起，{self.units[link.predecessor].name}{kinds[link.kind]}"
                f"{self.units[link.successor].name}" for link in sorted(self.links, key=lambda lk: -lk.year)]


def lineage(unit) -> Lineage:
    """The unit's predecessors, transitively (2 queries: the successions, the units they name)."""
    from jixiao.org.models import Succession, Unit

    rows = list(Succession.objects.values_list("predecessor_id", "successor_id", "kind", "on"))
    into = defaultdict(list)
    for before, after, kind, on in rows:
        into[after].append(Link(before, after, kind, on.year))
    links, seen, todo = [], {unit.pk}, [unit.pk]
    while todo:
        for link in into[todo.pop()]:
            links.append(link)
            if link.predecessor not in seen:
                seen.add(link.predecessor)
                todo.append(link.predecessor)
    units = {unit.pk: unit, **{u.pk: u for u in Unit.objects.filter(pk__in=seen - {unit.pk})}}
    return Lineage(unit, links, units)


def _full_years(cycles) -> set[int]:
    from jixiao.org.models import CycleStatus

    return {c.year for c in cycles if c.status not in (CycleStatus.PLANNING, CycleStatus.RUNNING)}


def score_history(line: Lineage, runs, *, up_to: int, alpha: float = 0.05) -> History:
    """Total score, rank / group size and grade of the unit and its predecessors in each year up to `up_to`, from
    the run that stands for each scheme (published, else the latest final, else the latest preliminary) among
    `runs`, the reader's `access.visible_runs` (2 queries)."""
    from jixiao.scoring.models import RunStatus, ScoreResult

    standing = {}
    for run in (runs.filter(results__unit__in=line.ids, cycle__year__lte=up_to).exclude(status=RunStatus.SUPERSEDED)
                .select_related("cycle").distinct()):
        key = (run.cycle.year, run.scheme_id)
        best = standing.get(key)
        if best is None or (run.published, run.stage == "final", run.created_at) > (
                best.published, best.stage == "final", best.created_at):
            standing[key] = run
    figures, cycles = {}, {}
    for r in (ScoreResult.objects.filter(run__in=standing.values(), unit_id__in=line.ids)
              .select_related("run__cycle").order_by("run__cycle__year", "run_id")):
        cycles[r.run.cycle.year] = r.run.cycle
        figures.setdefault((r.unit_id, r.run.cycle.year),
                           Figure(r.unit_id, r.total, r.rank, r.group_size, r.get_grade_display()))
    return follow(line.unit.pk, sorted(cycles), line.links, figures, line.names,
                  full_years=_full_years(cycles.values()), alpha=alpha)


def satisfaction_history(line: Lineage, *, up_to: int, shown_years: set[int] | None = None,
                         alpha: float = 0.05) -> History:
    """The satisfaction score (综合评议满意度, 0–100, as the scoring engine reads it) of the unit and its
    predecessors in each year up to `up_to` (3 queries). `shown_years` None shows every year (the office and
    leaders); otherwise only those years (a unit's people: the years whose results were released to them)."""
    from django.db.models import Count, Sum

    from jixiao.evaluation import satisfaction
    from jixiao.evaluation.models import Campaign, RaterGroup, Rating

    campaigns = {c.pk: c for c in Campaign.objects.satisfaction().filter(units__in=line.ids, cycle__year__lte=up_to)
                 .select_related("cycle").distinct()}
    if shown_years is not None:
        campaigns = {pk: c for pk, c in campaigns.items() if c.cycle.year in shown_years}
    specs = defaultdict(list)
    for group in RaterGroup.objects.filter(campaign_id__in=campaigns).order_by("sort_order", "id"):
        specs[group.campaign_id].append(satisfaction.GroupSpec(group.pk, group.name, group.weight))
    cells = defaultdict(list)
    for campaign_id, unit_id, group_id, dimension_id, total, n in (
            Rating.objects.filter(campaign_id__in=campaigns, unit_id__in=line.ids, answer__excluded=False)
            .values_list("campaign_id", "unit_id", "rater_group_id", "dimension_id")
            .annotate(total=Sum("value"), n=Count("id")).order_by()):
        cells[campaign_id].append(satisfaction.Cell(unit_id, group_id, dimension_id, int(total), int(n)))
    figures = {}
    for campaign_id in sorted(campaigns, key=lambda pk: (campaigns[pk].cycle.year, pk)):
        year = campaigns[campaign_id].cycle.year
        for unit_id, result in satisfaction.compute(cells[campaign_id], specs[campaign_id]).items():
            if result.score is not None:
                figures.setdefault((unit_id, year), Figure(unit_id, result.score))
    cycles = {c.cycle.year: c.cycle for c in campaigns.values()}
    return follow(line.unit.pk, sorted(cycles), line.links, figures, line.names,
                  full_years=_full_years(cycles.values()), alpha=alpha)
