"""What the half-year analysis report (半年绩效状况分析报告) says: plain data in, Chinese sentences out.

No ORM, no clock: `report_queries.py` reads the figures into `Facts`, these functions write the sentences of
一、总体情况, 六、存在问题 and 七、改进建议 from them, and `report_document.py` lays them out. Every sentence comes
from a figure of `Facts`; a part with nothing to say says so (a group of one is not ranked, a missing value is
counted as missing, never as zero), so a report is never empty and never shows NaN.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from jixiao.analysis import pace
from jixiao.analysis.stats import HIGHER_BETTER

HALVES = {1: "上半年", 2: "下半年"}
MOST = 3  # how many items a sentence names before it says “等”


@dataclass(frozen=True)
class PaceLine:
    """One item behind its pace (欠进度): a unit's indicator or a key task it leads."""

    unit: str
    kind: str  # 指标 or 重点工作
    name: str
    completion: str = ""  # "66.7%"
    elapsed: str = ""
    shortfall: str = ""


@dataclass(frozen=True)
class StandingLine:
    """One indicator of a unit: its place among its peers and its change on the same period last year."""

    name: str
    direction: str  # stats.HIGHER_BETTER or LOWER_BETTER
    rank: int | None = None  # None: no value to rank
    size: int = 0  # units with a value in the peer set
    value: str = ""
    best: str = ""  # the 标杆 unit(s)
    growth: Decimal | None = None  # percent on the same period last year; None when not comparable
    note: str = ""  # why there is no rank or no growth

    @property
    def ranked(self) -> bool:
        return self.rank is not None and self.size >= 2

    @property
    def low(self) -> bool:
        """In the last quarter of its peers (the last of two or three)."""
        return self.ranked and self.rank * 4 > self.size * 3

    @property
    def worse(self) -> bool:
        """Moved the wrong way on last year's same period (down when higher is better, up when lower is)."""
        if self.growth is None:
            return False
        return self.growth < 0 if self.direction == HIGHER_BETTER else self.growth > 0


@dataclass(frozen=True)
class IndicatorLine:
    """One indicator across the district's units: how many reported, the median, the 标杆, how many improved."""

    name: str
    reported: int
    total: int
    median: str = ""
    best: str = ""
    best_value: str = ""
    improved: int = 0
    comparable: int = 0  # units with last year's same period to compare with

    @property
    def thin(self) -> bool:
        """Some units have a value, fewer than half: a comparison that speaks for few. None at all is not due yet."""
        return self.reported > 0 and self.reported * 2 < self.total


@dataclass(frozen=True)
class UnitLine:
    """One unit in the district report: its items and how many are behind."""

    unit: str
    items: int
    behind: int


@dataclass(frozen=True)
class TaskLine:
    """One key task: its lead unit and its pace."""

    name: str
    unit: str
    status: str  # pace status code
    note: str = ""

    @property
    def label(self) -> str:
        return pace.LABELS.get(self.status, self.status)


@dataclass
class Facts:
    """Everything a report says, read from the database by `report_queries.facts`."""

    subject: str  # 全区 or the unit's name
    district: bool
    year: int
    half: int
    as_of: datetime.date
    pace_counts: dict[str, int] = field(default_factory=dict)  # pace status → items (不适用 left out)
    behind: list[PaceLine] = field(default_factory=list)
    standings: list[StandingLine] = field(default_factory=list)  # a unit's report
    indicators: list[IndicatorLine] = field(default_factory=list)  # the district's report
    units: list[UnitLine] = field(default_factory=list)  # the district's report
    tasks: list[TaskLine] = field(default_factory=list)
    completions: list[tuple[str, Decimal, Decimal | None]] = field(default_factory=list)  # name, done, elapsed
    satisfaction: Decimal | None = None
    satisfaction_note: str = ""
    rectifications: int = 0
    rectifications_closed: int = 0
    overdue: list[str] = field(default_factory=list)  # unfinished rectifications past their deadline
    sources: list[str] = field(default_factory=list)

    @property
    def period(self) -> str:
        return f"{self.year}年{HALVES[self.half]}"

    @property
    def items(self) -> int:
        return sum(self.pace_counts.values())


def names(values: list[str], most: int = MOST, counted: str = "项") -> str:
    """“甲、乙、丙等5项” style: at most `most` names, then how many in all (`counted`: 项, 个单位)."""
    shown = "、".join(f"“{v}”" for v in values[:most])
    return f"{shown}等{len(values)}{counted}" if len(values) > most else shown


def percent(value: Decimal) -> str:
    return f"{abs(value):.1f}%"


def overview(f: Facts) -> list[str]:
    """一、总体情况: how many items and how they stand against their pace (satisfaction and rectification are 五's)."""
    day = f"{f.as_of.year}年{f.as_of.month}月{f.as_of.day}日"
    if not f.items:
        out = [f"截至{day}，{f.subject}{f.year}年度尚无可按序时进度判断的指标或重点工作。"]
    else:
        parts = "，".join(f"{pace.LABELS[s]}{f.pace_counts[s]}项" for s in pace.ORDER if f.pace_counts.get(s))
        out = [f"截至{day}，{f.subject}纳入序时进度监测的指标和重点工作共{f.items}项，其中{parts}。"]
    if f.district and f.units:
        out.append(f"参与分析的单位{len(f.units)}个，其中有欠进度事项的单位{sum(1 for u in f.units if u.behind)}个。")
    return out


def satisfaction_sentence(f: Facts) -> str:
    if f.satisfaction is None:
        return f"满意度：{f.satisfaction_note or '本年度尚无评议结果'}。"
    who = "各单位平均" if f.district else ""
    return f"{f.year}年度综合评议{who}满意度为{f.satisfaction:.2f}分{f.satisfaction_note}。"


def rectification_sentence(f: Facts) -> str:
    if not f.rectifications:
        return "本年度无交办的整改事项。"
    text = f"本年度交办整改事项{f.rectifications}项，已销号{f.rectifications_closed}项"
    return text + (f"，逾期未完成{len(f.overdue)}项。" if f.overdue else "，无逾期事项。")


def standing_sentence(line: StandingLine) -> str:
    """横比纵比 of one indicator in a sentence."""
    if line.rank is None:
        return f"“{line.name}”{line.note or '暂无已核定数值'}，不参与排名。"
    if line.size < 2:
        place = "组内仅有1个单位有数值，不作横向排名"
    else:
        place = f"在{line.size}个单位中排第{line.rank}位" + ("（标杆）" if line.rank == 1 else f"，标杆为{line.best}")
    if line.growth is None:
        change = f"，{line.note}" if line.note else ""
    elif line.growth == 0:
        change = "，与上年同期持平"
    else:
        change = f"，较上年同期{'增长' if line.growth > 0 else '下降'}{percent(line.growth)}"
    return f"“{line.name}”为{line.value}，{place}{change}。"


def problems(f: Facts) -> list[str]:
    """六、存在问题: what is behind, ranked low, worse than last year, missing or overdue — one sentence each."""
    out = []
    if f.behind:
        indicators = [b for b in f.behind if b.kind == "指标"]
        tasks = [b for b in f.behind if b.kind != "指标"]
        out.append(f"有{len(indicators)}项指标、{len(tasks)}项重点工作欠进度" + _worst(f.behind) + "。")
    if f.district:
        out += _district_problems(f)
    else:
        out += _unit_problems(f)
    if f.overdue:
        out.append(f"整改事项{names(f.overdue)}已过整改时限仍未销号。")
    if not out:
        out.append(f"截至{f.as_of.month}月{f.as_of.day}日，未发现欠进度、排名靠后、同比退步或整改逾期的事项。")
    return out


def _worst(behind: list[PaceLine]) -> str:
    first = behind[0]
    if not first.completion:
        return f"，如{first.unit}“{first.name}”"
    return (f"，如{first.unit}“{first.name}”完成{first.completion}，低于序时进度{first.elapsed}"
            + (f"，差{first.shortfall}" if first.shortfall else ""))


def _unit_problems(f: Facts) -> list[str]:
    out = []
    low = [s for s in f.standings if s.low]
    if low:
        out.append(f"{names([s.name for s in low])}在同组单位中排名靠后（{low[0].name}排第{low[0].rank}位，"
                   f"共{low[0].size}个单位）。")
    worse = [s for s in f.standings if s.worse]
    if worse:
        out.append(f"{names([s.name for s in worse])}较上年同期退步。")
    missing = [s for s in f.standings if s.rank is None]
    if missing:
        out.append(f"{names([s.name for s in missing])}截至{f.as_of.month}月{f.as_of.day}日尚无已核定数值，无法比较。")
    return out


def _district_problems(f: Facts) -> list[str]:
    out = []
    most = sorted((u for u in f.units if u.behind), key=lambda u: -u.behind)
    if most:
        out.append(f"欠进度事项集中在{names([u.unit for u in most], counted='个单位')}，其中{most[0].unit}有{most[0].behind}项。")
    thin = [i.name for i in f.indicators if i.thin]
    if thin:
        out.append(f"{names(thin)}有数值的单位不足一半，横向比较的代表性不足。")
    worse = [i.name for i in f.indicators if i.comparable and i.improved * 2 < i.comparable]
    if worse:
        out.append(f"{names(worse)}多数单位较上年同期退步。")
    return out


def suggestions(f: Facts) -> list[str]:
    """七、改进建议: one suggestion for each kind of problem found, in the order of `problems`."""
    out = []
    if f.behind:
        out.append(f"对欠进度的{len(f.behind)}项事项逐项明确追赶措施、责任人和时限，下半年按月调度，确保年底前补齐差距。")
    low = [s for s in f.standings if s.low]
    if low:
        out.append(f"对标{low[0].best or '组内标杆单位'}，学习其在“{low[0].name}”等方面的做法，制定改进目标。")
    if any(s.worse for s in f.standings):
        out.append("分析同比退步指标的原因，区分客观因素和工作因素，提出针对性措施。")
    if any(s.rank is None for s in f.standings):
        out.append("按时报送并核定各期数据，保证分析有数可依。")
    if f.district:
        if any(u.behind for u in f.units):
            out.append("对欠进度事项较多的单位开展专项督查，必要时下发督办单。")
        if any(i.thin for i in f.indicators):
            out.append("督促各单位按时报送数据，提高横向比较的覆盖面。")
    if f.overdue:
        out.append("督促逾期整改事项限期销号，对整改不力的单位予以通报。")
    if not out:
        out.append("保持现有工作节奏，巩固领先指标，对照标杆单位进一步提升。")
    return out


def numbered(sentences: list[str]) -> str:
    """The editable text of a part: one sentence a line, numbered （一）（二）…"""
    return "\n".join(f"（{chinese(n)}）{s}" for n, s in enumerate(sentences, start=1))


def chinese(n: int) -> str:
    digits = "一二三四五六七八九"
    if 1 <= n <= 9:
        return digits[n - 1]
    if n < 20:
        return "十" + (digits[n - 11] if n > 10 else "")
    return str(n)
