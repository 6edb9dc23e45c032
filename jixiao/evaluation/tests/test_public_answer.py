"""Integrity rules of the public channel, at the action level (actions.submit_with_code)."""

import datetime

import pytest

from jixiao.evaluation import actions, codes, guards, privacy
from jixiao.evaluation.actions import CodeAnswer, EvaluationError
from jixiao.evaluation.models import (
    Answer,
    CampaignStatus,
    Comment,
    Contact,
    Flag,
    FlagKind,
    FollowUp,
    InvitationCode,
    PhoneClaim,
    RaterKind,
    Rating,
)
from jixiao.evaluation.tests.conftest import CLOSES, values_for


def units(campaign):
    return list(campaign.units.order_by("code"))


def answer(code, campaign, us=None, value=80, **kw):
    return CodeAnswer(code=code, values=values_for(campaign, us or units(campaign)[:1], value), seconds=120, **kw)


def test_codes_are_long_random_and_stored_only_as_digest(campaign, issue):
    plain = issue(campaign, RaterKind.PUBLIC, 20)
    assert len(set(plain)) == 20
    assert all(len(codes.normalize(c)) == 28 for c in plain)
    stored = set(InvitationCode.objects.values_list("digest", flat=True))
    assert stored == {codes.digest(c) for c in plain}
    assert not any(codes.normalize(c) in d for c in plain for d in stored)


def test_code_reading_is_forgiving():
    code = codes.new_code()
    assert codes.digest(code.lower().replace("-", " ")) == codes.digest(code)
    assert codes.normalize("O" * 28) == "0" * 28
    assert codes.digest("too-short") == ""


def test_a_good_answer_is_stored_without_link_to_code_or_person(campaign, issue):
    code = issue(campaign, RaterKind.PUBLIC)[0]
    us = units(campaign)
    stored = actions.submit_with_code(campaign, answer(code, campaign, us[:2], comments={us[0].pk: "办事窗口排队太久"},
                                                       client_ip="10.1.2.3"))
    assert Rating.objects.filter(answer=stored).count() == 8
    assert stored.submitted_on == datetime.date(2026, 11, 10)
    field_names = {f.name for f in Answer._meta.get_fields()}
    assert not field_names & {"code", "ip", "user", "phone", "created_at"}
    assert Comment.objects.get().text == "办事窗口排队太久"
    used = InvitationCode.objects.get()
    assert used.used_on == datetime.date(2026, 11, 10)
    assert not hasattr(used, "answer")


def test_a_code_works_once(campaign, issue):
    code = issue(campaign, RaterKind.PUBLIC)[0]
    actions.submit_with_code(campaign, answer(code, campaign))
    with pytest.raises(EvaluationError, match="已经使用过"):
        actions.submit_with_code(campaign, answer(code, campaign))
    assert Answer.objects.count() == 1


def test_forged_code_is_refused(campaign, issue):
    issue(campaign, RaterKind.PUBLIC)
    with pytest.raises(EvaluationError, match="邀请码无效"):
        actions.submit_with_code(campaign, answer(codes.new_code(), campaign))
    with pytest.raises(EvaluationError, match="邀请码无效"):
        actions.submit_with_code(campaign, answer("'; DROP TABLE x; --", campaign))


def test_code_expires_at_close(campaign, issue, clock):
    code = issue(campaign, RaterKind.PUBLIC)[0]
    clock.move_to(CLOSES + datetime.timedelta(minutes=1))
    with pytest.raises(EvaluationError, match="不在开放时间"):
        actions.submit_with_code(campaign, answer(code, campaign))


def test_code_expires_when_closed_early(campaign, issue, cast):
    code = issue(campaign, RaterKind.PUBLIC)[0]
    actions.close_campaign(campaign, by=cast.office)
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.CLOSED
    with pytest.raises(EvaluationError, match="不在开放时间"):
        actions.submit_with_code(campaign, answer(code, campaign))


def test_voided_batch_stops_working(campaign, issue, cast):
    code = issue(campaign, RaterKind.PUBLIC)[0]
    actions.void_batch(campaign.code_batches.get(), by=cast.office)
    with pytest.raises(EvaluationError, match="邀请码无效"):
        actions.submit_with_code(campaign, answer(code, campaign))


@pytest.mark.parametrize("value", [0, 50, 101, 100000])
def test_out_of_range_values_are_refused(campaign, issue, value):
    code = issue(campaign, RaterKind.PUBLIC)[0]
    with pytest.raises(EvaluationError, match="超出允许范围"):
        actions.submit_with_code(campaign, answer(code, campaign, value=value))
    assert not Answer.objects.exists() and InvitationCode.objects.get().used_on is None


def test_department_not_in_campaign_is_refused(campaign, issue, cast):
    code = issue(campaign, RaterKind.PUBLIC)[0]
    with pytest.raises(EvaluationError, match="不在本次评议范围"):
        actions.submit_with_code(campaign, answer(code, campaign, [cast.street]))


def test_service_code_rates_only_its_department(campaign, issue, cast):
    code = issue(campaign, RaterKind.SERVICE, unit=cast.fgw)[0]
    with pytest.raises(EvaluationError, match="不在本次评议范围"):
        actions.submit_with_code(campaign, answer(code, campaign, [cast.tjj]))
    actions.submit_with_code(campaign, answer(code, campaign, [cast.fgw]))
    assert set(Rating.objects.values_list("unit", flat=True)) == {cast.fgw.pk}


def test_service_codes_need_a_department(campaign, cast):
    with pytest.raises(EvaluationError, match="指定"):
        actions.issue_codes(campaign, campaign.groups.get(kind=RaterKind.SERVICE), size=1, unit=None, by=cast.office)


def test_partial_department_and_oversized_comment_are_refused(campaign, issue):
    code = issue(campaign, RaterKind.PUBLIC)[0]
    us = units(campaign)
    partial = values_for(campaign, us[:1])
    partial.pop(next(iter(partial)))
    with pytest.raises(EvaluationError, match="全部评议维度"):
        actions.submit_with_code(campaign, CodeAnswer(code=code, values=partial, seconds=100))
    with pytest.raises(EvaluationError, match="不能超过500字"):
        actions.submit_with_code(campaign, answer(code, campaign, comments={us[0].pk: "长" * 501}))


def test_one_answer_per_phone(campaign, issue):
    first, second = issue(campaign, RaterKind.PUBLIC, 2)
    actions.submit_with_code(campaign, answer(first, campaign, phone="13812341234"))
    with pytest.raises(EvaluationError, match="已参加过"):
        actions.submit_with_code(campaign, answer(second, campaign, phone="13812341234"))
    assert InvitationCode.objects.filter(used_on__isnull=True).count() == 1  # the second code is not burnt
    assert PhoneClaim.objects.get().key == privacy.phone_key("13812341234")
    assert "13812341234" not in PhoneClaim.objects.get().key


def test_follow_up_phone_is_encrypted_and_masked(campaign, issue, cast):
    code = issue(campaign, RaterKind.PUBLIC)[0]
    stored = actions.submit_with_code(campaign, answer(code, campaign, value=40, phone="13812341234", follow_up=True))
    contact = Contact.objects.get(answer=stored)
    assert contact.phone_masked == "138****1234"
    assert b"13812341234" not in bytes(contact.phone_cipher)
    assert actions.reveal_contact(contact, by=cast.office) == "13812341234"
    assert FollowUp.objects.filter(answer=stored).count() == 4  # 不满意 on every dimension
    assert actions.purge_contacts(today=contact.keep_until) == 0
    assert actions.purge_contacts(today=contact.keep_until + datetime.timedelta(days=1)) == 1
    assert not Contact.objects.exists() and Answer.objects.filter(pk=stored.pk).exists()


def test_follow_up_without_phone_is_refused(campaign, issue):
    code = issue(campaign, RaterKind.PUBLIC)[0]
    with pytest.raises(EvaluationError, match="手机号码"):
        actions.submit_with_code(campaign, answer(code, campaign, follow_up=True))


def test_no_contact_without_consent_to_follow_up(campaign, issue):
    code = issue(campaign, RaterKind.PUBLIC)[0]
    actions.submit_with_code(campaign, answer(code, campaign, phone="13812341234"))
    assert not Contact.objects.exists()


def test_speeder_straight_liner_and_duplicate_are_flagged(campaign, issue):
    a, b = issue(campaign, RaterKind.PUBLIC, 2)
    us = units(campaign)
    actions.submit_with_code(campaign, CodeAnswer(code=a, values=values_for(campaign, us, 100), seconds=300))
    second = actions.submit_with_code(campaign, CodeAnswer(code=b, values=values_for(campaign, us, 100), seconds=6))
    kinds = set(Flag.objects.filter(answer=second).values_list("kind", flat=True))
    assert kinds == {FlagKind.SPEEDER, FlagKind.STRAIGHT, FlagKind.DUPLICATE}


def test_same_source_and_burst_are_flagged(campaign, issue):
    plain = issue(campaign, RaterKind.MEDIA, guards.BURST_LIMIT + 1)
    us = units(campaign)
    for n, code in enumerate(plain):
        values = {(u.pk, d.pk): (100, 80, 60)[(n + i) % 3]
                  for i, (u, d) in enumerate((u, d) for u in us for d in campaign.dimensions.all())}
        actions.submit_with_code(campaign, CodeAnswer(code=code, values=values, seconds=200, client_ip="10.9.9.9"))
    same = Flag.objects.filter(kind=FlagKind.SAME_SOURCE).count()
    assert same == len(plain) - guards.SAME_SOURCE_LIMIT
    assert Flag.objects.filter(kind=FlagKind.BURST).count() == 1
