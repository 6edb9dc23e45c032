"""序时进度 (pace): completion against the share of the year elapsed. Pure: plain data in, a `Pace` out.

No ORM, no clock: the caller passes the day and the figures (pace_queries.py reads them from the database).

**Indicators.** Units report figures cumulative for the year to date (累计值, reporting/due.py), so the latest
figure of a period ended by the day is the year's figure so far, and the *elapsed share* (序时进度) is the share
of the year that period covers: March or Q1 3/12, June or H1 6/12, November 11/12, the year 12/12. Figure and
share always belong to the same period, so a unit whose October figure is in is judged on October (10/12) even
on 25 November, and never against a share its data could not yet cover. With the thresholds of the cycle's
`PaceRule` (on_pace_ratio r₁, ahead_ratio r₂), for a *higher is better* indicator with year target T > 0,
figure A and elapsed share e:

    completion c = A ÷ T
    已完成 (done)     c ≥ 1, whatever the date
    超进度 (ahead)    c ≥ r₂ · e
    达进度 (on pace)  c ≥ r₁ · e
    欠进度 (behind)   otherwise; shortfall = r₁ · e · T − A, what the unit must add to be on pace
    Once the whole year is in (e = 1), anything short of the target is 欠进度 (全年未完成).

A *lower is better* indicator that adds up over the year (安全生产事故起数 ≤ 40) has a ceiling, not a goal: its
"completion" is the share of the allowance used, u = A ÷ T, and the unit keeps pace while it uses no more than
the year elapsed: 超进度 when u ≤ e ÷ r₂, 达进度 when u ≤ e ÷ r₁, else 欠进度 with the overrun A − e · T ÷ r₁ as
shortfall; past the ceiling (u > 1) it is 欠进度 for good. A ceiling is only 已完成 once the whole year is in.

Not applicable (不适用), with the reason: level indicators (rates, averages, maxima — PM2.5 年均浓度,
失业率: their figure does not grow with the year, so a share of the year says nothing about it; they are
compared with their target directly, by the scoring), interval indicators, qualitative and milestone ones.
A ceiling of 0 (零事故) is on pace while nothing happened and 欠进度 from the first event; it has no completion.
Cannot tell (无法判断), with the reason: no target, a goal of 0 or a negative target, nothing reported yet.

All comparisons are made by cross-multiplication in Decimal (A · 12 ≥ r · months · T), so an item exactly on a
threshold is judged exactly, whatever 11/12 rounds to.

**Key tasks.** A task's milestones (节点目标) are its year: with n milestones, d of them due before the day
(keywork/status.py: due when its date is past) and m met (a progress report of the lead unit for its quarter
or later says so), completion is m ÷ n and the elapsed share d ÷ n; the same thresholds apply to m against d,
the shortfall is the number of due milestones not met. A task reported 100 % or with every milestone met is
已完成; before its first milestone falls due it cannot be judged unless one was met early (超进度).
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from jixiao.keywork.periods import index as task_period_index
from jixiao.keywork.status import MilestoneFact, ProgressFact

AHEAD, ON_PACE, BEHIND, DONE = "ahead", "on_pace", "behind", "done"
UNKNOWN, NOT_APPLICABLE = "unknown", "not_applicable"
LABELS = {BEHIND: "欠进度", ON_PACE: "达进度", AHEAD: "超进度", DONE: "已完成", UNKNOWN: "无法判断",
          NOT_APPLICABLE: "不适用"}
# 欠进度 first: the order of every table and count.
ORDER = [BEHIND, ON_PACE, AHEAD, DONE, UNKNOWN, NOT_APPLICABLE]
BADGES = {BEHIND: "danger", ON_PACE: "primary", AHEAD: "success", DONE: "success", UNKNOWN: "secondary",
          NOT_APPLICABLE: "light"}

# How an indicator's figures relate to the year (from indicators.Aggregation, see pace_queries.kind_of).
CUMULATIVE = "cumulative"  # each figure is the year to date (累计值)
PER_PERIOD = "per_period"  # each figure is its period's alone; the year so far is their sum
LEVEL = "level"  # a rate or an average: the figure does not grow with the year

HIGHER_BETTER, LOWER_BETTER = "higher_better", "lower_better"
YEAR_FREQUENCY = "year"
ONE, TWELVE = Decimal(1), Decimal(12)
MONTHS_TO_END = {**{f"M{m:02d}": m for m in range(1, 13)}, "Q1": 3, "Q2": 6, "Q3": 9, "Q4": 12, "H1": 6, "H2": 12,
                 "Y": 12}


@dataclass(frozen=True)
class Rule:
    """The thresholds of a cycle (analysis.PaceRule) as plain numbers."""

    on_pace_ratio: Decimal = Decimal("1.00")
    ahead_ratio: Decimal = Decimal("1.10")


@dataclass(frozen=True)
class Figure:
    """One reported figure: the period it covers and its number."""

    period_code: str
    number: Decimal


@dataclass(frozen=True)
class Pace:
    """The judgement of one item on one day."""

    status: str
    completion: Decimal | None = None  # share of the target done (of the allowance used, for a ceiling)
    elapsed: Decimal | None = None  # share of the year (of the milestones) the figure covers
    shortfall: Decimal | None = None  # what is missing to be on pace (indicator's unit, or milestones); behind only
    figure: Decimal | None = None  # the year so far
    period_code: str = ""  # the period of the figure
    reason: str = ""

    @property
    def label(self) -> str:
        return LABELS[self.status]

    @property
    def badge(self) -> str:
        return BADGES[self.status]

    @property
    def lag_points(self) -> Decimal | None:
        """Completion minus the elapsed share, in percentage points (negative when behind)."""
        if self.completion is None or self.elapsed is None:
            return None
        return (self.completion - self.elapsed) * 100

    @property
    def order(self) -> int:
        return ORDER.index(self.status)


def period_end(year: int, code: str) -> datetime.date:
    """The last day of a reporting period code of `year` (M01–M12, Q1–Q4, H1–H2, Y)."""
    month = MONTHS_TO_END[code]
    first_of_next = datetime.date(year + 1, 1, 1) if month == 12 else datetime.date(year, month + 1, 1)
    return first_of_next - datetime.timedelta(days=1)


def year_so_far(figures: Iterable[Figure], kind: str, year: int, day: datetime.date) -> tuple[Decimal, str] | None:
    """The year's figure so far and its period, from figures of periods ended before `day`; None without any."""
    ended = sorted((f for f in figures if f.period_code in MONTHS_TO_END and period_end(year, f.period_code) < day),
                   key=lambda f: MONTHS_TO_END[f.period_code])
    if not ended:
        return None
    latest = ended[-1]
    total = latest.number if kind == CUMULATIVE else sum((f.number for f in ended), Decimal(0))
    return total, latest.period_code


def indicator_pace(target: Decimal | None, figures: Iterable[Figure], *, direction: str, kind: str, year: int,
                   day: datetime.date, rule: Rule = Rule(), frequency: str = "") -> Pace:
    """The pace of one unit's indicator on `day` (formulas in the module docstring)."""
    reason = _not_applicable(direction, kind)
    if reason:
        return Pace(NOT_APPLICABLE, reason=reason)
    if target is None:
        return Pace(UNKNOWN, reason="未设定年度目标值。")
    if target < 0 or (target == 0 and direction == HIGHER_BETTER):
        return Pace(UNKNOWN, reason="年度目标为 0 或负数，完成率没有意义。")
    so_far = year_so_far(figures, kind, year, day)
    if so_far is None:
        waiting = "按年度报送，年度结束后方可判断。" if frequency == YEAR_FREQUENCY else "尚无已报送的数据。"
        return Pace(UNKNOWN, reason=waiting)
    figure, code = so_far
    months = Decimal(MONTHS_TO_END[code])
    if target == 0:
        return _zero_ceiling(figure, code, months)
    judge = _higher_better if direction == HIGHER_BETTER else _lower_better
    status, shortfall, reason = judge(target, figure, months, rule)
    return Pace(status, completion=figure / target, elapsed=months / TWELVE, shortfall=shortfall, figure=figure,
                period_code=code, reason=reason)


def _not_applicable(direction: str, kind: str) -> str:
    if direction not in (HIGHER_BETTER, LOWER_BETTER):
        return "区间、定性和节点类指标没有随时间累积的数值，不计序时进度。"
    if kind == LEVEL:
        return "比率、均值类指标的数值不随年度累积，按目标值直接比较，不计序时进度。"
    return ""


def _higher_better(target: Decimal, figure: Decimal, months: Decimal, rule: Rule) -> tuple[str, Decimal | None, str]:
    if figure >= target:
        return DONE, None, ""
    if months == TWELVE:
        return BEHIND, target - figure, "全年数据未完成年度目标。"
    if figure * TWELVE >= rule.ahead_ratio * months * target:
        return AHEAD, None, ""
    if figure * TWELVE >= rule.on_pace_ratio * months * target:
        return ON_PACE, None, ""
    return BEHIND, rule.on_pace_ratio * months * target / TWELVE - figure, ""


def _lower_better(target: Decimal, figure: Decimal, months: Decimal, rule: Rule) -> tuple[str, Decimal | None, str]:
    if figure > target:
        return BEHIND, figure - target, "已超过全年控制目标。"
    if months == TWELVE:
        return DONE, None, ""
    if figure * TWELVE * rule.ahead_ratio <= months * target:
        return AHEAD, None, ""
    if figure * TWELVE * rule.on_pace_ratio <= months * target:
        return ON_PACE, None, ""
    return BEHIND, figure - months * target / (TWELVE * rule.on_pace_ratio), ""


def _zero_ceiling(figure: Decimal, code: str, months: Decimal) -> Pace:
    """A ceiling of 0 (零事故): kept while nothing happened — on pace during the year, done at its end."""
    if figure > 0:
        return Pace(BEHIND, shortfall=figure, figure=figure, period_code=code, elapsed=months / TWELVE,
                    reason="已超过全年控制目标（0）。")
    return Pace(DONE if months == TWELVE else ON_PACE, figure=figure, period_code=code, elapsed=months / TWELVE)


def task_pace(milestones: Iterable[MilestoneFact], reports: Iterable[ProgressFact], day: datetime.date,
              rule: Rule = Rule()) -> Pace:
    """The pace of one key task on `day`, from its milestones and its lead unit's progress reports."""
    milestones, reports = list(milestones), list(reports)
    if not milestones:
        return Pace(UNKNOWN, reason="未设节点目标。")
    total = Decimal(len(milestones))
    met = [m for m in milestones if _met(m, reports)]
    due = [m for m in milestones if m.due_on < day]
    missed = Decimal(sum(1 for m in due if m not in met))
    done, owed = Decimal(len(met)), Decimal(len(due))
    completion, elapsed = done / total, owed / total
    if done == total or any(r.percent >= 100 for r in reports):
        return Pace(DONE, completion=ONE, elapsed=elapsed, figure=done)
    if not due and not met:
        return Pace(UNKNOWN, completion=completion, elapsed=elapsed, figure=done, reason="首个节点目标尚未到期。")
    if done >= rule.ahead_ratio * owed and done > owed:
        status = AHEAD
    elif done >= rule.on_pace_ratio * owed:
        status = ON_PACE
    else:
        status = BEHIND
    return Pace(status, completion=completion, elapsed=elapsed, figure=done,
                shortfall=missed if status == BEHIND else None)


def _met(milestone: MilestoneFact, reports: list[ProgressFact]) -> bool:
    """keywork/status.py's rule: a report for the milestone's quarter or a later period says it was met."""
    at = task_period_index(milestone.period_code)
    return any(r.milestone_met and task_period_index(r.period_code) >= at for r in reports)
