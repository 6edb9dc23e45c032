"""The department's feedback page: counts of 不满意 ratings and comments, in a fixed number of queries."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jixiao.evaluation import actions, feedback
from jixiao.evaluation.actions import CodeAnswer
from jixiao.evaluation.models import Campaign, CampaignStatus, RaterKind
from jixiao.evaluation.tests.conftest import group, values_for

URL = reverse("evaluation:feedback")


def answer(campaign, issue, unit, kind, value, comment):
    code = issue(campaign, kind, 1, unit=unit if kind == RaterKind.SERVICE else None)[0]
    actions.submit_with_code(campaign, CodeAnswer(code=code, values=values_for(campaign, [unit], value),
                                                  seconds=300, comments={unit.pk: comment}))


def queries(client):
    with CaptureQueriesContext(connection) as context:
        page = client.get(URL).content.decode()
    return len(context.captured_queries), page


def set_status(campaign, status):
    Campaign.objects.filter(pk=campaign.pk).update(status=status)


def test_query_count_does_not_grow_with_ratings_or_comments(campaign, issue, cast, login):
    answer(campaign, issue, cast.tjj, RaterKind.PUBLIC, 40, "第一条意见")
    actions.close_campaign(campaign, by=cast.office)
    client = login(cast.reviewer)  # 区统计局
    few, page = queries(client)
    assert "第一条意见" in page and page.count("<tr><td>2026</td>") == 4  # four dimensions, one row each
    set_status(campaign, CampaignStatus.OPEN)
    for n in range(12):
        kind = [RaterKind.PUBLIC, RaterKind.SERVICE, RaterKind.MEDIA][n % 3]
        answer(campaign, issue, cast.tjj, kind, [20, 40][n % 2], f"意见{n:02d}")
    set_status(campaign, CampaignStatus.CLOSED)
    many, page = queries(client)
    assert many == few
    assert "意见11" in page and "（13 条）" in page
    assert page.count("<tr><td>2026</td>") > 4  # more rows, same queries


def test_ratings_are_counted_per_year_dimension_group_and_value(campaign, issue, cast, login):
    for _ in range(3):
        answer(campaign, issue, cast.tjj, RaterKind.PUBLIC, 40, "")
    actions.close_campaign(campaign, by=cast.office)
    page = login(cast.reviewer).get(URL).content.decode()
    name = group(campaign, RaterKind.PUBLIC).name
    assert f"<td>不满意</td><td>{name}</td><td class=\"text-end\">3</td><td>待跟进</td>" in page


def test_comments_come_a_page_at_a_time(campaign, issue, cast, login, monkeypatch):
    for n in range(3):
        answer(campaign, issue, cast.tjj, RaterKind.PUBLIC, 80, f"意见{n}")
    actions.close_campaign(campaign, by=cast.office)
    monkeypatch.setattr(feedback, "COMMENTS_PER_PAGE", 2)
    client = login(cast.reviewer)
    first, second = client.get(URL).content.decode(), client.get(URL, {"page": 2}).content.decode()
    assert "第1/2页" in first and "第2/2页" in second
    assert sum(f"意见{n}" in first for n in range(3)) == 2 and sum(f"意见{n}" in second for n in range(3)) == 1
