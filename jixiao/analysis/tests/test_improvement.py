"""The pure computation of improvement targets, checked against figures worked out by hand."""

from decimal import Decimal as D

import pytest

from jixiao.analysis import improvement as imp
from jixiao.analysis.stats import HIGHER_BETTER, LOWER_BETTER

# Five units, higher better: sorted 70, 80, 88, 92, 100. Type 7: P75 at h = 4 × 0.75 = 3 → 92 exactly;
# P25 at h = 1 → 80. The 标杆 is E (100).
GROUP = {"A": D(80), "B": D(92), "C": D(70), "D": D(88), "E": D(100)}
NAMES = {"A": "甲街道", "B": "乙街道", "C": "丙街道", "D": "丁街道", "E": "戊街道"}


def test_quartile_closes_half_the_gap_as_the_row_shows():
    p = imp.propose(imp.QUARTILE, D(50), HIGHER_BETTER, D(80), group=GROUP, names=NAMES, key="A")
    # 80 + 50 % × (92 − 80) = 86
    assert p.value == D("86.00") and p.reference == D(92) and p.current == D(80)
    assert p.explanation == "组内上四分位 92，本单位 80，缩小差距 50% → 86"


def test_quartile_interpolates_between_order_statistics():
    # four values 10, 20, 30, 40: h = 3 × 0.75 = 2.25 → 30 + 0.25 × 10 = 32.5; 10 + 30 % × 22.5 = 16.75
    group = {1: D(10), 2: D(20), 3: D(30), 4: D(40)}
    p = imp.propose(imp.QUARTILE, D(30), HIGHER_BETTER, D(10), group=group, key=1)
    assert p.reference == D("32.5") and p.value == D("16.75")


def test_lower_better_uses_the_lower_quartile_and_moves_down():
    # lower better: P25 of 70, 80, 88, 92, 100 is 80; D at 88 → 88 − 25 % × 8 = 86
    p = imp.propose(imp.QUARTILE, D(25), LOWER_BETTER, D(88), group=GROUP, key="D")
    assert p.reference == D(80) and p.value == D("86.00")
    assert p.explanation.startswith("组内下四分位 80，本单位 88")


def test_benchmark_names_the_best_unit():
    p = imp.propose(imp.BENCHMARK, D(50), HIGHER_BETTER, D(80), group=GROUP, names=NAMES, key="A")
    # 80 + ½ × (100 − 80) = 90
    assert p.value == D("90.00")
    assert p.explanation == "标杆 戊街道 100，本单位 80，缩小差距 50% → 90"


def test_the_benchmark_itself_keeps_its_figure():
    p = imp.propose(imp.BENCHMARK, D(50), HIGHER_BETTER, D(100), group=GROUP, names=NAMES, key="E")
    assert p.keep and p.value == D(100) and p.explanation == "已是标杆，保持 100"


def test_a_unit_beyond_the_quartile_keeps_its_figure():
    p = imp.propose(imp.QUARTILE, D(50), HIGHER_BETTER, D(100), group=GROUP, key="E")
    assert p.keep and p.value == D(100) and p.explanation == "已达组内上四分位（92），保持 100"


def test_all_tied_every_unit_is_the_benchmark():
    group = {1: D(5), 2: D(5), 3: D(5)}
    p = imp.propose(imp.BENCHMARK, D(50), HIGHER_BETTER, D(5), group=group, names={1: "甲", 2: "乙", 3: "丙"}, key=1)
    assert p.keep and p.value == D(5)
    assert imp.benchmarks(group, HIGHER_BETTER) == ((1, 2, 3), D(5))


def test_a_group_of_one_has_no_proposal_but_a_reason():
    p = imp.propose(imp.QUARTILE, D(50), HIGHER_BETTER, D(80), group={"A": D(80), "B": None}, key="A")
    assert p.value is None and "组内只有 1 个有数值的单位" in p.explanation


def test_missing_this_year_has_no_proposal():
    p = imp.propose(imp.BENCHMARK, D(50), HIGHER_BETTER, None, group=GROUP, key="X")
    assert p.value is None and p.explanation == "本单位该年度无已核定数值，无法提出目标"


def test_interval_indicators_are_skipped_with_a_reason():
    p = imp.propose(imp.QUARTILE, D(50), "interval", D(3), group=GROUP, key="A")
    assert p.value is None and "区间" in p.explanation


def test_best_year_takes_the_best_whole_year():
    # lower better (e.g. 万元GDP能耗): best of 0.62 (2023), 0.58 (2024), 0.61 (2025) is 2024's 0.58;
    # 0.64 − 50 % × 0.06 = 0.61
    years = {2023: D("0.62"), 2024: D("0.58"), 2025: D("0.61"), 2022: None}
    p = imp.propose(imp.BEST_YEAR, D(50), LOWER_BETTER, D("0.64"), years=years)
    assert p.value == D("0.61") and p.reference == D("0.58")
    assert p.explanation == "本单位最好年份（2024 年）0.58，本单位 0.64，缩小差距 50% → 0.61"


def test_best_year_without_history_and_when_this_year_is_best():
    assert imp.propose(imp.BEST_YEAR, D(50), HIGHER_BETTER, D(9), years={2025: None}).value is None
    p = imp.propose(imp.BEST_YEAR, D(50), HIGHER_BETTER, D(9), years={2024: D(7), 2025: D(8)})
    assert p.keep and p.value == D(9) and p.explanation == "本年已是本单位最好水平，保持 9"


def test_zero_and_negative_figures_close_the_gap_linearly():
    # growth rates: −4 against a quartile of 6 → −4 + ½ × 10 = 1; 0 against 10 → 5
    assert imp.close_gap(D(-4), D(6), D(50), HIGHER_BETTER) == D("1.00")
    assert imp.close_gap(D(0), D(10), D(50), HIGHER_BETTER) == D("5.00")
    group = {1: D(-4), 2: D(-1), 3: D(2), 4: D(6), 5: D(6)}  # P75 at h = 3 → 6
    p = imp.propose(imp.QUARTILE, D(50), HIGHER_BETTER, D(-4), group=group, key=1)
    assert p.value == D("1.00") and "本单位 -4" in p.explanation


def test_the_proposal_rounds_half_up_to_two_places():
    # 1 + 1/3 share ... 33.33 % × (2 − 1) = 0.3333 → 1.33; 0.125 share of 1 → 1.125 → 1.13
    assert imp.close_gap(D(1), D(2), D("33.33"), HIGHER_BETTER) == D("1.33")
    assert imp.close_gap(D(1), D(2), D("12.5"), HIGHER_BETTER) == D("1.13")


def test_a_bad_method_or_share_is_a_programming_error():
    with pytest.raises(ValueError):
        imp.propose("median", D(50), HIGHER_BETTER, D(1), group=GROUP)
    with pytest.raises(ValueError):
        imp.propose(imp.QUARTILE, D(0), HIGHER_BETTER, D(1), group=GROUP)
    with pytest.raises(ValueError):
        imp.propose(imp.QUARTILE, D(101), HIGHER_BETTER, D(1), group=GROUP)


def test_show_writes_figures_plainly():
    assert imp.show(D("92.50")) == "92.5" and imp.show(D("1E+2")) == "100" and imp.show(D("-0.00")) == "0"
