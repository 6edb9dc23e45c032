"""Internal raters: the matrix page, drafts, submission, never their own unit."""

import datetime

from django.urls import reverse

from jixiao.evaluation.models import Answer, Ballot, BallotStatus, Rating
from jixiao.evaluation.tests.conftest import CLOSES


def matrix(campaign, units, value="80"):
    return {f"r-{u.pk}-{d.pk}": value for u in units for d in campaign.dimensions.all()}


def test_rater_sees_every_department_but_their_own(campaign, cast, login):
    page = login(cast.rater).get(reverse("evaluation:rate", args=[campaign.pk])).content.decode()
    assert cast.tjj.name in page or "区统计局" in page
    assert f'name="r-{cast.fgw.pk}-' not in page  # the rater's own unit is 区发改委
    assert "本单位“区发改委”不参加自评" in page


def test_draft_then_submit(campaign, cast, login):
    client = login(cast.rater)
    url = reverse("evaluation:rate", args=[campaign.pk])
    others = list(campaign.units.exclude(pk=cast.fgw.pk))
    half = dict(list(matrix(campaign, others).items())[:3])
    assert client.post(url, {**half, "save": "1"}).status_code == 302
    ballot = Ballot.objects.get(user=cast.rater)
    assert len(ballot.data["v"]) == 3 and not Answer.objects.exists()
    response = client.post(url, {**half, "submit": "1"})
    assert response.status_code == 422 and "尚未评价" in response.content.decode()
    full = matrix(campaign, others)
    full[f"c-{cast.tjj.pk}"] = "数据发布及时"
    assert client.post(url, {**full, "submit": "1"}).status_code == 302
    ballot.refresh_from_db()
    assert ballot.status == BallotStatus.SUBMITTED and ballot.data == {} and ballot.saved_at is None
    answer = Answer.objects.get()
    assert Rating.objects.filter(answer=answer).count() == len(others) * 4
    assert client.post(url, {**full, "submit": "1"}).status_code == 422  # once only


def test_own_unit_is_refused(campaign, cast, login):
    client = login(cast.rater)
    response = client.post(reverse("evaluation:rate", args=[campaign.pk]),
                           {**matrix(campaign, campaign.units.all()), "submit": "1"})
    assert response.status_code == 422 and "不能评价本单位" in response.content.decode()
    assert not Answer.objects.exists()


def test_nothing_after_close(campaign, cast, login, clock):
    clock.move_to(CLOSES + datetime.timedelta(seconds=1))
    client = login(cast.leader)
    response = client.post(reverse("evaluation:rate", args=[campaign.pk]),
                           {**matrix(campaign, campaign.units.all()), "submit": "1"})
    assert response.status_code == 422 and "不在开放时间" in response.content.decode()


def test_leader_rates_all_departments(campaign, cast, login):
    client = login(cast.leader)
    url = reverse("evaluation:rate", args=[campaign.pk])
    assert client.post(url, {**matrix(campaign, campaign.units.all(), "100"), "submit": "1"}).status_code == 302
    assert Rating.objects.filter(rater_group__kind="leader").count() == campaign.units.count() * 4


def test_a_refused_ballot_is_audited_without_the_departments_it_names(campaign, cast, login):
    from jixiao.audit.models import Event, Outcome

    client = login(cast.rater)
    others = list(campaign.units.exclude(pk=cast.fgw.pk))
    half = dict(list(matrix(campaign, others).items())[:3])
    response = client.post(reverse("evaluation:rate", args=[campaign.pk]), {**half, "submit": "1"})
    assert response.status_code == 422 and "尚未评价" in response.content.decode()
    event = Event.objects.get(code="evaluation.ballot_refused")
    assert event.outcome == Outcome.FAILURE and event.user_id == cast.rater.pk
    problems = event.after["problems"]
    assert problems >= 1 and event.after["message"] == f"{problems}处评价内容不符合要求（所涉单位不记入日志）。"
    assert not any(unit.name in str(event.after) for unit in others)


def test_a_closed_campaign_refuses_with_its_reason_in_the_log(campaign, cast, login, clock):
    from jixiao.audit.models import Event

    clock.move_to(CLOSES + datetime.timedelta(seconds=1))
    login(cast.leader).post(reverse("evaluation:rate", args=[campaign.pk]), {"submit": "1"})
    event = Event.objects.get(code="evaluation.ballot_refused")
    assert "不在开放时间" in event.after["message"] and event.after["problems"] == 1
