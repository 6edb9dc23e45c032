"""The demo district's published years went through the committee: every published run has its own 通过 decision
with minutes, and 2025's district scheme carries one recorded objection (issue 18, item 7)."""

import io

import pytest
from django.urls import reverse
from docx import Document

from jixiao.accounts.models import User
from jixiao.demo import build
from jixiao.demo import committee as demo_committee
from jixiao.results.models import CommitteeReview, CommitteeVote, ReviewStatus
from jixiao.scoring.models import ScoreRun

STEPS = ["org", "accounts", "keywork", "evaluation", "indicators", "reporting", "scoring"]


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.DEMO_MODE = True
    settings.MEDIA_ROOT = tmp_path / "media"
    build.load(only=STEPS)


def test_every_published_demo_run_was_signed_off_and_2025_has_one_objection(demo, login):
    published = list(ScoreRun.objects.published().select_related("cycle", "scheme"))
    assert {r.cycle.year for r in published} == set(range(2020, 2026))
    reviews = {r.run_id: r for r in CommitteeReview.objects.select_related("decision")}
    for run in published:
        review = reviews[run.pk]
        assert review.status == ReviewStatus.APPROVED and review.decision.outcome == "approved"
        assert review.decision.meeting_date < run.published_at.date()
    objections = list(CommitteeVote.objects.filter(verdict="object").select_related("review__run__scheme",
                                                                                  "review__cycle"))
    assert len(objections) == 1
    objection = objections[0]
    assert objection.review.cycle.year == demo_committee.OBJECTION_YEAR
    assert objection.review.run.scheme.code.startswith("D01") and objection.reason == demo_committee.OBJECTION
    minutes = Document(io.BytesIO(objection.review.decision.minutes.read()))
    text = "\n".join([p.text for p in minutes.paragraphs]
                     + [c.text for t in minutes.tables for row in t.rows for c in row.cells])
    assert demo_committee.OBJECTION in text and "有异议 1 名" in text
    leader = User.objects.get(username="leader")
    client = login(leader)
    page = client.get(objection.review.get_absolute_url())
    assert page.status_code == 200 and demo_committee.OBJECTION in page.content.decode()
    # Nothing waits for the leader: the list opens on the latest year with a review, not on the empty 2026.
    listing = client.get(reverse("results:committee_list")).content.decode()
    assert objection.review.get_absolute_url() in listing and "2025" in listing
