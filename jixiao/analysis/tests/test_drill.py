"""领导下钻: district → group → unit → indicator, their exports, who may open which unit, missing data, and query
counts that do not grow with the units."""

import io
import re
from decimal import Decimal as D

import openpyxl
import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jixiao.accounts.roles import Role
from jixiao.analysis.tests.test_compare import streets
from jixiao.indicators import actions as indicator_actions
from jixiao.reporting import actions
from jixiao.reporting.models import Submission, Value
from jixiao.reporting.tests.builders import IN_Q1_WINDOW, fill
from jixiao.reporting.tests.builders import world as reporting_world
from jixiao.scoring import actions as scoring_actions
from tests.cast import grant, make_user

PDF = b"%PDF-1.4 stamped report"


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def frozen():
    with time_machine.travel(IN_Q1_WINDOW, tick=False):
        yield


def _report(cast, unit, reporter, reviewer, w, numbers, *, verify=True, evidence=""):
    """Q1 of `unit`: filled, with a file on the first value, sent, approved and (if `verify`) verified."""
    values = fill(cast, unit, w["q1"], w["items"], reporter, numbers)
    if evidence:
        actions.attach_evidence(values[0], SimpleUploadedFile(evidence, PDF), by=reporter)
    sub = actions.submit(Submission.objects.get(unit=unit, period=w["q1"]), by=reporter)
    sub = actions.approve(sub, by=reviewer)
    if verify:
        actions.verify(sub, by=cast.assessor, assessor=cast.tjj)
    return values


@pytest.fixture
def w(cast, frozen):
    """华明 reports 1200 and 300 (with a file), 金桥 800 and 600; both verified; a preliminary run computed."""
    w = reporting_world(cast)
    other_reporter, other_reviewer = make_user("other_reporter", "金桥填报员"), make_user("other_reviewer")
    grant(other_reporter, cast.other_street, Role.REPORTER)
    grant(other_reviewer, cast.other_street, Role.REVIEWER)
    cast.street_reporter.full_name = "华明填报员"
    cast.street_reporter.save(update_fields=["full_name"])
    _report(cast, cast.street, cast.street_reporter, cast.street_reviewer, w, [1200, 300], evidence="一季度台账.pdf")
    _report(cast, cast.other_street, other_reporter, other_reviewer, w, [800, 600])
    w["run"] = scoring_actions.compute(w["scheme"], "preliminary", by=cast.office)
    w["group"] = w["items"][0].group
    w["ind"] = w["items"][0].indicator
    return w


def text(response):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def sheet_of(response):
    assert response.status_code == 200 and "filename*=UTF-8''" in response["Content-Disposition"]
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    return rows[0], rows[1:]


def url(name, *args):
    return reverse(f"analysis:{name}", args=args)


# --- District ------------------------------------------------------------------------------------------------


def test_district_shows_each_group_spread_and_grades_and_links_to_the_group(cast, login, w):
    response = login(cast.leader).get(url("drill"), {"cycle": "2026"})
    assert response.status_code == 200
    [group] = response.context["groups"]
    totals = sorted(w["run"].results.values_list("total", flat=True))
    assert group.size == group.members == 2
    assert (group.lowest, group.highest) == (totals[0], totals[1])
    assert group.median == (totals[0] + totals[1]) / 2 == group.mean  # two units: median = mean
    assert sum(c["count"] for c in group.grades) == 2
    assert url("drill_group", w["group"].pk) in response.content.decode()
    assert "初步结果" in text(response)


def test_district_export_holds_the_page_figures(cast, login, w):
    header, rows = sheet_of(login(cast.office).get(url("drill_export"), {"cycle": "2026"}))
    assert header[:8] == ("考核方案", "组别", "组内单位数", "有考核结果单位数", "最高分", "中位数", "平均分", "最低分")
    totals = sorted(float(t) for t in w["run"].results.values_list("total", flat=True))
    [row] = rows
    assert row[1] == "涉农街道" and row[2:4] == (2, 2) and row[4] == totals[1] and row[7] == totals[0]
    assert sum(row[8:12]) == 2


def test_district_without_a_run_says_so_and_a_bad_year_on_the_export_is_404(cast, login):
    from jixiao.indicators.tests import builders

    builders.valid_scheme(cast, n_indicators=1)
    client = login(cast.office)
    page = text(client.get(url("drill")))
    assert "暂无数据：本方案尚无可查看的考核结果" in page and "nan" not in page.lower()
    assert client.get(url("drill_export"), {"cycle": "abc"}).status_code == 404
    header, rows = sheet_of(client.get(url("drill_export"), {"cycle": "2026"}))
    assert rows[0][3] == 0 and rows[0][4] is None and rows[0][-1] == "暂无数据"


def test_district_without_groups_says_so(cast, login):
    assert "暂无数据" in text(login(cast.leader).get(url("drill")))


# --- Group ---------------------------------------------------------------------------------------------------


def test_group_ranks_its_units_with_block_scores_and_lists_a_unit_without_a_result(cast, login, w):
    late = streets(1)[0]
    w["group"].units.add(late)
    response = login(cast.leader).get(url("drill_group", w["group"].pk))
    table = response.context["table"]
    assert [r.unit for r in table.rows] == [cast.street, cast.other_street]  # 1200/1000 beats 800/1000
    assert [b.code for b in table.blocks] == ["A", "E"]
    first = table.rows[0]
    assert first.block_scores[0] == D(first.blocks[0]["score"])
    assert table.missing == [late]
    page = text(response)
    assert "暂无数据：没有考核结果" in page
    assert url("drill_unit", cast.street.pk) in response.content.decode()
    header, rows = sheet_of(login(cast.office).get(url("drill_group_export", w["group"].pk)))
    assert header[:3] == ("名次", "单位编码", "单位") and header[3].startswith("指标考核")
    assert rows[0][:3] == (1, "S01", "华明街道") and rows[0][-4] == float(first.total)
    assert rows[-1][1:3] == (late.code, late.name) and rows[-1][-1] == "暂无考核结果"


def test_an_unknown_group_is_404(cast, login):
    assert login(cast.office).get(url("drill_group", 999999)).status_code == 404


# --- Unit ----------------------------------------------------------------------------------------------------


def test_unit_lists_target_value_pace_points_and_rank(cast, login, w):
    response = login(cast.leader).get(url("drill_unit", cast.street.pk), {"cycle": "2026"})
    first, second = response.context["lines"]
    assert first.indicator == w["ind"] and first.target == "1000"
    assert first.value.number == D(1200) and first.pace is not None
    assert first.rank == 1 and first.ranked == 2 and first.points is not None
    assert second.value.number == D(300) and second.rank == 2  # 金桥's 600 scores more
    page = text(response)
    assert "1 / 2" in page and "2 / 2" in page
    assert url("drill_indicator", cast.street.pk, w["ind"].pk) in response.content.decode()
    # Breadcrumbs: district → group → unit.
    assert "领导下钻 · 全区" in page and "涉农街道" in page


def test_unit_export_holds_the_lines(cast, login, w):
    header, rows = sheet_of(login(cast.office).get(url("drill_unit_export", cast.street.pk), {"cycle": "2026"}))
    assert header[:7] == ("指标编码", "指标", "考核组别", "板块", "年度目标", "计量单位", "最新已核定值")
    assert [r[0] for r in rows] == [item.indicator.code for item in w["items"]]
    assert rows[0][4] == "1000" and rows[0][6] == 1200 and rows[0][header.index("组内得分排名")] == 1
    assert rows[0][header.index("完成率（%）")] == 120.0


def test_a_unit_outside_every_group_shows_no_data(cast, login, w):
    page = text(login(cast.office).get(url("drill_unit", cast.fgw.pk)))
    assert "暂无数据：区发展和改革委员会在2026年度不属于任何考核方案组别" in page


def test_a_unit_person_opens_only_their_own_unit_and_never_an_unreleased_score(cast, login, w):
    client = login(cast.street_reporter)
    assert client.get(url("drill_mine"), {"cycle": "2026"})["Location"] == url("drill_unit", cast.street.pk) + \
        "?cycle=2026"
    response = client.get(url("drill_unit", cast.street.pk))
    assert response.status_code == 200
    first = response.context["lines"][0]
    assert first.points is None and first.rank_text == "暂无考核结果"  # the preliminary run is not released
    assert "领导下钻 · 全区" not in text(response)  # no way up to the district
    assert client.get(url("drill_unit", cast.other_street.pk)).status_code == 404
    assert client.get(url("drill_indicator", cast.other_street.pk, w["ind"].pk)).status_code == 404
    assert client.get(url("drill_unit_export", cast.other_street.pk)).status_code == 404
    assert client.get(url("drill_indicator", cast.street.pk, w["ind"].pk)).status_code == 200


# --- Indicator -----------------------------------------------------------------------------------------------


def test_indicator_shows_who_sent_and_verified_and_links_the_evidence_download(cast, login, w):
    client = login(cast.leader)
    response = client.get(url("drill_indicator", cast.street.pk, w["ind"].pk), {"cycle": "2026"})
    [value] = response.context["values"]
    page = text(response)
    assert "一季度" in page and ("1,200" in page or "1200" in page)
    assert "华明填报员" in page and "street_reviewer" in page and "assessor" in page
    assert "2026-04-02 18:00" in page  # the frozen 10:00 UTC, shown in Beijing time
    [(file, link)] = value.links
    assert link == reverse("reporting:evidence", args=[file.pk])
    download = client.get(link)
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    # Breadcrumbs: home → district → group → unit → indicator.
    assert ["/", url("drill"), url("drill_group", w["group"].pk), url("drill_unit", cast.street.pk)] == [
        u.split("?")[0] for u in re.findall(r'class="breadcrumb-item"><a href="([^"]+)"', response.content.decode())]


def test_a_leader_sees_an_unverified_value_only_when_asking_for_all(cast, login, w):
    value = Value.objects.get(unit=cast.street, indicator=w["ind"])
    Value.objects.filter(pk=value.pk).update(verified_at=None)
    client = login(cast.leader)
    address = url("drill_indicator", cast.street.pk, w["ind"].pk)
    page = text(client.get(address))
    assert "未核定，不显示" in page and "一季度台账.pdf" not in page
    response = client.get(address, {"all": "1"})
    [(file, link)] = response.context["values"][0].links
    assert "一季度台账.pdf" in text(response) and link.endswith("?all=1") and client.get(link).status_code == 200
    header, rows = sheet_of(client.get(url("drill_indicator_export", cast.street.pk, w["ind"].pk)))
    assert rows[0][1] == "未核定，不显示" and rows[0][-1] is None


def test_indicator_export_holds_the_periods(cast, login, w):
    header, rows = sheet_of(login(cast.office).get(url("drill_indicator_export", cast.street.pk, w["ind"].pk),
                                                   {"cycle": "2026"}))
    assert header[:5] == ("期次", "数值", "文字情况", "计量单位", "报件状态")
    [row] = rows
    assert row[1] == 1200 and row[header.index("报送人")] == "华明填报员"
    assert row[header.index("报送时间")].hour == 18  # Beijing time, not UTC
    assert row[-1] == "一季度台账.pdf"


def test_indicator_without_values_says_no_data_and_unknown_ids_are_404(cast, login, w):
    client = login(cast.office)
    page = text(client.get(url("drill_indicator", cast.fgw.pk, w["ind"].pk)))
    assert "暂无数据：区发展和改革委员会在2026年度尚未报送该指标" in page and "暂无数据：尚无可查看的考核结果" in page
    assert client.get(url("drill_indicator", cast.street.pk, 999999)).status_code == 404
    assert client.get(url("drill_unit", 999999)).status_code == 404
    assert client.get(url("drill_indicator_export", cast.street.pk, w["ind"].pk), {"cycle": "1999"}).status_code \
        == 404


def test_an_assessor_of_the_unit_downloads_only_files_of_items_it_verifies(cast, login, w):
    """统计局's assessor reads its own unit's page; 统计局 reports nothing here, so the page is empty, not a crash."""
    client = login(cast.assessor)
    assert "暂无数据" in text(client.get(url("drill_indicator", cast.tjj.pk, w["ind"].pk)))


# --- Query counts --------------------------------------------------------------------------------------------


def _count(client, address, params=None):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(address, params or {}).status_code == 200
    return len(queries)


def test_query_counts_do_not_grow_with_the_units(cast, login, w):
    client = login(cast.office)
    pages = [(url("drill"), None), (url("drill_group", w["group"].pk), None),
             (url("drill_unit", cast.street.pk), None), (url("drill_indicator", cast.street.pk, w["ind"].pk), None)]
    before = [_count(client, a, p) for a, p in pages]
    extra = streets(6)
    w["group"].units.add(*extra)
    for unit in extra:
        for item in w["items"]:
            indicator_actions.set_target(cycle=cast.cycle, unit=unit, indicator=item.indicator, by=cast.office,
                                         target_value=D(1000))
    scoring_actions.compute(w["scheme"], "preliminary", by=cast.office)
    after = [_count(client, a, p) for a, p in pages]
    assert after == before


# --- The home page leads into the drill ----------------------------------------------------------------------


def test_the_home_results_link_down_to_the_group_and_the_unit(cast, login):
    from jixiao.results.tests import builders as results_builders

    run = results_builders.scored(cast, publish=True)
    body = login(cast.leader).get(reverse("ui:home")).content.decode()
    first = run.results.order_by("rank", "unit__code").first()
    assert f'href="{url("drill_group", first.group_id)}"' in body
    assert f'href="{url("drill_unit", first.unit_id)}?cycle={run.cycle.year}"' in body
    assert f'href="{url("drill")}?cycle={run.cycle.year}" data-testid="overview-drill"' in body


# --- Bad input -----------------------------------------------------------------------------------------------


def test_a_group_of_one_has_its_one_total_as_median_mean_highest_and_lowest():
    from jixiao.analysis.drill import GroupSummary

    one = GroupSummary(group=None, scheme_name="", members=1, totals=[D("87.5")])
    assert one.size == 1 and one.median == one.mean == one.highest == one.lowest == D("87.5")
    empty = GroupSummary(group=None, scheme_name="", members=3)
    assert empty.size == 0 and empty.median is None and empty.mean is None and empty.highest is None


def test_units_all_tied_share_the_first_place(cast, login, frozen):
    w = reporting_world(cast)
    other_reporter, other_reviewer = make_user("other_reporter"), make_user("other_reviewer")
    grant(other_reporter, cast.other_street, Role.REPORTER)
    grant(other_reviewer, cast.other_street, Role.REVIEWER)
    _report(cast, cast.street, cast.street_reporter, cast.street_reviewer, w, [500, 500])
    _report(cast, cast.other_street, other_reporter, other_reviewer, w, [500, 500])
    scoring_actions.compute(w["scheme"], "preliminary", by=cast.office)
    client = login(cast.office)
    for unit in (cast.street, cast.other_street):
        lines = client.get(url("drill_unit", unit.pk)).context["lines"]
        assert [(line.rank, line.ranked) for line in lines] == [(1, 2), (1, 2)]
    [group] = client.get(url("drill")).context["groups"]
    assert group.highest == group.lowest == group.median


def test_an_indicator_named_with_a_slash_still_exports(cast, login, w):
    from jixiao.analysis.views.drill import sheet_name

    assert sheet_name("单位能耗/万元[试行]:一*二?") == "单位能耗_万元_试行__一_二_"
    assert len(sheet_name("很" * 40)) == 31
    w["ind"].name = "单位GDP能耗/万元"
    w["ind"].save(update_fields=["name"])
    header, rows = sheet_of(login(cast.office).get(url("drill_indicator_export", cast.street.pk, w["ind"].pk)))
    assert rows[0][1] == 1200
