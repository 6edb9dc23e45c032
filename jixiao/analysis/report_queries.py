"""The figures of a half-year analysis report, read through the queries the pages use, into `report_content.Facts`.

序时进度 from `pace_queries.rows`, 横比纵比 from `compare.unit_rows` (a unit) or `compare.indicator_table` over all
units (the district), satisfaction from `evaluation.campaign_results.block_scores`, rectification from
`results.Rectification`. The half's figures are read as of its last day (30 June, 31 December), or today while
the half runs; pace is judged the day after a finished half, as the pace page judges a finished year.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.utils import timezone

from jixiao.analysis import compare, pace, pace_queries
from jixiao.analysis.report_content import Facts, IndicatorLine, PaceLine, StandingLine, TaskLine, UnitLine
from jixiao.analysis.stats import HIGHER_BETTER
from jixiao.evaluation.campaign_results import block_scores
from jixiao.results.models import Rectification, RectificationStatus

SOURCES = [
    "指标数值：各单位报送并经考核责任单位核定的数值（已核定、已锁定），无报送值时取年末核定实际值",
    "序时进度：考核年度目标值与截至分析日的累计完成值，按本年度序时进度判定规则",
    "重点工作：节点目标与各单位报送的进展情况",
    "横比纵比：考核组别内各单位同期数值与上年同期数值",
    "满意度：综合评议活动的计分结果",
    "整改：整改事项台账",
]


def published_pdfs():
    """The issued district reports that have a PDF, newest first: what the portal publishes (issue 17).

    A unit's report and a draft are never published; a report issued without a PDF (WeasyPrint missing when it
    was made) is left out."""
    from jixiao.analysis.models import AnalysisReport, ReportScope, ReportStatus

    return (AnalysisReport.objects.filter(scope=ReportScope.DISTRICT, status=ReportStatus.ISSUED).exclude(pdf="")
            .select_related("cycle").order_by("-issued_at", "-pk"))


def half_end(year: int, half: int) -> datetime.date:
    return datetime.date(year, 6, 30) if half == 1 else datetime.date(year, 12, 31)


def judging_day(cycle, half: int) -> datetime.date:
    """The day pace is judged on: the day after the half ends, or today while it runs."""
    return min(timezone.localdate(), half_end(cycle.year, half) + datetime.timedelta(days=1))


def facts(cycle, half: int, unit=None, *, scores: dict | None = None) -> Facts:
    """The district's facts (unit None) or one unit's; `scores` the cycle's satisfaction scores when the caller
    read them already (all units' reports read them once, not once per unit)."""
    day = judging_day(cycle, half)
    as_of = min(day, half_end(cycle.year, half))
    found = pace_queries.rows(cycle, day, units=[unit.pk] if unit else None)
    counted = [r for r in found if r.pace.status != pace.NOT_APPLICABLE]
    f = Facts(subject=unit.name if unit else "全区", district=unit is None, year=cycle.year, half=half, as_of=as_of,
              sources=list(SOURCES))
    f.pace_counts = {s: n for s in pace.ORDER if (n := sum(1 for r in counted if r.pace.status == s))}
    f.behind = [PaceLine(r.unit.name, r.kind_label, r.name, r.completion_text, r.elapsed_text, r.shortfall_text)
                for r in counted if r.pace.status == pace.BEHIND]
    f.tasks = [TaskLine(r.name, r.unit.name, r.pace.status, r.pace.reason) for r in counted
               if r.kind == pace_queries.TASK]
    f.completions = [(r.name, r.pace.completion, r.pace.elapsed) for r in counted
                     if r.kind == pace_queries.INDICATOR and r.pace.completion is not None]
    if unit is None:
        f.units = _units(counted)
        f.indicators = [_indicator_line(cycle, indicator, as_of) for indicator in compare.comparable_indicators(cycle)]
    else:
        f.standings = [_standing(item) for item in compare.unit_rows(cycle, unit, as_of=as_of)]
    _satisfaction(f, unit, block_scores(cycle) if scores is None else scores)
    _rectification(f, cycle, unit, day)
    return f


def _units(counted) -> list[UnitLine]:
    items, behind, seen = defaultdict(int), defaultdict(int), {}
    for row in counted:
        seen[row.unit.pk] = row.unit
        items[row.unit.pk] += 1
        behind[row.unit.pk] += row.pace.status == pace.BEHIND
    ordered = sorted(seen.values(), key=lambda u: (u.sort_order, u.code))
    return [UnitLine(u.name, items[u.pk], behind[u.pk]) for u in ordered]


def _number(value, measure_unit: str = "") -> str:
    return "" if value is None else pace_queries.plain(value) + measure_unit


def _indicator_line(cycle, indicator, as_of) -> IndicatorLine:
    table = compare.indicator_table(cycle, indicator, compare.peer_set(cycle, indicator, compare.ALL), as_of=as_of)
    growths = [row.growth.value for row in table.rows if row.growth is not None and row.growth.value is not None]
    better = sum(1 for g in growths if (g > 0 if indicator.direction == HIGHER_BETTER else g < 0))
    c = table.comparison
    return IndicatorLine(indicator.name, len(table.rows), len(table.rows) + len(table.missing),
                         _number(c.median, indicator.measure_unit), "、".join(u.name for u in table.best_units),
                         _number(c.best_value, indicator.measure_unit), better, len(growths))


def _standing(item) -> StandingLine:
    ind, row, table = item.indicator, item.row, item.table
    if row is None or row.standing is None:
        note = row.current.note if row is not None else "不在本单位的考核组别中"
        return StandingLine(ind.name, ind.direction, note=note)
    growth = row.growth.value if row.growth is not None else None
    note = row.growth.reason if row.growth is not None and growth is None else ""
    best = "、".join(u.name for u in table.best_units)
    return StandingLine(ind.name, ind.direction, row.standing.rank, table.size,
                        _number(row.current.number, ind.measure_unit), best, growth, note)


def _satisfaction(f: Facts, unit, scores: dict) -> None:
    if not scores:
        f.satisfaction_note = "本年度尚无综合评议结果"
    elif unit is None:
        f.satisfaction = sum(scores.values()) / len(scores)
        f.satisfaction_note = f"（{len(scores)}个参评单位）"
    elif unit.pk in scores:
        f.satisfaction = scores[unit.pk]
        rank = 1 + sum(1 for s in scores.values() if s > f.satisfaction)
        f.satisfaction_note = f"，在{len(scores)}个参评单位中排第{rank}位"
    else:
        f.satisfaction_note = "本单位未参加本年度综合评议"


def _rectification(f: Facts, cycle, unit, day) -> None:
    items = Rectification.objects.filter(cycle=cycle).select_related("unit").order_by("deadline", "pk")
    if unit is not None:
        items = items.filter(unit=unit)
    items = list(items)
    f.rectifications = len(items)
    f.rectifications_closed = sum(1 for r in items if r.status == RectificationStatus.CLOSED)
    f.overdue = [(f"{r.unit.name}：" if unit is None else "") + _short(r.problem) for r in items
                 if r.status != RectificationStatus.CLOSED and (r.unit_deadline or r.deadline) < day]


def _short(text: str, most: int = 24) -> str:
    text = " ".join(text.split())
    return text if len(text) <= most else text[:most] + "…"
