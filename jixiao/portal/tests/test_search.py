"""Searching the portal: only what is public matches (never a draft, a pending, a scheduled or a withdrawn item),
hits grouped by kind and marked safely, hostile or oversized queries answered in Chinese, and the query count
flat whatever the number of hits."""

import datetime
from zoneinfo import ZoneInfo

import lxml.html
import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jixiao.portal import publishing_actions as actions
from jixiao.portal import search
from jixiao.portal.models import Kind, UnitProfile
from jixiao.portal.tests.publishing_builders import checker, drafted, published
from jixiao.results.tests import builders

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2026, 11, 10, 10, 0, tzinfo=TZ)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def office2(cast):
    return checker(cast)


def find(client, q, **extra):
    response = client.get(reverse("portal:search"), {"q": q, **extra})
    assert response.status_code == 200
    return response.content.decode()


def test_highlight_escapes_first_then_marks():
    assert search.highlight("<b>绩效</b>考核", "绩效") == "&lt;b&gt;<mark>绩效</mark>&lt;/b&gt;考核"
    assert search.highlight("a&b A&B", "a&b") == "<mark>a&amp;b</mark> <mark>A&amp;B</mark>"
    assert search.highlight("50%完成", "%") == "50<mark>%</mark>完成"
    assert search.highlight("x<y", "<script>") == "x&lt;y"


def test_clean_query_cuts_long_queries_and_drops_control_characters():
    assert search.clean_query("  绩效\x00考核\n\t办法 ") == ("绩效 考核 办法", "")
    text, notice = search.clean_query("长" * 4000)
    assert text == "长" * 50 and notice == "检索词过长，已截取前 50 个字。"
    assert search.snippet("<p>" + "甲" * 100 + "目标词" + "乙" * 100 + "</p>", "目标词").startswith("…")


def test_only_public_items_match(cast, office2, clock, client):
    published(cast, office2, title="关于青鸾计划的通知", body="<p>青鸾计划正文</p>")
    drafted(cast, title="青鸾草稿")
    pending = drafted(cast, title="青鸾待审")
    actions.submit(pending, by=cast.office)
    published(cast, office2, title="青鸾定时", publish_at=NOW + datetime.timedelta(days=1))
    withdrawn = published(cast, office2, title="青鸾撤回", body="<p>撤回的正文</p>")
    actions.withdraw(withdrawn, by=office2, reason="有误")
    edited = published(cast, office2, title="年度工作要点", body="<p>旧正文</p>")
    actions.edit(edited, {"title": "年度工作要点", "summary": "", "body": "<p>青鸾未审核的修改</p>"}, by=cast.office)
    html = find(client, "青鸾")
    assert "关于<mark>青鸾</mark>计划的通知" in html
    assert not any(t in html for t in ("草稿", "待审", "定时", "撤回", "未审核"))
    assert "共找到 1 条" in html


def test_policy_documents_match_by_number_and_body(cast, office2, clock, client):
    published(cast, office2, Kind.POLICY, title="示范区绩效考核办法", body="<p>第一条 为了规范考核……</p>",
              document_number="示政办发〔2026〕7号")
    assert "示政办发〔2026〕<mark>7</mark>号" in find(client, "7")
    assert "为了<mark>规范考核</mark>" in find(client, "规范考核")


def test_units_match_by_name_and_duties_and_results_only_when_published(cast, client):
    UnitProfile.objects.create(unit=cast.street, duties="负责辖区内湿地保护工作。", updated_by=cast.office)
    html = find(client, "湿地保护")
    assert 'data-testid="search-group-units"' in html and cast.street.name in html
    preliminary, final = builders.unreleased_final(cast)
    html = find(client, cast.street.name)
    assert 'data-testid="search-group-results"' not in html
    builders.scored(cast, publish=True)
    html = find(client, cast.street.name)
    assert 'data-testid="search-group-results"' in html


@pytest.mark.parametrize("q", ["%", "_", "\\", "'", "<script>alert(1)</script>", "%%__\\\\", "\x00"])
def test_hostile_queries_answer_a_page_without_an_error(cast, office2, clock, client, q):
    published(cast, office2, title="100%完成_的任务")
    html = find(client, q)
    assert "<script>alert(1)</script>" not in html
    if q in ("%", "_"):
        assert f"<mark>{q}</mark>" in html and "共找到 1 条" in html
    if q == "\\":
        assert "没有找到" in html


def test_an_empty_query_and_a_long_one_are_answered_in_chinese(cast, client):
    assert "请输入检索词" in find(client, "")
    assert "请输入检索词" in find(client, "   ")
    html = find(client, "长" * 4000)
    assert "检索词过长，已截取前 50 个字" in html
    assert ("长" * 51) not in html
    assert find(client, "x", kind="nonsense")


def test_a_group_has_its_own_paginated_page(cast, office2, clock, client):
    for n in range(23):
        published(cast, office2, Kind.NEWS, title=f"秋收动态{n:02d}")
    html = find(client, "秋收")
    assert "信息（23 条）" in html and html.count("<mark>秋收</mark>") == search.PER_GROUP
    more = lxml.html.fromstring(html).xpath('//a[@data-testid="search-more-articles"]/@href')[0]
    first = client.get(reverse("portal:search") + more).content.decode()
    assert first.count("<mark>秋收</mark>") == 20 and "第 1 / 2 页" in first
    second = client.get(reverse("portal:search") + more + "&page=2").content.decode()
    assert second.count("<mark>秋收</mark>") == 3


def _count(client, q) -> int:
    with CaptureQueriesContext(connection) as captured:
        find(client, q)
    return len(captured)


def test_the_query_count_does_not_grow_with_hits(cast, office2, clock, client):
    builders.scored(cast, publish=True)
    published(cast, office2, title="街道工作通知")
    few = _count(client, "街道")
    for n in range(8):
        published(cast, office2, Kind.NEWS, title=f"街道动态{n}")
        published(cast, office2, Kind.POLICY, title=f"街道政策{n}")
    UnitProfile.objects.create(unit=cast.street, duties="街道职责", updated_by=cast.office)
    assert _count(client, "街道") == few


def test_the_header_search_box_is_on_every_public_page(db, client):
    page = lxml.html.fromstring(client.get(reverse("portal:index")).content)
    [form] = page.xpath('//form[@data-testid="header-search"]')
    assert form.get("action") == reverse("portal:search") and form.xpath('.//input[@name="q"]')


def test_a_retired_units_result_links_to_the_years_results_not_to_a_missing_profile(cast, client):
    run = builders.scored(cast, publish=True)
    cast.street.valid_to = datetime.date(2026, 12, 1)
    cast.street.save()
    page = lxml.html.fromstring(find(client, cast.street.name))
    hrefs = page.xpath('//section[@data-testid="search-group-results"]//a/@href')
    assert hrefs and all(h == reverse("portal:results") + f"?cycle={run.cycle.year}" for h in hrefs)
    for href in hrefs:
        assert client.get(href).status_code == 200
