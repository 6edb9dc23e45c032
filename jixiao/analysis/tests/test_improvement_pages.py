"""The improvement-target pages: the office's journey by the test client, a leader reading, a unit its own, bad
input, other units' rows, double submits and the export."""

import io
import re
from decimal import Decimal as D

import pytest
from python_calamine import CalamineWorkbook

from jixiao.analysis.models import ImprovementStatus, ImprovementTarget
from jixiao.analysis.tests.test_improvement_actions import build_world
from jixiao.audit.models import Event
from jixiao.indicators.models import Target
from jixiao.indicators.tests import builders

URL = "/analysis/improvement/"


@pytest.fixture
def world(cast):
    return build_world(cast)


def text(response):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def propose(client, **extra):
    return client.post(URL + "propose/", {"cycle": "2026", "method": "quartile", "share": "50", "data": "current",
                                       **extra})


def row(world, unit):
    return ImprovementTarget.objects.get(cycle=world["cycle"], unit=unit, indicator=world["ind"])


def test_the_office_proposes_and_sees_method_and_numbers_per_row(cast, login, world):
    client = login(cast.office)
    response = propose(client)
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 200
    body = text(page)
    assert "已按“缩小与组内四分位的差距”（50%）、用本年度最新累计值测算 5 项，其中 5 项有建议目标" in body
    assert "2027年度（据2026年度数据）" in body
    assert "组内上四分位 92，本单位 80，缩小差距 50% → 86" in body
    assert "已达组内上四分位（92），保持 100" in body
    assert "2027 年度尚未设立" in body
    assert "第12街道" in body  # the 标杆 of every other unit


def test_bad_input_is_answered_in_chinese_and_nothing_is_written(cast, login, world):
    client = login(cast.office)
    for data, message in (({"share": "0"}, "不能小于 1%"), ({"share": "abc"}, "须为数字"),
                          ({"method": "median"}, "请选择列出的测算方法"), ({"share": "150"}, "不能大于 100%"),
                          ({"indicator": "999999"}, "所选指标不在本年度考核方案中"), ({"data": "x"}, "请选择列出的数值来源")):
        response = propose(client, **data)
        assert response.status_code == 302
        assert message in text(client.get(response["Location"]))
    assert not ImprovementTarget.objects.exists()
    assert client.post(URL + "propose/", {"cycle": "abc", "method": "quartile", "share": "50"}).status_code == 404


def test_without_a_complete_year_the_refusal_says_what_to_do(cast, login, world):
    client = login(cast.office)
    from jixiao.org.models import Cycle, CycleStatus
    Cycle.objects.filter(year__lt=2026).update(status=CycleStatus.RUNNING)
    page = propose(client, data="complete")
    assert "没有已完成的考核年度，请改为按本年度已核定的最新数值测算" in text(client.get(page["Location"]))
    assert Event.objects.filter(code="improvement.propose_refused").exists()


def test_adjust_approve_twice_and_apply_once_the_next_cycle_exists(cast, login, world):
    client = login(cast.office)
    propose(client)
    mine, other = row(world, cast.street), row(world, cast.other_street)
    response = client.post(URL + "adjust/", {"cycle": "2026", "id": mine.pk, "value": "87.5"})
    assert response.status_code == 302 and row(world, cast.street).adjusted == D("87.5")
    bad = client.post(URL + "adjust/", {"cycle": "2026", "id": mine.pk, "value": "-3"}, follow=True)
    assert "目标值须大于 0" in text(bad) and row(world, cast.street).adjusted == D("87.5")
    assert Event.objects.filter(code="improvement.adjust_refused").count() == 1
    # one approval, submitted twice (a double click): approved once, the second says so
    for _ in range(2):
        page = client.post(URL + "approve/", {"cycle": "2026", "ids": [mine.pk, other.pk]}, follow=True)
    assert "2 项此前已批准，未重复处理" in text(page)
    assert Event.objects.filter(code="improvement.approved").count() == 2
    assert row(world, cast.street).status == ImprovementStatus.APPROVED
    refused = client.post(URL + "apply/", {"cycle": "2026"}, follow=True)
    assert "2027年度尚未设立" in text(refused)
    builders.cycle(2027)
    page = client.post(URL + "apply/", {"cycle": "2026"}, follow=True)
    assert "已将 2 项改进目标写入 2027 年度目标值" in text(page)
    assert Target.objects.get(cycle__year=2027, unit=cast.street).target_value == D("87.5")
    again = client.post(URL + "adjust/", {"cycle": "2026", "id": mine.pk, "value": "90"}, follow=True)
    assert "已批准，不能再调整" in text(again)


def test_an_id_of_another_cycle_or_none_is_not_acted_on(cast, login, world):
    client = login(cast.office)
    propose(client)
    mine = row(world, cast.street)
    assert client.post(URL + "adjust/", {"cycle": "2025", "id": mine.pk, "value": "90"}).status_code == 404
    assert client.post(URL + "adjust/", {"cycle": "2026", "id": "x", "value": "90"}).status_code == 404
    client.post(URL + "approve/", {"cycle": "2025", "ids": [mine.pk]})
    assert row(world, cast.street).status == ImprovementStatus.PROPOSED
    page = client.post(URL + "approve/", {"cycle": "2026"}, follow=True)
    assert "请先勾选要批准的改进目标" in text(page)
    # back to the list as it was: 全部组别 stays all groups, a group stays that group
    assert client.post(URL + "approve/", {"cycle": "2026", "group": ""})["Location"] == URL + "?cycle=2026&group="
    assert client.post(URL + "approve/", {"cycle": "2026", "group": "7", "next": "//evil"})["Location"] == (
        URL + "?cycle=2026&group=7")


def test_a_leader_reads_without_the_office_controls(cast, login, world):
    login(cast.office)
    propose(login(cast.office))
    client = login(cast.leader)
    response = client.get(URL, {"cycle": "2026"})
    assert response.status_code == 200 and "组内上四分位 92" in text(response)
    assert 'data-testid="approve-one"' not in response.content.decode()
    assert client.post(URL + "approve/", {"cycle": "2026", "ids": [row(world, cast.street).pk]}).status_code == 403


def test_a_unit_reads_only_its_own_proposals_and_benchmark(cast, login, world):
    propose(login(cast.office))
    client = login(cast.street_reporter)
    response = client.get("/analysis/my/improvement/")
    assert response.status_code == 200
    body = text(response)
    assert "华明街道 · 改进目标与标杆" in body and "组内上四分位 92，本单位 80" in body and "第12街道" in body
    assert len(re.findall(r'data-testid="improvement-row"', response.content.decode())) == 1
    assert "本单位 92" not in body  # 金桥's row is not shown
    assert client.get(URL).status_code == 403


def test_the_list_opens_on_the_first_group(cast, login, world):
    propose(login(cast.office))
    other = builders.group(world["cycle"], "G9", [cast.street], "另一组")
    ImprovementTarget.objects.filter(unit=cast.street).update(group=other)
    response = login(cast.office).get(URL)
    assert response.context["f"]["group"] == world["group"].pk
    assert len(response.context["rows"]) == 4
    assert f'<option value="{world["group"].pk}" selected>' in response.content.decode()
    assert len(login(cast.office).get(URL, {"group": ""}).context["rows"]) == 5


def test_rows_from_last_years_figures_open_on_last_years_group(cast, login, world):
    from jixiao.org.models import Cycle
    last = Cycle.objects.get(year=2025)
    group = builders.group(last, "G1", world["units"][:2], "上年街道组")
    ind = builders.valid_scheme(cast, last, groups=[group], n_indicators=1).items.get().indicator
    for unit, value in zip(world["units"][:2], [10, 30], strict=True):
        Target.objects.create(cycle=last, unit=unit, indicator=ind, target_value=D(1), actual=D(value))
    client = login(cast.office)
    propose(client, data="complete", method="benchmark")
    response = client.get(URL)
    assert response.context["f"]["group"] == group.pk and len(response.context["rows"]) == 2
    assert "2027年度（据2025年度数据）" in text(response) and "标杆 金桥街道 30，本单位 10" in text(response)


def test_the_export_holds_the_rows(cast, login, world):
    client = login(cast.office)
    propose(client)
    client.post(URL + "approve/", {"cycle": "2026", "ids": [row(world, cast.street).pk]})
    response = login(cast.leader).get(URL + "export/", {"cycle": "2026", "group": world["group"].pk})
    assert response.status_code == 200
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0).to_python()
    header = sheet[0]
    first = dict(zip(header, sheet[1], strict=True))
    assert first["单位"] == "华明街道" and first["建议目标"] == 86 and first["标杆单位"] == "第12街道"
    assert first["状态"] == "已批准，待转入下一年度" and first["批准人"] == str(cast.office)
    assert first["数据年度"] == 2026 and first["批准时间"].startswith("20")
    assert len(sheet) == 6


def test_the_list_takes_a_fixed_number_of_queries(cast, login, world, django_assert_max_num_queries):
    client = login(cast.office)
    propose(client)
    with django_assert_max_num_queries(40):
        assert client.get(URL, {"cycle": "2026", "group": ""}).status_code == 200


@pytest.mark.parametrize("query", [{"cycle": "abc"}, {"group": "x", "indicator": "-1", "status": "nope"}])
def test_a_bad_query_string_never_fails(cast, login, world, query):
    propose(login(cast.office))
    assert login(cast.office).get(URL, query).status_code == 200
