"""The statistics of 横比纵比, each against values worked out by hand (the arithmetic is in the comments)."""

from decimal import Decimal as D

import pytest

from jixiao.analysis import stats
from jixiao.analysis.stats import HIGHER_BETTER as HI
from jixiao.analysis.stats import LOWER_BETTER as LO


def q(value, places="0.0001"):
    return None if value is None else D(value).quantize(D(places))


# --- ranking --------------------------------------------------------------------------------------------


def test_competition_ranking_ties_share_the_better_rank_and_skip_the_next():
    values = {"a": D(10), "b": D(8), "c": D(8), "d": D(6), "e": None}
    # higher better: 10 first; the two 8s both beaten only by 10 → 2; 6 beaten by three → 4. e is missing.
    assert stats.competition_ranks(values, HI) == {"a": 1, "b": 2, "c": 2, "d": 4}
    # lower better: 6 first, the 8s second and second, 10 fourth
    assert stats.competition_ranks(values, LO) == {"d": 1, "b": 2, "c": 2, "a": 4}


def test_unknown_direction_is_a_developer_error():
    with pytest.raises(ValueError):
        stats.competition_ranks({"a": D(1)}, "interval")


def test_percentile_rank_counts_a_tie_as_half():
    pool = [D(10), D(8), D(8), D(6)]
    # (B + T/2) / (n − 1) × 100, n = 4:
    # 10: beats 3, ties 0 → 3/3 = 100;  8: beats 1 (the 6), ties 1 → 1.5/3 = 50;  6: beats 0 → 0
    assert stats.percentile_rank(D(10), pool, HI).value == 100
    assert stats.percentile_rank(D(8), pool, HI).value == 50
    assert stats.percentile_rank(D(6), pool, HI).value == 0
    # lower better mirrors it: 6 beats all three
    assert stats.percentile_rank(D(6), pool, LO).value == 100


def test_percentile_rank_of_a_group_of_one_is_explained():
    outcome = stats.percentile_rank(D(5), [D(5)], HI)
    assert outcome.value is None and "只有 1 个" in outcome.reason


def test_quantiles_by_linear_interpolation_type_7():
    pool = [D(6), D(8), D(8), D(10)]
    # sorted 6, 8, 8, 10; h = (n − 1)·p = 3p
    # P25: h = 0.75 → 6 + 0.75·(8 − 6) = 7.5;  P50: h = 1.5 → 8 + 0.5·0 = 8;  P75: h = 2.25 → 8 + 0.25·2 = 8.5
    assert stats.quartile_cuts(pool) == (D("7.5"), D(8), D("8.5"))
    # five values 1..5: P25 h = 1 → 2, P75 h = 3 → 4 (QUARTILE.INC gives the same)
    assert stats.quartile_cuts([D(x) for x in (5, 1, 4, 2, 3)]) == (D(2), D(3), D(4))
    assert stats.quantile([], D("0.5")) is None


def test_quartile_position_best_quarter_is_one_and_a_cut_belongs_to_the_better_quarter():
    pool = [D(6), D(8), D(8), D(10)]  # cuts 7.5 / 8 / 8.5
    assert [stats.quartile_position(v, pool, HI) for v in (D(10), D(8), D(6))] == [1, 2, 4]
    assert stats.quartile_position(D("7.5"), pool, HI) == 3  # on P25: the better (third) quarter
    # lower better: 6 ≤ 7.5 → 1; 8 ≤ 8 → 2; 10 > 8.5 → 4
    assert [stats.quartile_position(v, pool, LO) for v in (D(6), D(8), D(10))] == [1, 2, 4]


def test_median_and_mean():
    assert stats.median([D(3), D(1), D(2)]) == 2
    assert stats.median([D(4), D(1), D(3), D(2)]) == D("2.5")  # (2 + 3) / 2
    assert stats.mean([D(1), D(2), D(6)]) == 3  # 9 / 3
    assert stats.median([]) is None and stats.mean([]) is None


def test_population_and_sample_sd():
    pool = [D(2), D(4), D(4), D(4), D(5), D(5), D(7), D(9)]
    # mean 40/8 = 5; squares 9+1+1+1+0+0+4+16 = 32; population 32/8 = 4 → 2; sample 32/7 → √4.5714… = 2.1381
    assert stats.sd(pool).value == 2
    assert q(stats.sd(pool, sample=True).value) == D("2.1381")
    assert stats.sd([D(1)], sample=True).value is None
    assert stats.sd([]).value is None


def test_z_score_is_signed_so_that_positive_is_better():
    pool = [D(2), D(4), D(4), D(4), D(5), D(5), D(7), D(9)]  # mean 5, population SD 2
    assert stats.z_score(D(9), pool, HI).value == 2  # (9 − 5) / 2
    assert stats.z_score(D(9), pool, LO).value == -2
    assert stats.z_score(D(2), pool, HI).value == D("-1.5")  # (2 − 5) / 2


def test_z_score_is_none_for_one_value_or_no_spread():
    one = stats.z_score(D(3), [D(3)])
    assert one.value is None and "不足 2 个" in one.reason
    tied = stats.z_score(D(3), [D(3), D(3), D(3)])
    assert tied.value is None and "标准差为 0" in tied.reason


def test_modified_z_with_median_and_mad():
    pool = [D(1), D(2), D(3), D(4), D(100)]
    # median 3; |x − 3| = 2, 1, 0, 1, 97 → MAD = median(0, 1, 1, 2, 97) = 1
    # M(100) = 0.6745 · (100 − 3) / 1 = 65.4265;  M(1) = 0.6745 · (−2) = −1.349
    assert stats.modified_z(D(100), pool).value == D("65.4265")
    assert stats.modified_z(D(1), pool).value == D("-1.3490")
    flat = stats.modified_z(D(5), [D(5), D(5), D(5), D(9)])  # MAD = median(0, 0, 0, 4) = 0
    assert flat.value is None and "绝对中位差为 0" in flat.reason
    assert stats.modified_z(D(1), [D(1), D(2)]).value is None


def test_growth_and_its_refusals():
    assert stats.growth(D(120), D(100)).value == 20  # (120 − 100) / 100 × 100
    assert stats.growth(D(90), D(120)).value == -25  # (90 − 120) / 120 × 100
    for base, word in ((None, "无上期"), (D(0), "为 0"), (D(-5), "负数")):
        outcome = stats.growth(D(10), base)
        assert outcome.value is None and word in outcome.reason
    assert stats.growth(None, D(10)).value is None


# --- a whole comparison ---------------------------------------------------------------------------------


def test_compare_places_every_present_value_and_lists_the_missing_apart():
    c = stats.compare({"a": D(10), "b": D(8), "c": D(8), "d": D(6), "e": None}, HI)
    assert [(s.key, s.rank) for s in c.standings] == [("a", 1), ("b", 2), ("c", 2), ("d", 4)]
    assert c.missing == ("e",) and c.size == 4
    # median of 6, 8, 8, 10 = 8; mean 32/4 = 8; population SD √((4+0+0+4)/4) = √2
    assert c.median == 8 and c.mean == 8 and q(c.sd) == D("1.4142")
    assert c.best == ("a",) and c.best_value == 10
    assert [s.gap for s in c.standings] == [0, 2, 2, 4]
    assert q(c.of("d").z) == D("-1.4142")  # (6 − 8) / √2
    assert any("1 个单位无数值" in note for note in c.notes)


def test_compare_lower_better_names_the_smallest_as_best():
    c = stats.compare({"a": D("3.5"), "b": D("2.0"), "c": D("2.0")}, LO)
    assert c.best == ("b", "c") and c.best_value == 2
    assert c.of("a").gap == D("1.5") and c.of("a").rank == 3


@pytest.mark.parametrize("values, note", [
    ({"a": D(5)}, "只有 1 个单位有数值"),
    ({"a": D(5), "b": D(5), "c": D(5)}, "数值相同"),
    ({"a": None, "b": None}, "均无数值"),
])
def test_compare_explains_bad_groups_and_never_crashes(values, note):
    c = stats.compare(values, HI)
    assert any(note in n for n in c.notes)
    for s in c.standings:
        assert s.z is None and s.rank == 1


def test_compare_with_zero_and_negative_values():
    c = stats.compare({"a": D(-2), "b": D(0), "c": D(2)}, HI)
    # mean 0, SD √(8/3) = 1.63299; z(c) = 2 / 1.63299 = 1.2247
    assert [s.key for s in c.standings] == ["c", "b", "a"]
    assert q(c.of("c").z) == D("1.2247") and c.mean == 0


def test_window_is_top_three_and_you_plus_minus_two():
    c = stats.compare({k: D(100 - i) for i, k in enumerate("abcdefghij")}, HI)  # a best … j worst
    assert [s.key for s in stats.window(c, "h")] == ["a", "b", "c", "f", "g", "h", "i", "j"]
    assert [s.key for s in stats.window(c, "b")] == ["a", "b", "c", "d"]
    assert [s.key for s in stats.window(c, "missing")] == ["a", "b", "c"]


# --- self comparison ------------------------------------------------------------------------------------


def test_same_period_sum_january_to_n_against_january_to_n():
    this_year = {1: D(10), 2: D(12), 3: D(14)}
    last_year = {1: D(9), 2: D(11), 3: D(10), 4: D(50), 12: D(100)}  # later months never count
    r = stats.same_period(this_year, last_year, 3, stats.SUM)
    # 10 + 12 + 14 = 36 against 9 + 11 + 10 = 30: +6, 6 / 30 = 20 %
    assert (r.current, r.previous, r.change, r.growth) == (36, 30, 6, 20)


def test_same_period_average_and_last():
    r = stats.same_period({1: D(90), 2: D(96)}, {1: D(80), 2: D(100)}, 2, stats.AVERAGE)
    assert (r.current, r.previous, r.change) == (93, 90, 3)  # (90 + 96)/2 against (80 + 100)/2
    r = stats.same_period({6: D(55)}, {6: D(50), 12: D(120)}, 6, stats.LAST)
    assert (r.current, r.previous, r.growth) == (55, 50, 10)  # June against June, not against December


def test_same_period_never_compares_a_part_year():
    r = stats.same_period({1: D(1), 2: D(1), 3: D(1)}, {1: D(1), 3: D(1)}, 3, stats.SUM)
    assert r.growth is None and r.change is None and "上年同期缺第 2 期" in r.reason
    r = stats.same_period({1: D(1)}, {1: D(0)}, 1, stats.SUM)
    assert r.change == 1 and r.growth is None and "为 0" in r.reason


def test_mann_kendall_hand_worked_example_with_a_tie():
    series = {2019: D(10), 2020: D(12), 2021: D(11), 2022: D(15), 2023: D(15), 2024: D(18)}
    t = stats.mann_kendall(series)
    # S by rows (sign of each later value minus the earlier):
    #   10: + + + + +  = 5;  12: − + + + = 2;  11: + + + = 3;  15: 0 + = 1;  15: + = 1  → S = 12
    assert t.s == 12 and t.n == 6
    # Var = [n(n−1)(2n+5) − Σ t(t−1)(2t+5)] / 18 = [6·5·17 − 2·1·9] / 18 = (510 − 18) / 18 = 27.3333
    assert round(t.variance, 4) == 27.3333
    # Z = (S − 1)/√Var = 11 / 5.22813 = 2.1040; p = 2(1 − Φ(2.1040)) = 2(1 − 0.98231) = 0.0354
    assert round(t.z, 4) == 2.1040 and round(t.p, 4) == 0.0354
    assert t.direction == stats.UP
    # Sen: the 15 pairwise slopes sorted −1, 0, 0.5, 1, 1.25, 1.5, 1.5, 1.5, 1.6, 1.67, 2, 2, 2.33, 3, 4 → 1.5
    assert t.slope == D("1.5")
    # at α = 0.01 the same series shows no clear trend
    assert stats.mann_kendall(series, alpha=0.01).direction == stats.FLAT


def test_mann_kendall_downward_and_its_refusals():
    t = stats.mann_kendall({2020 + i: D(v) for i, v in enumerate([9, 7, 6, 4, 1])})
    # strictly falling: S = −(4+3+2+1) = −10; Var = 5·4·15/18 = 16.667; Z = (−10 + 1)/4.0825 = −2.2045; p = 0.0275
    assert t.s == -10 and round(t.z, 4) == -2.2045 and round(t.p, 4) == 0.0275 and t.direction == stats.DOWN
    short = stats.mann_kendall({2022: D(1), 2023: D(2), 2024: None, 2025: D(3), 2026: D(4)})
    assert short.s is None and "只有 4 个年份" in short.reason
    flat = stats.mann_kendall({2020 + i: D(5) for i in range(6)})
    assert flat.direction == stats.FLAT and flat.p == 1.0 and "全部相同" in flat.reason


@pytest.mark.parametrize("direction", [HI, LO])
def test_compare_gives_the_same_figures_as_the_functions_one_by_one(direction):
    values = {k: D(v) for k, v in zip("abcdefghij", (5, 3, 9, 3, 7, 7, 7, 1, 12, 3), strict=True)}
    pool = list(values.values())
    c = stats.compare(values, direction)
    ranks = stats.competition_ranks(values, direction)
    for key, value in values.items():
        s = c.of(key)
        assert s.rank == ranks[key]
        assert s.percentile == stats.percentile_rank(value, pool, direction).value
        assert s.quartile == stats.quartile_position(value, pool, direction)
        assert s.z == stats.z_score(value, pool, direction).value
        assert s.modified_z == stats.modified_z(value, pool).value
