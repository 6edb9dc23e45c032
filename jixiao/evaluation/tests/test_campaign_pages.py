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
