import pytest

from jixiao.indicators.rule_specs import (
    RULES,
    clean_params,
    describe_params,
    format_params_text,
    parse_params_text,
    validate_params,
)

GOOD = {
    "completion_ratio": {"cap": "1.2", "negative_growth_zero": True},
    "reverse_control": {"cap": 1},
    "all_or_nothing": {"partial_fraction": "0.5"},
    "rank_based": {"first_pct": 100, "step_pct": 5, "floor_pct": 40},
    "relative_to_best": {"difficulty": {"S01": "1.1", "S02": 0.9}},
    "efficacy_coefficient": {"x_good": "120", "x_bad": "80", "base": 60, "span": 40},
    "step_deduction": {"k": "0.5", "d": "1"},
    "per_event_deduction": {"points_per_event": 2, "floor": 0},
    "growth_vs_baseline": {"target_growth_pct": "8"},
    "milestone_prorate": {"late_fraction": "0.5"},
    "qualitative_grade": {"grades": {"好": 1, "较好": "0.8", "一般": "0.6", "差": "0.3"}},
    "manual": {"min_justification_chars": 20},
}

BAD = {
    "completion_ratio": ({"cap": "0.5"}, "不能小于 1"),
    "reverse_control": ({"cap": "abc"}, "须为数字"),
    "all_or_nothing": ({"partial_fraction": "1.5"}, "不能大于 1"),
    "rank_based": ({"first_pct": 80, "floor_pct": 90}, "保底比例不能大于首名比例"),
    "relative_to_best": ({"difficulty": {"S01": "3"}}, "「S01」的值不能大于 2"),
    "efficacy_coefficient": ({"x_good": "100", "x_bad": "100"}, "满意值与不允许值不能相等"),
    "step_deduction": ({"k": "1"}, "缺少参数「每档差额(%)」(d)"),
    "per_event_deduction": ({}, "缺少参数「每次扣分」(points_per_event)"),
    "growth_vs_baseline": ({"target_growth_pct": "-3"}, "不能小于 0.01"),
    "milestone_prorate": ({"late_fraction": True}, "须为数字"),
    "qualitative_grade": ({"grades": {}}, "须为非空对照表"),
    "manual": ({"min_justification_chars": "2.5"}, "须为整数"),
}


def test_every_rule_has_a_chinese_name_description_and_test_cases():
    assert set(RULES) == set(GOOD) == set(BAD)
    for spec in RULES.values():
        assert spec.name and ("得分" in spec.description or "打分" in spec.description)
        for param in spec.params:
            assert param.label and param.type in {"decimal", "int", "bool", "table"}


@pytest.mark.parametrize("rule", sorted(GOOD))
def test_good_params_validate(rule):
    assert validate_params(rule, GOOD[rule]) == []


@pytest.mark.parametrize("rule", sorted(BAD))
def test_bad_params_are_named_in_chinese(rule):
    params, expected = BAD[rule]
    problems = validate_params(rule, params)
    assert problems, rule
    assert any(expected in p for p in problems), problems


def test_unknown_rule_and_unknown_param():
    assert validate_params("magic", {}) == ["未知的计分规则「magic」"]
    problems = validate_params("completion_ratio", {"kap": "1"})
    assert problems and "未知参数「kap」" in problems[0]


def test_params_must_be_an_object():
    assert validate_params("manual", ["x"]) == ["计分参数须为“参数名=值”的列表"]


def test_efficacy_base_and_span_cannot_exceed_100():
    assert validate_params("efficacy_coefficient", {"x_good": 1, "x_bad": 0, "base": 70, "span": 40}) == [
        "基础分与浮动分之和不能超过 100"
    ]


def test_clean_params_fills_defaults_and_keeps_decimals_as_text():
    assert clean_params("completion_ratio", {"cap": 1.20}) == {"cap": "1.2", "negative_growth_zero": True}
    assert clean_params("rank_based", {}) == {"first_pct": "100", "step_pct": "5", "floor_pct": "0"}
    assert clean_params("manual", {"min_justification_chars": "15"}) == {"min_justification_chars": 15}


def test_text_form_round_trips():
    params, problems = parse_params_text("qualitative_grade", "grades=好:1，较好：0.8,一般:0.6")
    assert problems == []
    assert params == {"grades": {"好": "1", "较好": "0.8", "一般": "0.6"}}
    assert validate_params("qualitative_grade", params) == []
    text = format_params_text("qualitative_grade", clean_params("qualitative_grade", params))
    assert text == "等级系数表=好:1,较好:0.8,一般:0.6"
    assert parse_params_text("qualitative_grade", text)[0] == {"grades": {"好": "1", "较好": "0.8", "一般": "0.6"}}


def test_text_form_reads_booleans_and_reports_garbage():
    params, problems = parse_params_text("completion_ratio", "cap=1.1；negative_growth_zero=否\nnonsense")
    assert params == {"cap": "1.1", "negative_growth_zero": False}
    assert problems == ["无法识别“nonsense”，应写成 参数名=值"]


def test_describe_params_in_chinese():
    assert describe_params("completion_ratio", {"cap": "1.2", "negative_growth_zero": True}) == "封顶系数 1.2；负增长得零分 是"


def test_text_form_writes_chinese_names_and_reads_them_back():
    text = format_params_text("completion_ratio", {"cap": "1.2", "negative_growth_zero": True})
    assert text == "封顶系数=1.2\n负增长得零分=是"
    assert parse_params_text("completion_ratio", text) == ({"cap": "1.2", "negative_growth_zero": True}, [])


@pytest.mark.parametrize("text", ["首名比例(%)=90；保底比例(%)=10", "首名比例（%）=90;floor_pct=10"])
def test_text_form_reads_labels_with_either_bracket_and_english_names_together(text):
    assert parse_params_text("rank_based", text) == ({"first_pct": "90", "floor_pct": "10"}, [])


def test_text_form_refuses_a_parameter_written_twice_and_lists_chinese_names_for_an_unknown_one():
    params, problems = parse_params_text("completion_ratio", "cap=1.1；封顶系数=1.2")
    assert problems == ["参数「封顶系数」写了两次"]
    params, _ = parse_params_text("completion_ratio", "封顶倍数=1.1")
    assert validate_params("completion_ratio", params) == [
        "未知参数「封顶倍数」（完成率计分可用参数：封顶系数、负增长得零分）"
    ]
