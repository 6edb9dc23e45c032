"""The analysis reports' charts as PNG images, drawn on the server by matplotlib (docs/decisions/0012).

The Chinese glyphs come from a CJK font found by `fc-match` (Debian's fonts-noto-cjk) and checked to hold “中”;
matplotlib draws them into the image, so the reader needs no font. Without such a font `available()` is False and
the report leaves its charts out with a sentence saying so, rather than drawing boxes. The `Figure` API is used
directly (not pyplot): no global state, safe in a worker thread. Margins are fixed in inches (the left one fits the
longest label): the automatic layouts took half of each chart's time in a profile of the all-units zip.
"""

from __future__ import annotations

import functools
import io
import shutil
import subprocess  # noqa: S404 - runs fc-match, a fixed local program with fixed arguments
from decimal import Decimal

from jixiao.analysis import pace

WIDTH_IN = 6.1  # the text block is 156 mm wide
DPI = 144
LABEL_CHARS = 14  # a longer bar label is cut with “…”
CHAR_IN = 0.115  # the width of one Chinese character at 8 pt, in inches
COLOURS = {pace.BEHIND: "#dc3545", pace.ON_PACE: "#0d6efd", pace.AHEAD: "#198754", pace.DONE: "#20c997",
           pace.UNKNOWN: "#6c757d"}
MOST_BARS = 15


@functools.cache
def font_path() -> str:
    """The path of a font with Chinese glyphs, or "" when the machine has none."""
    if shutil.which("fc-match") is None:
        return ""
    found = subprocess.run(["fc-match", "-f", "%{file}", "sans-serif:lang=zh-cn"],  # noqa: S603, S607
                           capture_output=True, text=True, timeout=10, check=False).stdout.strip()
    return found if found and _has_chinese(found) else ""


def _has_chinese(path: str) -> bool:
    from matplotlib.ft2font import FT2Font

    try:
        return FT2Font(path).get_char_index(ord("中")) != 0
    except (OSError, RuntimeError):
        return False


def available() -> bool:
    return bool(font_path())


def _figure(height_in: float, *, left_in: float = 0.55, bottom_in: float = 0.45):
    """A figure with fixed margins in inches: matplotlib's automatic layouts cost half the drawing time."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager
    from matplotlib.figure import Figure

    font_manager.fontManager.addfont(font_path())
    family = font_manager.FontProperties(fname=font_path()).get_name()
    figure = Figure(figsize=(WIDTH_IN, height_in), dpi=DPI)
    figure.subplots_adjust(left=left_in / WIDTH_IN, right=1 - 0.25 / WIDTH_IN, bottom=bottom_in / height_in,
                           top=1 - 0.35 / height_in)
    return figure, {"family": family, "size": 9}


def _label(text: str) -> str:
    return text if len(text) <= LABEL_CHARS else text[:LABEL_CHARS - 1] + "…"


def _left(labels: list[str]) -> float:
    """The left margin that fits the longest bar label."""
    return 0.25 + CHAR_IN * max((len(label) for label in labels), default=2)


def _png(figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def pace_chart(counts: dict[str, int]) -> bytes:
    """Items by pace status, one bar each, with its count on top."""
    figure, font = _figure(2.6)
    axes = figure.add_subplot()
    statuses = [s for s in pace.ORDER if s in counts]
    bars = axes.bar([pace.LABELS[s] for s in statuses], [counts[s] for s in statuses],
                    color=[COLOURS.get(s, "#6c757d") for s in statuses])
    axes.bar_label(bars, fontsize=9)
    _style(axes, font, "事项数")
    axes.set_title("序时进度分布", fontdict=font)
    return _png(figure)


def behind_chart(units: list[tuple[str, int]]) -> bytes:
    """Units by the number of their items behind, most first (at most MOST_BARS)."""
    shown = sorted(units, key=lambda u: -u[1])[:MOST_BARS][::-1]
    labels = [_label(name) for name, _ in shown]
    figure, font = _figure(1.0 + 0.25 * max(len(shown), 2), left_in=_left(labels))
    axes = figure.add_subplot()
    bars = axes.barh(labels, [n for _, n in shown], color=COLOURS[pace.BEHIND])
    axes.bar_label(bars, fontsize=8)
    _style(axes, font, "欠进度事项数", horizontal=True)
    axes.set_title("各单位欠进度事项", fontdict=font)
    return _png(figure)


def completion_chart(lines: list[tuple[str, Decimal, Decimal | None]]) -> bytes:
    """Completion of each indicator (bars) against the share of the year elapsed (marks), in percent."""
    shown = lines[:MOST_BARS][::-1]
    labels = [_label(name) for name, _, _ in shown]
    figure, font = _figure(1.4 + 0.28 * max(len(shown), 2), left_in=_left(labels), bottom_in=0.85)
    axes = figure.add_subplot()
    axes.barh(labels, [float(done * 100) for _, done, _ in shown], color=COLOURS[pace.ON_PACE], label="完成率")
    marks = [(i, float(e * 100)) for i, (_, _, e) in enumerate(shown) if e is not None]
    if marks:
        axes.scatter([m for _, m in marks], [i for i, _ in marks], marker="|", s=200, color=COLOURS[pace.BEHIND],
                     label="序时进度", zorder=3)
    _style(axes, font, "%", horizontal=True)
    axes.set_xlim(0, max([100.0] + [float(done * 100) * 1.05 for _, done, _ in shown]))
    figure.legend(prop=font, loc="lower center", ncols=2, frameon=False)
    axes.set_title("指标完成率与序时进度", fontdict=font)
    return _png(figure)


def _style(axes, font: dict, value_label: str, *, horizontal: bool = False) -> None:
    from matplotlib.ticker import MaxNLocator

    (axes.xaxis if horizontal else axes.yaxis).set_major_locator(MaxNLocator(integer=True))  # counts: no 0.2 steps
    for label in axes.get_xticklabels() + axes.get_yticklabels():
        label.set_fontfamily(font["family"])
        label.set_fontsize(8)
    (axes.set_xlabel if horizontal else axes.set_ylabel)(value_label, fontdict=font)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)


RATING_COLOURS = {"好": "#198754", "较好": "#20c997", "一般": "#fd7e14", "差": "#dc3545", "未评价": "#6c757d"}


def rating_chart(counts: dict[str, int]) -> bytes:
    """Key tasks by quarterly rating (好/较好/一般/差/未评价), one bar each, with its count on top."""
    figure, font = _figure(2.6)
    axes = figure.add_subplot()
    bars = axes.bar(list(counts), list(counts.values()), color=[RATING_COLOURS.get(r, "#6c757d") for r in counts])
    axes.bar_label(bars, fontsize=9)
    _style(axes, font, "项目数")
    axes.set_title("季度评价分布", fontdict=font)
    return _png(figure)
