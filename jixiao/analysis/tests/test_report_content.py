"""The sentences of the half-year report from small hand-made facts: a group of one, missing values, nothing wrong."""

import datetime
from decimal import Decimal as D

from jixiao.analysis import report_content as c
from jixiao.analysis.stats import HIGHER_BETTER, LOWER_BETTER

JUNE_30 = datetime.date(2026, 6, 30)


def unit_facts(**kwargs):
    return c.Facts(subject="华明街道", district=False, year=2026, half=1, as_of=JUNE_30, **kwargs)


def test_a_unit_with_nothing_wrong_is_told_so_and_advised_to_keep_going():
    f = unit_facts(pace_counts={"on_pace": 2, "done": 1})
    assert c.problems(f) == ["截至6月30日，未发现欠进度、排名靠后、同比退步或整改逾期的事项。"]
    assert c.suggestions(f) == ["保持现有工作节奏，巩固领先指标，对照标杆单位进一步提升。"]
    assert c.overview(f)[0] == "截至2026年6月30日，华明街道纳入序时进度监测的指标和重点工作共3项，其中达进度2项，已完成1项。"


def test_behind_low_worse_and_missing_each_give_a_problem_and_a_suggestion():
    f = unit_facts(
        pace_counts={"behind": 2},
        behind=[c.PaceLine("华明街道", "指标", "地区生产总值", "40.0%", "50.0%", "100万元"),
                c.PaceLine("华明街道", "重点工作", "老旧小区改造")],
        standings=[c.StandingLine("地区生产总值", HIGHER_BETTER, 4, 4, "800万元", "金桥街道", D("-5")),
                   c.StandingLine("PM2.5浓度", LOWER_BETTER, 1, 4, "30微克", "华明街道", D("3")),
                   c.StandingLine("税收收入", HIGHER_BETTER, note="无已核定数值")])
    assert c.problems(f) == [
        "有1项指标、1项重点工作欠进度，如华明街道“地区生产总值”完成40.0%，低于序时进度50.0%，差100万元。",
        "“地区生产总值”在同组单位中排名靠后（地区生产总值排第4位，共4个单位）。",
        "“地区生产总值”、“PM2.5浓度”较上年同期退步。",  # PM2.5 up 3 % is worse: lower is better
        "“税收收入”截至6月30日尚无已核定数值，无法比较。",
    ]
    assert c.suggestions(f)[:2] == [
        "对欠进度的2项事项逐项明确追赶措施、责任人和时限，下半年按月调度，确保年底前补齐差距。",
        "对标金桥街道，学习其在“地区生产总值”等方面的做法，制定改进目标。",
    ]
    assert len(c.suggestions(f)) == 4


def test_a_group_of_one_is_not_ranked_nor_called_low():
    alone = c.StandingLine("地区生产总值", HIGHER_BETTER, 1, 1, "800万元", "华明街道", None, "无上期数值")
    assert not alone.low
    assert c.standing_sentence(alone) == "“地区生产总值”为800万元，组内仅有1个单位有数值，不作横向排名，无上期数值。"
    assert c.problems(unit_facts(standings=[alone]))[0].startswith("截至6月30日，未发现")


def test_the_last_of_two_is_low_the_second_of_three_is_not():
    assert c.StandingLine("甲", HIGHER_BETTER, 2, 2).low
    assert not c.StandingLine("甲", HIGHER_BETTER, 2, 3).low
    assert c.StandingLine("甲", HIGHER_BETTER, 3, 3).low


def test_a_standing_sentence_names_the_benchmark_and_the_change():
    line = c.StandingLine("地区生产总值", HIGHER_BETTER, 2, 5, "800万元", "金桥街道", D("12.345"))
    assert c.standing_sentence(line) == "“地区生产总值”为800万元，在5个单位中排第2位，标杆为金桥街道，较上年同期增长12.3%。"
    flat = c.StandingLine("地区生产总值", HIGHER_BETTER, 1, 5, "800万元", "华明街道", D(0))
    assert c.standing_sentence(flat) == "“地区生产总值”为800万元，在5个单位中排第1位（标杆），与上年同期持平。"


def test_every_value_missing_says_there_is_nothing_to_judge():
    f = c.Facts(subject="全区", district=True, year=2026, half=1, as_of=JUNE_30)
    assert c.overview(f) == ["截至2026年6月30日，全区2026年度尚无可按序时进度判断的指标或重点工作。"]
    assert (c.satisfaction_sentence(f), c.rectification_sentence(f)) == ("满意度：本年度尚无评议结果。", "本年度无交办的整改事项。")
    assert "NaN" not in "".join(c.problems(f) + c.suggestions(f))


def test_the_district_names_the_units_most_behind_and_thin_or_worsening_indicators():
    f = c.Facts(subject="全区", district=True, year=2026, half=1, as_of=JUNE_30, pace_counts={"behind": 3, "on_pace": 1},
                behind=[c.PaceLine("华明街道", "指标", "地区生产总值", "40.0%", "50.0%", "100万元")] * 3,
                units=[c.UnitLine("金桥街道", 1, 1), c.UnitLine("华明街道", 3, 2)],
                indicators=[c.IndicatorLine("税收收入", 1, 4), c.IndicatorLine("地区生产总值", 4, 4, improved=1, comparable=4),
                            c.IndicatorLine("年度考核指标", 0, 4)],  # nobody has a value: not due yet, not thin
                rectifications=2, rectifications_closed=1, overdue=["金桥街道：道路破损"])
    assert c.problems(f) == [
        "有3项指标、0项重点工作欠进度，如华明街道“地区生产总值”完成40.0%，低于序时进度50.0%，差100万元。",
        "欠进度事项集中在“华明街道”、“金桥街道”，其中华明街道有2项。",
        "“税收收入”有数值的单位不足一半，横向比较的代表性不足。",
        "“地区生产总值”多数单位较上年同期退步。",
        "整改事项“金桥街道：道路破损”已过整改时限仍未销号。",
    ]
    assert c.overview(f)[1] == "参与分析的单位2个，其中有欠进度事项的单位2个。"
    assert c.rectification_sentence(f) == "本年度交办整改事项2项，已销号1项，逾期未完成1项。"
    assert c.suggestions(f)[-1] == "督促逾期整改事项限期销号，对整改不力的单位予以通报。"


def test_names_stop_after_three_and_numbered_text_counts_in_chinese():
    assert c.names(["甲", "乙", "丙", "丁"]) == "“甲”、“乙”、“丙”等4项"
    assert c.names(["甲", "乙", "丙", "丁"], counted="个单位") == "“甲”、“乙”、“丙”等4个单位"
    assert c.numbered(["一句。", "两句。"]) == "（一）一句。\n（二）两句。"
    assert [c.chinese(n) for n in (1, 10, 11, 19, 20)] == ["一", "十", "十一", "十九", "20"]
