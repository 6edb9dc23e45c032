"""The demo's portal items: published ones on the public pages with the 示范数据 label, the repealed policy document
naming its replacement, and one item the demo office user can approve."""

import pytest
from django.urls import reverse

from jixiao.demo import build
from jixiao.portal import publishing_actions as actions
from jixiao.portal import publishing_queries as queries
from jixiao.portal.models import Article, Kind, RevisionStatus


@pytest.fixture
def demo(db, settings):
    settings.DEMO_MODE = True
    build.load(only=("org", "accounts", "publishing"))


def test_the_demo_publishes_a_few_items_and_keeps_one_waiting(demo, client):
    kinds = sorted(r.article.kind for r in queries.public())
    assert kinds.count(Kind.NOTICE) == 8 and kinds.count(Kind.POLICY) == 2 and kinds.count(Kind.EXPLANATION) == 1
    text = client.get(reverse("portal:notices")).content.decode()
    assert "关于开展2026年度综合评议网上评议的公告" in text and "示范数据" in text
    assert "第三季度重点工作进展" not in text


def test_the_demo_notices_and_news_span_the_year_about_one_a_month(demo):
    from django.utils import timezone

    news = [r for r in queries.public() if r.article.kind in (Kind.NOTICE, Kind.NEWS)]
    months = {(r.first_published.year, r.first_published.month) for r in news}
    ages = [(timezone.now() - r.first_published).days for r in news]
    assert len(months) >= 10 and max(ages) >= 300 and min(ages) <= 30


def test_the_repealed_demo_document_links_the_one_that_replaced_it(demo, client):
    old = queries.public(Kind.POLICY).get(title="示范区绩效管理办法（试行）")
    text = client.get(reverse("portal:article", args=[old.article_id])).content.decode()
    assert "本文件已废止" in text and "示政办发〔2023〕12号" in text
    assert reverse("portal:article", args=[old.replaced_by_id]) in text


def test_the_demo_office_user_can_approve_the_waiting_notice(demo):
    from jixiao.accounts.models import User

    waiting = Article.objects.get(revisions__status=RevisionStatus.PENDING)
    actions.approve(waiting, by=User.objects.get(username="office"))
    assert "关于公布2026年第三季度重点工作进展情况的通报" in [r.title for r in queries.public(Kind.NOTICE)]
