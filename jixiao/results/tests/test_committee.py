"""Committee sign-off (考核委员会审定): submission, votes, the recorded decision, the publication gate, the pages."""

import datetime
import io
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.urls import reverse
from docx import Document

from jixiao.audit.models import Event
from jixiao.indicators.models import AdjustmentCategory
from jixiao.org.models import Unit, UnitKind
from jixiao.results import committee, committee_actions
from jixiao.results.models import CommitteeDecision, CommitteeReview, CommitteeVote, ReviewStatus
from jixiao.results.tests.builders import minutes_docx
from jixiao.scoring import actions as scoring
from jixiao.scoring.models import RunStatus
from jixiao.scoring.tests.world import NOW, scheme_world
from tests.cast import grant, make_user

pytestmark = pytest.mark.django_db

LATER = NOW + datetime.timedelta(days=2)
APPEAL_REASON = "本单位重点项目已于十二月竣工，申请复核该项得分"
REJECTION = "竣工验收晚于考核截止日，维持原得分"
OBJECTION = "金桥街道的等次与其重点工作完成情况不符，建议复核"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64


@pytest.fixture
def final(cast):
    """The cast's 2026 scheme: preliminary released, one appeal filed and rejected, final computed (not published)."""
    scheme = scheme_world(cast)
    with time_machine.travel(NOW, tick=False):
        run = scoring.compute(scheme, "preliminary", by=cast.office, now=NOW)
        run = scoring.open_appeals(run, NOW + datetime.timedelta(days=1), by=cast.office, now=NOW)
        appeal = scoring.file_appeal(run, cast.street, by=cast.street_reporter, reason=APPEAL_REASON,
                                     evidence="竣工验收报告", now=NOW)
        scoring.decide_appeal(appeal, False, REJECTION, by=cast.office, now=NOW)
    traveller = time_machine.travel(LATER, tick=False)
    traveller.start()
    yield scoring.compute(scheme, "final", by=cast.office, now=LATER)
    traveller.stop()


def _events(code):
    return list(Event.objects.filter(code=code).order_by("id"))


def _decide(review, cast, outcome="approved", minutes=None, **extra):
    values = {"meeting_date": LATER.date(), "outcome": outcome, "notes": "同意发布"}
    values.update(extra)
    return committee_actions.decide(review, by=cast.office, minutes=minutes or minutes_docx(), **values)


# --- The publication gate -----------------------------------------------------------------------------


def test_publication_is_refused_until_a_pass_is_recorded_for_this_run(cast, final):
    with pytest.raises(ValidationError, match="尚未经考核委员会审定"):
        scoring.publish(final, by=cast.office)
    review = committee_actions.submit(final, by=cast.office, note="申诉已处理完毕")
    assert list(review.members.all()) == [cast.leader]  # the district's leaders sit on the district's committee
    with pytest.raises(ValidationError, match="尚未录入审定通过的会议决定"):
        scoring.publish(final, by=cast.office)
    committee_actions.vote(review, by=cast.leader, verdict="object", reason=OBJECTION)
    decision = _decide(review, cast)
    review.refresh_from_db()
    assert review.status == ReviewStatus.APPROVED and decision.minutes.read().startswith(b"PK")
    published = scoring.publish(final, by=cast.office)
    assert published.published
    assert [e.after["run"] for e in _events("committee.submitted")] == [final.pk]
    assert _events("committee.decided")[0].after["outcome"] == "approved"
    assert _events("committee.voted")[0].after["reason"] == OBJECTION


def test_a_run_computed_again_after_the_decision_needs_its_own_decision(cast, final):
    _decide(committee_actions.submit(final, by=cast.office), cast)
    category = AdjustmentCategory.objects.get(scheme=final.scheme, code="J1")
    scoring.add_adjustment(cycle=final.cycle, unit=cast.other_street, category=category, points=Decimal(2),
                           reason="获市级表彰", by=cast.office)
    again = scoring.compute(final.scheme, "final", by=cast.office)
    assert again.pk != final.pk
    with pytest.raises(ValidationError, match=f"审定通过的是“{final.label}”.*须重新提请"):
        scoring.publish(again, by=cast.office)
    with pytest.raises(ValidationError, match="只能发布当前的最终结果"):
        scoring.publish(final, by=cast.office)  # the approved run is superseded: publishing it is refused too
    _decide(committee_actions.submit(again, by=cast.office), cast)
    assert scoring.publish(again, by=cast.office).published


def test_a_returned_run_cannot_be_published_and_may_be_submitted_again(cast, final):
    review = committee_actions.submit(final, by=cast.office)
    _decide(review, cast, outcome="returned", notes="请复核金桥街道重点工作得分")
    with pytest.raises(ValidationError, match="退回修改"):
        scoring.publish(final, by=cast.office)
    second = committee_actions.submit(final, by=cast.office, note="已复核，得分无误")
    assert second.pk != review.pk and CommitteeReview.objects.filter(run=final).count() == 2
    _decide(second, cast)
    assert scoring.publish(final, by=cast.office).published


# --- Submission --------------------------------------------------------------------------------------


def test_only_a_current_final_run_is_submitted_and_only_once(cast, final):
    preliminary = final.supersedes or final.scheme.score_runs.get(stage="preliminary")
    with pytest.raises(ValidationError, match="只有最终结果"):
        committee_actions.submit(preliminary, by=cast.office)
    committee_actions.submit(final, by=cast.office)
    with pytest.raises(ValidationError, match="不能重复提请"):
        committee_actions.submit(final, by=cast.office)
    assert CommitteeReview.objects.count() == 1


def test_a_committee_needs_members(cast, final):
    cast.leader.memberships.update(revoked_at=LATER)
    with pytest.raises(ValidationError, match="没有区级领导"):
        committee_actions.submit(final, by=cast.office)


# --- Votes -------------------------------------------------------------------------------------------


def test_votes_one_per_member_changeable_until_the_decision_and_every_change_audited(cast, final):
    review = committee_actions.submit(final, by=cast.office)
    latecomer = make_user("latecomer")
    grant(latecomer, cast.district, "leader")  # a leader granted after the submission does not sit on it
    for outsider in (cast.office, latecomer, cast.street_reporter):
        with pytest.raises(ValidationError, match="不是本次审定的考核委员会成员"):
            committee_actions.vote(review, by=outsider, verdict="approve")
    with pytest.raises(ValidationError, match="须填写理由"):
        committee_actions.vote(review, by=cast.leader, verdict="object", reason="  ")
    with pytest.raises(ValidationError, match="请选择"):
        committee_actions.vote(review, by=cast.leader, verdict="abstain")
    committee_actions.vote(review, by=cast.leader, verdict="approve")
    with pytest.raises(ValidationError, match="无需重复提交"):
        committee_actions.vote(review, by=cast.leader, verdict="approve")  # approving twice
    committee_actions.vote(review, by=cast.leader, verdict="object", reason=OBJECTION)
    vote = CommitteeVote.objects.get()
    assert (vote.verdict, vote.reason) == ("object", OBJECTION)
    changed = _events("committee.vote_changed")
    assert len(changed) == 1
    assert changed[0].before["verdict"] == "approve" and changed[0].after["verdict"] == "object"
    _decide(review, cast)
    with pytest.raises(ValidationError, match="会议决定已录入"):
        committee_actions.vote(review, by=cast.leader, verdict="approve")
    assert CommitteeVote.objects.get().verdict == "object"


# --- The decision ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("upload", "message"), [
    (None, "请上传会议纪要"),
    (ContentFile(EXE, name="会议纪要.docx"), "内容不是可接受的类型"),
    (ContentFile(b"%PDF-1.4\n%%EOF\n", name="纪要.pdf"), "不是 Word"),
    (ContentFile(b"%PDF-1.4\n%%EOF\n", name="纪要.docx"), "扩展名与内容不符"),
])
def test_a_decision_needs_a_real_docx_of_minutes(cast, final, upload, message):
    review = committee_actions.submit(final, by=cast.office)
    with pytest.raises(ValidationError, match=message):
        committee_actions.decide(review, by=cast.office, meeting_date=LATER.date(), outcome="approved",
                                 minutes=upload)
    assert not CommitteeDecision.objects.exists()
    review.refresh_from_db()
    assert review.status == ReviewStatus.PENDING


def test_a_decision_is_recorded_once_with_a_sensible_date(cast, final):
    review = committee_actions.submit(final, by=cast.office)
    with pytest.raises(ValidationError, match="不能晚于今天"):
        _decide(review, cast, meeting_date=LATER.date() + datetime.timedelta(days=1))
    with pytest.raises(ValidationError, match="不能早于提请审定"):
        _decide(review, cast, meeting_date=LATER.date() - datetime.timedelta(days=1))
    with pytest.raises(ValidationError, match="通过或退回修改"):
        _decide(review, cast, outcome="maybe")
    _decide(review, cast)
    with pytest.raises(ValidationError, match="不能重复录入"):
        _decide(review, cast, outcome="returned")
    assert CommitteeDecision.objects.get().outcome == "approved"
    assert len(_events("committee.decided")) == 1


# --- Pages -------------------------------------------------------------------------------------------


def _docx_text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def test_office_submits_leader_objects_office_decides_through_the_pages(cast, login, final):
    office = login(cast.office)
    page = office.get(reverse("results:committee_list") + "?cycle=2026").content.decode()
    assert final.scheme.name in page and "提请审定" in page
    response = office.post(reverse("results:committee_submit", args=[final.pk]), {"note": "申诉已处理"})
    review = CommitteeReview.objects.get()
    assert response.status_code == 302 and response["Location"] == review.get_absolute_url()
    leader = login(cast.leader)
    detail = leader.get(review.get_absolute_url()).content.decode()
    assert APPEAL_REASON in detail and REJECTION in detail and "华明街道" in detail and "提交意见" in detail
    assert "录入会议决定" not in detail  # the leader votes; recording the decision is the office's
    bad = leader.post(reverse("results:committee_vote", args=[review.pk]), {"verdict": "object", "reason": ""})
    assert bad.status_code == 422 and "须填写理由" in bad.content.decode()
    assert _events("committee.vote_refused")
    leader.post(reverse("results:committee_vote", args=[review.pk]), {"verdict": "object", "reason": OBJECTION})
    assert CommitteeVote.objects.get().reason == OBJECTION
    assert leader.post(reverse("results:committee_decide", args=[review.pk]), {}).status_code == 403
    assert leader.get(reverse("results:committee_draft", args=[review.pk])).status_code == 403
    office = login(cast.office)
    draft = office.get(reverse("results:committee_draft", args=[review.pk]))
    text = _docx_text(draft.content)
    assert OBJECTION in text and APPEAL_REASON in text and "华明街道" in text and "有异议 1 名" in text
    assert _events("committee.draft_exported")
    exe = office.post(reverse("results:committee_decide", args=[review.pk]), {
        "meeting_date": LATER.date().isoformat(), "outcome": "approved",
        "minutes": ContentFile(EXE, name="纪要.docx")})
    assert exe.status_code == 422 and "改扩展名无效" in exe.content.decode()
    ok = office.post(reverse("results:committee_decide", args=[review.pk]), {
        "meeting_date": LATER.date().isoformat(), "outcome": "approved", "notes": "维持原等次，同意发布",
        "minutes": ContentFile(draft.content, name="会议纪要.docx")})
    assert ok.status_code == 302
    again = office.post(reverse("results:committee_decide", args=[review.pk]), {
        "meeting_date": LATER.date().isoformat(), "outcome": "returned",
        "minutes": ContentFile(draft.content, name="会议纪要.docx")})
    assert again.status_code == 422 and "不能重复录入" in again.content.decode()
    minutes = login(cast.leader).get(reverse("results:committee_minutes", args=[review.pk]))
    assert b"".join(minutes.streaming_content) == draft.content
    office = login(cast.office)
    office.post(reverse("scoring:publish", args=[final.pk]))
    final.refresh_from_db()
    assert final.published and final.status == RunStatus.PUBLISHED


def test_publishing_through_the_page_before_the_decision_says_why(cast, login, final):
    response = login(cast.office).post(reverse("scoring:publish", args=[final.pk]), follow=True)
    assert "尚未经考核委员会审定" in response.content.decode()
    final.refresh_from_db()
    assert not final.published
    assert _events("scoring.publish_refused")[0].after["message"].startswith("该结果尚未经考核委员会审定")


def test_ids_beyond_reach_answer_404(cast, login, final):
    other = Unit.objects.create(code="D02", name="邻区", kind=UnitKind.DISTRICT)
    other_leader = make_user("other_leader")
    grant(other_leader, other, "leader")
    type(final.scheme).objects.filter(pk=final.scheme_id).update(assessing_unit=other)
    final.refresh_from_db()
    review = committee_actions.submit(final, by=cast.office)  # the other district's committee
    assert list(review.members.all()) == [other_leader]
    leader = login(cast.leader)
    assert leader.get(review.get_absolute_url()).status_code == 404
    assert leader.post(reverse("results:committee_vote", args=[review.pk]), {"verdict": "approve"}).status_code == 404
    assert leader.get(reverse("results:committee_minutes", args=[review.pk])).status_code == 404
    assert review.get_absolute_url() not in leader.get(reverse("results:committee_list") + "?cycle=2026").content.decode()
    assert login(other_leader).get(review.get_absolute_url()).status_code == 200
    office = login(cast.office)
    assert office.get(reverse("results:committee_detail", args=[review.pk + 99])).status_code == 404
    assert office.post(reverse("results:committee_submit", args=[final.pk + 99])).status_code == 404
    assert office.get(reverse("results:committee_minutes", args=[review.pk])).status_code == 404  # no minutes yet
    assert login(cast.street_reporter).get(review.get_absolute_url()).status_code == 403


def test_members_are_the_leaders_of_the_assessing_unit_and_above(cast, final):
    street_leader = make_user("street_leader")
    grant(street_leader, cast.street, "leader")
    assert committee.members_for(final.scheme) == [cast.leader]
    type(final.scheme).objects.filter(pk=final.scheme_id).update(assessing_unit=cast.street)
    final.scheme.refresh_from_db()
    assert {u.username for u in committee.members_for(final.scheme)} == {"leader", "street_leader"}


def test_the_home_page_says_what_waits_for_the_committee(cast, login, final):
    home = reverse("ui:home")
    assert "committee-waiting" not in login(cast.leader).get(home).content.decode()
    review = committee_actions.submit(final, by=cast.office)
    leader_home = login(cast.leader).get(home).content.decode()
    assert "待您表态" in leader_home and review.get_absolute_url() in leader_home
    committee_actions.vote(review, by=cast.leader, verdict="approve")
    assert "committee-waiting" not in login(cast.leader).get(home).content.decode()  # voted: nothing waits
    assert "待录入会议决定" in login(cast.office).get(home).content.decode()
    _decide(review, cast)
    assert "committee-waiting" not in login(cast.office).get(home).content.decode()
