"""纵比 across reorganisations: hand-worked examples of whose figures stand for a unit in each year, which years are
compared, the growth on the previous year and the trend."""

from decimal import Decimal as D

import pytest

from jixiao.analysis import history as h
from jixiao.analysis.history import Figure, Link

A, B, C, X = 1, 2, 3, 9
NAMES = {A: "甲局", B: "乙局", C: "丙局", X: "丁局"}
WHOLE = set(range(2019, 2026))


def figs(unit, by_year, **extra):
    return {(unit, year): Figure(unit, D(str(v)), **extra) for year, v in by_year.items()}


def run(unit, figures, links=(), years=None, **kw):
    years = years or sorted({y for _u, y in figures})
    return h.follow(unit, years, list(links), figures, NAMES, full_years=kw.pop("full_years", WHOLE), **kw)


def test_own_years_growth_and_mann_kendall_with_a_tie():
    out = run(A, figs(A, {2021: 80, 2022: 82, 2023: 82, 2024: 85, 2025: 90}))
    assert [r.value for r in out.years] == [D(80), D(82), D(82), D(85), D(90)]
    assert out.years[0].growth.value is None and "上年无数值" in out.years[0].growth.reason
    assert out.years[1].change == D(2) and out.years[1].growth.value == D("2.5")  # 2 ÷ 80 × 100
    assert out.years[2].growth.value == 0
    # S = 9 (nine rising pairs, one tie); Var = (5·4·15 − 2·1·9) ÷ 18 = 282/18; Z = 8/√15.667 = 2.021; p = 0.043
    assert out.trend.s == 9 and out.trend.direction == "上升"
    assert round(out.trend.z, 2) == 2.02 and round(out.trend.p, 3) == 0.043


def test_a_rename_keeps_the_years_comparable():
    figures = {**figs(A, {2020: 70, 2021: 72, 2022: 75}), **figs(B, {2023: 77, 2024: 80})}
    out = run(B, figures, [Link(A, B, h.RENAME, 2023)])
    assert [r.year for r in out.years] == [2020, 2021, 2022, 2023, 2024]
    assert [r.figures[0].label for r in out.years] == ["原甲局", "原甲局", "原甲局", "", ""]
    assert all(r.comparable for r in out.years)
    assert out.years[3].change == D(2)  # 77 against 原甲局's 75
    assert out.trend.n == 5 and out.trend.s == 10


def test_a_merger_lists_each_predecessor_never_sums_and_is_not_trended():
    figures = {**figs(A, {2022: 88, 2023: 90}, rank=2, group_size=10, grade="良好"),
               **figs(C, {2022: 70, 2023: 75}), **figs(B, {2024: 86, 2025: 87})}
    links = [Link(A, B, h.MERGE, 2024), Link(C, B, h.MERGE, 2024)]
    out = run(B, figures, links)
    merged = out.years[0]
    assert [f.label for f in merged.figures] == ["原甲局", "原丙局"] and merged.figures[0].rank == 2
    assert not merged.comparable and "不相加" in merged.note
    assert out.years[2].growth.value is None and "机构调整前" in out.years[2].growth.reason
    assert out.years[3].growth.value is not None  # 2025 on 2024, both the merged unit's own
    assert out.trend.s is None and out.trend.n == 2 and h.SHORT_TREND in out.trend_reason


def test_a_merger_sums_a_count_when_every_unit_reported():
    figures = {**figs(A, {2023: 10}), **figs(C, {2023: 5}), **figs(B, {2024: 18})}
    links = [Link(A, B, h.MERGE, 2024), Link(C, B, h.MERGE, 2024)]
    out = run(B, figures, links, additive=True, existed=lambda u, y: u != B or y >= 2024)
    assert out.years[0].value == D(15) and "原甲局、原丙局合计" in out.years[0].note
    assert out.years[1].change == D(3) and out.years[1].growth.value == D(20)  # (18 − 15) ÷ 15
    # 丙局 existed in 2023 but has no figure: no sum, the year is not compared
    partial = run(B, {**figs(A, {2023: 10}), **figs(B, {2024: 18})}, links, additive=True,
                  existed=lambda u, y: u != B or y >= 2024)
    assert not partial.years[0].comparable
    # one predecessor alone is only part of what the merged unit holds: not compared, even for a count
    alone = run(B, {**figs(A, {2023: 10}), **figs(B, {2024: 18})}, [Link(A, B, h.MERGE, 2024)], additive=True,
                existed=lambda u, y: u != B or y >= 2024)
    assert not alone.years[0].comparable and "不相加" in alone.years[0].note


def test_merging_into_an_existing_unit_makes_its_own_earlier_years_not_comparable():
    figures = {**figs(A, {2023: 90, 2024: 92}), **figs(C, {2023: 60})}
    out = run(A, figures, [Link(C, A, h.MERGE, 2024)])
    assert [f.label for f in out.years[0].figures] == ["", "原丙局"] and not out.years[0].comparable
    assert out.years[1].comparable and out.years[1].growth.value is None


def test_a_split_is_for_reference_only():
    figures = {**figs(A, {2022: 50, 2023: 52}), **figs(B, {2024: 30})}
    out = run(B, figures, [Link(A, B, h.SPLIT, 2024), Link(A, C, h.SPLIT, 2024)])
    assert out.years[0].figures[0].label == "由甲局拆分，仅供参考"
    assert not out.years[0].comparable and "仅供参考" in out.years[0].note
    assert out.years[2].value == D(30) and out.years[2].growth.value is None


def test_a_chain_marks_the_oldest_unit_and_stays_not_comparable_past_a_merger():
    figures = {**figs(A, {2021: 1}), **figs(B, {2022: 2, 2023: 3}), **figs(X, {2024: 4})}
    out = run(X, figures, [Link(A, B, h.RENAME, 2022), Link(B, X, h.MERGE, 2024)])
    assert [r.figures[0].label for r in out.years] == ["原甲局", "原乙局", "原乙局", ""]
    assert [r.comparable for r in out.years] == [False, False, False, True]


def test_a_part_year_is_shown_but_never_compared_nor_trended():
    figures = figs(A, {2021: 1, 2022: 2, 2023: 3, 2024: 4, 2025: 5, 2026: 1})
    out = run(A, figures, full_years=set(range(2021, 2026)))
    last = out.years[-1]
    assert last.value == D(1) and not last.full_year and last.change is None and "年内" in last.growth.reason
    assert out.trend.n == 5 and out.trend.direction == "上升"


@pytest.mark.parametrize("base, reason", [(0, "为 0"), (-5, "负数")])
def test_zero_and_negative_bases_give_a_change_but_no_growth(base, reason):
    out = run(A, figs(A, {2024: base, 2025: 10}))
    assert out.years[1].change == D(10) - base and out.years[1].growth.value is None
    assert reason in out.years[1].growth.reason


def test_a_missing_year_breaks_the_growth_and_a_new_unit_has_none():
    out = run(A, figs(A, {2021: 5, 2023: 6}), years=[2021, 2022, 2023])
    assert [r.year for r in out.years] == [2021, 2023]
    assert out.years[1].growth.value is None and "上年无数值" in out.years[1].growth.reason


def test_a_loop_in_the_records_is_walked_once():
    links = [Link(A, B, h.RENAME, 2024), Link(B, A, h.RENAME, 2022)]
    assert [u for u, _p in h.sources(B, 2020, links)] == [B, A]
