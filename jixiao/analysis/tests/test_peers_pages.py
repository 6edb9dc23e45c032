"""The peers page (近邻单位): the proposal as the office and leaders read it, weights, and saving a group."""

from decimal import Decimal

import pytest
from django.urls import reverse

from jixiao.analysis.attributes_actions import save_neighbour_group
from jixiao.audit.models import Event
from jixiao.org.models import Group, GroupPurpose, Unit, UnitAttribute, UnitAttributeValue, UnitKind

PAGE = reverse("analysis:peers")


def attribute(cycle, code, name, values: dict, **options):
    made = UnitAttribute.objects.create(cycle=cycle, code=code, name=name, **options)
    for unit, value in values.items():
        UnitAttributeValue.objects.create(attribute=made, unit=unit, value=Decimal(str(value)))
    return made


@pytest.fixture
def park(cast):
    return Unit.objects.create(code="P01", name="示范区经济技术开发区", short_name="区经开区", kind=UnitKind.PARK,
                               parent=cast.district)


@pytest.fixture
def population(cast, park):
    # POP 1, 2, 4: mean 7/3, deviations −4/3, −1/3, 5/3; sd = √((16 + 1 + 25) ÷ 9 ÷ 3) = √14 ÷ 3 = 1.24722.
    # 华明街道 (1) – 金桥街道 (2): 1 ÷ 1.24722 = 0.80178 (一般); 华明街道 – 区经开区 (4): 3 ÷ 1.24722 = 2.40535.
    return attribute(cast.cycle, "POP", "常住人口", {cast.street: 1, cast.other_street: 2, park: 4}, measure="万人")


def test_the_office_reads_each_units_neighbours_with_distance_and_closeness(cast, login, population):
    response = login(cast.office).get(PAGE)
    assert response.status_code == 200
    row = response.context["proposal"].of("S01")
    assert [(n.code, round(n.distance, 5), n.closeness) for n in row.neighbours] == [
        ("S02", 0.80178, "一般"), ("P01", 2.40535, "差异较大")]
    text = response.content.decode()
    assert "距离 0.80（平均每项属性相差 0.80 个标准差）" in text
    assert "保存为比较组" in text and "保存权重" in text


def test_a_leader_reads_the_page_without_the_offices_controls(cast, login, population):
    text = login(cast.leader).get(PAGE).content.decode()
    assert "华明街道" in text and "0.80" in text
    assert "保存为比较组" not in text and "保存权重" not in text and "导入单位属性" not in text


def test_missing_values_and_left_out_units_are_explained(cast, login, park):
    attribute(cast.cycle, "POP", "常住人口", {cast.street: 1, cast.other_street: 2, park: 4})
    attribute(cast.cycle, "AREA", "面积", {cast.street: 10, cast.other_street: 20}, weight=Decimal(3))
    text = login(cast.office).get(PAGE).content.decode()
    # 区经开区 has only 常住人口: weight 1 of 4, below half: left out with the reason.
    assert "区经开区（P01）：缺少面积，已有属性的权重不足总权重的一半" in text


def test_without_attributes_the_page_says_what_to_do(cast, login):
    text = login(cast.office).get(PAGE).content.decode()
    assert "本年度还没有录入单位属性" in text and "没有可参与计算的属性，无法提出近邻单位。" in text


def test_all_units_identical_is_an_explanation(cast, login, park):
    attribute(cast.cycle, "POP", "常住人口", {cast.street: 3, cast.other_street: 3, park: 3})
    text = login(cast.office).get(PAGE).content.decode()
    assert "“常住人口”未参与计算：各单位取值相同，无法区分单位。" in text


def test_weights_are_saved_and_audited(cast, login, population):
    client = login(cast.office)
    response = client.post(reverse("analysis:peers_weights"), {
        "cycle": cast.cycle.year, f"weight_{population.pk}": "2.5", f"log_{population.pk}": "on"})
    assert response.status_code == 302
    population.refresh_from_db()
    assert (population.weight, population.log_scale) == (Decimal("2.5"), True)
    event = Event.objects.get(code="unit.attribute_weight_set")
    assert event.before["weight"] == "1.0" and event.after["weight"] == "2.5"


def test_a_log_of_a_negative_value_is_refused_with_the_units_named(cast, login, population):
    UnitAttributeValue.objects.filter(unit=cast.street).update(value=Decimal("-1"))
    client = login(cast.office)
    response = client.post(reverse("analysis:peers_weights"), {
        "cycle": cast.cycle.year, f"weight_{population.pk}": "1", f"log_{population.pk}": "on"}, follow=True)
    assert "“常住人口”有不大于 0 的值，不能取对数：华明街道（-1）。" in response.content.decode()
    population.refresh_from_db()
    assert population.log_scale is False
    assert Event.objects.filter(code="unit.attribute_weight_refused").count() == 1


@pytest.mark.parametrize("weight", ["11", "-1", "abc", "1.25"])
def test_a_bad_weight_writes_nothing(cast, login, population, weight):
    response = login(cast.office).post(reverse("analysis:peers_weights"), {
        "cycle": cast.cycle.year, f"weight_{population.pk}": weight}, follow=True)
    assert "常住人口的权重：" in response.content.decode()
    population.refresh_from_db()
    assert population.weight == 1


def test_saving_a_units_neighbours_makes_a_comparison_group(cast, login, population, park):
    client = login(cast.office)
    response = client.post(reverse("analysis:peers_save_group"), {"cycle": cast.cycle.year, "unit": "S01", "k": "1"})
    assert response.status_code == 302
    group = Group.objects.get(cycle=cast.cycle, code="NN-S01")
    assert group.purpose == GroupPurpose.COMPARE and group.name == "华明街道及其近邻单位"
    assert sorted(group.units.values_list("code", flat=True)) == ["S01", "S02"]
    client.post(reverse("analysis:peers_save_group"), {"cycle": cast.cycle.year, "unit": "S01", "k": "2"})
    assert sorted(group.units.values_list("code", flat=True)) == ["P01", "S01", "S02"]
    events = Event.objects.filter(code="unit.neighbour_group_saved").order_by("pk")
    assert [e.before for e in events] == [None, {"units": ["S01", "S02"]}]


def test_a_scoring_group_of_the_same_code_is_never_overwritten(cast, population):
    Group.objects.create(cycle=cast.cycle, code="NN-S01", name="考核组", purpose=GroupPurpose.PEER)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="不能覆盖"):
        save_neighbour_group(cast.cycle, cast.street, [cast.other_street], by=cast.office)


def test_a_unit_without_neighbours_saves_no_group(cast, login, population):
    response = login(cast.office).post(reverse("analysis:peers_save_group"),
                                       {"cycle": cast.cycle.year, "unit": "B01"}, follow=True)
    assert "单位“B01”在本年度没有提出近邻单位，未保存比较组。" in response.content.decode()
    assert not Group.objects.exists()


def test_the_page_does_not_grow_its_queries_with_its_units(cast, login, population, django_assert_max_num_queries):
    client = login(cast.office)
    with django_assert_max_num_queries(30) as few:
        client.get(PAGE)
    for number in range(40):
        unit = Unit.objects.create(code=f"S9{number:02d}", name=f"街道{number}", kind=UnitKind.STREET,
                                   parent=cast.district)
        UnitAttributeValue.objects.create(attribute=population, unit=unit, value=number + 5)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(PAGE)
    assert len(response.context["proposal"].units) == 43


def test_the_pages_show_no_raw_code_and_highlight_one_sidebar_item(cast, login, population):
    from tests import crawl

    client = login(cast.office)
    for url in (PAGE, reverse("analysis:peers_import")):
        _links, text, highlighted = crawl.read_page(client.get(url).content.decode())
        assert crawl.problems_in(text, crawl.enum_values()) == [], url
        assert highlighted == [PAGE], url
