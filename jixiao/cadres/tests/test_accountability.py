"""Accountability records (问责): the office records them, never edits them; bad input is refused in Chinese."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from jixiao.audit.models import Event
from jixiao.cadres.models import Accountability
from jixiao.cadres.tests import use_world

TODAY = datetime.datetime(2026, 4, 1, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture
def world(cast):
    return use_world.build(cast)


def _form(**changes):
    data = {"kind": "administrative", "cycle": "2025", "decided_on": "2026-03-20",
            "reason": "未按期完成市下达的安全生产整改任务", "decision": "通报批评"}
    return {**data, **changes}


def _post(client, cadre, data):
    with time_machine.travel(TODAY, tick=False):
        return client.post(reverse("cadres:accountability_create", args=[cadre.pk]), data)


def test_the_office_records_one_linked_to_the_cycle_and_it_shows_in_the_file(world, cast, login):
    client = login(cast.office)
    response = _post(client, world.zhang, _form())
    assert response.status_code == 302 and response.url == reverse("cadres:file_detail", args=[world.zhang.pk])
    item = Accountability.objects.get(kind="administrative")
    assert (item.cadre, item.unit, item.cycle, item.recorded_by) == (world.zhang, cast.street, world.c2025, cast.office)
    event = Event.objects.get(code="cadre.accountability_recorded")
    assert event.after["decision"] == "通报批评" and event.user_id == cast.office.pk
    page = login(world.orgdept).get(reverse("cadres:file_detail", args=[world.zhang.pk])).content.decode()
    assert "未按期完成市下达的安全生产整改任务" in page and "行政问责" in page


def test_a_double_submit_records_once(world, cast, login):
    client = login(cast.office)
    assert _post(client, world.zhang, _form()).status_code == 302
    again = _post(client, world.zhang, _form())
    assert again.status_code == 422
    assert "同一问责记录已经登记，请勿重复提交。" in again.content.decode()
    assert Accountability.objects.filter(kind="administrative").count() == 1
    assert Event.objects.filter(code="cadre.accountability_refused").count() == 1


@pytest.mark.parametrize("changes, message", [
    ({"decided_on": "2026-04-02"}, "决定日期 2026-04-02 晚于今天，不能记录尚未作出的决定。"),
    ({"reason": "   "}, "这个字段是必填项。"),
    ({"decision": ""}, "这个字段是必填项。"),
    ({"kind": "warning"}, "选择一个有效的选项"),
    ({"decided_on": "2026-13-01"}, "输入一个有效的日期。"),
])
def test_bad_input_is_refused_in_chinese_and_nothing_is_written(world, cast, login, changes, message):
    response = _post(login(cast.office), world.zhang, _form(**changes))
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not Accountability.objects.filter(kind="administrative").exists()


def test_a_cycle_the_cadre_did_not_serve_in_is_refused(world, cast, login):
    response = _post(login(cast.office), world.li_street, _form(cycle="2024"))
    assert response.status_code == 422
    assert "该干部在2024年度未在华明街道任职，不能关联该年度的考核结果。" in response.content.decode()
    assert not Accountability.objects.filter(cadre=world.li_street).exists()


def test_the_action_refuses_an_empty_reason_itself(world, cast):
    from django.core.exceptions import ValidationError

    from jixiao.cadres import accountability

    with pytest.raises(ValidationError) as refused:
        accountability.record(world.zhang, kind="inaction", reason=" ", decision="诫勉", by=cast.office,
                              decided_on=datetime.date(2026, 1, 5), today=datetime.date(2026, 4, 1))
    assert refused.value.messages == ["请填写问责事由。"]


def test_only_the_office_records(world, cast, login):
    for user in (world.orgdept, cast.leader, cast.street_reporter, world.lisi):
        assert _post(login(user), world.zhang, _form()).status_code == 403
    assert not Accountability.objects.filter(kind="administrative").exists()


def test_a_correction_opens_with_the_record_it_corrects(world, cast, login):
    client = login(cast.office)
    url = reverse("cadres:accountability_create", args=[world.zhang.pk])
    page = client.get(url, {"corrects": world.case.pk}).content.decode()
    assert f"更正2026年02月10日无为问责记录（第{world.case.pk}号）：" in page
    assert client.get(url, {"corrects": "x"}).status_code == 200  # a bad id opens an empty form


def test_the_list_shows_the_unit_result_of_the_cycle(world, login):
    page = login(world.orgdept).get(reverse("cadres:accountability_list"))
    text = page.content.decode()
    assert page.status_code == 200
    assert "重点项目推进不力" in text and "78.40分，一般" in text
    assert "?corrects=" not in text  # the org dept reads only
