"""The public pages of published items: only what is public shows, by list or by id; the policy library's filters
and metadata; a repealed document names its replacement; attachments download; hostile markup never renders."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from jixiao.portal import publishing_actions as actions
from jixiao.portal.models import Kind, Validity
from jixiao.portal.tests.publishing_builders import checker, drafted, fields, published

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2026, 11, 10, 10, 0, tzinfo=TZ)
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def office2(cast):
    return checker(cast)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def page(client, name, **kwargs):
    return client.get(reverse(name, kwargs=kwargs or None))


def test_drafts_pending_scheduled_and_withdrawn_items_answer_404_by_id(cast, office2, clock, client):
    draft = drafted(cast, title="草稿")
    pending = drafted(cast, title="待审")
    actions.submit(pending, by=cast.office)
    scheduled = published(cast, office2, title="定时", publish_at=NOW + datetime.timedelta(days=1))
    withdrawn = published(cast, office2, title="撤回的")
    actions.withdraw(withdrawn, by=office2, reason="有误")
    live = published(cast, office2, title="已发布的通知")
    for article in (draft, pending, scheduled, withdrawn):
        response = page(client, "portal:article", pk=article.pk)
        assert response.status_code == 404
        assert "该信息不存在或尚未发布" in response.content.decode()
    assert page(client, "portal:article", pk=999999).status_code == 404
    listing = page(client, "portal:notices").content.decode()
    assert "已发布的通知" in listing
    assert not any(t in listing for t in ("草稿", "待审", "定时", "撤回的"))
    assert page(client, "portal:article", pk=live.pk).status_code == 200
    clock.move_to(NOW + datetime.timedelta(days=1))
    assert page(client, "portal:article", pk=scheduled.pk).status_code == 200


def test_an_edited_item_shows_its_last_approved_text_until_the_new_one_is_approved(cast, office2, clock, client):
    article = published(cast, office2, title="原标题", body="<p>原正文</p>")
    actions.edit(article, fields(title="新标题", body="<p>未审核的新正文</p>"), by=cast.office)
    text = page(client, "portal:article", pk=article.pk).content.decode()
    assert "原正文" in text and "未审核的新正文" not in text


def test_lists_are_paginated_by_twenty(cast, office2, clock, client):
    for n in range(21):
        published(cast, office2, Kind.NEWS, title=f"动态{n:02d}")
    first = page(client, "portal:news").content.decode()
    assert "动态20" in first and "动态00" not in first and "第 1 / 2 页" in first
    second = client.get(reverse("portal:news") + "?page=2").content.decode()
    assert "动态00" in second and "动态20" not in second
    assert client.get(reverse("portal:news") + "?page=abc").status_code == 200


def test_the_policy_library_filters_and_shows_the_metadata(cast, office2, clock, client):
    published(cast, office2, Kind.POLICY, title="考核办法", topic="综合政务")
    published(cast, office2, Kind.POLICY, title="资金管理办法", topic="财政、金融、审计", issuing_body="示范区财政局",
              written_on=datetime.date(2025, 5, 1))
    url = reverse("portal:policies")
    assert "资金管理办法" not in client.get(url + "?topic=综合政务").content.decode()
    assert "考核办法" in client.get(url + "?topic=综合政务").content.decode()
    by_body = client.get(url + "?issuing_body=示范区财政局").content.decode()
    assert "资金管理办法" in by_body and "考核办法" not in by_body
    by_year = client.get(url + "?year=2025").content.decode()
    assert "资金管理办法" in by_year and "考核办法" not in by_year
    odd = client.get(url + "?year=abc&topic=%25_")
    assert odd.status_code == 200 and "筛选条件无效" in odd.content.decode()


def test_a_repealed_document_is_marked_and_links_its_replacement_only_while_that_is_public(cast, office2, clock,
                                                                                          client):
    new = published(cast, office2, Kind.POLICY, title="新办法")
    old = published(cast, office2, Kind.POLICY, title="旧办法")
    actions.edit(old, fields(Kind.POLICY, title="旧办法", validity=Validity.REPEALED, replaced_by=new), by=cast.office)
    actions.submit(old, by=cast.office)
    actions.approve(old, by=office2)
    text = page(client, "portal:article", pk=old.pk).content.decode()
    assert "本文件已废止" in text and reverse("portal:article", kwargs={"pk": new.pk}) in text
    for label in ("索引号", "文号", "发布机构", "成文日期", "发布日期", "有效性", "示政办发〔2026〕1号"):
        assert label in text
    actions.withdraw(new, by=office2, reason="另行发布")
    text = page(client, "portal:article", pk=old.pk).content.decode()
    assert "本文件已废止" in text and reverse("portal:article", kwargs={"pk": new.pk}) not in text


def test_an_explanation_and_its_document_link_each_other(cast, office2, clock, client):
    policy = published(cast, office2, Kind.POLICY, title="考核办法")
    explanation = published(cast, office2, Kind.EXPLANATION, title="《考核办法》解读", explains=policy)
    assert "《考核办法》解读" in page(client, "portal:article", pk=policy.pk).content.decode()
    text = page(client, "portal:article", pk=explanation.pk).content.decode()
    assert reverse("portal:article", kwargs={"pk": policy.pk}) in text


def test_hostile_markup_in_the_database_is_cleaned_again_on_display(cast, office2, clock, client):
    article = published(cast, office2)
    article.revisions.update(body='<p>正文</p><script>alert(1)</script><img src=x onerror="alert(2)">'
                                  '<a href="javascript:alert(3)">点</a><svg onload="alert(4)"></svg>')
    text = page(client, "portal:article", pk=article.pk).content.decode()
    assert "<p>正文</p>" in text
    for bad in ("alert(1)", "onerror", "javascript:", "<svg", "alert(4)"):
        assert bad not in text


def test_an_attachment_downloads_from_the_public_page_and_a_draft_one_does_not(cast, office2, clock, client, media):
    article = actions.draft(Kind.NOTICE, fields(), by=cast.office, files=[SimpleUploadedFile("附件.pdf", PDF)])
    attachment = article.revisions.get().attachments.get()
    url = reverse("portal:article_attachment", kwargs={"pk": article.pk, "attachment_pk": attachment.pk})
    assert client.get(url).status_code == 404
    actions.submit(article, by=cast.office)
    actions.approve(article, by=office2)
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert "附件.pdf" in page(client, "portal:article", pk=article.pk).content.decode()


def test_an_executable_renamed_pdf_is_refused(cast, clock, media):
    with pytest.raises(ValidationError, match="内容不是可接受的类型"):
        actions.draft(Kind.NOTICE, fields(), by=cast.office, files=[SimpleUploadedFile("通知.pdf", b"MZ\x90\x00rest")])


def test_the_atom_feed_lists_public_notices_and_announcements_only(cast, office2, clock, client):
    published(cast, office2, title="公开的通知", body="<p>正文<script>x()</script></p>")
    published(cast, office2, Kind.RESULT, title="2025年度考核结果公告")
    published(cast, office2, Kind.NEWS, title="一条动态")
    published(cast, office2, title="明天的通知", publish_at=NOW + datetime.timedelta(days=1))
    drafted(cast, title="草稿通知")
    response = client.get(reverse("portal:notices_feed"))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/atom+xml")
    text = response.content.decode()
    assert "公开的通知" in text and "结果公告：2025年度考核结果公告" in text
    for hidden in ("一条动态", "明天的通知", "草稿通知", "script"):
        assert hidden not in text
    assert reverse("portal:notices_feed") in client.get(reverse("portal:notices")).content.decode()


def test_the_public_lists_hold_their_query_count_whatever_the_rows(cast, office2, clock, client,
                                                                    django_assert_max_num_queries):
    for n in range(3):
        published(cast, office2, Kind.POLICY, title=f"办法{n}")
        published(cast, office2, title=f"通知{n}")
    for name in ("portal:notices", "portal:policies"):
        client.get(reverse(name))
        with django_assert_max_num_queries(6):
            client.get(reverse(name))
    for n in range(10):
        published(cast, office2, Kind.POLICY, title=f"更多办法{n}")
        published(cast, office2, title=f"更多通知{n}")
    for name in ("portal:notices", "portal:policies"):
        with django_assert_max_num_queries(6):
            client.get(reverse(name))
