"""The back office's publishing pages: draft through the form, approve as another office user, refusals shown in
Chinese and audited, history on the item's page, the list's query count flat."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from jixiao.audit.models import Event
from jixiao.portal.models import Article, Kind, RevisionStatus
from jixiao.portal.tests.publishing_builders import POLICY, checker, drafted, published

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2026, 11, 10, 10, 0, tzinfo=TZ)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def office2(cast):
    return checker(cast)


def test_an_office_user_drafts_and_submits_and_another_approves_with_a_time(cast, office2, clock, client, login):
    login(cast.office)
    response = client.post(reverse("publishing:create", args=[Kind.POLICY]), {
        "title": "考核办法", "body": "<p>第一条</p><script>x()</script>", **POLICY, "written_on": "2026-03-01"})
    article = Article.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("publishing:article", args=[article.pk])
    assert article.revisions.get().body == "<p>第一条</p>"
    client.post(reverse("publishing:submit", args=[article.pk]))
    login(office2)
    page = client.get(reverse("publishing:article", args=[article.pk])).content.decode()
    assert "审核通过" in page and "退回修改" in page
    client.post(reverse("publishing:approve", args=[article.pk]), {"publish_at": "2026-11-11T09:00"})
    revision = article.revisions.get()
    assert revision.status == RevisionStatus.APPROVED
    assert revision.publish_at == datetime.datetime(2026, 11, 11, 9, 0, tzinfo=TZ)
    page = client.get(reverse("publishing:article", args=[article.pk])).content.decode()
    assert "定时发布" in page and "2026-11-11 09:00" in page
    for step in ("起草门户信息", "提交门户信息审核", "审核通过门户信息"):
        assert step in page


def test_approving_ones_own_item_is_refused_in_chinese_and_audited(cast, clock, client, login):
    article = drafted(cast)
    login(cast.office)
    client.post(reverse("publishing:submit", args=[article.pk]))
    page = client.get(reverse("publishing:article", args=[article.pk])).content.decode()
    assert "退回修改" not in page and "收回修改" in page  # no review form for the writer; a way to take it back
    response = client.post(reverse("publishing:approve", args=[article.pk]), follow=True)
    assert "不能审核自己撰写的信息" in response.content.decode()
    assert article.revisions.get().status == RevisionStatus.PENDING
    refusal = Event.objects.get(code="article.approve_refused")
    assert refusal.outcome == "failure" and "不能审核自己撰写的信息" in refusal.after["message"]


def test_a_bad_form_answers_422_with_chinese_messages(cast, clock, client, login):
    login(cast.office)
    response = client.post(reverse("publishing:create", args=[Kind.POLICY]), {"title": "", "body": ""})
    assert response.status_code == 422
    assert "这个字段是必填项" in response.content.decode() and not Article.objects.exists()
    assert client.get(reverse("publishing:create", args=["nothing"])).status_code == 404


def test_return_and_withdraw_need_a_reason(cast, office2, clock, client, login):
    article = published(cast, office2)
    login(office2)
    response = client.post(reverse("publishing:withdraw", args=[article.pk]), {"reason": ""}, follow=True)
    assert "请填写撤回原因" in response.content.decode()
    response = client.post(reverse("publishing:withdraw", args=[article.pk]), {"reason": "数据有误"}, follow=True)
    assert "已撤回" in response.content.decode() and "数据有误" in response.content.decode()
    assert client.get(reverse("portal:article", args=[article.pk])).status_code == 404


def test_the_office_list_shows_each_state_in_a_flat_number_of_queries(cast, office2, clock, client, login,
                                                                     django_assert_max_num_queries):
    drafted(cast, title="一份草稿")
    published(cast, office2, title="已发布的")
    published(cast, office2, title="定时的", publish_at=NOW + datetime.timedelta(hours=5))
    login(cast.office)
    client.get(reverse("publishing:list"))  # warm the session and the nav
    with django_assert_max_num_queries(12):
        page = client.get(reverse("publishing:list")).content.decode()
    for text in ("一份草稿", "草稿", "已发布的", "已发布", "定时的", "定时发布"):
        assert text in page
    for _ in range(5):
        published(cast, office2, title="更多")
    with django_assert_max_num_queries(12):
        client.get(reverse("publishing:list"))
    only = client.get(reverse("publishing:list") + "?status=scheduled").content.decode()
    assert "定时的" in only and "一份草稿" not in only


def test_editing_a_published_item_through_the_form_starts_the_next_revision(cast, office2, clock, client, login):
    article = published(cast, office2, title="原标题")
    login(office2)
    form = client.get(reverse("publishing:edit", args=[article.pk])).content.decode()
    assert "保存后将形成第 2 版草稿" in form and 'value="原标题"' in form
    response = client.post(reverse("publishing:edit", args=[article.pk]),
                           {"title": "修订后的标题", "body": "<p>新正文</p>"})
    assert response.status_code == 302
    assert list(article.revisions.values_list("number", "status", "created_by")) == [
        (1, "approved", cast.office.pk), (2, "draft", office2.pk)]
    listing = client.get(reverse("publishing:list")).content.decode()
    assert "修订后的标题" in listing and "门户网站上现为第 1 版" in listing
    login(cast.office)  # the first writer may not touch office2's draft
    response = client.get(reverse("publishing:edit", args=[article.pk]), follow=True)
    assert "只有撰稿人可以修改" in response.content.decode()
