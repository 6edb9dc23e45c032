"""序时进度 by hand: every expected figure below is worked out in the comment beside it."""

import datetime
from decimal import Decimal as D

import pytest

from jixiao.analysis import pace
from jixiao.analysis.pace import Figure, Rule
from jixiao.keywork.status import MilestoneFact, ProgressFact

DEC_1 = datetime.date(2026, 12, 1)  # November has ended: a monthly figure covers 11/12 of the year
NOV_25 = datetime.date(2026, 11, 25)
DEFAULT = Rule()


def higher(target, figures, day=DEC_1, rule=DEFAULT, kind=pace.CUMULATIVE, **kw):
    return pace.indicator_pace(None if target is None else D(target), [Figure(c, D(n)) for c, n in figures],
                               direction=pace.HIGHER_BETTER, kind=kind, year=2026, day=day, rule=rule, **kw)


def lower(target, figures, day=DEC_1, rule=DEFAULT):
    return pace.indicator_pace(D(target), [Figure(c, D(n)) for c, n in figures], direction=pace.LOWER_BETTER,
                               kind=pace.CUMULATIVE, year=2026, day=day, rule=rule)


# --- Higher is better ----------------------------------------------------------------------------------------


def test_after_november_a_monthly_figure_is_judged_against_eleven_twelfths():
    # 1–11月 1000 of 1200: completion 1000/1200 = 0.8333 < 11/12 = 0.9167 → behind by 1100 − 1000 = 100.
    result = higher(1200, [("M10", 900), ("M11", 1000)])
    assert (result.status, result.period_code, result.elapsed) == (pace.BEHIND, "M11", D(11) / D(12))
    assert result.completion == D(1000) / D(1200)
    assert result.shortfall == D(100)
    assert result.label == "欠进度"
    # lag: (1000/1200 − 1100/1200) × 100 = −8.33 points
    assert round(result.lag_points, 2) == D("-8.33")


def test_exactly_on_pace_is_on_pace_and_exactly_ten_percent_ahead_is_ahead():
    # 11/12 of 1200 = 1100 exactly: on pace. 1.1 × 1100 = 1210 ≥ 1200 → done, so use a half-year figure:
    # H1 share 6/12 of 1200 = 600; 1.1 × 600 = 660.
    assert higher(1200, [("M11", 1100)]).status == pace.ON_PACE
    assert higher(1200, [("M11", "1099.99")]).status == pace.BEHIND
    assert higher(1200, [("H1", 660)]).status == pace.AHEAD
    assert higher(1200, [("H1", "659.99")]).status == pace.ON_PACE


def test_the_thresholds_of_the_rule_move_the_lines():
    # on_pace_ratio 0.95: on pace from 0.95 × 6/12 × 1200 = 570; ahead_ratio 1.2 from 1.2 × 600 = 720.
    rule = Rule(on_pace_ratio=D("0.95"), ahead_ratio=D("1.20"))
    assert higher(1200, [("H1", 570)], rule=rule).status == pace.ON_PACE
    behind = higher(1200, [("H1", 569)], rule=rule)
    assert (behind.status, behind.shortfall) == (pace.BEHIND, D(1))  # 570 − 569
    assert higher(1200, [("H1", 719)], rule=rule).status == pace.ON_PACE
    assert higher(1200, [("H1", 720)], rule=rule).status == pace.AHEAD


def test_the_target_reached_is_done_whatever_the_date():
    assert higher(1200, [("Q1", 1200)], day=datetime.date(2026, 4, 2)).status == pace.DONE
    assert higher(1200, [("Q1", 1500)], day=datetime.date(2026, 4, 2)).completion == D("1.25")


def test_only_periods_ended_before_the_day_count():
    # On 25 November, November is not over: the October figure (10/12) is the one judged. 1000/1200 = 10/12.
    result = higher(1200, [("M10", 1000), ("M11", 1050)], day=NOV_25)
    assert (result.status, result.period_code, result.elapsed) == (pace.ON_PACE, "M10", D(10) / D(12))
    # On the last day of a quarter, the quarter has not ended yet.
    assert higher(1200, [("Q3", 900)], day=datetime.date(2026, 9, 30)).reason == "尚无已报送的数据。"


def test_a_quarterly_figure_on_november_25_covers_nine_months():
    # Q3 800 of 1200: 800 × 12 = 9600 < 9 × 1200 = 10800 → behind by 900 − 800 = 100.
    result = higher(1200, [("Q1", 250), ("Q2", 500), ("Q3", 800)], day=NOV_25)
    assert (result.status, result.elapsed, result.shortfall) == (pace.BEHIND, D("0.75"), D(100))


def test_after_the_year_end_a_short_year_is_behind_not_on_pace():
    # Q4 = whole year: 1190 of 1200 with on_pace_ratio 0.95 would be "on pace" mid-year, but the year is over.
    result = higher(1200, [("Q4", 1190)], day=datetime.date(2027, 1, 15), rule=Rule(on_pace_ratio=D("0.95")))
    assert (result.status, result.elapsed, result.shortfall) == (pace.BEHIND, D(1), D(10))
    assert result.reason == "全年数据未完成年度目标。"
    assert higher(1200, [("Q4", 1200)], day=datetime.date(2027, 1, 15)).status == pace.DONE


def test_per_period_figures_add_up():
    # Q1 200 + Q2 250 + Q3 300 = 750 of 1200 at 9/12: 750 × 12 = 9000 < 9 × 1200 = 10800 → behind by 900 − 750.
    result = higher(1200, [("Q1", 200), ("Q2", 250), ("Q3", 300)], day=NOV_25, kind=pace.PER_PERIOD)
    assert (result.status, result.figure, result.shortfall) == (pace.BEHIND, D(750), D(150))


def test_negative_figures_are_behind_not_a_crash():
    # A loss (−50) against a profit target of 1200: completion −50/1200, behind by 600 + 50 = 650 at H1.
    result = higher(1200, [("H1", -50)], day=NOV_25)
    assert (result.status, result.shortfall) == (pace.BEHIND, D(650))
    assert result.completion < 0


@pytest.mark.parametrize(("target", "reason"), [
    (None, "未设定年度目标值。"),
    ("0", "年度目标为 0 或负数，完成率没有意义。"),
    ("-5", "年度目标为 0 或负数，完成率没有意义。"),
])
def test_no_usable_target_cannot_be_judged(target, reason):
    result = higher(target, [("M11", 100)])
    assert (result.status, result.reason, result.completion) == (pace.UNKNOWN, reason, None)


def test_a_unit_with_no_figures_cannot_be_judged():
    assert (higher(1200, []).status, higher(1200, []).reason) == (pace.UNKNOWN, "尚无已报送的数据。")
    yearly = higher(1200, [], frequency="year")
    assert yearly.reason == "按年度报送，年度结束后方可判断。"
    assert yearly.label == "无法判断"


# --- Lower is better: a ceiling that adds up (事故起数 ≤ 40) -------------------------------------------------------


def test_a_ceiling_is_kept_while_no_more_than_the_year_elapsed_is_used():
    # 40 a year; by H1 on pace up to 6/12 × 40 = 20, ahead up to 20 / 1.1 = 18.18.
    assert lower(40, [("H1", 20)]).status == pace.ON_PACE
    assert lower(40, [("H1", 18)]).status == pace.AHEAD
    assert lower(40, [("H1", 0)]).status == pace.AHEAD
    behind = lower(40, [("H1", 25)])
    assert (behind.status, behind.shortfall, behind.completion) == (pace.BEHIND, D(5), D("0.625"))  # 25 − 20


def test_a_ceiling_passed_is_behind_for_good_and_kept_only_at_the_year_end():
    over = lower(40, [("Q3", 41)], day=NOV_25)
    assert (over.status, over.shortfall, over.reason) == (pace.BEHIND, D(1), "已超过全年控制目标。")
    assert lower(40, [("Q4", 38)], day=datetime.date(2027, 1, 10)).status == pace.DONE
    assert lower(40, [("Q3", 10)], day=NOV_25).status == pace.AHEAD  # 10 ≤ 30 / 1.1, never "done" mid-year


def test_a_ceiling_of_zero_is_kept_until_the_first_event():
    zero = lower(0, [("Q3", 0)], day=NOV_25)
    assert (zero.status, zero.completion, zero.elapsed) == (pace.ON_PACE, None, D("0.75"))
    one = lower(0, [("Q3", 1)], day=NOV_25)
    assert (one.status, one.shortfall, one.reason) == (pace.BEHIND, D(1), "已超过全年控制目标（0）。")
    assert lower(0, [("Q4", 0)], day=datetime.date(2027, 1, 2)).status == pace.DONE


def test_level_interval_and_text_indicators_are_not_applicable():
    level = pace.indicator_pace(D(35), [Figure("M11", D(30))], direction=pace.LOWER_BETTER, kind=pace.LEVEL,
                                year=2026, day=DEC_1)
    assert (level.status, level.label) == (pace.NOT_APPLICABLE, "不适用")
    assert "比率、均值" in level.reason
    interval = pace.indicator_pace(D(35), [Figure("M11", D(30))], direction="interval", kind=pace.CUMULATIVE,
                                   year=2026, day=DEC_1)
    assert interval.status == pace.NOT_APPLICABLE and "区间" in interval.reason


# --- Key tasks --------------------------------------------------------------------------------------------------

MILESTONES = [MilestoneFact("Q1", datetime.date(2026, 3, 31)), MilestoneFact("Q2", datetime.date(2026, 6, 30)),
              MilestoneFact("Q3", datetime.date(2026, 9, 30)), MilestoneFact("Q4", datetime.date(2026, 12, 31))]


def report(code, met, percent=50):
    return ProgressFact(code, percent, met)


def test_a_task_with_every_due_milestone_met_is_on_pace():
    # 3 of 4 due on 25 November, 3 met: completion 3/4, elapsed 3/4.
    result = pace.task_pace(MILESTONES, [report("Q1", True), report("Q2", True), report("Q3", True)], NOV_25)
    assert (result.status, result.completion, result.elapsed) == (pace.ON_PACE, D("0.75"), D("0.75"))


def test_a_task_that_missed_a_milestone_is_behind_by_it():
    result = pace.task_pace(MILESTONES, [report("Q1", True), report("Q2", False), report("Q3", True)], NOV_25)
    # Q3's report met its milestone and so, being later, also covers Q2 (catching up counts): 3 met.
    assert result.status == pace.ON_PACE
    result = pace.task_pace(MILESTONES, [report("Q1", True), report("Q2", True), report("Q3", False)], NOV_25)
    assert (result.status, result.completion, result.shortfall) == (pace.BEHIND, D("0.5"), D(1))


def test_a_task_done_or_with_no_milestone_due_yet():
    assert pace.task_pace(MILESTONES, [report("Q2", False, percent=100)], NOV_25).status == pace.DONE
    early = pace.task_pace(MILESTONES, [], datetime.date(2026, 3, 31))  # due when its date is *before* the day
    assert (early.status, early.reason) == (pace.UNKNOWN, "首个节点目标尚未到期。")
    ahead = pace.task_pace(MILESTONES, [report("Q1", True)], datetime.date(2026, 3, 20))
    assert (ahead.status, ahead.completion, ahead.elapsed) == (pace.AHEAD, D("0.25"), D(0))
    assert pace.task_pace([], [], NOV_25).reason == "未设节点目标。"


def test_a_task_after_the_year_end_with_a_milestone_missing_is_behind():
    reports = [report("Q1", True), report("Q2", True), report("Q3", True)]
    result = pace.task_pace(MILESTONES, reports, datetime.date(2027, 1, 5))
    # 4 due, 3 met: 3 < 4 → behind by one milestone.
    assert (result.status, result.shortfall, result.elapsed) == (pace.BEHIND, D(1), D(1))
