"""The engine on whole schemes: blocks, not-applicable items, missing data, adjustments, ranks, grades.

Every expected figure is worked out by hand in the test's docstring.
"""

import random
from dataclasses import replace
from decimal import Decimal as D

import pytest

from jixiao.scoring.engine import inputs_digest, quota_allowed, score_scheme
from jixiao.scoring.tests.builders import (
    full_values,
    three_block_inputs,
    three_block_scheme,
    totals_inputs,
    units,
)
from jixiao.scoring.types import (
    DROP,
    MISSING,
    MISSING_NOT_APPLICABLE,
    NOT_APPLICABLE,
    NOT_DUE,
    TIE_BLOCKS,
    Adjustment,
    AdjustmentCategory,
    Block,
    BlockScore,
    Calibration,
    GradeRule,
    Group,
    InputError,
    Item,
    ItemValue,
    Scheme,
    ScoringInputs,
    VetoCondition,
    VetoFlag,
)


def with_values(inputs, unit, *values):
    """Replace the unit's item values by `values`."""
    kept = tuple(v for v in inputs.values if v.unit != unit)
    return replace(inputs, values=kept + values)


def items_na(unit, *item_ids, policy=None):
    inputs = three_block_inputs()
    if policy:
        scheme = inputs.scheme
        items = tuple(replace(i, not_applicable_policy=policy) if i.id in item_ids else i for i in scheme.items)
        inputs = replace(inputs, scheme=replace(scheme, items=items))
    values = tuple(v for v in full_values(unit) if v.item not in item_ids)
    values += tuple(ItemValue(unit, i, not_applicable=True, note="辖区内无该项业务") for i in item_ids)
    return with_values(inputs, unit, *values)


# --- Blocks and weights ---------------------------------------------------------------------------------


def test_blocks_and_weights():
    """Items: 30 × 90 % = 27, reached → 20, 10 − 1 × 2 = 8 → 55 of 60; key work 20 × 80 % = 16;
    evaluation 20 × 90 % = 18; total 55 + 16 + 18 = 89."""
    unit = score_scheme(three_block_inputs()).for_unit(1)
    assert [b.score for b in unit.blocks] == [D("55.00"), D("16.00"), D("18.00")]
    assert unit.total == D("89.00") and unit.block_total == D("89.00")
    assert [line.points for line in unit.lines] == [D("27.00"), D("20.00"), D("8.00")]
    assert unit.lines[0].lost == D("3.00")
    assert "完成率 90.00%" in unit.lines[0].explanation
    assert "重点工作得分率 80" in unit.blocks[1].explanation
    assert "总分 89.00" in unit.explanation


def test_not_applicable_redistributes_over_the_block():
    """Item 2 (20 points) N/A, redistribute: the other items (30 + 10 = 40) share 20 pro rata →
    maxima 30 × 60 ÷ 40 = 45 and 10 × 60 ÷ 40 = 15. Lines: 45 × 90 % = 40.50, 15 − 2 = 13 → block 53.50 of 60."""
    unit = score_scheme(items_na(1, 2)).for_unit(1)
    lines = {line.item: line for line in unit.lines}
    assert lines[2].status == NOT_APPLICABLE and lines[2].max_points == 0
    assert "辖区内无该项业务" in lines[2].explanation and "按比例分配" in lines[2].explanation
    assert (lines[1].max_points, lines[1].points) == (D(45), D("40.50"))
    assert (lines[3].max_points, lines[3].points) == (D(15), D("13.00"))
    assert "满分 30.00 → 45.00" in lines[1].explanation
    assert unit.blocks[0].score == D("53.50") and unit.total == D("87.50")


def test_not_applicable_drop_scales_the_block():
    """Item 2 N/A, drop: lines 27 and 8 = 35 of the remaining 40 → block 35 × 60 ÷ 40 = 52.50."""
    unit = score_scheme(items_na(1, 2, policy=DROP)).for_unit(1)
    block = unit.blocks[0]
    assert (block.raw, block.max_points, block.score) == (D("35.00"), D(40), D("52.50"))
    assert "35.00 × 60.00 ÷ 40.00 = 52.50" in block.explanation
    assert "满分减少 20.00" in unit.lines[1].explanation
    assert unit.total == D("86.50")


def test_redistribute_and_drop_in_one_block():
    """Item 3 (10) drops, item 2 (20) redistributes onto item 1 alone: max 30 + 20 = 50, 50 × 90 % = 45;
    block max 50, scaled 45 × 60 ÷ 50 = 54.00."""
    inputs = items_na(1, 2, 3)
    scheme = inputs.scheme
    items = tuple(replace(i, not_applicable_policy=DROP) if i.id == 3 else i for i in scheme.items)
    unit = score_scheme(replace(inputs, scheme=replace(scheme, items=items))).for_unit(1)
    assert unit.lines[0].points == D("45.00") and unit.blocks[0].score == D("54.00")


def test_every_item_not_applicable_scales_the_total_over_other_blocks():
    """Block 指标 (60) entirely N/A: key work 16 + evaluation 18 = 34 of 40 → 34 × 100 ÷ 40 = 85.00."""
    unit = score_scheme(items_na(1, 1, 2, 3)).for_unit(1)
    assert unit.blocks[0].applicable is False
    assert unit.total == D("85.00")
    assert "34.00 × 100.00 ÷ 40.00 = 85.00" in unit.explanation


# --- Missing data ---------------------------------------------------------------------------------------


def test_missing_actual_scores_zero_with_reason_by_default():
    """No value for item 1 → 0 of 30, said so; total 0 + 20 + 8 + 16 + 18 = 62."""
    inputs = with_values(three_block_inputs(), 1, *full_values(1)[1:])
    unit = score_scheme(inputs).for_unit(1)
    line = unit.lines[0]
    assert (line.status, line.points, line.max_points) == (MISSING, D(0), D(30))
    assert "未报送实际值" in line.explanation and "按缺报计 0 分" in line.explanation
    assert unit.total == D("62.00")


def test_missing_actual_as_not_applicable_by_scheme_option():
    """Scheme option not_applicable: item 1 (30) redistributes onto items 2 and 3 (30):
    maxima 40 and 20 → 40 + (20 − 2) = 58; total 58 + 16 + 18 = 92."""
    inputs = with_values(three_block_inputs(), 1, *full_values(1)[1:])
    inputs = replace(inputs, scheme=replace(inputs.scheme, missing_data=MISSING_NOT_APPLICABLE))
    unit = score_scheme(inputs).for_unit(1)
    assert unit.lines[0].status == NOT_APPLICABLE and "按不适用处理" in unit.lines[0].explanation
    assert unit.total == D("92.00")


def test_item_overrides_the_missing_data_option():
    inputs = with_values(three_block_inputs(), 1, *full_values(1)[1:])
    items = tuple(replace(i, missing_data=MISSING_NOT_APPLICABLE) if i.id == 1 else i for i in inputs.scheme.items)
    unit = score_scheme(replace(inputs, scheme=replace(inputs.scheme, items=items))).for_unit(1)
    assert unit.lines[0].status == NOT_APPLICABLE

def test_a_value_pending_verification_is_missing_data_whatever_figure_it_carries():
    """Item 1 pending (an unlocked value changed, not verified again): 0 of 30 with "数值待核定", even with an
    actual of 90 in the inputs; total 0 + 20 + 8 + 16 + 18 = 62. With the not_applicable option it
    redistributes like any missing line (total 92, as above)."""
    pending = ItemValue(1, 1, actual=D(90), target=D(100), pending=True, note="第三季度报送值修改后尚未重新核定")
    inputs = with_values(three_block_inputs(), 1, pending, *full_values(1)[1:])
    unit = score_scheme(inputs).for_unit(1)
    line = unit.lines[0]
    assert (line.status, line.points) == (MISSING, D(0)) and unit.total == D("62.00")
    assert line.explanation == "数值待核定（第三季度报送值修改后尚未重新核定），按缺报计 0 分（满分 30.00）"
    na = replace(inputs, scheme=replace(inputs.scheme, missing_data=MISSING_NOT_APPLICABLE))
    assert score_scheme(na).for_unit(1).total == D("92.00")


def test_a_pending_value_is_not_a_peer_of_rank_based_items():
    """Rank-based among U01 (pending 500), U02 (90), U03 (80): U02 ranks 1st, U03 2nd; U01 is not ranked."""
    item = Item(1, "A", "G1", "E01", "财政收入", D(30), "rank_based", {})
    inputs = three_block_inputs(scheme=three_block_scheme(items=(item,)), values=(
        ItemValue(1, 1, actual=D(500), pending=True), ItemValue(2, 1, actual=D(90)), ItemValue(3, 1, actual=D(80))))
    result = score_scheme(inputs)
    assert "第 1 名" in result.for_unit(2).lines[0].explanation
    assert "第 2 名" in result.for_unit(3).lines[0].explanation
    assert "数值待核定" in result.for_unit(1).lines[0].explanation


def test_the_value_note_leads_the_line_explanation():
    """The note says where the figures came from (e.g. the milestone used as target); the rule follows it."""
    note = "取第三季度已核定报送值，按第三季度节点目标 74 计"
    inputs = with_values(three_block_inputs(), 1, ItemValue(1, 1, actual=D(37), target=D(74), note=note),
                         *full_values(1)[1:])
    line = score_scheme(inputs).for_unit(1).lines[0]
    assert line.points == D("15.00")  # 30 × 37 ÷ 74
    assert line.explanation.startswith(f"{note}：实际值 37，目标值 74，完成率 50.00%")



# --- Not yet due (during the year) ---------------------------------------------------------------------

NOT_DUE_NOTE = "年度报送指标，截至 2026-11-25 尚未到报送期"


def items_not_due(unit, *item_ids, policy=None, inputs=None):
    """`unit`'s items `item_ids` have no value and were not due by the run's day (the loader's not_due)."""
    inputs = inputs or three_block_inputs()
    if policy:
        scheme = inputs.scheme
        items = tuple(replace(i, not_applicable_policy=policy) if i.id in item_ids else i for i in scheme.items)
        inputs = replace(inputs, scheme=replace(scheme, items=items))
    kept = tuple(v for v in inputs.values if v.unit == unit and v.item not in item_ids)
    return with_values(inputs, unit, *kept, *(ItemValue(unit, i, not_due=True, note=NOT_DUE_NOTE) for i in item_ids))


def test_an_item_not_yet_due_redistributes_like_a_not_applicable_one():
    """Item 2 (20 points) not due: like not applicable, items 1 and 3 (40) share its 20 → maxima 45 and 15;
    lines 45 × 90 % = 40.50 and 15 − 2 = 13.00 → block 53.50; total 53.50 + 16 + 18 = 87.50.
    As missing data (the option 按缺报计 0 分) it would have been 27 + 0 + 8 = 35 → total 69.00."""
    unit = score_scheme(items_not_due(1, 2)).for_unit(1)
    lines = {line.item: line for line in unit.lines}
    assert (lines[2].status, lines[2].points, lines[2].max_points) == (NOT_DUE, D(0), D(0))
    assert lines[2].status_label == "尚未到报送期"
    assert lines[2].explanation == (
        "年度报送指标，截至 2026-11-25 尚未到报送期，本次不计分、权重按比例分配（分值 20.00 调入本板块其他指标）")
    assert "不适用" not in lines[2].explanation
    assert (lines[1].max_points, lines[1].points) == (D(45), D("40.50"))
    assert (lines[3].max_points, lines[3].points) == (D(15), D("13.00"))
    assert lines[1].explanation.startswith("含尚未到报送期指标调入分值，满分 30.00 → 45.00；")
    assert unit.blocks[0].score == D("53.50") and unit.total == D("87.50")
    assert score_scheme(with_values(three_block_inputs(), 1, *full_values(1)[::2])).for_unit(1).total == D("69.00")


def test_an_item_not_yet_due_stays_not_due_under_either_missing_data_option():
    """The missing-data option is for data that was due: with 按不适用处理 the line is still 尚未到报送期, same 87.50."""
    inputs = items_not_due(1, 2)
    inputs = replace(inputs, scheme=replace(inputs.scheme, missing_data=MISSING_NOT_APPLICABLE))
    unit = score_scheme(inputs).for_unit(1)
    assert unit.lines[1].status == NOT_DUE and "按不适用处理" not in unit.lines[1].explanation
    assert unit.total == D("87.50")


def test_an_item_not_yet_due_with_policy_drop_scales_the_block():
    """Item 2 not due, policy drop: lines 27 + 8 = 35 of the remaining 40 → block 35 × 60 ÷ 40 = 52.50;
    total 52.50 + 16 + 18 = 86.50."""
    unit = score_scheme(items_not_due(1, 2, policy=DROP)).for_unit(1)
    assert (unit.blocks[0].raw, unit.blocks[0].max_points, unit.blocks[0].score) == (D("35.00"), D(40), D("52.50"))
    assert unit.lines[1].explanation.endswith("本次不计分、权重按比例分配（本板块满分减少 20.00 分，板块得分按比例折算）")
    assert unit.total == D("86.50")


def test_not_due_and_not_applicable_in_one_block():
    """Item 2 (20) not due, item 3 (10) not applicable: item 1 takes both, 30 × 60 ÷ 30 = 60 → 60 × 90 % = 54.00;
    total 54 + 16 + 18 = 88.00."""
    inputs = items_na(1, 3)
    inputs = items_not_due(1, 2, inputs=inputs)
    unit = score_scheme(inputs).for_unit(1)
    assert [line.status for line in unit.lines] == ["scored", NOT_DUE, NOT_APPLICABLE]
    assert unit.lines[0].points == D("54.00")
    assert unit.lines[0].explanation.startswith("含不适用及尚未到报送期指标调入分值，满分 30.00 → 60.00；")
    assert unit.total == D("88.00")


def test_a_block_entirely_not_yet_due_scales_the_total_over_the_other_blocks():
    """Block 指标 (60) not due at all: key work 16 + evaluation 18 = 34 of 40 → 34 × 100 ÷ 40 = 85.00."""
    unit = score_scheme(items_not_due(1, 1, 2, 3)).for_unit(1)
    assert not unit.blocks[0].applicable
    assert unit.blocks[0].explanation.startswith("本板块所有指标均尚未到报送期，")
    assert unit.total == D("85.00")
    assert all(line.status == NOT_DUE and line.max_points == 0 for line in unit.lines)


def test_not_due_is_part_of_the_digest():
    """An item without data is missing or not yet due: different inputs, different digests and results."""
    missing = with_values(three_block_inputs(), 1, ItemValue(1, 2), *full_values(1)[::2])
    not_due = with_values(three_block_inputs(), 1, ItemValue(1, 2, not_due=True), *full_values(1)[::2])
    assert inputs_digest(missing) != inputs_digest(not_due)
    assert score_scheme(missing).for_unit(1).lines[1].status == MISSING
    assert score_scheme(not_due).for_unit(1).lines[1].status == NOT_DUE


def test_zero_and_negative_targets_never_crash():
    """Target 0 and −5 on the completion ratio: missing data (0 points, reason given), not a crash."""
    for target in (D(0), D(-5)):
        inputs = with_values(three_block_inputs(), 1, ItemValue(1, 1, actual=D(5), target=target),
                             *full_values(1)[1:])
        line = score_scheme(inputs).for_unit(1).lines[0]
        assert line.status == MISSING and "无法计算完成率" in line.explanation


def test_missing_evaluation_score():
    """No evaluation result: zero option → 0 of 20 (total 71); not_applicable option → 55 + 16 = 71 of 80
    → 71 × 100 ÷ 80 = 88.75."""
    inputs = replace(three_block_inputs(), block_scores=tuple(
        s for s in three_block_inputs().block_scores if not (s.unit == 1 and s.block == "E")))
    unit = score_scheme(inputs).for_unit(1)
    assert unit.total == D("71.00") and "未取得综合评议得分" in unit.blocks[2].explanation
    inputs = replace(inputs, scheme=replace(inputs.scheme, missing_data=MISSING_NOT_APPLICABLE))
    assert score_scheme(inputs).for_unit(1).total == D("88.75")


def test_evaluation_block_outside_the_units_scope_does_not_apply_whatever_the_missing_option():
    """U01 not evaluated by design (not applicable block score): 55 + 16 = 71 of 80 → 71 × 100 ÷ 80 = 88.75,
    also under the zero option, and the explanation says why."""
    others = tuple(s for s in three_block_inputs().block_scores if not (s.unit == 1 and s.block == "E"))
    inputs = replace(three_block_inputs(), block_scores=others + (
        BlockScore(1, "E", D(0), "本单位不在综合评议的被评议单位之列", applicable=False),))
    unit = score_scheme(inputs).for_unit(1)
    assert unit.total == D("88.75")
    assert not unit.blocks[2].applicable and "不在综合评议的被评议单位之列" in unit.blocks[2].explanation
    assert inputs_digest(inputs) != inputs_digest(replace(inputs, block_scores=others))


# --- Adjustments -------------------------------------------------------------------------------------


CATEGORIES = (
    AdjustmentCategory("B1", "争先创优", "bonus", D(3)),
    AdjustmentCategory("D1", "通报批评", "deduction", D(5)),
    AdjustmentCategory("O1", "创新案例", "bonus", D(2), outside_total=True),
)


def test_bonus_cap_deduction_and_outside_total():
    """Bonus 2 + 2 = 4, cap 3 → +3; deduction 1.5 (entered as −1.5) → −1.5; outside 1 → listed apart.
    Total 89 + 3 − 1.5 = 90.50; outside 1.00."""
    inputs = three_block_inputs(scheme=three_block_scheme(adjustment_categories=CATEGORIES), adjustments=(
        Adjustment(1, 1, "B1", D(2), "获省级表彰"), Adjustment(2, 1, "B1", D(2), "获市级表彰"),
        Adjustment(3, 1, "D1", D("-1.5"), "被市委通报批评"), Adjustment(4, 1, "O1", D(1), "改革案例入选"),
    ))
    unit = score_scheme(inputs).for_unit(1)
    applied = {a.category: a for a in unit.adjustments}
    assert (applied["B1"].requested, applied["B1"].applied) == (D(4), D(3))
    assert "超过上限 3.00 分，按 3.00 分计" in applied["B1"].explanation
    assert "获省级表彰" in applied["B1"].explanation
    assert applied["D1"].applied == D("-1.5")
    assert applied["O1"].outside_total and "不计入总分" in applied["O1"].explanation
    assert (unit.adjustment_total, unit.outside_total, unit.total) == (D("1.5"), D(1), D("90.50"))


def test_deduction_sign_comes_from_the_category():
    inputs = three_block_inputs(scheme=three_block_scheme(adjustment_categories=CATEGORIES),
                                adjustments=(Adjustment(1, 1, "D1", D("1.5"), "通报"),))
    assert score_scheme(inputs).for_unit(1).total == D("87.50")


# --- Ranks ---------------------------------------------------------------------------------------------


def test_ranks_share_and_skip():
    """Totals 95, 90, 90, 80 → ranks 1, 2, 2, 4."""
    result = score_scheme(totals_inputs([95, 90, 90, 80]))
    assert [(u.code, u.rank) for u in result.units] == [("U01", 1), ("U02", 2), ("U03", 2), ("U04", 4)]


def test_all_units_tied():
    """Five units at 95: all rank 1. 优秀 quota 20 % of 5 = 1 place, but the tie group has 5 → nobody is
    优秀 (a tie is never split), all 良好, and a warning says why."""
    result = score_scheme(totals_inputs([95] * 5))
    assert {u.rank for u in result.units} == {1}
    assert {u.grade for u in result.units} == {"good"}
    assert {u.threshold_grade for u in result.units} == {"excellent"}
    assert "超出名额" in result.units[0].grade_steps[-1]
    assert any("因并列不能拆分只评定 0 个" in w for w in result.warnings)


def test_tie_rule_by_blocks():
    """U01: items 30 × 80 % = 24 + 20 + 10 = 54, key work 100 % → 20, evaluation 75 → 15: total 89.
    U02, U03: 55 + 16 + 18 = 89. Default: all three share rank 1. Tie rule 'blocks' compares the first
    block next: 55 > 54, so U02 and U03 share rank 1 and U01 is 3rd."""
    inputs = with_values(three_block_inputs(), 1, ItemValue(1, 1, actual=D(80), target=D(100)),
                         ItemValue(1, 2, actual=D(100), target=D(100)), ItemValue(1, 3, events=0))
    scores = tuple(s for s in inputs.block_scores if s.unit != 1)
    inputs = replace(inputs, block_scores=scores + (BlockScore(1, "K", D(100)), BlockScore(1, "E", D(75))))
    shared = score_scheme(inputs)
    assert {u.total for u in shared.units} == {D("89.00")}
    assert [u.rank for u in shared.units] == [1, 1, 1]
    by_blocks = score_scheme(replace(inputs, scheme=replace(inputs.scheme, tie_rule=TIE_BLOCKS)))
    assert [(u.code, u.rank) for u in by_blocks.units] == [("U02", 1), ("U03", 1), ("U01", 3)]


# --- Grades: thresholds, vetoes, quotas, calibration ----------------------------------------------------


TEN = [98, 95, 93, 91, 85, 82, 75, 70, 65, 50]


def test_thresholds_and_quota():
    """Ten units, 优秀 ≥ 90 limited to 20 % of 10 = 2: 98 and 95 优秀; 93 and 91 pass the line but are
    beyond the quota → 良好; 85, 82 良好; 75, 70, 65 一般; 50 较差."""
    grades = [u.grade for u in score_scheme(totals_inputs(TEN)).units]
    assert grades == ["excellent", "excellent", "good", "good", "good", "good", "average", "average", "average",
                      "poor"]


def test_quota_that_splits_a_tie_demotes_the_whole_tie():
    """98, 95, 95 … with 2 places: 98 keeps 优秀; the two at 95 tie for 2nd and would make 3 → both 良好."""
    result = score_scheme(totals_inputs([98, 95, 95, 91, 85, 82, 75, 70, 65, 50]))
    assert [u.grade for u in result.units[:4]] == ["excellent", "good", "good", "good"]
    assert "与其他 1 个单位并列第 2 名" in result.units[1].grade_steps[-1]
    assert any("只评定 1 个" in w for w in result.warnings)


def test_quota_keeps_a_tie_that_fits():
    """98, 98, 95 with 2 places: the tie at 1st fits exactly; 95 is cut."""
    result = score_scheme(totals_inputs([98, 98, 95, 91, 85, 82, 75, 70, 65, 50]))
    assert [u.grade for u in result.units[:3]] == ["excellent", "excellent", "good"]


def test_quota_rounds_down():
    """⌊4 × 20 %⌋ = ⌊0.8⌋ = 0; ⌊9 × 20 %⌋ = 1; ⌊10 × 20 %⌋ = 2; ⌊14 × 15 %⌋ = ⌊2.1⌋ = 2."""
    assert [quota_allowed(n, D(p)) for n, p in [(4, 20), (9, 20), (10, 20), (14, 15)]] == [0, 1, 2, 2]
    assert {u.grade for u in score_scheme(totals_inputs([99, 98, 97, 96])).units} == {"good"}


def test_a_quota_that_rounds_to_zero_places_warns():
    """Four units at 99 … 96 all pass the 优秀 line, but 20 % of 4 = 0.8 → 0 places: nobody is 优秀, and the run
    says so instead of leaving the office to wonder why a group of four has no 优秀."""
    result = score_scheme(totals_inputs([99, 98, 97, 96]))
    assert {u.grade for u in result.units} == {"good"}
    assert result.warnings == ("组别「一组」共 4 个单位，优秀比例不超过 20% 向下取整为 0 个名额，本组不评定优秀"
                               "（4 个单位因此由优秀调为良好）",)


def test_a_quota_that_rounds_to_zero_places_warns_even_when_nobody_reaches_the_line():
    """Two units at 85 and 80: no 优秀 by the line either, but the group could never have one: still said.
    An explicit quota of 0 % is the scheme's intent and is not warned about."""
    result = score_scheme(totals_inputs([85, 80]))
    assert result.warnings == ("组别「一组」共 2 个单位，优秀比例不超过 20% 向下取整为 0 个名额，本组不评定优秀",)
    rules = (GradeRule("excellent", D(90), D(0)), GradeRule("good", D(80)), GradeRule("poor", D(0)))
    assert score_scheme(totals_inputs([99, 80], grade_rules=rules)).warnings == ()


def test_quota_on_the_lowest_grade_is_ignored_with_a_warning():
    rules = (GradeRule("excellent", D(90)), GradeRule("poor", D(0), D(10)))
    result = score_scheme(totals_inputs([50, 40, 30], grade_rules=rules))
    assert {u.grade for u in result.units} == {"poor"}
    assert any("无法执行" in w for w in result.warnings)


VETOES = (VetoCondition("V1", "重大安全生产事故", "cap_grade", "average"),
          VetoCondition("V2", "违反计划生育政策", "no_award"))


def test_vetoed_unit_with_the_top_score():
    """U01 has the top score 98 but a cap-grade veto: it stays 1st by score, is graded 一般 and loses award
    eligibility; the veto is applied before the quota, so the 2 优秀 places go to 95 and 93."""
    inputs = totals_inputs(TEN, scheme_changes={"vetoes": VETOES},
                           veto_flags=(VetoFlag(1, "V1", "发生较大安全生产事故 1 起"),))
    result = score_scheme(inputs)
    top = result.for_unit(1)
    assert (top.rank, top.threshold_grade, top.grade, top.award_eligible) == (1, "excellent", "average", False)
    assert any("重大安全生产事故" in s and "由优秀降为一般" in s for s in top.grade_steps)
    assert [result.for_unit(u).grade for u in (2, 3, 4)] == ["excellent", "excellent", "good"]
    assert result.for_unit(2).award_eligible


def test_no_award_veto_keeps_the_grade():
    inputs = totals_inputs(TEN, scheme_changes={"vetoes": VETOES}, veto_flags=(VetoFlag(2, "V2"),))
    unit = score_scheme(inputs).for_unit(2)
    assert (unit.grade, unit.award_eligible) == ("excellent", False)
    assert "取消评先评优资格" in unit.explanation


def test_calibration_is_applied_last_and_recorded():
    """U03 (93, cut by the quota to 良好) is calibrated to 优秀 with a reason: recorded in the steps and the
    result, and a warning says the quota is now exceeded."""
    calibration = Calibration(3, "excellent", "考核委员会审议：承担全区重大专项任务", "考核委员会")
    result = score_scheme(totals_inputs(TEN, calibrations=(calibration,)))
    unit = result.for_unit(3)
    assert (unit.threshold_grade, unit.grade, unit.calibration) == ("excellent", "excellent", calibration)
    assert unit.grade_steps[-1].startswith("等次校准：由良好调为优秀") and "重大专项任务" in unit.grade_steps[-1]
    assert any("超过比例上限" in w for w in result.warnings)


def test_calibration_without_a_reason_is_refused():
    with pytest.raises(InputError) as error:
        score_scheme(totals_inputs(TEN, calibrations=(Calibration(3, "excellent", "  "),)))
    assert "未填写理由" in error.value.problems[0]


def test_below_every_threshold_is_the_lowest_grade():
    rules = (GradeRule("excellent", D(90), D(20)), GradeRule("good", D(80)))
    unit = score_scheme(totals_inputs([50], grade_rules=rules)).units[0]
    assert unit.grade == "poor" and "低于所有等次最低分" in unit.grade_steps[0]


# --- Peers inside the engine ------------------------------------------------------------------------------


def test_rank_based_peers_exclude_not_applicable_and_missing():
    """Group of 4 on a rank-based 10-point item: U01 100, U02 90, U03 not applicable, U04 missing.
    Ranked among 2: U02 is 2nd → 9.50 (redistribution does not apply: one item alone would be all N/A)."""
    scheme = Scheme("S", "方案", (Block("A", "指标", D(10)),), (Group("G", "组", (1, 2, 3, 4)),),
                    (Item(1, "A", "G", "X", "排名指标", D(10), "rank_based", {}),), grade_rules=())
    values = (ItemValue(1, 1, actual=D(100)), ItemValue(2, 1, actual=D(90)), ItemValue(3, 1, not_applicable=True))
    result = score_scheme(ScoringInputs(scheme, units(4), values=values))
    assert result.for_unit(2).lines[0].points == D("9.50")
    assert "组内 2 个单位中排第 2 名" in result.for_unit(2).lines[0].explanation
    assert result.for_unit(4).lines[0].status == MISSING


# --- Validation ---------------------------------------------------------------------------------------


def test_rules_with_missing_parameters_are_refused():
    scheme = three_block_scheme()
    items = tuple(replace(i, params={}) if i.id == 3 else i for i in scheme.items)
    with pytest.raises(InputError) as error:
        score_scheme(three_block_inputs(scheme=replace(scheme, items=items)))
    assert any("缺少参数「每次扣分」" in p for p in error.value.problems)


def test_inconsistent_inputs_are_refused():
    inputs = three_block_inputs(values=(ItemValue(9, 1, actual=D(1)),))
    with pytest.raises(InputError):
        score_scheme(inputs)
    items = tuple(replace(i, rule="magic") if i.id == 1 else i for i in three_block_scheme().items)
    with pytest.raises(InputError) as error:
        score_scheme(three_block_inputs(scheme=three_block_scheme(items=items)))
    assert any("未知的计分规则" in p for p in error.value.problems)


# --- Determinism ----------------------------------------------------------------------------------------


def _shuffled(inputs: ScoringInputs, seed: int) -> ScoringInputs:
    rng = random.Random(seed)

    def mix(items):
        items = list(items)
        rng.shuffle(items)
        return tuple(items)

    scheme = inputs.scheme
    scheme = replace(scheme, blocks=mix(scheme.blocks), items=mix(scheme.items),
                     groups=mix(replace(g, units=mix(g.units)) for g in scheme.groups),
                     adjustment_categories=mix(scheme.adjustment_categories), grade_rules=mix(scheme.grade_rules))
    return replace(inputs, scheme=scheme, units=mix(inputs.units), values=mix(inputs.values),
                   block_scores=mix(inputs.block_scores), adjustments=mix(inputs.adjustments))


def rich_inputs() -> ScoringInputs:
    return three_block_inputs(
        scheme=three_block_scheme(adjustment_categories=CATEGORIES),
        adjustments=(Adjustment(1, 1, "B1", D(2), "表彰"), Adjustment(2, 2, "B1", D(3), "表彰"),
                     Adjustment(3, 2, "D1", D(1), "通报")),
    )


def test_same_inputs_same_result_and_digest():
    first, second = score_scheme(rich_inputs()), score_scheme(rich_inputs())
    assert first == second
    assert first.digest == inputs_digest(rich_inputs()) and len(first.digest) == 64


def test_shuffled_inputs_give_the_same_result():
    expected = score_scheme(rich_inputs())
    for seed in range(5):
        assert score_scheme(_shuffled(rich_inputs(), seed)) == expected


def test_digest_ignores_decimal_form_but_not_values():
    inputs = three_block_inputs()
    same = with_values(inputs, 1, ItemValue(1, 1, actual=D("90.00"), target=D("100.0")), *full_values(1)[1:])
    other = with_values(inputs, 1, ItemValue(1, 1, actual=D("90.01"), target=D(100)), *full_values(1)[1:])
    assert inputs_digest(same) == inputs_digest(inputs) != inputs_digest(other)
