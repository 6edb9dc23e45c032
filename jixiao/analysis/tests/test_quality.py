"""数据质量预警 by hand: the modified z-score against a unit's history and against its peers, and every way a
test cannot be made (too few points, all equal, no figure)."""

from decimal import Decimal as D

from jixiao.analysis import quality
from jixiao.analysis.quality import FLAGGED, ORDINARY, UNTESTED, Rule

RULE = Rule()
# median 120; |x − 120| = 20, 10, 0, 10, 20 → MAD 10.
HISTORY = [D(100), D(110), D(120), D(130), D(140)]


def test_a_figure_far_above_its_history_is_flagged_with_the_distance_in_mads():
    check = quality.against_history(D(200), HISTORY, RULE)
    # M = 0.6745 × (200 − 120) ÷ 10 = 5.396; 80 ÷ 10 = 8 MADs.
    assert check.status == FLAGGED and check.m == D("5.396") and check.median == D(120) and check.n == 5
    assert check.reason == "较本单位近 5 年同期中位数 120 偏高 8.0 个 MAD（修正 z 值 5.4，|M| > 3.5）"


def test_a_figure_within_the_threshold_is_ordinary_and_says_so():
    check = quality.against_history(D(150), HISTORY, RULE)
    # M = 0.6745 × 30 ÷ 10 = 2.0235.
    assert check.status == ORDINARY and check.m == D("2.0235")
    assert check.reason == "较本单位近 5 年同期中位数 120 偏高 3.0 个 MAD（修正 z 值 2.0，|M| ≤ 3.5）"


def test_the_threshold_is_the_cycles_and_a_score_equal_to_it_is_not_flagged():
    assert quality.against_history(D(150), HISTORY, Rule(threshold=D("2.0235"))).status == ORDINARY
    assert quality.against_history(D(150), HISTORY, Rule(threshold=D("2.0"))).status == FLAGGED


def test_zero_and_negative_figures_are_ordinary_numbers():
    zero = quality.against_history(D(0), HISTORY, RULE)
    # M = 0.6745 × (0 − 120) ÷ 10 = −8.094: a zero reported where 120 is usual.
    assert zero.status == FLAGGED and zero.m == D("-8.094")
    assert "偏低 12.0 个 MAD（修正 z 值 -8.1" in zero.reason
    # median 0, MAD 5: −40 → 0.6745 × −40 ÷ 5 = −5.396.
    negative = quality.against_history(D(-40), [D(-10), D(-5), D(0), D(5), D(10)], RULE)
    assert negative.status == FLAGGED and negative.m == D("-5.396")


def test_too_little_history_is_not_tested_and_a_new_unit_is_named():
    check = quality.against_history(D(200), [D(100), D(110)], RULE)
    assert check.status == UNTESTED and check.m is None
    assert check.reason == "历史数据不足，未检验（近 5 年同期只有 2 个已核定数值，至少需要 3 个）"
    new = quality.against_history(D(200), [], RULE, since_year=2025)
    assert new.reason == "历史数据不足，未检验（本单位 2025 年起设立，近 5 年同期只有 0 个已核定数值，至少需要 3 个）"
    assert quality.against_history(D(200), [D(100), D(110)], Rule(min_history=2)).status == FLAGGED


def test_years_under_another_definition_are_said_to_be_left_out():
    check = quality.against_history(D(200), HISTORY, RULE, left_out=1)
    assert check.reason.endswith("（另有 1 个年份口径不同，未纳入）")


def test_all_equal_history_has_no_spread_and_is_explained_never_divided_by():
    same = quality.against_history(D(100), [D(100)] * 4, RULE)
    assert same.status == UNTESTED and same.m is None
    assert same.reason == "历史值完全相同（均为 100），无法计算离散度，未检验"
    differs = quality.against_history(D(130), [D(100)] * 4, RULE)
    assert differs.reason == "历史值完全相同（均为 100），无法计算离散度，未检验；本期 130 与之不同，请人工核对"
    # Three of five equal: MAD = median(0, 0, 0, 5, 10) = 0, although the values differ.
    most = quality.against_history(D(130), [D(100), D(100), D(100), D(105), D(110)], RULE)
    assert most.reason == "历史值半数以上相同（MAD 为 0），无法计算离散度，未检验"


def test_a_missing_figure_is_not_tested():
    both = quality.assess(None, HISTORY, [D(1), D(2), D(3)], RULE)
    assert not both.flagged and both.notes == "未填数值，未检验；未填数值，未检验"


def test_a_figure_far_from_its_group_is_flagged_against_the_group_with_it_in():
    # Sample 10, 12, 14, 40: median 13; |x − 13| = 3, 1, 1, 27 → MAD 2; M = 0.6745 × 27 ÷ 2 = 9.10575.
    check = quality.against_peers(D(40), [D(10), D(12), D(14)], RULE, group="考核组别“街道”")
    assert check.status == FLAGGED and check.m == D("9.10575") and check.n == 3
    assert check.reason == "较考核组别“街道”（4 个单位）中位数 13 偏高 13.5 个 MAD（修正 z 值 9.1，|M| > 3.5）"
    # Sample 10, 12, 13, 14: median 12.5; deviations 2.5, 0.5, 0.5, 1.5 → MAD 1; M = 0.6745 × 0.5 = 0.33725.
    assert quality.against_peers(D(13), [D(10), D(12), D(14)], RULE).m == D("0.33725")


def test_a_group_of_one_or_too_few_is_not_tested():
    alone = quality.against_peers(D(40), [], RULE)
    assert alone.status == UNTESTED and alone.reason == "组内同类单位只有本单位报送，没有可比的单位，未检验"
    few = quality.against_peers(D(40), [D(10), D(12)], RULE)
    assert few.reason == "组内同类单位数据不足，未检验（另有 2 个单位报送，至少需要 3 个）"


def test_a_group_all_tied_is_explained():
    tied = quality.against_peers(D(5), [D(5), D(5), D(5)], RULE)
    assert tied.status == UNTESTED and tied.reason == "同组其他单位数值完全相同（均为 5），无法计算离散度，未检验"
    apart = quality.against_peers(D(9), [D(5), D(5), D(5)], RULE)
    assert apart.reason.endswith("；本期 9 与之不同，请人工核对")


def test_an_assessment_joins_the_reasons_of_its_flags():
    both = quality.assess(D(200), HISTORY, [D(10), D(12), D(14)], RULE)
    assert both.flagged and both.reason.startswith("较本单位近 5 年同期中位数 120") and "；较组内同类单位（4 个单位）" in both.reason
    neither = quality.assess(D(120), HISTORY, [D(119), D(120), D(121)], RULE)
    assert not neither.flagged and neither.reason == "" and neither.notes == ""


def test_numbers_are_written_without_trailing_zeros():
    assert [quality.number(D(x)) for x in ("1200.00", "35.50", "-3.254", "0")] == ["1200", "35.5", "-3.25", "0"]
