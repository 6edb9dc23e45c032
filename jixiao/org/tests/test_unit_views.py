import datetime

from django.urls import reverse

from jixiao.audit.models import Event
from jixiao.org.models import Unit


def test_create_unit_through_the_form(cast, login):
    client = login(cast.office)
    response = client.post(reverse("org:unit_create"), {
        "code": "B05", "name": "区财政局", "short_name": "", "kind": "bureau", "parent": cast.district.pk,
        "is_assessor": "on", "sort_order": 5, "valid_from": "2024-01-01", "note": ""})
    unit = Unit.objects.get(code="B05")
    assert response.status_code == 302 and response["Location"] == reverse("org:unit_detail", args=[unit.pk])
    assert unit.is_assessor and unit.parent == cast.district
    assert Event.objects.filter(code="unit.created", object_id=str(unit.pk)).exists()


def test_create_form_shows_kind_rule_in_chinese(cast, login):
    response = login(cast.office).post(reverse("org:unit_create"), {
        "code": "V05", "name": "某村", "kind": "village", "parent": cast.district.pk, "sort_order": 0,
        "valid_from": "2024-01-01"})
    assert response.status_code == 422
    assert "上级只能是街道" in response.content.decode()
    assert not Unit.objects.filter(code="V05").exists()


def test_create_form_refuses_formula_names_and_bad_codes(cast, login):
    response = login(cast.office).post(reverse("org:unit_create"), {
        "code": "中文编码", "name": "=1+1", "kind": "bureau", "parent": cast.district.pk, "sort_order": 0,
        "valid_from": "2024-01-01"})
    page = response.content.decode()
    assert response.status_code == 422 and "公式" in page and "只能由字母" in page


def test_edit_unit_keeps_code_and_records_change(cast, login):
    client = login(cast.office)
    assert "B02（不可修改）" in client.get(reverse("org:unit_edit", args=[cast.tjj.pk])).content.decode()
    response = client.post(reverse("org:unit_edit", args=[cast.tjj.pk]), {
        "name": "区统计局", "short_name": "统计局", "kind": "bureau", "is_assessor": "on", "sort_order": 3,
        "valid_from": "2020-01-01", "note": "核定统计类指标", "code": "HACK"})
    assert response.status_code == 302
    cast.tjj.refresh_from_db()
    assert cast.tjj.code == "B02" and cast.tjj.short_name == "统计局" and cast.tjj.sort_order == 3
    event = Event.objects.get(code="unit.updated")
    assert event.before["short_name"] == "" and event.after["short_name"] == "统计局"


def test_move_page_offers_only_fitting_parents_and_moves(cast, login):
    client = login(cast.office)
    page = client.get(reverse("org:unit_move", args=[cast.village.pk])).content.decode()
    assert "金桥街道" in page and "区统计局" not in page
    response = client.post(reverse("org:unit_move", args=[cast.village.pk]), {"parent": cast.other_street.pk})
    assert response.status_code == 302
    assert Unit.objects.get(pk=cast.village.pk).parent == cast.other_street


def test_move_into_own_child_is_refused_with_reason(cast, login):
    response = login(cast.office).post(reverse("org:unit_move", args=[cast.street.pk]), {"parent": cast.village.pk})
    assert response.status_code == 422
    assert "循环" in response.content.decode()
    assert Unit.objects.get(pk=cast.street.pk).parent == cast.district


def test_retire_page_explains_children_and_retire_works(cast, login):
    client = login(cast.office)
    page = client.get(reverse("org:unit_retire", args=[cast.street.pk])).content.decode()
    assert "不能撤销" in page and "胡张庄村" in page
    response = client.post(reverse("org:unit_retire", args=[cast.street.pk]), {"valid_to": "2025-12-31"})
    assert response.status_code == 422 and Unit.objects.get(pk=cast.street.pk).valid_to is None
    response = client.post(reverse("org:unit_retire", args=[cast.village.pk]), {"valid_to": "2025-12-31"})
    assert response.status_code == 302
    assert Unit.objects.get(pk=cast.village.pk).valid_to == datetime.date(2025, 12, 31)


def test_detail_shows_attributes_children_cadres_and_history(cast, login):
    client = login(cast.office)
    client.post(reverse("org:unit_edit", args=[cast.street.pk]), {
        "name": "华明街道", "short_name": "华明", "kind": "street", "sort_order": 1, "valid_from": "2020-01-01"})
    client.post(reverse("org:cadre_create", args=[cast.street.pk]), {
        "name": "李四", "post": "main", "title": "党工委书记", "tenure_from": "2022-03-01"})
    page = client.get(reverse("org:unit_detail", args=[cast.street.pk])).content.decode()
    for text in ("S01", "华明街道", "胡张庄村", "李四", "党工委书记", "修改单位", "简称：— → 华明", "新增干部",
                 "有效授权</dt><dd class=\"col-8\">1 个"):
        assert text in page, text
    assert f'href="/org/units/{cast.district.pk}/"' in page  # breadcrumb to the district


def test_detail_query_count_is_small(cast, login, django_assert_max_num_queries):
    client = login(cast.leader)
    client.get(reverse("org:unit_detail", args=[cast.street.pk]))
    with django_assert_max_num_queries(15):
        client.get(reverse("org:unit_detail", args=[cast.street.pk]))
