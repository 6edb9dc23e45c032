"""The public submit path stays short: one look-up statement, cached frozen structure, one upsert per counter set.

These tests pin what the throughput work (bench/evaluation.py) relies on, so it cannot quietly regress, and
check that the shortcuts return exactly what the ORM would.
"""

import datetime

from django.db import connection
from django.urls import reverse

from jixiao.evaluation import actions, codes, frozen, guards, lookup
from jixiao.evaluation.models import Answer, Campaign, Counter, InvitationCode, RaterGroup, RaterKind
from jixiao.org.models import Unit

START, SUBMIT = reverse("portal:evaluate"), reverse("portal:evaluate_submit")
ON_POSTGRESQL = connection.vendor == "postgresql"
# Per plain submit: address counter, code look-up, BEGIN, consume the code, flag counters, the answer's rows
# (one statement on PostgreSQL; answer and ratings apart elsewhere), COMMIT.
PLAIN_SUBMIT_QUERIES = 7 if ON_POSTGRESQL else 8
# … plus the phone counter and the phone claim in its savepoint; elsewhere also comment, follow-ups, contact, flag.
FULL_SUBMIT_QUERIES = 11 if ON_POSTGRESQL else 16


def fields(obj):
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def test_lookup_matches_the_orm_field_for_field(campaign, issue, cast):
    code = issue(campaign, RaterKind.SERVICE, unit=cast.fgw)[0]
    found, questionnaire_pk = lookup.find_code(codes.digest(code))
    orm = InvitationCode.objects.get(digest=codes.digest(code))
    assert fields(found) == fields(orm)
    assert fields(found.campaign) == fields(Campaign.objects.get(pk=campaign.pk))
    assert fields(found.rater_group) == fields(RaterGroup.objects.get(pk=orm.rater_group_id))
    assert fields(found.unit) == fields(Unit.objects.get(pk=cast.fgw.pk))
    assert questionnaire_pk == actions.current_questionnaire(orm.rater_group).pk
    assert found.campaign.opens_at.tzinfo is not None and found.voided is False
    assert lookup.find_code(codes.digest(code), campaign.pk + 1) == (None, None)
    public = issue(campaign, RaterKind.PUBLIC)[0]
    assert lookup.find_code(codes.digest(public))[0].unit is None


def test_a_new_questionnaire_version_is_used_at_once(campaign, issue, cast):
    code = issue(campaign, RaterKind.PUBLIC)[0]
    first = actions.resolve_code(None, code).questionnaire
    group = campaign.groups.get(kind=RaterKind.PUBLIC)
    dims = list(campaign.dimensions.order_by("sort_order"))
    actions.save_questionnaire(group, intro="新版", allow_comments=False, texts={dims[0].pk: "只问一题"}, by=cast.office)
    second = actions.resolve_code(None, code).questionnaire
    assert (first.version, second.version) == (1, 2)
    assert [q.text for q in second.questions.all()] == ["只问一题"] and not second.allow_comments


def test_campaign_status_is_never_cached(campaign, issue, cast):
    code = issue(campaign, RaterKind.PUBLIC)[0]
    actions.resolve_code(None, code)
    actions.close_campaign(campaign, by=cast.office)
    try:
        actions.resolve_code(None, code)
    except actions.EvaluationError as exc:
        assert "不在开放时间" in str(exc)
    else:
        raise AssertionError("a closed campaign still accepted a code")


def test_counters_bump_several_keys_in_one_statement(db, django_assert_num_queries):
    now = datetime.datetime(2026, 11, 10, 2, 0, tzinfo=datetime.UTC)
    with django_assert_num_queries(1):
        assert guards.bump_many([("b", 600), ("a", 3600)], now) == {"a": 1, "b": 1}
    assert guards.bump_many([("a", 3600), ("b", 600)], now) == {"a": 2, "b": 2}
    assert guards.bump("a", 3600, now + datetime.timedelta(hours=1)) == 1  # a new window
    assert Counter.objects.filter(key="a").count() == 2


def _start(client, code, clock):
    response = client.post(START, {"code": code}, REMOTE_ADDR="10.3.3.3")
    assert response.status_code == 200
    clock.shift(datetime.timedelta(seconds=60))
    return response.context["form"].initial["started"]


def test_a_plain_public_submit_needs_few_queries(client, campaign, issue, clock, django_assert_max_num_queries):
    code = issue(campaign, RaterKind.PUBLIC)[0]
    started = _start(client, code, clock)  # the questionnaire page fills the per-process cache
    unit = campaign.units.order_by("code").first()
    data = {"code": code, "started": started, "consent": "on",
            **{f"r-{unit.pk}-{d.pk}": "80" for d in campaign.dimensions.all()}}
    with django_assert_max_num_queries(PLAIN_SUBMIT_QUERIES):
        response = client.post(SUBMIT, data, REMOTE_ADDR="10.3.3.3")
    assert response.status_code == 302 and Answer.objects.count() == 1


def test_a_full_public_submit_needs_few_queries(client, campaign, issue, clock, django_assert_max_num_queries):
    code = issue(campaign, RaterKind.PUBLIC)[0]
    started = _start(client, code, clock)
    unit = campaign.units.order_by("code").first()
    data = {"code": code, "started": started, "consent": "on", "phone": "13812341234", "follow_up": "on",
            f"c-{unit.pk}": "窗口排队太久", **{f"r-{unit.pk}-{d.pk}": "40" for d in campaign.dimensions.all()}}
    clock.shift(datetime.timedelta(seconds=-50))  # 10 s in all: a speeder, so a flag is written too
    with django_assert_max_num_queries(FULL_SUBMIT_QUERIES):
        response = client.post(SUBMIT, data, REMOTE_ADDR="10.3.3.3")
    assert response.status_code == 302
    stored = Answer.objects.get()
    assert stored.contact.phone_masked == "138****1234" and stored.flags.count() == 1


def test_the_cache_is_empty_after_clear(campaign, issue):
    actions.resolve_code(None, issue(campaign, RaterKind.PUBLIC)[0])
    assert frozen._questionnaires and frozen._units
    frozen.clear()
    assert not frozen._questionnaires and not frozen._units
