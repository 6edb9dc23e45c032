"""The campaign list and detail pages follow the campaign's status: weights editable while 筹备中 only."""

from django.urls import reverse

from jixiao.evaluation import actions


def test_detail_and_list_follow_the_status(draft_campaign, cast, login):
    client = login(cast.office)
    detail = reverse("evaluation:campaign_detail", args=[draft_campaign.pk])
    page = client.get(detail).content.decode()
    assert "保存权重" in page and "text-bg-warning" in page
    actions.open_campaign(draft_campaign, by=cast.office)
    page = client.get(detail).content.decode()
    assert "保存权重" not in page and "text-bg-success" in page and "修订为新版" in page
    actions.close_campaign(draft_campaign, by=cast.office)
    page = client.get(detail).content.decode()
    assert "text-bg-secondary" in page and "修订为新版" not in page
    listing = client.get(reverse("evaluation:campaign_list")).content.decode()
    assert "text-bg-secondary" in listing and "已结束" in listing


def test_a_refused_close_is_shown_and_audited(draft_campaign, cast, login):
    from jixiao.audit.models import Event, Outcome

    response = login(cast.office).post(reverse("evaluation:campaign_close", args=[draft_campaign.pk]), follow=True)
    assert [str(m) for m in response.context["messages"]] == ["只有评议中的活动可以结束。"]
    event = Event.objects.get(code="evaluation.close_refused")
    assert event.outcome == Outcome.FAILURE and event.user_id == cast.office.pk
    assert event.object_id == str(draft_campaign.pk) and event.after == {"message": "只有评议中的活动可以结束。"}
