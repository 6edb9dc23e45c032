"""The public submit path stays short: one look-up statement, cached frozen structure, one upsert per counter set.

These tests pin what the throughput work (bench/evaluation.py) relies on, so it cannot quietly regress, and
check that the shortcuts return exactly what the ORM would.
"""

import datetime

from django.db import connection
from django.urls import reverse
from django.utils import timezone

from jixiao.evaluation import actions, codes, frozen, guards, inserts, lookup
from jixiao.evaluation.models import (
    Answer,
    Campaign,
    Channel,
    Counter,
    Flag,
    FlagKind,
    InvitationCode,
    RaterGroup,
    RaterKind,
    Rating,
)
from jixiao.org.models import Unit

START, SUBMIT = reverse("portal:evaluate"), reverse("portal:evaluate_submit")
ON_POSTGRESQL = connection.vendor == "postgresql"
# Per plain submit on PostgreSQL: address counter, code look-up, and one statement that uses the code, bumps the
# flag counters and stores the answer's rows (no transaction of its own). Elsewhere: address counter, look-up,
# then in a transaction consume the code, flag counters, answer, ratings.
PLAIN_SUBMIT_QUERIES = 3 if ON_POSTGRESQL else 6
# … plus the phone counter and the phone claim in its savepoint, in a transaction; elsewhere also comment,
# follow-ups, contact, flag.
FULL_SUBMIT_QUERIES = 9 if ON_POSTGRESQL else 16


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


def test_a_plain_public_submit_needs_few_queries(client, campaign, issue, clock, django_assert_num_queries):
    code = issue(campaign, RaterKind.PUBLIC)[0]
    started = _start(client, code, clock)  # the questionnaire page fills the per-process cache
    unit = campaign.units.order_by("code").first()
    data = {"code": code, "started": started, "consent": "on",
            **{f"r-{unit.pk}-{d.pk}": "80" for d in campaign.dimensions.all()}}
    with django_assert_num_queries(PLAIN_SUBMIT_QUERIES):
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


def _one_answer(campaign, code_text, clock):
    scope = actions.resolve_code(None, code_text)
    unit = scope.units[0]
    answer_in = actions.CodeAnswer(code=code_text, values={(unit.pk, d.pk): 80 for d in campaign.dimensions.all()},
                                   seconds=60, client_ip="10.5.5.5")
    now = timezone.now()
    answer, rows = actions._answer_rows(campaign, scope.group, scope.questionnaire, channel=Channel.CODE,
                                        values=answer_in.values, comments={}, seconds=60, day=now.date())
    return scope, answer, answer_in, rows, now


def test_a_code_taken_meanwhile_writes_nothing(campaign, issue, clock, cast):
    """The single statement's guard: the code used between look-up and submit leaves no row and no count."""
    code_text = issue(campaign, RaterKind.SERVICE, unit=cast.fgw)[0]
    scope, answer, answer_in, rows, now = _one_answer(campaign, code_text, clock)
    InvitationCode.objects.filter(pk=scope.code.pk).update(used_on=now.date())
    counted = actions.counted_flags(answer, answer_in, scope, now)
    assert inserts.insert_once(scope.code.pk, now.date(), rows, counted, now) is False
    assert not Answer.objects.exists() and not Rating.objects.exists()
    assert not Counter.objects.filter(key__in=[c.key for c in counted]).exists()


def test_counted_flags_carry_the_count_made_in_the_same_statement(campaign, issue, clock, cast):
    """Past the burst limit the flag's detail holds the count, as the Python path wrote it."""
    code_text = issue(campaign, RaterKind.SERVICE, unit=cast.fgw)[0]
    scope, answer, answer_in, rows, now = _one_answer(campaign, code_text, clock)
    counted = actions.counted_flags(answer, answer_in, scope, now)
    burst = counted[0]
    Counter.objects.create(key=burst.key, window_start=guards.window_start(now, burst.window),
                           hits=guards.BURST_LIMIT)
    assert inserts.insert_once(scope.code.pk, now.date(), rows, counted, now) is True
    stored = Answer.objects.get()
    assert stored.pk == answer.pk and Rating.objects.filter(answer=stored).count() == len(answer_in.values)
    flag = Flag.objects.get(answer=stored)
    assert flag.kind == FlagKind.BURST and flag.campaign_id == campaign.pk and flag.created_on == now.date()
    assert flag.detail == f"10分钟内同一评议主体收到第 {guards.BURST_LIMIT + 1} 份答卷"
    assert InvitationCode.objects.get(pk=scope.code.pk).used_on == now.date()
    assert Counter.objects.get(key=counted[1].key).hits == 1


def test_the_answer_statement_is_parsed_once_per_process(campaign, issue, clock, cast):
    """psycopg caches a statement's parsing only up to 4,096 characters and 50 parameters, keyed by its text:
    two answers with other values must send the same text, within both limits."""
    if not ON_POSTGRESQL:
        return  # the single statement is PostgreSQL's
    seen = []

    def keep(execute, sql, params, many, context):
        if sql.startswith("WITH used AS"):
            seen.append((sql, len(params)))
        return execute(sql, params, many, context)

    for value, code_text in zip((80, 40), issue(campaign, RaterKind.SERVICE, n=2, unit=cast.fgw), strict=True):
        scope, answer, answer_in, rows, now = _one_answer(campaign, code_text, clock)
        for rating in rows[1:]:
            rating.value = value
        with connection.execute_wrapper(keep):
            assert inserts.insert_once(scope.code.pk, now.date(), rows,
                                       actions.counted_flags(answer, answer_in, scope, now), now)
    assert len(seen) == 2 and seen[0][0] == seen[1][0]
    assert len(seen[0][0]) <= 4096 and seen[0][1] <= 50
