"""Hand-computed examples of the team and cadre grading (cadres/grading.py, docs/cadres.md)."""

from decimal import Decimal as D

from jixiao.cadres import grading as g

RULES = g.Rules()  # teams 60/40, cadres 40/20/40, 好 30 %, 优秀 20 %


def team(unit, score, democratic, grade="good", vetoed=False):
    result = None if score is None else g.UnitResult(D(score), grade, vetoed)
    return g.TeamInput(unit, result, None if democratic is None else D(democratic))


def cadre(pk, score, democratic, tasks=(), post="member", team_grade="good", vetoed=False, unit=1, grade="good"):
    result = None if score is None else g.UnitResult(D(score), grade, vetoed)
    return g.CadreInput(pk, unit, post, result, tuple(D(t) for t in tasks),
                        None if democratic is None else D(democratic), team_grade)


# --- Rules ----------------------------------------------------------------------------------------------------


def test_default_rules_are_valid():
    assert g.check_rules(RULES) == []


def test_weights_not_summing_to_100_and_a_quota_over_25_are_refused():
    bad = g.Rules(team_performance_weight=D(70), cadre_keytask_weight=D(30), excellent_percent=D(26))
    problems = g.check_rules(bad)
    assert "领导班子的单位绩效权重与民主测评权重之和应为 100。" in problems
    assert "领导干部的单位绩效、分管重点工作、民主测评三项权重之和应为 100。" in problems
    assert "干部“优秀”等次比例不得超过 25%。" in problems


def test_places_round_down():
    assert g.places(7, D(20)) == 1  # 1.4
    assert g.places(10, D(20)) == 2
    assert g.places(4, D(20)) == 0  # 0.8
    assert g.places(10, D(25)) == 2  # 2.5


# --- Teams ----------------------------------------------------------------------------------------------------


def test_team_score_is_the_weighted_sum():
    # 92 × 60 % + 85 × 40 % = 55.2 + 34 = 89.2 → 较好 (≥ 80, < 90)
    [o] = g.grade_teams(RULES, [team(1, "92", "85")])
    assert o.score == D("89.20") and o.grade == g.FAIRLY_GOOD
    assert "综合得分 89.20 = 单位绩效 92 × 60% + 民主测评 85 × 40%" in o.reasons[0]


def test_team_thresholds():
    grades = [o.grade for o in g.grade_teams(g.Rules(team_good_percent=D(100)), [
        team(1, "90", "90"), team(2, "80", "80"), team(3, "70", "70"), team(4, "69.99", "69.99")])]
    assert grades == [g.GOOD, g.FAIRLY_GOOD, g.AVERAGE, g.POOR]


def test_a_vetoed_unit_is_at_most_average():
    # 95 × 0.6 + 95 × 0.4 = 95 → 好 by score, 一般 by the veto.
    [o] = g.grade_teams(RULES, [team(1, "95", "95", vetoed=True)])
    assert o.grade == g.AVERAGE
    assert "单位绩效考核被一票否决，班子等次不高于“一般”。" in o.reasons


def test_a_veto_leaves_a_lower_grade_alone():
    [o] = g.grade_teams(RULES, [team(1, "60", "60", vetoed=True)])
    assert o.grade == g.POOR and not any("一票否决" in r for r in o.reasons)


def test_a_unit_graded_poor_caps_its_team_at_average():
    # 85 × 0.6 + 90 × 0.4 = 51 + 36 = 87 → 较好 by score, 一般 by the unit's 较差.
    [o] = g.grade_teams(RULES, [team(1, "85", "90", grade="poor")])
    assert o.score == D("87.00") and o.grade == g.AVERAGE
    assert "单位绩效考核等次为“较差”，班子等次不高于“一般”。" in o.reasons


def test_good_quota_keeps_the_highest():
    # 7 teams at 30 % → floor(2.1) = 2 places; four score 好: 98, 96, 94, 92 → the last two drop to 较好.
    teams = [team(i, s, s) for i, s in enumerate(["98", "96", "94", "92", "85", "75", "60"], start=1)]
    grades = {o.unit: o.grade for o in g.grade_teams(RULES, teams)}
    assert grades == {1: g.GOOD, 2: g.GOOD, 3: g.FAIRLY_GOOD, 4: g.FAIRLY_GOOD, 5: g.FAIRLY_GOOD, 6: g.AVERAGE,
                      7: g.POOR}


def test_good_quota_never_splits_a_tie():
    # 7 teams, 2 places; 98, then 95 and 95 tied on the boundary → both 95s drop; one place stays empty.
    teams = [team(i, s, s) for i, s in enumerate(["98", "95", "95", "80", "80", "80", "80"], start=1)]
    outcomes = {o.unit: o for o in g.grade_teams(RULES, teams)}
    assert [outcomes[i].grade for i in (1, 2, 3)] == [g.GOOD, g.FAIRLY_GOOD, g.FAIRLY_GOOD]
    assert "同分者均调为“较好”" in outcomes[2].reasons[-1]
    assert "7 个班子中至多 2 个" in outcomes[2].reasons[-1]


def test_a_team_without_democratic_result_is_not_graded_nor_counted():
    outcomes = g.grade_teams(RULES, [team(1, "95", None)] + [team(i, "95", "95") for i in range(2, 5)])
    first = outcomes[0]
    assert first.grade == "" and first.score is None and first.reasons == (g.MISSING_DEMOCRATIC,)
    # Three graded teams at 30 % → floor(0.9) = 0 places: none keeps 好, and the ungraded one is not in the base.
    assert [o.grade for o in outcomes[1:]] == [g.FAIRLY_GOOD] * 3
    assert "3 个班子中至多 0 个" in outcomes[1].reasons[-1]


def test_a_team_without_a_unit_result_is_not_graded():
    [o] = g.grade_teams(RULES, [team(1, None, "90")])
    assert o.grade == "" and o.reasons == (g.MISSING_UNIT_RESULT,)


# --- Cadres ---------------------------------------------------------------------------------------------------


def test_cadre_score_with_key_tasks():
    # unit 90 × 40 % + tasks mean(80, 100) = 90 × 20 % + democratic 95 × 40 % = 36 + 18 + 38 = 92 → 优秀
    o = g.grade_cadres(g.Rules(excellent_percent=D(25)), [cadre(1, "90", "95", tasks=["80", "100"])] + [
        cadre(i, "60", "60") for i in range(2, 5)])[0]
    assert o.keytask_score == D("90.00") and o.score == D("92.00") and o.grade == g.EXCELLENT


def test_cadre_without_key_tasks_has_the_weight_redistributed():
    # (88 × 40 + 93 × 40) ÷ 80 = (3520 + 3720) ÷ 80 = 90.5
    [o] = g.grade_cadres(RULES, [cadre(1, "88", "93")])
    assert o.keytask_score is None and o.score == D("90.50")
    assert o.reasons[0] == "未负责已评分的重点工作，分管重点工作权重 20% 按比例分配到单位绩效和民主测评。"


def test_cadre_thresholds():
    outcomes = g.grade_cadres(RULES, [cadre(1, "75", "75"), cadre(2, "65", "65"), cadre(3, "59.99", "59.99"),
                                      cadre(4, "70", "70")])
    assert [o.grade for o in outcomes] == [g.COMPETENT, g.BASIC, g.INCOMPETENT, g.COMPETENT]


def test_main_leader_of_a_poor_team_cannot_be_excellent():
    cadres = [cadre(1, "95", "95", post="main", team_grade="poor")] + [cadre(i, "60", "60") for i in range(2, 11)]
    o = g.grade_cadres(RULES, cadres)[0]
    assert o.grade == g.COMPETENT
    assert "本单位领导班子等次为“较差”，主要领导不能评为“优秀”，调为“称职”。" in o.reasons


def test_main_leader_of_a_vetoed_unit_cannot_be_excellent_but_a_member_can():
    cadres = [cadre(1, "95", "95", post="main", vetoed=True), cadre(2, "95", "95", post="member", vetoed=True)]
    cadres += [cadre(i, "60", "60") for i in range(3, 11)]
    outcomes = g.grade_cadres(RULES, cadres)
    assert outcomes[0].grade == g.COMPETENT and "一票否决" in outcomes[0].reasons[-1]
    assert outcomes[1].grade == g.EXCELLENT  # 10 graded at 20 % → 2 places, only one 优秀 left


def test_excellent_quota_and_tie():
    # 10 cadres at 20 % → 2 places. Scores 96, 93, 93 are 优秀: 96 keeps it, the two 93s tie on the boundary and
    # both drop to 称职.
    scores = ["96", "93", "93"] + ["75"] * 7
    outcomes = g.grade_cadres(RULES, [cadre(i, s, s) for i, s in enumerate(scores, start=1)])
    assert [o.grade for o in outcomes[:3]] == [g.EXCELLENT, g.COMPETENT, g.COMPETENT]
    assert outcomes[1].reasons[-1] == ("“优秀”比例上限 20%（10 名干部中至多 2 名），与他人同分并列于名额边界，同分者均"
                                       "调为“称职”。")


def test_excellent_quota_over_the_cut_without_a_tie():
    scores = ["99", "97", "95", "91"] + ["75"] * 6
    outcomes = g.grade_cadres(RULES, [cadre(i, s, s) for i, s in enumerate(scores, start=1)])
    assert [o.grade for o in outcomes[:4]] == [g.EXCELLENT, g.EXCELLENT, g.COMPETENT, g.COMPETENT]
    assert outcomes[2].reasons[-1] == "“优秀”比例上限 20%（10 名干部中至多 2 名），调为“称职”。"


def test_missing_democratic_result_is_not_graded_never_zero():
    [o] = g.grade_cadres(RULES, [cadre(1, "90", None, tasks=["90"])])
    assert o.grade == "" and o.score is None and o.reasons == (g.MISSING_DEMOCRATIC,)
    assert o.keytask_score == D("90.00")  # the inputs that exist are still shown


def test_calibration_within_and_over_the_quota():
    grades = {i: g.COMPETENT for i in range(1, 11)}
    grades[1] = g.EXCELLENT
    assert g.calibration_problem(RULES, grades, cadre(2, "80", "80"), g.EXCELLENT) == ""  # 2 of 2 places
    grades[2] = g.EXCELLENT
    problem = g.calibration_problem(RULES, grades, cadre(3, "80", "80"), g.EXCELLENT)
    assert problem == "校准后“优秀”将有 3 名，超过比例上限 20%（10 名干部中至多 2 名），不能校准为“优秀”。"
    assert g.calibration_problem(RULES, grades, cadre(3, "80", "80"), g.BASIC) == ""  # moving down is always allowed


def test_calibration_keeps_the_binding_rules():
    grades = {i: g.COMPETENT for i in range(1, 11)}
    poor_team = cadre(1, "80", "80", post="main", team_grade="poor")
    assert g.calibration_problem(RULES, grades, poor_team, g.EXCELLENT) == (
        "本单位领导班子等次为“较差”，主要领导不能校准为“优秀”。")
    vetoed = cadre(1, "80", "80", post="main", vetoed=True)
    assert g.calibration_problem(RULES, grades, vetoed, g.EXCELLENT) == "本单位绩效考核被一票否决，主要领导不能校准为“优秀”。"
    member = cadre(1, "80", "80", post="member", team_grade="poor", vetoed=True)
    assert g.calibration_problem(RULES, grades, member, g.EXCELLENT) == ""
