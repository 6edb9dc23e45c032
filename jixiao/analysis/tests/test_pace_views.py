"""The pace pages: the district table and its filters, a unit's own page, the export, the office's thresholds."""

import datetime
import io
from decimal import Decimal as D

import openpyxl
import pytest
import time_machine

from jixiao.analysis.models import PaceRule
from jixiao.analysis.tests.test_pace_queries import indicator, report, task
from jixiao.audit.models import Event
from jixiao.indicators.models import Target

NOV_25 = datetime.datetime(2026, 11, 25, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture
def world(cast):
    gdp, rate = indicator("K01"), indicator("K02", aggregation="average")
    Target.objects.create(cycle=cast.cycle, unit=cast.street, indicator=gdp, target_value=D(1200))
    Target.objects.create(cycle=cast.cycle, unit=cast.other_street, indicator=gdp, target_value=D(400))
    Target.objects.create(cycle=cast.cycle, unit=cast.street, indicator=rate, target_value=D(95))
    report(cast.cycle, cast.street, "Q3", {gdp: 800, rate: 96})  # behind: 800 < 9/12 × 1200 = 900
    report(cast.cycle, cast.other_street, "Q3", {gdp: 400})  # done
    task(cast, cast.street, "ZD01", met=["Q1", "Q2", "Q3"])  # on pace
    with time_machine.travel(NOV_25, tick=False):
        yield {"gdp": gdp}


def statuses(response):
    return [(r.unit.code, r.code, r.pace.status) for r in response.context["rows"]]


def test_the_office_sees_every_item_behind_first_and_not_applicable_only_counted(cast, login, world):
    response = login(cast.office).get("/analysis/pace/")
    assert response.status_code == 200
    assert statuses(response) == [("S01", "K01", "behind"), ("S01", "ZD01", "on_pace"), ("S02", "K01", "done")]
    counts = {c["status"]: c["count"] for c in response.context["counts"]}
    assert counts == {"behind": 1, "on_pace": 1, "ahead": 0, "done": 1, "unknown": 0, "not_applicable": 1}
    page = response.content.decode()
    assert "欠进度" in page and "差 100万元" in page and "2026年11月25日" in page


def test_filters_by_status_unit_and_indicator(cast, login, world):
    client = login(cast.leader)
    assert statuses(client.get("/analysis/pace/", {"status": "behind"})) == [("S01", "K01", "behind")]
    assert statuses(client.get("/analysis/pace/", {"status": "not_applicable"})) == [("S01", "K02", "not_applicable")]
    assert [s[0] for s in statuses(client.get("/analysis/pace/", {"unit": cast.other_street.pk}))] == ["S02"]
    only_gdp = statuses(client.get("/analysis/pace/", {"indicator": world["gdp"].pk}))
    assert only_gdp == [("S01", "K01", "behind"), ("S02", "K01", "done")]


def test_an_earlier_day_judges_the_figures_in_by_then(cast, login, world):
    # On 30 September the third quarter has not ended: nothing is in yet.
    response = login(cast.office).get("/analysis/pace/", {"day": "2026-09-30", "indicator": world["gdp"].pk})
    assert {s for _, _, s in statuses(response)} == {"unknown"}
    assert response.context["day"] == datetime.date(2026, 9, 30)
    assert login(cast.office).get("/analysis/pace/", {"day": "不是日期"}).context["day"] == datetime.date(2026, 11, 25)


def test_the_export_holds_the_rows_the_page_lists(cast, login, world):
    response = login(cast.office).get("/analysis/pace/export/", {"status": "behind"})
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("单位", "类型", "编码", "名称")
    assert [(r[0], r[2], r[10], r[11]) for r in rows[1:]] == [("华明街道", "K01", "欠进度", "100万元")]
    assert login(cast.office).get("/analysis/pace/export/", {"cycle": "abc"}).status_code == 404


def test_a_unit_sees_only_its_own_items(cast, login, world):
    response = login(cast.street_reporter).get("/analysis/my/pace/")
    assert statuses(response) == [("S01", "K01", "behind"), ("S01", "ZD01", "on_pace")]
    other = login(cast.reporter).get("/analysis/my/pace/")  # 区发改委 has no targets
    assert statuses(other) == []
    assert "没有符合条件的事项" in other.content.decode()
    sheet = openpyxl.load_workbook(io.BytesIO(
        login(cast.street_reporter).get("/analysis/my/pace/export/").content)).active
    assert [r[2] for r in sheet.iter_rows(min_row=2, values_only=True)] == ["K01", "ZD01"]


def test_the_office_sets_the_thresholds_audited(cast, login, world):
    client = login(cast.office)
    assert client.get("/analysis/pace/rule/").status_code == 200
    response = client.post("/analysis/pace/rule/", {"cycle": "2026", "on_pace_ratio": "0.85", "ahead_ratio": "1.20"})
    assert response.status_code == 302
    rule = PaceRule.objects.get(cycle=cast.cycle)
    assert (rule.on_pace_ratio, rule.ahead_ratio) == (D("0.85"), D("1.20"))
    event = Event.objects.get(code="cycle.pace_rule_set")
    assert event.after == {"on_pace_ratio": "0.85", "ahead_ratio": "1.20"} and event.before is None
    # 800 ≥ 0.85 × 900 = 765: now on pace.
    assert ("S01", "K01", "on_pace") in statuses(client.get("/analysis/pace/"))
    client.post("/analysis/pace/rule/", {"cycle": "2026", "on_pace_ratio": "0.90", "ahead_ratio": "1.20"})
    assert Event.objects.filter(code="cycle.pace_rule_set").latest("id").before["on_pace_ratio"] == "0.85"


@pytest.mark.parametrize(("data", "message"), [
    ({"on_pace_ratio": "1.00", "ahead_ratio": "1.00"}, "超进度下限须高于达进度下限"),
    ({"on_pace_ratio": "0.3", "ahead_ratio": "1.10"}, "0.5"),
    ({"on_pace_ratio": "一", "ahead_ratio": "1.10"}, "达进度下限须为数字"),
    ({"on_pace_ratio": "", "ahead_ratio": "1.10"}, "请填写达进度下限"),
])
def test_bad_thresholds_are_refused_in_chinese(cast, login, world, data, message):
    response = login(cast.office).post("/analysis/pace/rule/", {"cycle": "2026", **data})
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not PaceRule.objects.exists()


def test_a_units_behind_indicators_reach_its_to_do(cast, login, world):
    body = login(cast.street_reporter).get("/").content.decode()
    assert 'data-testid="todo-pace"' in body
    assert "指标K01" in body and "差 100万元" in body
    other = login(cast.reporter).get("/").content.decode()  # 区发改委: nothing behind, no card
    assert 'data-testid="todo-pace"' not in other


def test_behind_items_reach_the_supervision_list(cast, login, world):
    from django.urls import reverse

    task(cast, cast.other_street, "ZD02", met=["Q1"])  # two due milestones missed: behind
    response = login(cast.office).get(reverse("keywork:supervision_list"))
    entries = [(e.unit.code, [r.code for r in e.indicators], [r.code for r in e.tasks])
               for e in response.context["pace_behind"]]
    assert entries == [("S01", ["K01"], []), ("S02", [], ["ZD02"])]
    body = response.content.decode()
    assert "序时进度待督查：2 个单位有欠进度事项" in body and "记录督查" in body
    supervisor = login(cast.supervisor).get(reverse("keywork:supervision_list")).content.decode()
    assert "序时进度待督查" in supervisor and "查看全区欠进度明细" not in supervisor  # no pace page for the 督查室
