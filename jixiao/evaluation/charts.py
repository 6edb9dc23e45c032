"""The ECharts options of the evaluation pages, built so that every label is drawn at 1366 and at 375 px.

ECharts hides category labels it thinks will collide (a 280 px high chart of 15 bars labelled 8 of them).
Every category chart here is therefore a horizontal bar chart whose height grows with its rows
(`height(rows)`, given to the container), draws every label (`interval: 0`) and keeps the labels inside the
canvas (`containLabel`), wrapping a long name instead of cutting it.
"""

ROW_PX = 28  # one bar with its label: two lines of 12 px text fit
FRAME_PX = 60  # the value axis and the margins
LABEL_WIDTH_PX = 112  # nine Chinese characters; longer names wrap onto a second line


def height(rows: int) -> int:
    """The container height in px that gives each of `rows` bars room for its label."""
    return FRAME_PX + ROW_PX * max(rows, 1)


def horizontal_bars(labels: list[str], values: list, *, name: str, value_axis: dict | None = None) -> dict:
    """A bar per label, top to bottom in the given order, every label shown."""
    return {
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "grid": {"left": 8, "right": 24, "top": 8, "bottom": 24, "containLabel": True},
        "xAxis": {"type": "value", **(value_axis or {})},
        "yAxis": {"type": "category", "inverse": True, "data": labels,
                  "axisLabel": {"interval": 0, "width": LABEL_WIDTH_PX, "overflow": "break"}},
        "series": [{"type": "bar", "name": name, "data": values, "barMaxWidth": 18}],
    }
