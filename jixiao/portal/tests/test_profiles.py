"""Department profiles for the public: listed by group, each with its duties, published results and satisfaction,
the key tasks it leads and its disclosed rectification — never an unpublished figure, never a person."""

import datetime

import lxml.html
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jixiao.keywork.tests import builders as keywork_builders
from jixiao.portal.models import UnitProfile
from jixiao.results.tests import builders


def _detail(client, unit, status=200):
    response = client.get(reverse("portal:unit_detail", args=[unit.code]))
    assert response.status_code == status
    return response.content.decode()


def _rows(html, testid) -> list[list[str]]:
    page = lxml.html.fromstring(html)
    return [[c.text_content().strip() for c in row.xpath("th|td")]
            for row in page.xpath(f'//table[@data-testid="{testid}"]/tbody/tr')]


def test_the_list_shows_assessed_units_by_group_and_links_each_to_its_profile(cast, client):
    builders.scored(cast, publish=True)  # the cycle's groups G1 涉农街道 and G2 委办局
    cast.other_street.valid_to = datetime.date(2026, 3, 1)
    cast.other_street.save()
    page = lxml.html.fromstring(client.get(reverse("portal:units")).content)
    headings = [h.text_content() for h in page.xpath("//main//h2")]
    assert headings[0].startswith("涉农街道") and headings[1].startswith("委办局")
    links = {a.text_content(): a.get("href") for a in page.xpath('//table[@data-testid="unit-list"]//a')}
    assert links["华明街道"] == reverse("portal:unit_detail", args=["S01"])
    assert "区统计局" in links and "区发展和改革委员会" in links
    assert "示范区" not in links  # the district is not assessed
    assert "金桥街道" not in links  # retired
    assert "胡张庄村" not in links  # a village in no group of the year


def test_an_unknown_retired_or_unassessed_unit_answers_a_chinese_404(cast, client):
    cast.other_street.valid_to = datetime.date(2026, 3, 1)
    cast.other_street.save()
    for code in ("NOPE", cast.other_street.code, cast.district.code):
        response = client.get(reverse("portal:unit_detail", args=[code]))
        assert response.status_code == 404
        assert "没有找到该单位的绩效公开信息" in response.content.decode()


def test_a_profile_shows_duties_and_published_results_with_their_trend(cast, client):
    run = builders.scored(cast, publish=True)
    UnitProfile.objects.create(unit=cast.street, duties="负责辖区经济发展。\n<script>alert(1)</script>",
                               updated_by=cast.office)
    html = _detail(client, cast.street)
    assert "负责辖区经济发展。" in html and "<script>alert(1)</script>" not in html
    result = run.results.get(unit=cast.street)
    [row] = _rows(html, "history")
    assert row[:5] == [str(cast.cycle.year), result.group.name, f"{result.total:.2f}",
                       f"{result.rank}/{result.group_size}", result.get_grade_display()]
    assert 'data-option-id="trend-chart"' in html and 'id="trend-chart"' in html


def test_an_unpublished_run_never_reaches_a_profile_or_the_list(cast, client):
    preliminary, final = builders.unreleased_final(cast)
    secrets = {f"{t:.2f}" for t in final.results.values_list("total", flat=True)}
    secrets |= {f"{t:.2f}" for t in preliminary.results.values_list("total", flat=True)}
    html = _detail(client, cast.street) + client.get(reverse("portal:units")).content.decode()
    assert "尚无公开发布的考核结果" in html
    assert not [s for s in secrets if s in html]
    assert builders.UNRELEASED_CALIBRATION not in html


def test_key_tasks_show_their_progress_and_no_leader(cast, client):
    from jixiao.org.models import Cadre

    Cadre.objects.create(unit=cast.district, name="王建国", post="member", title="副区长",
                         tenure_from=datetime.date(2021, 1, 1))
    task = keywork_builders.task(cast, code="ZD-07", lead=cast.street)
    assert task.leader_cadre.name == "王建国"
    html = _detail(client, cast.street)
    [row] = _rows(html, "tasks")
    assert row[:3] == ["ZD-07", task.name, "重点工作"]
    assert row[4] in {"已完成", "按进度推进", "滞后", "停滞"}
    assert row[5] in {"欠进度", "达进度", "超进度", "已完成", "无法判断"}
    assert "王建国" not in html and "副区长" not in html
    assert "本年度没有该单位牵头的重点工作" in _detail(client, cast.fgw)


def test_only_disclosed_rectification_is_shown_split_open_and_closed(cast, client):
    past = datetime.date.today() - datetime.timedelta(days=3)
    builders.rectification(cast, disclose=True, problem="窗口服务等候时间长", deadline=past)
    builders.rectification(cast, disclose=True, problem="台账归档不及时", status="closed")
    builders.rectification(cast, disclose=False, problem="内部考勤问题未公开")
    html = _detail(client, cast.street)
    [open_row] = _rows(html, "open-items")
    [closed_row] = _rows(html, "closed-items")
    assert "窗口服务等候时间长" in open_row[1] and "已逾期" in open_row[4]
    assert "台账归档不及时" in closed_row[1] and closed_row[4] == "已销号"
    assert "内部考勤问题未公开" not in html


def _count(client, unit) -> int:
    with CaptureQueriesContext(connection) as queries:
        _detail(client, unit)
    return len(queries)


def test_the_query_count_does_not_grow_with_tasks_or_items(cast, client):
    builders.scored(cast, publish=True)
    keywork_builders.task(cast, code="ZD-01", lead=cast.street)
    builders.rectification(cast, disclose=True)
    once = _count(client, cast.street)
    for i in range(6):
        keywork_builders.task(cast, code=f"ZD-1{i}", lead=cast.street)
        builders.rectification(cast, disclose=True, problem=f"问题{i}", status="closed" if i % 2 else "open")
    assert _count(client, cast.street) == once
    assert once <= 12


def test_the_questionnaire_links_each_department_to_its_profile(client, campaign, issue):
    from jixiao.evaluation.models import RaterKind

    code = issue(campaign, RaterKind.PUBLIC)[0]
    response = client.post(reverse("portal:evaluate"), {"code": code})
    assert response.status_code == 200
    page = lxml.html.fromstring(response.content)
    links = page.xpath('//a[@data-testid="unit-profile-link"]')
    units = {u.code for u in response.context["scope"].units}
    assert units and {a.get("href") for a in links} == {reverse("portal:unit_detail", args=[c]) for c in units}
    assert all(a.get("target") == "_blank" and "noopener" in a.get("rel") for a in links)
    for c in units:  # every link leads to a page
        assert client.get(reverse("portal:unit_detail", args=[c])).status_code == 200


def test_a_task_shows_its_pace_against_its_milestones(cast, client):
    """On 10 November 2026 three of four quarterly milestones are due: one task met all three (达进度), the other
    none (欠进度, and 停滞 by the board's rule: two or more missed and no movement)."""
    import time_machine
    from django.utils import timezone

    from jixiao.keywork.models import Progress

    with time_machine.travel(datetime.datetime(2026, 11, 10, 10, 0, tzinfo=datetime.UTC), tick=False):
        kept = keywork_builders.task(cast, code="ZD-01", lead=cast.street)
        keywork_builders.task(cast, code="ZD-02", lead=cast.street)
        Progress.objects.create(task=kept, unit=cast.street, period_code="Q3", text="按计划推进", percent=75,
                                milestone_met=True, reported_by=cast.street_reporter, reported_at=timezone.now())
        rows = {r[0]: r for r in _rows(_detail(client, cast.street), "tasks")}
        assert (rows["ZD-01"][4], rows["ZD-01"][5], rows["ZD-01"][6]) == ("按进度推进", "达进度", "75%")
        assert (rows["ZD-02"][4], rows["ZD-02"][5]) == ("停滞", "欠进度")
        home = lxml.html.fromstring(client.get(reverse("portal:index")).content)
        assert home.xpath('string(//*[@data-testid="work-paces"])') == \
            "对照序时进度（已到期节点目标的完成情况）：欠进度 1 项，达进度 1 项。"
