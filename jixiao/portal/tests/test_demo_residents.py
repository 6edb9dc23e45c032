"""The demo's residents (jixiao/demo/residents.py): 互动交流 messages answered, waiting and closed, and re-ratings of
disclosed, completed rectification — only the approved ones reach the public pages."""

import datetime
import random

import pytest
from django.urls import reverse
from django.utils import timezone

from jixiao.demo import build, residents
from jixiao.portal.messages_models import MessageStatus, PublicMessage
from jixiao.results.models import RectificationRating, RectificationStatus
from jixiao.results.tests import builders


@pytest.fixture
def demo(db, settings):
    settings.DEMO_MODE = True
    build.load(only=("org", "accounts", "publishing"))
    return residents.build(random.Random(1))


def test_the_demo_has_messages_answered_open_and_closed_over_the_year(demo, client):
    statuses = list(PublicMessage.objects.values_list("status", flat=True))
    assert {MessageStatus.ANSWERED, MessageStatus.PENDING, MessageStatus.ROUTED, MessageStatus.NEW,
            MessageStatus.CLOSED} <= set(statuses)
    ages = [(timezone.now() - m.received_at).days for m in PublicMessage.objects.all()]
    assert max(ages) >= 300 and min(ages) <= 7
    assert "互动交流留言 12 条（已答复公开 7 条，办理中 3 条）" in demo
    page = client.get(reverse("portal:hudong")).content.decode()
    assert "建议延长小学课后服务时间" in page and "灵活就业人员如何参加养老保险" in page
    assert "区级预算公开的时间" not in page  # answered, not published
    assert "建议学校操场节假日向社区开放" not in page  # its reply still waits for approval
    assert "小区电梯加装进度缓慢" not in page and "请公布某商户的联系电话" not in page


def test_every_demo_message_has_its_own_code_and_every_answer_its_approver(demo):
    assert PublicMessage.objects.values("code_hash").distinct().count() == PublicMessage.objects.count()
    answered = PublicMessage.objects.filter(status=MessageStatus.ANSWERED)
    assert all(m.approved_by_id and m.answered_at > m.received_at and m.reply for m in answered)
    closed = PublicMessage.objects.get(status=MessageStatus.CLOSED)
    assert closed.close_reason and closed.close_note


def test_completed_disclosed_rectification_gets_re_ratings_and_comments_some_waiting(cast, client):
    closed_at = timezone.now() - datetime.timedelta(days=60)
    done = builders.rectification(cast, problem="窗口排队时间过长", status=RectificationStatus.CLOSED,
                                  closed_at=closed_at, disclose=True)
    builders.rectification(cast, problem="尚未完成的事项", disclose=True)  # not closed: no re-rating
    builders.rectification(cast, problem="未公开的事项", status=RectificationStatus.CLOSED, closed_at=closed_at)
    rows = residents.reratings(random.Random(1))
    assert rows and {r.rectification_id for r in rows} == {done.pk}
    assert all(r.created_at > closed_at for r in rows)
    comments = RectificationRating.objects.exclude(comment="")
    assert comments.filter(comment_approved=True).exists()
    page = client.get(reverse("portal:rectification_detail", args=[done.pk])).content.decode()
    for comment in comments:
        assert (comment.comment in page) == comment.comment_approved
