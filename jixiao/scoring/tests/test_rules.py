"""Every rule of rules.py against worked examples computed by hand (the arithmetic is in each docstring)."""

from decimal import Decimal as D

from jixiao.indicators.rule_specs import RULES, clean_params, parse_params_text, validate_params
from jixiao.scoring import rules
from jixiao.scoring.rules import Peer, RuleInput
from jixiao.scoring.types import MISSING, NOT_APPLICABLE, SCORED


def run(rule, points="10", params=None, **data):
    ri = RuleInput(points=D(points), params=clean_params(rule, params or {}), **data)
    return rules.RULE_FUNCTIONS[rule](ri)


def test_every_catalogued_rule_has_a_function_with_a_formula():
    assert set(rules.RULE_FUNCTIONS) == set(RULES)
    for function in rules.RULE_FUNCTIONS.values():
        assert "Example" in function.__doc__


# --- completion_ratio -------------------------------------------------------------------------------


def test_completion_ratio_below_target():
    """10 × 180 ÷ 200 = 10 × 0.9 = 9.00."""
    out = run("completion_ratio", actual=D(180), target=D(200))
    assert (out.status, out.points) == (SCORED, D("9.00"))
    assert "实际值 180" in out.explanation and "目标值 200" in out.explanation
    assert "完成率 90.00%" in out.explanation and "得 9.00 分" in out.explanation


def test_completion_ratio_capped():
    """250 ÷ 200 = 125 %; cap 1 → 10.00; cap 1.2 → 10 × 1.2 = 12.00."""
    assert run("completion_ratio", actual=D(250), target=D(200)).points == D("10.00")
    out = run("completion_ratio", params={"cap": "1.2"}, actual=D(250), target=D(200))
    assert out.points == D("12.00") and "封顶按 120.00% 计" in out.explanation


def test_completion_ratio_rounds_half_up():
    """10 × 1 ÷ 8 = 1.25 exactly; 7 × 1 ÷ 8 = 0.875 → 0.88 (half up); 10 × 2 ÷ 3 = 6.666… → 6.67."""
    assert run("completion_ratio", actual=D(1), target=D(8)).points == D("1.25")
    assert run("completion_ratio", points="7", actual=D(1), target=D(8)).points == D("0.88")
    assert run("completion_ratio", actual=D(2), target=D(3)).points == D("6.67")


def test_completion_ratio_negative_growth_scores_zero_with_reason():
    """Baseline 150, actual 140 < 150 → 0 although 140 ÷ 100 ≥ 1; a negative actual → 0."""
    out = run("completion_ratio", actual=D(140), target=D(100), baseline=D(150))
    assert out.points == D("0.00") and "负增长" in out.explanation
    assert run("completion_ratio", actual=D(-3), target=D(5)).points == D("0.00")
    off = run("completion_ratio", params={"negative_growth_zero": False}, actual=D(140), target=D(100),
              baseline=D(150))
    assert off.points == D("10.00")


def test_completion_ratio_bad_target_or_actual_is_missing_not_zero():
    for target in (None, D(0), D(-5)):
        out = run("completion_ratio", actual=D(10), target=target)
        assert out.status == MISSING and "目标值" in out.explanation
    out = run("completion_ratio", target=D(10))
    assert out.status == MISSING and "未报送实际值" in out.explanation


# --- reverse_control --------------------------------------------------------------------------------


def test_reverse_control_over_target():
    """10 × (2 − 60 ÷ 50) = 10 × 0.8 = 8.00."""
    out = run("reverse_control", actual=D(60), target=D(50))
    assert out.points == D("8.00") and "逆向控制计分" in out.explanation


def test_reverse_control_under_target_is_capped_and_twice_target_is_zero():
    """40 ÷ 50 = 0.8 → 2 − 0.8 = 1.2, cap 1 → 10.00 (cap 1.1 → 11.00); 100 ≥ 2 × 50 → 0; 130 → 0 (not negative)."""
    assert run("reverse_control", actual=D(40), target=D(50)).points == D("10.00")
    assert run("reverse_control", params={"cap": "1.1"}, actual=D(40), target=D(50)).points == D("11.00")
    assert run("reverse_control", actual=D(100), target=D(50)).points == D("0.00")
    out = run("reverse_control", actual=D(130), target=D(50))
    assert out.points == D("0.00") and "2 倍" in out.explanation


def test_reverse_control_zero_target():
    """零事故 target 0: actual 0 → 10.00 (full), actual 1 → 0.00; negative target → missing."""
    assert run("reverse_control", actual=D(0), target=D(0)).points == D("10.00")
    out = run("reverse_control", actual=D(1), target=D(0))
    assert out.points == D("0.00") and "目标为 0" in out.explanation
    assert run("reverse_control", actual=D(1), target=D(-1)).status == MISSING


# --- all_or_nothing ---------------------------------------------------------------------------------


def test_all_or_nothing():
    """5 points: 100 ≥ 100 → 5.00; 99 < 100 → 5 × 0 = 0.00; partial 0.4 → 5 × 0.4 = 2.00."""
    assert run("all_or_nothing", points="5", actual=D(100), target=D(100)).points == D("5.00")
    out = run("all_or_nothing", points="5", actual=D(99), target=D(100))
    assert out.points == D("0.00") and "未达标" in out.explanation
    assert run("all_or_nothing", points="5", params={"partial_fraction": "0.4"}, actual=D(99),
               target=D(100)).points == D("2.00")


def test_all_or_nothing_directions():
    """Lower better: 3 ≤ 5 reached; interval 10…20: 21 not reached, 15 reached."""
    assert run("all_or_nothing", actual=D(3), target=D(5), direction="lower_better").points == D("10.00")
    assert run("all_or_nothing", actual=D(21), target=D(10), upper=D(20), direction="interval").points == D("0.00")
    assert run("all_or_nothing", actual=D(15), target=D(10), upper=D(20), direction="interval").points == D("10.00")
    assert run("all_or_nothing", actual=D(15)).status == MISSING


# --- rank_based -------------------------------------------------------------------------------------


PEERS = tuple(Peer(code, D(v)) for code, v in [("A", 90), ("B", 80), ("C", 80), ("D", 70), ("E", 60), ("F", 50)])


def test_rank_based_second_place():
    """B 80 is 2nd of 6 (A 90 is 1st): 10 × (100 − 5) % = 9.50."""
    out = run("rank_based", actual=D(80), peers=PEERS)
    assert out.points == D("9.50") and "排第 2 名" in out.explanation


def test_rank_based_ties_share_and_skip():
    """B and C tie at 2nd; D is 4th (1, 2, 2, 4): 10 × 85 % = 8.50; A 1st: 10.00."""
    assert run("rank_based", actual=D(70), peers=PEERS).points == D("8.50")
    assert run("rank_based", actual=D(90), peers=PEERS).points == D("10.00")


def test_rank_based_step_floor_and_lower_better():
    """Step 30 %: F 6th → 100 − 150 < floor 20 → 10 × 20 % = 2.00; lower better: F 50 is 1st → 10.00."""
    out = run("rank_based", params={"step_pct": "30", "floor_pct": "20"}, actual=D(50), peers=PEERS)
    assert out.points == D("2.00")
    assert run("rank_based", actual=D(50), peers=PEERS, direction="lower_better").points == D("10.00")
    assert run("rank_based", peers=PEERS).status == MISSING


# --- relative_to_best -------------------------------------------------------------------------------


def test_relative_to_best_with_difficulty():
    """S01 80 × 1.1 = 88; S02 110 × 1 = 110 is best; 10 × 88 ÷ 110 = 8.00. S02 itself: 10.00."""
    peers = (Peer("S01", D(80)), Peer("S02", D(110)), Peer("S03", D(50)))
    params = {"difficulty": {"S01": "1.1", "S03": "0.9"}}
    out = run("relative_to_best", params=params, actual=D(80), unit_code="S01", peers=peers)
    assert out.points == D("8.00") and "难度系数 1.1" in out.explanation and "组内最优 110" in out.explanation
    assert run("relative_to_best", params=params, actual=D(110), unit_code="S02", peers=peers).points == D("10.00")


def test_relative_to_best_difficulty_can_make_the_best():
    """S01 100 × 1.2 = 120 > S02 110: S02 gets 10 × 110 ÷ 120 = 9.1666… → 9.17."""
    peers = (Peer("S01", D(100)), Peer("S02", D(110)))
    params = {"difficulty": {"S01": "1.2"}}
    assert run("relative_to_best", params=params, actual=D(110), unit_code="S02", peers=peers).points == D("9.17")


def test_relative_to_best_nonpositive_best_and_lower_better():
    """All ≤ 0 → 0 with reason; lower better: best 20, own 25 → 10 × 20 ÷ 25 = 8.00."""
    peers = (Peer("A", D(0)), Peer("B", D(-5)))
    out = run("relative_to_best", actual=D(0), unit_code="A", peers=peers)
    assert out.points == D("0.00") and "无法对标" in out.explanation
    peers = (Peer("A", D(20)), Peer("B", D(25)))
    assert run("relative_to_best", actual=D(25), unit_code="B", peers=peers,
               direction="lower_better").points == D("8.00")


# --- efficacy_coefficient ---------------------------------------------------------------------------


EFFICACY = {"x_good": "100", "x_bad": "50"}


def test_efficacy_coefficient():
    """e = 60 + 40 × (80 − 50) ÷ (100 − 50) = 84 → 10 × 84 ÷ 100 = 8.40."""
    out = run("efficacy_coefficient", params=EFFICACY, actual=D(80))
    assert out.points == D("8.40") and "功效分" in out.explanation


def test_efficacy_coefficient_limits():
    """x 120 → e = 60 + 40 × 1.4 = 116, limited to 100 → 10.00; x 0 → 60 − 40 = 20 → 2.00; x −100 → −60 → 0."""
    assert run("efficacy_coefficient", params=EFFICACY, actual=D(120)).points == D("10.00")
    assert run("efficacy_coefficient", params=EFFICACY, actual=D(0)).points == D("2.00")
    assert run("efficacy_coefficient", params=EFFICACY, actual=D(-100)).points == D("0.00")


def test_efficacy_coefficient_lower_is_better():
    """x_good 2, x_bad 10, x 4: e = 60 + 40 × (4 − 10) ÷ (2 − 10) = 60 + 30 = 90 → 9.00."""
    out = run("efficacy_coefficient", params={"x_good": "2", "x_bad": "10"}, actual=D(4))
    assert out.points == D("9.00")


# --- step_deduction ---------------------------------------------------------------------------------


STEP = {"k": "2", "d": "5"}


def test_step_deduction_partial_step_counts_whole():
    """Shortfall (100 − 87) ÷ 100 = 13 %, ÷ 5 % = 2.6 → 3 steps → 10 − 3 × 2 = 4.00."""
    out = run("step_deduction", params=STEP, actual=D(87), target=D(100))
    assert out.points == D("4.00") and "计 3 档" in out.explanation


def test_step_deduction_exact_step_floor_and_met():
    """10 % short → exactly 2 steps → 6.00; 60 % short → 12 steps → 10 − 24 < floor 3 → 3.00; met → 10.00."""
    assert run("step_deduction", params=STEP, actual=D(90), target=D(100)).points == D("6.00")
    out = run("step_deduction", params={**STEP, "floor": "3"}, actual=D(40), target=D(100))
    assert out.points == D("3.00") and "保底分" in out.explanation
    assert run("step_deduction", params=STEP, actual=D(101), target=D(100)).points == D("10.00")
    assert run("step_deduction", params=STEP, actual=D(5), target=D(0)).status == MISSING


def test_step_deduction_counts_a_partial_step_by_default_and_says_so():
    """The default (partial_step = 是) is the rule as it always was: 2.6 steps → 3 → 4.00, written out."""
    assert clean_params("step_deduction", STEP)["partial_step"] is True
    out = run("step_deduction", params=STEP, actual=D(87), target=D(100))
    assert out.points == D("4.00") and "13.00% ÷ 5% = 2.6 档，不足一档按一档计，计 3 档" in out.explanation


def test_step_deduction_only_whole_steps():
    """partial_step = 否: only whole steps count. 13 % short ÷ 5 % = 2.6 → 2 steps → 10 − 2 × 2 = 6.00;
    4 % short → 0.8 → no whole step → 10.00; 10 % short is exactly 2 steps in either mode → 6.00;
    62 % short → 12.4 → 12 steps → 10 − 24 < floor 3 → 3.00."""
    whole = {**STEP, "partial_step": False}
    out = run("step_deduction", params=whole, actual=D(87), target=D(100))
    assert out.points == D("6.00") and "2.6 档，不足一档的部分不扣分，计 2 档" in out.explanation
    out = run("step_deduction", params=whole, actual=D(96), target=D(100))
    assert out.points == D("10.00") and "计 0 档" in out.explanation
    assert run("step_deduction", params=whole, actual=D(90), target=D(100)).points == D("6.00")
    assert run("step_deduction", params={**whole, "floor": "3"}, actual=D(38), target=D(100)).points == D("3.00")


def test_step_deduction_partial_step_is_a_declared_yes_no_parameter():
    param = RULES["step_deduction"].param("partial_step")
    assert (param.type, param.default, param.label) == ("bool", True, "不足一档按一档扣分")
    assert "完整" in param.help
    assert validate_params("step_deduction", {**STEP, "partial_step": False}) == []
    assert validate_params("step_deduction", {**STEP, "partial_step": "半档"}) == ["参数「不足一档按一档扣分」(partial_step)须为“是”或“否”"]
    params, problems = parse_params_text("step_deduction", "k=2\nd=5\npartial_step=否")
    assert problems == [] and params["partial_step"] is False


# --- per_event_deduction ----------------------------------------------------------------------------


def test_per_event_deduction():
    """3 events × 2 = 6 → 10 − 6 = 4.00; 5 events → 0 < floor 2 → 2.00; 0 events → 10.00."""
    params = {"points_per_event": "2", "floor": "2"}
    assert run("per_event_deduction", params=params, events=3).points == D("4.00")
    out = run("per_event_deduction", params=params, events=5)
    assert out.points == D("2.00") and "保底分" in out.explanation
    assert run("per_event_deduction", params=params, events=0).points == D("10.00")


def test_per_event_deduction_missing_or_negative_count():
    params = {"points_per_event": "2"}
    assert run("per_event_deduction", params=params).status == MISSING
    assert run("per_event_deduction", params=params, events=-1).status == MISSING


# --- growth_vs_baseline -----------------------------------------------------------------------------


GROWTH = {"target_growth_pct": "8"}


def test_growth_vs_baseline():
    """Baseline 200, actual 212: growth 6 %, ÷ 8 % = 0.75 → 7.50; actual 220: 10 % ÷ 8 % = 1.25, cap 1 → 10.00."""
    out = run("growth_vs_baseline", params=GROWTH, actual=D(212), baseline=D(200))
    assert out.points == D("7.50") and "增长 6.00%" in out.explanation
    assert run("growth_vs_baseline", params=GROWTH, actual=D(220), baseline=D(200)).points == D("10.00")


def test_growth_vs_baseline_decline_and_negative_baseline():
    """Decline → 0.00; baseline −100, actual −92: growth (−92 + 100) ÷ 100 = 8 % → 10.00."""
    assert run("growth_vs_baseline", params=GROWTH, actual=D(190), baseline=D(200)).points == D("0.00")
    assert run("growth_vs_baseline", params=GROWTH, actual=D(-92), baseline=D(-100)).points == D("10.00")


def test_growth_vs_baseline_without_baseline_is_not_applicable():
    for baseline in (None, D(0)):
        out = run("growth_vs_baseline", params=GROWTH, actual=D(5), baseline=baseline)
        assert out.status == NOT_APPLICABLE and "上年基数" in out.explanation
    assert run("growth_vs_baseline", params=GROWTH, baseline=D(5)).status == MISSING


# --- milestone_prorate ------------------------------------------------------------------------------


def test_milestone_prorate():
    """4 due, 2 on time, 1 late × 0.5 → 10 × 2.5 ÷ 4 = 6.25; all on time → 10.00."""
    out = run("milestone_prorate", milestones_due=4, milestones_on_time=2, milestones_late=1)
    assert out.points == D("6.25") and "逾期完成 1 个" in out.explanation
    assert run("milestone_prorate", milestones_due=3, milestones_on_time=3, milestones_late=0).points == D("10.00")


def test_milestone_prorate_edge_cases():
    """No milestones due → not applicable; 3 + 2 > 4 → inconsistent (missing); counts absent → missing."""
    assert run("milestone_prorate", milestones_due=0, milestones_on_time=0, milestones_late=0).status == NOT_APPLICABLE
    out = run("milestone_prorate", milestones_due=4, milestones_on_time=3, milestones_late=2)
    assert out.status == MISSING and "不一致" in out.explanation
    assert run("milestone_prorate").status == MISSING


# --- qualitative_grade ------------------------------------------------------------------------------


GRADES = {"grades": {"好": "1", "较好": "0.8", "一般": "0.6", "差": "0.3"}}


def test_qualitative_grade():
    """较好 → 10 × 0.8 = 8.00; 差 on 7 points → 7 × 0.3 = 2.10."""
    assert run("qualitative_grade", params=GRADES, text="较好").points == D("8.00")
    assert run("qualitative_grade", points="7", params=GRADES, text="差").points == D("2.10")


def test_qualitative_grade_unknown_or_absent():
    out = run("qualitative_grade", params=GRADES, text="优")
    assert out.status == MISSING and "不在等级系数表" in out.explanation
    assert run("qualitative_grade", params=GRADES).status == MISSING


# --- manual -----------------------------------------------------------------------------------------


WHY = "按期完成全部改革任务，成效明显"


def test_manual():
    """8.5 of 10 with a justification → 8.50; line raised to 12 → 8.5 × 12 ÷ 10 = 10.20."""
    out = run("manual", manual_score=D("8.5"), justification=WHY)
    assert out.points == D("8.50") and WHY in out.explanation
    raised = run("manual", points="12", base_points=D(10), manual_score=D("8.5"), justification=WHY)
    assert raised.points == D("10.20")


def test_manual_refused_without_justification_or_out_of_range():
    assert run("manual", manual_score=D(8), justification="很好").status == MISSING
    assert run("manual", manual_score=D(11), justification=WHY).status == MISSING
    assert run("manual", manual_score=D(-1), justification=WHY).status == MISSING
    assert run("manual", justification=WHY).status == MISSING


def test_competition_rank():
    values = [D(5), D(5), D(3)]
    assert [rules.competition_rank(v, values) for v in values] == [1, 1, 3]
