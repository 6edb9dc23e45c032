"""Rectification in public: promises, progress, completion notices, 逾期, filters and the re-rating."""

import datetime
import re

import lxml.html
import time_machine
from django.urls import reverse
from django.utils import timezone

from jixiao.results.models import RectificationRating
from jixiao.results.tests import builders

SECRET = "内部审计发现的招待费问题未公开"


def _world(cast):
    day = timezone.localdate()
    late = builders.rectification(cast, disclose=True, problem="窗口服务等候时间长", measures="增设两个窗口",
                                  status="in_progress", deadline=day - datetime.timedelta(days=3))
    going = builders.rectification(cast, disclose=True, problem="路灯维修不及时", measures="建立巡查台账",
                                   status="in_progress", deadline=day + datetime.timedelta(days=30))
    done = builders.rectification(cast, disclose=True, problem="台账归档不及时", measures="专人归档",
                                  status="closed", closed_by=cast.office, closed_at=timezone.now(),
                                  deadline=day - datetime.timedelta(days=10))
    builders.rectification(cast, disclose=False, problem=SECRET)
    builders.rectification(cast, unit=cast.fgw, disclose=True, problem="项目审批超时", status="in_progress")
    return late, going, done


def _rows(html):
    page = lxml.html.fromstring(html)
    return [[c.text_content().strip() for c in row.xpath("td")]
            for row in page.xpath('//table[@data-testid="rect-list"]/tbody/tr')]


def _list(client, **params):
    response = client.get(reverse("portal:rectification"), params)
    assert response.status_code == 200
    return response.content.decode()


def test_the_list_shows_only_disclosed_promises_by_unit_with_their_state(cast, client):
    _world(cast)
    html = _list(client)
    assert SECRET not in html
    rows = {r[0]: r for r in _rows(html)}
    assert rows["窗口服务等候时间长"][1] == "增设两个窗口" and rows["窗口服务等候时间长"][3] == "逾期"
    assert rows["路灯维修不及时"][3] == "进行中"
    assert rows["台账归档不及时"][3] == "已完成" and "满意 0" in rows["台账归档不及时"][4]
    headings = [h.text_content() for h in lxml.html.fromstring(html).xpath("//main//h2")]
    assert any(h.startswith(cast.street.name) for h in headings) and any(h.startswith(cast.fgw.name) for h in headings)


def test_the_filters_split_in_progress_done_and_overdue(cast, client):
    _world(cast)
    assert [r[0] for r in _rows(_list(client, status="overdue"))] == ["窗口服务等候时间长"]
    assert [r[0] for r in _rows(_list(client, status="done"))] == ["台账归档不及时"]
    assert sorted(r[0] for r in _rows(_list(client, status="progress"))) == ["路灯维修不及时", "项目审批超时"]
    assert len(_rows(_list(client, status="bogus"))) == 4  # an unknown filter shows all


def test_a_unit_filter_shows_its_own_and_a_profile_links_there(cast, client):
    _world(cast)
    assert [r[0] for r in _rows(_list(client, unit=cast.fgw.code))] == ["项目审批超时"]
    assert client.get(reverse("portal:rectification"), {"unit": "NOPE"}).status_code == 404
    profile = client.get(reverse("portal:unit_detail", args=[cast.street.code])).content.decode()
    assert f'{reverse("portal:rectification")}?unit={cast.street.code}' in profile


def test_a_promise_shows_progress_and_a_completed_one_its_notice(cast, client):
    late, _, done = _world(cast)
    builders.report(late, cast.office)
    html = client.get(reverse("portal:rectification_detail", args=[late.pk])).content.decode()
    assert "窗口服务等候时间长" in html and "增设两个窗口" in html and "已补齐" in html
    assert "逾期" in html and 'data-testid="completion-notice"' not in html and 'data-testid="rating-form"' not in html
    html = client.get(reverse("portal:rectification_detail", args=[done.pk])).content.decode()
    assert "整改完成公告" in html and 'data-testid="rating-form"' in html


def test_an_undisclosed_item_answers_404_in_chinese(cast, client):
    _world(cast)
    hidden = builders.rectification(cast, disclose=False, problem="另一内部问题")
    for name in ("portal:rectification_detail", "portal:rectification_rate"):
        method = client.post if name.endswith("rate") else client.get
        response = method(reverse(name, args=[hidden.pk]))
        assert response.status_code == 404
        assert "另一内部问题" not in response.content.decode()


def _token(client, pk):
    html = client.get(reverse("portal:rectification_detail", args=[pk])).content.decode()
    return re.search(r'name="started" value="([^"]+)"', html).group(1)


def test_a_resident_re_rates_a_completed_item_and_the_comment_waits_for_approval(cast, client):
    _, _, done = _world(cast)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        token = _token(client, done.pk)
        clock.shift(datetime.timedelta(seconds=30))
        url = reverse("portal:rectification_rate", args=[done.pk])
        response = client.post(url, {"started": token, "verdict": "basic", "comment": "好多了但还要坚持",
                                     "consent": "on"})
        assert response.status_code == 302
        html = client.get(response["Location"]).content.decode()
        assert "满意 0 人，基本满意 1 人，不满意 0 人" in html and "提交成功" in html
        assert 'data-testid="rating-form"' not in html
        assert "好多了但还要坚持" not in html  # not approved yet
        RectificationRating.objects.update(comment_approved=True)
        assert "好多了但还要坚持" in client.get(url.replace("rate/", "")).content.decode()
        again = client.post(url, {"started": token, "verdict": "satisfied", "consent": "on"})
        assert again.status_code == 422 and "今天已对该事项进行过复评" in again.content.decode()
    assert RectificationRating.objects.count() == 1
    from jixiao.audit.models import Event

    assert Event.objects.filter(code="rectification.rerated").count() == 1


def test_the_re_rating_refuses_bots_missing_consent_and_open_items(cast, client):
    late, _, done = _world(cast)
    url = reverse("portal:rectification_rate", args=[done.pk])
    with time_machine.travel(timezone.now(), tick=False) as clock:
        token = _token(client, done.pk)
        fast = client.post(url, {"started": token, "verdict": "satisfied", "consent": "on"})
        assert fast.status_code == 422 and "提交过快" in fast.content.decode()
        clock.shift(datetime.timedelta(seconds=30))
        honey = client.post(url, {"started": token, "verdict": "satisfied", "consent": "on", "website": "x"})
        assert honey.status_code == 400
        forged = client.post(url, {"started": "abc:def:ghi", "verdict": "satisfied", "consent": "on"})
        assert forged.status_code == 400 and "页面已过期" in forged.content.decode()
        no_consent = client.post(url, {"started": token, "verdict": "satisfied"})
        assert no_consent.status_code == 422 and "个人信息保护说明" in no_consent.content.decode()
        bad = client.post(url, {"started": token, "verdict": "great", "consent": "on"})
        assert bad.status_code == 422 and "请选择满意、基本满意或不满意" in bad.content.decode()
        other = client.post(reverse("portal:rectification_rate", args=[late.pk]),
                            {"started": token, "verdict": "satisfied", "consent": "on"})
        assert other.status_code == 422 and "尚未完成整改" in other.content.decode()
    assert RectificationRating.objects.count() == 0


def test_the_office_approves_and_withdraws_a_comment_and_each_decision_is_audited(cast, client, login):
    from jixiao.audit.models import Event

    _, _, done = _world(cast)
    rating = RectificationRating.objects.create(rectification=done, verdict="unsatisfied", comment="路面又坏了",
                                                created_at=timezone.now())
    public = reverse("portal:rectification_detail", args=[done.pk])
    assert "路面又坏了" not in client.get(public).content.decode()
    office = login(cast.office)
    listing = office.get(reverse("portal_reratings:list")).content.decode()
    assert "路面又坏了" in listing
    review = reverse("portal_reratings:review", args=[rating.pk])
    assert office.post(review, {"approve": "1"}).status_code == 302
    assert "不满意：路面又坏了" in client.get(public).content.decode()
    assert "路面又坏了" in office.get(reverse("portal_reratings:list"), {"show": "approved"}).content.decode()
    office.post(review, {"approve": "0"})
    assert "路面又坏了" not in client.get(public).content.decode()
    assert Event.objects.filter(code="rectification.rerating_comment_reviewed").count() == 2
