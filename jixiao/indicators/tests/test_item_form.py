"""The scheme item form: one Chinese field per parameter of the rule, a worked example, and bad input."""

from decimal import Decimal

from django.urls import reverse

from jixiao.indicators.models import SchemeItem
from jixiao.indicators.tests.access_cases import world


def _url(w):
    return reverse("indicators:part_edit", args=[w["scheme"].pk, "item", w["item"].pk])


def _data(item, cast, **params):
    data = {"block": item.block_id, "group": item.group_id, "indicator": item.indicator_id, "points": "40",
            "rule": "completion_ratio", "assessor": cast.tjj.pk, "not_applicable_policy": "redistribute",
            "sort_order": "0", "p_cap": "1.2", "p_negative_growth_zero": "是", "reason": "市考口径变化"}
    data.update(params)
    return data


def test_the_form_shows_the_rules_fields_in_chinese_with_units_defaults_and_an_example(cast, login):
    w = world(cast)
    SchemeItem.objects.filter(pk=w["item"].pk).update(rule="completion_ratio", params={"cap": "1.2"},
                                                      points=Decimal("40"))
    body = login(cast.office).get(_url(w)).content.decode()
    assert "封顶系数（倍）" in body and 'name="p_cap"' in body and 'value="1.2"' in body
    assert "负增长得零分" in body and "默认 1" in body and "完成率超过目标时最多按此倍数计分" in body
    assert "cap=" not in body and "params_text" not in body
    # The example uses the item's 分值 and the first unit's real 目标值 of 1000.
    assert "示例（分值 40 分；目标值取" in body and "目标值 1000" in body and "得 44.00 分" in body


def test_switching_the_rule_shows_its_fields_with_defaults_and_saves_nothing(cast, login):
    w = world(cast)
    client = login(cast.office)
    before = SchemeItem.objects.get(pk=w["item"].pk)
    data = _data(before, cast, rule="rank_based", switch_rule="1", points="25")
    response = client.post(_url(w), data)
    body = response.content.decode()
    assert response.status_code == 200
    assert "首名比例(%)" in body and 'name="p_first_pct"' in body and 'value="100"' in body
    assert 'name="p_cap"' not in body and 'value="25"' in body
    assert "排第 3 名" in body and "分值 25 分" in body
    after = SchemeItem.objects.get(pk=w["item"].pk)
    assert (after.rule, after.params, after.points) == (before.rule, before.params, before.points)


def test_parameters_are_saved_in_the_stored_form(cast, login):
    w = world(cast)
    client = login(cast.office)
    response = client.post(_url(w), _data(w["item"], cast, p_cap=" 1.20 ", p_negative_growth_zero="否"))
    assert response.status_code == 302
    item = SchemeItem.objects.get(pk=w["item"].pk)
    assert item.rule == "completion_ratio" and item.params == {"cap": "1.2", "negative_growth_zero": False}


def test_bad_input_is_named_by_its_chinese_field(cast, login):
    w = world(cast)
    client = login(cast.office)
    cases = [
        ({"p_cap": "一点二"}, "「封顶系数」须为数字"),
        ({"p_cap": "-1"}, "「封顶系数」不能小于 1"),
        ({"p_negative_growth_zero": "也许"}, "选择一个有效的选项"),
        ({"rule": "step_deduction", "p_d": "5"}, "请填写「每档扣分」"),
        ({"rule": "qualitative_grade", "p_grades": "好"}, "「等级系数表」中“好”应写成 键:值"),
        ({"rule": "rank_based", "p_first_pct": "50", "p_floor_pct": "60"}, "保底比例不能大于首名比例"),
    ]
    for params, message in cases:
        response = client.post(_url(w), _data(w["item"], cast, **params))
        assert response.status_code == 422, params
        assert message in response.content.decode(), (params, message)
    assert SchemeItem.objects.get(pk=w["item"].pk).params == w["item"].params


def test_an_unknown_parameter_posted_is_ignored_not_stored(cast, login):
    w = world(cast)
    response = login(cast.office).post(_url(w), _data(w["item"], cast, p_magic="7", magic="7"))
    assert response.status_code == 302
    assert "magic" not in SchemeItem.objects.get(pk=w["item"].pk).params


def test_a_double_submitted_new_item_is_saved_once(cast, login):
    w = world(cast)
    item = w["item"]
    SchemeItem.objects.filter(pk=item.pk).delete()
    client = login(cast.office)
    url = reverse("indicators:part_add", args=[w["scheme"].pk, "item"])
    first = client.post(url, _data(item, cast))
    second = client.post(url, _data(item, cast))
    assert first.status_code == 302 and second.status_code == 422
    assert "考核方案，考核组别 和 指标 的 方案指标 已经存在" in second.content.decode()
    assert SchemeItem.objects.filter(scheme=w["scheme"], group=item.group, indicator=item.indicator).count() == 1
