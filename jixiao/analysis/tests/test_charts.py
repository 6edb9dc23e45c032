"""Chart options hide no data: the 横比 option lists every indicator and has no slider (analysis/charts.py)."""

from decimal import Decimal

from jixiao.analysis import charts


def _row(i: int) -> dict:
    return {"indicator": f"A{i:02}", "name": f"第{i}项指标的一个很长的名称", "points": Decimal("1.5"),
            "max": Decimal("2"), "average": 1.2, "best": Decimal("2"), "best_unit": "区发改委", "gap": Decimal("0.5")}


def test_across_option_lists_every_indicator_without_a_slider():
    rows = [_row(i) for i in range(40)]
    option = charts.across_option(rows)
    assert option["yAxis"]["data"] == [r["name"] for r in rows]
    assert option["yAxis"]["axisLabel"]["interval"] == 0
    assert not option.get("dataZoom")
    assert [len(s["data"]) for s in option["series"]] == [40, 40, 40]
    assert option["series"][0]["data"][0] == 75.0  # 1.5 of 2 points


def test_a_line_without_a_maximum_has_no_rate():
    row = {**_row(1), "max": Decimal("0")}
    assert charts.across_option([row])["series"][0]["data"] == [None]
