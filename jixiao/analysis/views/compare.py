"""Pages of 横比纵比: the office's and leaders' comparison of a peer set, its Excel export, and a unit's own page.

A unit's people see their own rank, the group's median and mean and the "top 3 + you ± 2" window, with the other
units of the window unnamed (同组单位): like the target page, only those who may see every unit are told who the
others are (`analysis.view`).
"""

import io

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from jixiao.accounts import access
from jixiao.analysis import compare as q
from jixiao.analysis import history, stats
from jixiao.lib import cycles
from jixiao.lib.excel import Sheet, write_workbook
from jixiao.lib.responses import download
from jixiao.org.models import Unit
from jixiao.results import queries as results_queries


def _request(request, picker):
    """(pick, indicators, indicator, peer sets, peer set, measure) of the page's query string."""
    pick = picker(request)
    indicators = list(q.comparable_indicators(pick.cycle)) if pick.cycle else []
    code = request.GET.get("indicator", "")
    indicator = next((i for i in indicators if i.code == code), indicators[0] if indicators else None)
    sets = q.peer_sets(pick.cycle, indicator) if indicator else []
    wanted = request.GET.get("peers", "")
    chosen = next((s for s in sets if s.code == wanted), sets[0] if sets else None)
    measure = request.GET.get("measure", q.VALUE)
    measure = measure if measure in q.MEASURES else q.VALUE
    return pick, indicators, indicator, sets, chosen, measure


def _table(request, cycle, indicator, peers, measure):
    if measure == q.POINTS:
        return q.score_table(cycle, indicator, peers, access.visible_runs(request.user))
    return q.indicator_table(cycle, indicator, peers)


def chart(table) -> dict | None:
    """An ECharts option: one horizontal bar per ranked unit, best on top, the group median as a line."""
    if not table.rows:
        return None
    names = [row.unit.label for row in reversed(table.rows)]
    data = [float(row.current.number) for row in reversed(table.rows)]
    series = {"name": q.MEASURES[table.measure], "type": "bar", "data": data}
    if table.comparison.median is not None:
        series["markLine"] = {"symbol": "none", "label": {"formatter": "中位数 {c}"},
                              "data": [{"name": "组内中位数", "xAxis": float(table.comparison.median)}]}
    return {"tooltip": {"trigger": "axis"}, "grid": {"containLabel": True},
            "xAxis": {"type": "value", "name": table.indicator.measure_unit if table.measure == q.VALUE else "分"},
            "yAxis": {"type": "category", "data": names}, "series": [series]}


@login_required
@require_GET
def compare_page(request):
    access.require(request.user, "analysis.view")
    pick, indicators, indicator, sets, peers, measure = _request(request, cycles.pick)
    table = _table(request, pick.cycle, indicator, peers, measure) if peers else None
    return render(request, "analysis/compare.html", {
        "pick": pick, "cycle": pick.cycle, "indicators": indicators, "indicator": indicator, "peer_sets": sets,
        "peers": peers, "measure": measure, "measures": q.MEASURES, "table": table,
        "chart": chart(table) if table else None, "quartiles": QUARTILES})


QUARTILES = {1: "前 25%", 2: "25%–50%", 3: "50%–75%", 4: "后 25%"}
HEADER = ["名次", "单位编码", "单位", "数值", "数据说明", "组内单位数", "百分位", "四分位", "组内中位数", "组内平均数",
          "z 值", "标杆单位", "与标杆差距", "上年同期", "增减", "增长率（%）", "说明"]


def sheet(table) -> Sheet:
    """The table as the page shows it: ranked units, then the missing ones, every statistic a number."""
    c = table.comparison
    best = "、".join(unit.label for unit in table.best_units)

    def dec(value, places=4):
        return None if value is None else round(float(value), places)

    rows = []
    for row in table.rows + table.missing:
        s = row.standing
        rows.append([
            s.rank if s else None, row.unit.code, row.unit.name, dec(row.current.number), row.current.note,
            table.size, dec(s.percentile, 1) if s else None, QUARTILES.get(s.quartile, "") if s else "",
            dec(c.median), dec(c.mean), dec(s.z, 2) if s else None, best if s else "", dec(s.gap) if s else None,
            dec(row.previous.number) if row.previous else None, dec(row.change),
            dec(row.growth.value, 1) if row.growth else None,
            (row.growth.reason if row.growth and row.growth.value is None else "") if s else "无数值，不参与排名",
        ])
    name = f"{table.cycle.year}{table.indicator.name}"[:31]
    return Sheet(name, HEADER, rows)


@login_required
@require_GET
def compare_export(request):
    access.require(request.user, "analysis.view")
    pick, _indicators, indicator, _sets, peers, measure = _request(request, cycles.pick_or_404)
    if peers is None:
        raise Http404("没有可比较的指标")
    table = _table(request, pick.cycle, indicator, peers, measure)
    buffer = io.BytesIO()
    write_workbook(buffer, [sheet(table)])
    label = "得分" if measure == q.POINTS else ""
    return download(buffer.getvalue(), f"{pick.cycle.year}年度横比-{indicator.name}{label}-{peers.name}.xlsx")


def _unit_for(request) -> Unit:
    """The unit of the page: one's own (unit roles), or the one named by ?unit=CODE for the office and leaders."""
    user = request.user
    if access.can(user, "analysis.view"):
        code = request.GET.get("unit", "")
        unit = Unit.objects.filter(code=code).first() if code else None
        return unit or access.current_membership(user).unit
    access.require(user, "analysis.view_own")
    return access.current_membership(user).unit


def _histories(request, cycle, line):
    """The unit's score and satisfaction years up to the cycle; a unit's people see a year's satisfaction only
    once that year's results were released to them, as they see its score."""
    runs = access.visible_runs(request.user)
    shown = None if access.can(request.user, "analysis.view") else results_queries.scored_years(runs)
    return (history.score_history(line, runs, up_to=cycle.year),
            history.satisfaction_history(line, up_to=cycle.year, shown_years=shown))


@login_required
@require_GET
def my_compare(request):
    unit = _unit_for(request)
    pick = cycles.pick(request)
    line = history.lineage(unit)
    rows = q.unit_rows(pick.cycle, unit, line=line) if pick.cycle else []
    scores, satisfaction = _histories(request, pick.cycle, line) if pick.cycle else (None, None)
    return render(request, "analysis/compare_unit.html", {
        "pick": pick, "cycle": pick.cycle, "unit": unit, "rows": rows, "quartiles": QUARTILES,
        "names_peers": access.can(request.user, "analysis.view"), "min_years": stats.MIN_TREND_YEARS,
        "line": line, "scores": scores, "satisfaction": satisfaction})


urlpatterns = [
    path("compare/", compare_page, name="compare"),
    path("compare/export/", compare_export, name="compare_export"),
    path("compare/mine/", my_compare, name="my_compare"),
]
