"""The demo step: six closed campaigns with about 20,000 answers, trends, and 2026 open with work to do."""

from jixiao.demo import build
from jixiao.evaluation import campaign_results
from jixiao.evaluation.models import Answer, Ballot, Campaign, CampaignStatus, Contact, Flag, FlagStatus


def test_demo_campaigns(db, settings):
    settings.DEMO_MODE = True
    build.load(only=("org", "accounts", "evaluation"))
    past = Answer.objects.filter(campaign__cycle__year__lt=2026).count()
    assert 17000 <= past <= 23000
    assert set(Campaign.objects.filter(cycle__year__lt=2026).values_list("status", flat=True)) == {CampaignStatus.CLOSED}
    current = Campaign.objects.get(cycle__year=2026)
    assert current.status == CampaignStatus.OPEN and Answer.objects.filter(campaign=current).exists()
    assert Flag.objects.filter(campaign=current, status=FlagStatus.PENDING).exists()
    assert Ballot.objects.filter(campaign=current, status="draft").exists() and Contact.objects.exists()
    outcome = campaign_results.campaign_results(Campaign.objects.get(cycle__year=2025))
    assert outcome.years == [2020, 2021, 2022, 2023, 2024]
    deltas = [row["score"] - row["history"][0] for row in outcome.table() if row["score"] and row["history"][0]]
    assert any(d > 3 for d in deltas) and any(d < -3 for d in deltas)  # some improve, some slip
