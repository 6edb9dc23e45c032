"""The portal's figures at a glance: plain data in, plain rows and ECharts options out. No ORM, no clock.

Used by the home page (home.py) and the department profiles (profiles.py); each chart they draw comes with a
table of the same rows, so a reader without the chart (a screen reader, a printout) misses nothing.
"""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

GRADES = [("excellent", "优秀"), ("good", "良好"), ("average", "一般"), ("poor", "较差")]
# Green to red, from the best grade down, so the stacked bars read without the legend (the table says it too).
GRADE_COLOURS = ["#1b7f3b", "#4a90d9", "#e0a526", "#c9302c"]
EVALUATION_BLOCK = "evaluation"  # the kind of a scheme block scored from the year's evaluation (综合评议)


def grade_summary(groups: list[dict]) -> list[dict]:
    """Per group of published results ({"name", "rows": [{"grade": code, "total": Decimal, "unit": …}]}):
    the number of units, how many in each grade, the average and the best total, and who holds the best."""
    out = []
    for group in groups:
        rows = group["rows"]
        if not rows:
            continue
        best = max(rows, key=lambda r: r["total"])
        average = (sum(r["total"] for r in rows) / Decimal(len(rows))).quantize(Decimal("0.01"), ROUND_HALF_UP)
        grades = [sum(1 for r in rows if r["grade"] == code) for code, _ in GRADES]
        out.append({"name": group["name"], "units": len(rows), "average": average, "best": best["total"],
                    "best_unit": best["unit"], "grades": grades,
                    "grade_cells": [(label, n) for (_, label), n in zip(GRADES, grades, strict=True)]})
    return out


def grade_option(summary: list[dict]) -> dict:
    """Stacked bars: per group, how many units in each grade."""
    return {"tooltip": {"trigger": "axis"}, "legend": {}, "color": GRADE_COLOURS,
            "grid": {"containLabel": True, "left": 8, "right": 16},
            "xAxis": {"type": "value", "name": "单位数", "minInterval": 1},
            "yAxis": {"type": "category", "data": [g["name"] for g in summary], "inverse": True},
            "series": [{"name": label, "type": "bar", "stack": "grade", "data": [g["grades"][i] for g in summary]}
                       for i, (_, label) in enumerate(GRADES)]}


def counts_option(counts: list[dict], name: str) -> dict:
    """Bars of one count per label ([{"label", "count"}]), e.g. key tasks by status."""
    return {"tooltip": {"trigger": "axis"}, "grid": {"containLabel": True, "left": 8, "right": 16},
            "xAxis": {"type": "value", "name": name, "minInterval": 1},
            "yAxis": {"type": "category", "data": [c["label"] for c in counts], "inverse": True},
            "series": [{"name": name, "type": "bar", "data": [c["count"] for c in counts]}]}


@dataclass(frozen=True)
class RectificationFact:
    """What the public may count of a disclosed rectification item."""

    closed: bool
    due_on: datetime.date


def rectification_counts(items: list[RectificationFact], day: datetime.date) -> dict:
    """Disclosed items: all, closed (已销号), under way (整改中, not yet due) and overdue (逾期: not closed, due before `day`)."""
    closed = sum(1 for i in items if i.closed)
    overdue = sum(1 for i in items if not i.closed and i.due_on < day)
    return {"total": len(items), "closed": closed, "open": len(items) - closed - overdue, "overdue": overdue}


def satisfaction(blocks: list[dict]) -> Decimal | None:
    """The year's satisfaction (0–100) from a published result's blocks: the raw score of its evaluation block."""
    for block in blocks or []:
        if block.get("kind") == EVALUATION_BLOCK and block.get("applicable", True):
            try:
                return Decimal(str(block["raw"]))
            except (KeyError, ArithmeticError, ValueError):
                return None
    return None


def trend_option(years: list[int], series: list[tuple[str, list]]) -> dict:
    """Lines over the years, one per (name, values); a year without a figure (None) leaves a gap."""
    return {"tooltip": {"trigger": "axis"}, "legend": {}, "grid": {"containLabel": True, "left": 8, "right": 16},
            "xAxis": {"type": "category", "data": [str(y) for y in years]},
            "yAxis": {"type": "value", "scale": True},
            "series": [{"name": name, "type": "line", "connectNulls": False,
                        "data": [None if v is None else float(v) for v in values]} for name, values in series]}
