"""The ECharts options of the evaluation pages: plain data, laid out by jixiao/static/jixiao/charts.js.

Every category chart here is a horizontal bar chart that asks for all its labels (`interval: 0`); charts.js
makes the chart as tall as its rows need and wraps each label within a width taken from the chart box, at 1366
as at 375 px, as it does for every other chart of the platform.
"""


def horizontal_bars(labels: list[str], values: list, *, name: str, value_axis: dict | None = None) -> dict:
    """A bar per label, top to bottom in the given order, every label shown."""
    return {
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "grid": {"left": 8, "right": 24, "top": 8, "bottom": 24, "containLabel": True},
        "xAxis": {"type": "value", **(value_axis or {})},
        "yAxis": {"type": "category", "inverse": True, "data": labels, "axisLabel": {"interval": 0}},
        "series": [{"type": "bar", "name": name, "data": values, "barMaxWidth": 18}],
    }
