"""The rows and ECharts options of the unit results page: 横比 (against the group) and 纵比 (against past years)."""

from jixiao.results import queries


def across(result) -> list[dict]:
    """Per indicator of the latest result: the unit's points, its group's average and best."""
    stats = queries.group_stats(result.run, result.group_id)
    rows = []
    for line in result.lines.order_by("block", "indicator", "id"):
        s = stats.get(line.indicator)
        if s is not None:
            rows.append({"indicator": line.indicator, "name": line.name, "points": line.points,
                         "max": line.max_points, "average": round(s["average"], 2), "best": s["best"],
                         "best_unit": s["best_unit"], "gap": s["best"] - line.points})
    return rows


def over_time(history) -> dict:
    """{"years": [...], "rows": [{"indicator", "name", "points": [per year or None]}]} for the 纵比 table."""
    from jixiao.scoring.models import ScoreLine

    years = [r.run.cycle.year for r in history]
    index = {r.pk: i for i, r in enumerate(history)}
    rows: dict[str, dict] = {}
    for result_id, indicator, name, points in (ScoreLine.objects.filter(result__in=history)
                                               .values_list("result_id", "indicator", "name", "points")):
        row = rows.setdefault(indicator, {"indicator": indicator, "name": name, "points": [None] * len(years)})
        row["points"][index[result_id]] = points
    return {"years": years, "rows": sorted(rows.values(), key=lambda r: r["indicator"])}


def _rate(points, maximum) -> float | None:
    return round(float(points) / float(maximum) * 100, 1) if maximum else None


def across_option(rows) -> dict:
    """Bars of 得分率 (points ÷ the line's maximum, %), so a 20-point and a 2-point indicator read alike.

    Every indicator is in view: charts.js makes the chart as tall as its categories need, no slider hides any.
    """
    names = [r["name"] for r in rows]
    series = [("本单位", "points"), ("组平均", "average"), ("组最优", "best")]
    return {"tooltip": {"trigger": "axis"}, "legend": {},
            "grid": {"containLabel": True, "left": 8, "right": 16},
            "xAxis": {"type": "value", "name": "得分率%", "nameLocation": "middle", "nameGap": 24},
            "yAxis": {"type": "category", "data": names, "inverse": True, "axisLabel": {"interval": 0}},
            "series": [{"name": label, "type": "bar", "data": [_rate(r[key], r["max"]) for r in rows]}
                       for label, key in series]}


def trend_option(history) -> dict:
    return {"tooltip": {"trigger": "axis"}, "legend": {}, "grid": {"containLabel": True},
            "xAxis": {"type": "category", "data": [str(r.run.cycle.year) for r in history]},
            "yAxis": {"type": "value"},
            "series": [{"name": "总分", "type": "line", "data": [float(r.total) for r in history]}]}
