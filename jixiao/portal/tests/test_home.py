"""The portal home: published results by group, key-work progress, disclosed rectification, the open campaign —
only what is public, in a query count that does not grow with the data."""

import datetime

import lxml.html
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jixiao.keywork.tests import builders as keywork_builders
from jixiao.results.tests import builders


def _page(client):
    response = client.get(reverse("portal:index"))
    assert response.status_code == 200
    return response, lxml.html.fromstring(response.content)


def _table(page, testid) -> list[list[str]]:
    return [[c.text_content().strip() for c in row.xpath("th|td")]
            for row in page.xpath(f'//table[@data-testid="{testid}"]/tbody/tr')]


def test_an_empty_district_says_so_in_chinese_and_loads_no_chart(db, client):
    response, page = _page(client)
    text = response.content.decode()
    assert "考核结果尚未公开发布" in text and "目前没有正在进行的评议活动" in text
    assert "暂无公开的整改事项" in text and "echarts" not in text
    assert page.xpath('//html/@lang') == ["zh-CN"]
    assert page.xpath('//meta[@name="description"]/@content')[0]
    assert page.xpath('//a[@href="#main"]')  # the skip link


def test_published_results_are_summarised_by_group_with_a_table_for_the_chart(cast, client):
    run = builders.scored(cast, publish=True)
    response, page = _page(client)
    rows = _table(page, "grade-table")
    results = list(run.results.select_related("group"))
    assert sorted(r[0] for r in rows) == sorted({r.group.name for r in results})
    assert sum(int(r[1]) for r in rows) == len(results)
    assert sum(int(n) for r in rows for n in r[2:6]) == len(results)
    assert page.xpath('//div[@data-testid="grade-chart"]/@data-option-id') == ["grade-chart"]
    assert page.xpath('//script[@id="grade-chart"]')  # the chart's data, read by charts.js
    assert f"{cast.cycle.year}年度考核结果" in response.content.decode()


def test_an_unpublished_run_never_reaches_the_home_page(cast, client):
    preliminary, final = builders.unreleased_final(cast)
    figures = {f"{t:.2f}" for t in final.results.values_list("total", flat=True)}
    figures |= {f"{t:.2f}" for t in preliminary.results.values_list("total", flat=True)}
    text = client.get(reverse("portal:index")).content.decode()
    assert "考核结果尚未公开发布" in text
    assert not [f for f in figures if f in text]


def test_key_tasks_of_the_running_year_are_counted_by_status(cast, client):
    keywork_builders.task(cast, code="ZD-01")
    keywork_builders.task(cast, code="ZD-02", lead=cast.fgw)
    _, page = _page(client)
    rows = dict((label, int(n)) for label, n in _table(page, "work-table"))
    assert set(rows) == {"已完成", "按进度推进", "滞后", "停滞"}
    assert sum(rows.values()) == 2
    assert "leader" not in lxml.html.tostring(page, encoding="unicode")  # no leader's name reaches the public


def test_only_disclosed_rectification_items_are_counted(cast, client):
    day = datetime.date.today()
    builders.rectification(cast, disclose=True, deadline=day + datetime.timedelta(days=30))
    builders.rectification(cast, disclose=True, deadline=day - datetime.timedelta(days=1))
    builders.rectification(cast, disclose=True, deadline=day - datetime.timedelta(days=1), status="closed")
    builders.rectification(cast, disclose=False, deadline=day - datetime.timedelta(days=1))
    _, page = _page(client)
    figures = {key: page.xpath(f'string(//*[@data-testid="rect-{key}"])') for key in ("closed", "open", "overdue")}
    assert figures == {"closed": "1", "open": "1", "overdue": "1"}


def test_an_open_campaign_offers_the_code_entry(campaign, client):
    _, page = _page(client)
    section = page.xpath('//section[@data-testid="home-evaluate"]')[0]
    assert campaign.name in section.text_content()
    [form] = section.xpath(".//form")
    assert form.get("action") == reverse("portal:evaluate") and form.get("method") == "post"
    assert section.xpath('.//label[@for="home-code"]') and section.xpath('.//input[@name="code"]')


def _grow(cast, n):
    from jixiao.org.models import Unit, UnitKind

    for i in range(n):
        unit = Unit.objects.create(code=f"X{i:02d}", name=f"测试局{i}", kind=UnitKind.BUREAU, parent=cast.district)
        keywork_builders.task(cast, code=f"ZD-X{i:02d}", lead=unit)
        builders.rectification(cast, unit=unit, disclose=True, deadline=datetime.date(2026, 1, 1))


def _count(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("portal:index")).status_code == 200
    return len(queries)


def test_the_query_count_does_not_grow_with_the_data(cast, client):
    builders.scored(cast, publish=True)
    keywork_builders.task(cast, code="ZD-01")
    builders.rectification(cast, disclose=True)
    once = _count(client)
    _grow(cast, 8)
    assert _count(client) == once
    assert once <= 16


def test_the_newest_notices_and_policy_documents_are_on_the_home_page_and_nothing_unpublished(cast, client):
    from jixiao.portal.models import Kind
    from jixiao.portal.tests import publishing_builders as items

    approver = items.checker(cast)
    items.published(cast, approver, Kind.NOTICE, title="关于开展年度评议的通知")
    items.published(cast, approver, Kind.POLICY, title="示范区绩效管理办法")
    items.drafted(cast, Kind.NOTICE, title="尚未审核的通知")
    items.published(cast, approver, Kind.NOTICE, title="明天才发布的通知",
                    publish_at=datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(days=1))
    _, page = _page(client)
    notices = [a.text_content() for a in page.xpath('//ul[@data-testid="home-latest-notice"]//a')]
    policies = [a.text_content() for a in page.xpath('//ul[@data-testid="home-latest-policy"]//a')]
    assert notices == ["关于开展年度评议的通知"] and policies == ["示范区绩效管理办法"]
    assert "示政办发〔2026〕1号" in page.xpath('//ul[@data-testid="home-latest-policy"]')[0].text_content()
    assert "暂无工作动态" in page.xpath('//div[@data-testid="home-latest"]')[0].text_content()
