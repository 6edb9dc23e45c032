"""领导下钻: the district's groups → one group's units → one unit's indicators → one indicator's reported values.

Each level reads a fixed number of queries whatever the number of units (tests/test_drill.py). Nothing is scored
here: totals, block scores, points, ranks and grades are the scoring engine's, read from the run that stands for
each scheme (`results.queries.official_runs` / `scoring.queries.current_run`) among the runs the reader may see
(`access.visible_runs`); a unit's figure is the one the engine reads (`compare.year_values`), its pace the pace
table's (`pace_queries`). The only arithmetic is statistics of stored figures: a group's highest, median, mean
and lowest total, and the competition rank of a unit's stored points on one scheme item within its group.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Prefetch
from django.utils import timezone

from jixiao.analysis import compare, pace_queries, stats
from jixiao.indicators.models import GRADE_ORDER, Grade, SchemeBlock, SchemeGroup, SchemeItem, Target
from jixiao.org.models import Group
from jixiao.reporting.models import Evidence, Value
from jixiao.results import queries as results_queries
from jixiao.scoring.models import ScoreLine, ScoreResult
from jixiao.scoring.queries import current_run
from jixiao.scoring.types import SCORED, STATUS_LABELS


def run_label(run) -> str:
    return f"{run.scheme.name}{run.get_stage_display()}（{run.get_status_display()}）" if run else ""


# --- District: every group of the cycle's schemes ------------------------------------------------------------


@dataclass
class GroupSummary:
    """One group of a scheme of the cycle: how its units' totals spread and how many got each grade."""

    group: Group
    scheme_name: str
    members: int  # units in the group
    totals: list[Decimal] = field(default_factory=list)  # one per unit with a result in the standing run
    grades: list[dict] = field(default_factory=list)  # {"grade", "label", "count"} in grade order
    run: object = None  # the standing run, None when the reader may see none

    @property
    def size(self) -> int:
        return len(self.totals)

    @property
    def highest(self) -> Decimal | None:
        return max(self.totals, default=None)

    @property
    def lowest(self) -> Decimal | None:
        return min(self.totals, default=None)

    @property
    def median(self) -> Decimal | None:
        return stats.median(self.totals)

    @property
    def mean(self) -> Decimal | None:
        return stats.mean(self.totals)

    @property
    def run_label(self) -> str:
        return run_label(self.run)


def district(cycle, runs) -> list[GroupSummary]:
    """Every group of the cycle's schemes, in scheme and group order, with the results of its standing run."""
    links = list(SchemeGroup.objects.filter(scheme__cycle=cycle).select_related("scheme", "group")
                 .annotate(members=Count("group__units")).order_by("scheme_id", "sort_order", "group__code"))
    official = {run.scheme_id: run for run in results_queries.official_runs(cycle, runs)}
    by_group = defaultdict(list)
    for result in ScoreResult.objects.filter(run__in=official.values()).only("run_id", "group_id", "total", "grade"):
        by_group[(result.run_id, result.group_id)].append(result)
    out = []
    for link in links:
        run = official.get(link.scheme_id)
        found = by_group.get((run.pk, link.group_id), []) if run else []
        counts = Counter(r.grade for r in found)
        out.append(GroupSummary(link.group, link.scheme.name, link.members, [r.total for r in found],
                                [{"grade": g, "label": Grade(g).label, "count": counts.get(g, 0)}
                                 for g in GRADE_ORDER], run))
    return out


# --- Group: its units ranked ---------------------------------------------------------------------------------


@dataclass
class GroupTable:
    """A group's units in the standing run of its scheme: rank, total, block scores and grade; units without a
    result listed apart."""

    group: Group
    scheme: object  # indicators.Scheme, None when no scheme assesses the group
    run: object  # the standing run, None when the reader may see none
    blocks: list[SchemeBlock]
    rows: list[ScoreResult]  # ranked
    missing: list  # org.Unit of the group without a result in the run

    @property
    def run_label(self) -> str:
        return run_label(self.run)


def block_score(result: ScoreResult, code: str) -> Decimal | None:
    """The stored score of block `code` of a result; None when the block did not apply to the unit."""
    for block in result.blocks:
        if block["code"] == code:
            return Decimal(block["score"]) if block.get("applicable", True) else None
    return None


def group_table(group, runs) -> GroupTable:
    link = SchemeGroup.objects.filter(group=group).select_related("scheme").order_by("scheme_id").first()
    scheme = link.scheme if link else None
    run = current_run(scheme, runs) if scheme else None
    blocks = list(SchemeBlock.objects.filter(scheme=scheme).order_by("sort_order", "code")) if scheme else []
    rows = list(ScoreResult.objects.filter(run=run, group=group).select_related("unit")
                .order_by("rank", "unit__sort_order", "unit__code")) if run else []
    for row in rows:
        row.block_scores = [block_score(row, b.code) for b in blocks]
    scored = {row.unit_id for row in rows}
    missing = [u for u in group.units.order_by("sort_order", "code") if u.pk not in scored]
    return GroupTable(group, scheme, run, blocks, rows, missing)


# --- Unit: its indicators ------------------------------------------------------------------------------------


@dataclass
class IndicatorLine:
    """One scheme item of the unit: target, latest verified figure, pace, and its points' rank in the group."""

    item: SchemeItem
    target: str
    value: compare.YearValue
    pace: pace_queries.PaceRow | None  # None: no numeric target to judge pace against
    points: Decimal | None = None
    max_points: Decimal | None = None
    line_status: str = ""  # the score line's status; "" when the reader may see no run
    rank: int | None = None
    ranked: int = 0  # units of the group whose line was scored

    @property
    def indicator(self):
        return self.item.indicator

    @property
    def line_label(self) -> str:
        return STATUS_LABELS.get(self.line_status, self.line_status)

    @property
    def rank_text(self) -> str:
        if self.rank is not None:
            return f"{self.rank} / {self.ranked}"
        if self.line_status:
            return f"不参与排名（{self.line_label}）"
        return "暂无考核结果"


def unit_items(cycle, unit):
    return (SchemeItem.objects.filter(scheme__cycle=cycle, group__units=unit)
            .select_related("indicator", "group", "scheme", "block")
            .order_by("scheme_id", "block__sort_order", "indicator__sort_order", "indicator__code"))


def unit_lines(cycle, unit, runs) -> list[IndicatorLine]:
    """Every scheme item of the unit's groups in the cycle (a fixed number of queries per scheme)."""
    items = list(unit_items(cycle, unit))
    if not items:
        return []
    ids = {item.indicator_id for item in items}
    targets = {t.indicator_id: t.display_value() for t in Target.objects.filter(cycle=cycle, unit=unit,
                                                                                 indicator_id__in=ids)}
    # A finished year is judged on everything reported for it by today, as its latest verified figure is: a look
    # back to its last day would leave out the year-end figures sent in January.
    day = max(pace_queries.judged_on(cycle), timezone.localdate())
    paces = {row.subject_id: row for row in pace_queries.indicator_rows(cycle, day, pace_queries.rule_for(cycle),
                                                                        units=[unit.pk])}
    values = compare.year_values(cycle, ids, [unit.pk], compare.as_of_for(cycle))
    lines = [IndicatorLine(item, targets.get(item.indicator_id, ""), values[(unit.pk, item.indicator_id)],
                           paces.get(item.indicator_id)) for item in items]
    _add_points(lines, unit, runs)
    return lines


def _add_points(lines: list[IndicatorLine], unit, runs) -> None:
    """Each line's stored points, and their competition rank among the scored lines of the same item (one query
    for the lines of every unit of the unit's groups, once the standing run of each scheme is found)."""
    chosen = [run for run in (current_run(s, runs) for s in {line.item.scheme for line in lines}) if run]
    points = defaultdict(dict)  # item id -> unit id -> points of a scored line
    mine = {}
    for unit_id, item_id, value, maximum, status in ScoreLine.objects.filter(
            run__in=chosen, item_id__in=[line.item.pk for line in lines]).values_list(
            "unit_id", "item_id", "points", "max_points", "status"):
        if status == SCORED:
            points[item_id][unit_id] = value
        if unit_id == unit.pk:
            mine[item_id] = (value, maximum, status)
    for line in lines:
        if line.item.pk not in mine:
            continue
        line.points, line.max_points, line.line_status = mine[line.item.pk]
        ranks = stats.competition_ranks(points[line.item.pk], stats.HIGHER_BETTER)
        line.rank, line.ranked = ranks.get(unit.pk), len(ranks)


# --- Indicator: the unit's values period by period -----------------------------------------------------------


def values_of(cycle, unit, indicator) -> list[Value]:
    """The unit's values of the indicator in the cycle, period by period, with who entered, sent, approved and
    verified them and their current evidence files (3 queries)."""
    return list(Value.objects.filter(cycle=cycle, unit=unit, indicator=indicator)
                .select_related("submission__period", "submission__submitted_by", "submission__approved_by",
                                "entered_by", "verified_by", "item__version")
                .prefetch_related(Prefetch("evidence", queryset=Evidence.objects.current().order_by("uploaded_at",
                                                                                                   "id"),
                                           to_attr="files"))
                .order_by("submission__period__ends_on", "submission__period__code", "id"))


def line_of(cycle, unit, indicator, runs) -> tuple[ScoreLine | None, str]:
    """The unit's score line of the indicator in the standing run of the scheme that holds it, with the run's
    label; (None, "") when none is visible."""
    item = SchemeItem.objects.filter(scheme__cycle=cycle, group__units=unit, indicator=indicator) \
        .select_related("scheme").order_by("scheme_id").first()
    run = current_run(item.scheme, runs) if item else None
    if run is None:
        return None, ""
    return ScoreLine.objects.filter(run=run, unit=unit, item=item).first(), run_label(run)
