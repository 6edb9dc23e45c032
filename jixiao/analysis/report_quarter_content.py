"""What the quarterly key-project evaluation report (重点项目季度评价报告) says: plain data in, Chinese sentences out.

No ORM, no clock: `report_quarter_queries.py` reads each key task as of the quarter's end into a `ProjectLine`,
these functions rate each one and write 一、总体情况, 五、存在问题 and 六、改进建议 from the figures, and
`report_quarter_document.py` lays them out.

The quarterly rating (季度评价) of a task, from its pace (序时进度 as the pace page judges it) and the quarter's own
milestone (本季度节点), in this order:

- 未评价: the task has no milestone (未设节点目标), or its first milestone is not yet due and none is met.
- 好: 已完成; or 超进度 with the quarter's milestone met (or none due in the quarter).
- 较好: 达进度 with the quarter's milestone met (or none due in the quarter); or 超进度 with it missed or not yet due.
- 一般: 达进度 with the quarter's milestone missed or not yet due; or 欠进度 by one milestone.
- 差: 欠进度 by two milestones or more; or 欠进度 with no progress report at all.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from jixiao.analysis import pace
from jixiao.analysis.report_content import names

QUARTERS = {1: "第一季度", 2: "第二季度", 3: "第三季度", 4: "第四季度"}
GOOD, FAIR, AVERAGE, POOR, UNRATED = "好", "较好", "一般", "差", "未评价"
RATINGS = [GOOD, FAIR, AVERAGE, POOR, UNRATED]
# the quarter's own milestone
MET, MISSED, NOT_DUE, NONE = "已完成", "未完成", "未到期", "本季度无节点"


@dataclass(frozen=True)
class ProjectLine:
    """One key task as of the quarter's end: its milestones, its lead unit's latest report and its pace."""

    code: str
    name: str
    unit: str
    leader: str = ""
    milestones: int = 0  # of the whole year
    met: int = 0  # met by the judging day
    due: int = 0  # due before the judging day
    quarter_goal: str = ""  # the quarter's milestone, "" when the quarter has none
    quarter_state: str = NONE
    percent: int | None = None  # the latest reported completion, None when nothing is reported
    status: str = pace.UNKNOWN  # pace status
    shortfall: int | None = None  # milestones behind (欠进度 only)
    latest: str = ""  # the latest progress text, shortened
    note: str = ""  # why the pace could not be judged

    @property
    def label(self) -> str:
        return pace.LABELS.get(self.status, self.status)

    @property
    def title(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def met_text(self) -> str:
        return f"{self.met}/{self.milestones}" if self.milestones else "—"

    @property
    def percent_text(self) -> str:
        return "未报送" if self.percent is None else f"{self.percent}%"

    @property
    def rating(self) -> tuple[str, str]:
        return rate(self)


def rate(p: ProjectLine) -> tuple[str, str]:
    """The quarterly rating of one task and the reason, by the rule in the module's docstring."""
    quarter_ok = p.quarter_state in (MET, NONE)
    if not p.milestones:
        return UNRATED, "未设节点目标，无法评价"
    if p.status == pace.DONE:
        return GOOD, "已完成全部节点目标"
    if p.status == pace.AHEAD:
        return (GOOD, "超序时进度，本季度节点按期完成") if quarter_ok else (FAIR, f"超序时进度，本季度节点{p.quarter_state}")
    if p.status == pace.ON_PACE:
        return (FAIR, "达序时进度，本季度节点按期完成") if quarter_ok else (AVERAGE, f"达序时进度，本季度节点{p.quarter_state}")
    if p.status == pace.BEHIND:
        if p.percent is None:
            return POOR, "欠进度且未报送任何进展"
        if (p.shortfall or 0) >= 2:
            return POOR, f"欠序时进度{p.shortfall}个节点"
        return AVERAGE, "欠序时进度1个节点"
    return UNRATED, p.note.rstrip("。") or "尚无可评价的节点"


@dataclass
class QuarterFacts:
    """Everything a quarterly report says, read by `report_quarter_queries.facts`."""

    subject: str  # 全区 or the lead unit's name
    district: bool
    year: int
    quarter: int
    as_of: datetime.date
    projects: list[ProjectLine] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)

    @property
    def period(self) -> str:
        return f"{self.year}年{QUARTERS[self.quarter]}"

    @property
    def pace_counts(self) -> dict[str, int]:
        return {s: n for s in pace.ORDER if (n := sum(1 for p in self.projects if p.status == s))}

    @property
    def rating_counts(self) -> dict[str, int]:
        return {r: n for r in RATINGS if (n := sum(1 for p in self.projects if p.rating[0] == r))}

    @property
    def behind(self) -> list[ProjectLine]:
        return [p for p in self.projects if p.status == pace.BEHIND]

    def in_quarter(self, state: str) -> list[ProjectLine]:
        return [p for p in self.projects if p.quarter_state == state]


def day_text(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def overview(f: QuarterFacts) -> list[str]:
    """一、总体情况: how many tasks, by pace, the quarter's milestones, the ratings."""
    if not f.projects:
        whose = "全区" if f.district else f"{f.subject}牵头的"
        return [f"截至{day_text(f.as_of)}，{f.year}年度{whose}重点工作和重大项目尚未设立，本季度无可评价的项目。"]
    by_pace = "，".join(f"{pace.LABELS[s]}{n}项" for s, n in f.pace_counts.items())
    out = [f"截至{day_text(f.as_of)}，{f.subject}纳入季度评价的重点工作和重大项目共{len(f.projects)}项，"
           f"按序时进度{by_pace}。"]
    due = [p for p in f.projects if p.quarter_state != NONE]
    if due:
        out.append(f"本季度应完成节点目标{len(due)}个，已完成{len(f.in_quarter(MET))}个，未完成{len(f.in_quarter(MISSED))}个"
                   + (f"，未到期{len(f.in_quarter(NOT_DUE))}个" if f.in_quarter(NOT_DUE) else "") + "。")
    else:
        out.append("本季度没有到期的节点目标。")
    out.append("季度评价：" + "，".join(f"{r}{n}项" for r, n in f.rating_counts.items()) + "。")
    return out


def problems(f: QuarterFacts) -> list[str]:
    """五、存在问题: tasks behind, quarter milestones missed, no progress reported, no milestones."""
    out = []
    behind = f.behind
    if len(behind) == 1:
        out.append(f"“{behind[0].name}”（{behind[0].unit}）欠序时进度{behind[0].shortfall or 0}个节点。")
    elif behind:
        worst = max(behind, key=lambda p: p.shortfall or 0)
        out.append(f"{names([p.name for p in behind])}欠序时进度，其中“{worst.name}”（{worst.unit}）差{worst.shortfall or 0}个节点。")
    missed = f.in_quarter(MISSED)
    if missed:
        out.append(f"本季度节点目标未按期完成的有{names([p.name for p in missed])}。")
    silent = [p.name for p in f.projects if p.percent is None and p.milestones]
    if silent:
        out.append(f"{names(silent)}截至{f.as_of.month}月{f.as_of.day}日未报送进展情况。")
    bare = [p.name for p in f.projects if not p.milestones]
    if bare:
        out.append(f"{names(bare)}未设节点目标，无法按序时进度评价。")
    if not out:
        out.append(f"截至{f.as_of.month}月{f.as_of.day}日，未发现欠进度、节点逾期或未报送进展的项目。" if f.projects
                   else "本季度无可评价的项目。")
    return out


def suggestions(f: QuarterFacts) -> list[str]:
    """六、改进建议: one answer to each kind of problem, in the order of `problems`."""
    out = []
    if f.behind:
        out.append(f"对欠进度的{len(f.behind)}个项目逐项明确追赶措施、责任人和完成时限，下季度按月调度。")
    if any(p.rating[0] == POOR for p in f.projects):
        out.append("对评价为“差”的项目开展专项督查，必要时下发督办单，并约谈牵头单位负责人。")
    if f.in_quarter(MISSED):
        out.append("督促未完成本季度节点的牵头单位说明原因，补报完成时限。")
    if any(p.percent is None and p.milestones for p in f.projects):
        out.append("督促牵头单位按季度报送进展，做到有进展、有佐证。")
    if any(not p.milestones for p in f.projects):
        out.append("为未设节点目标的项目补充分季度节点目标。")
    if not out:
        out.append("保持现有推进节奏，按节点目标做好下季度各项工作。" if f.projects else "年度重点项目设立后按季度开展评价。")
    return out
