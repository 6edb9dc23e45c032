"""Tokens for other systems: stored hashed, refused when expired, revoked, out of scope or orphaned, limited to a
unit subtree, rate-limited across clients through the database, and every use audited."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.utils import timezone

from jixiao.accounts import actions as account_actions
from jixiao.api import tokens
from jixiao.api.models import ApiToken
from jixiao.api.tests.helpers import bearer, issue
from jixiao.audit.models import Event

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 7, 1, 9, 0, 30, tzinfo=datetime.UTC)


def _refusal(response) -> tuple:
    body = response.json()
    return response.status_code, body["code"], body["detail"]


def test_the_secret_is_stored_nowhere_only_its_digest(cast):
    issued = tokens.issue(user=cast.reporter, scopes=["read"], name="统计局对接", by=cast.secadmin)
    secret = issued.secret
    assert secret.startswith(f"jx_{issued.token.prefix}_") and len(secret) > 40
    token = ApiToken.objects.get()
    assert token.digest == tokens.digest_of(secret) != secret
    # Not in any column of any table: a dump of the whole database does not hold it (nor its random part).
    random_part = secret.rsplit("_", 1)[1]
    dump = "\n".join(connection.connection.iterdump()) if connection.vendor == "sqlite" else _pg_dump_text()
    assert secret not in dump and random_part not in dump
    assert token.digest in dump  # the dump is real: it holds what was stored


def _pg_dump_text() -> str:
    """Every text column of every table of the project, read through the ORM (no pg_dump needed)."""
    from django.apps import apps

    parts = []
    for model in apps.get_models():
        if model._meta.managed and not model._meta.proxy:
            parts += [repr(row) for row in model.objects.values_list()]
    return "\n".join(parts)


def test_an_expired_token_is_refused_in_chinese(cast, client):
    secret = issue(cast.reporter, days=1)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=1, seconds=1)):
        status, code, detail = _refusal(client.get("/api/v1/me", **bearer(secret)))
    assert (status, code) == (401, "unauthorized")
    assert "已过期" in detail


def test_a_revoked_token_is_refused_and_the_refusal_audited(cast, client):
    secret = issue(cast.reporter)
    assert client.get("/api/v1/me", **bearer(secret)).status_code == 200
    tokens.revoke(ApiToken.objects.get(), by=cast.secadmin)
    status, code, detail = _refusal(client.get("/api/v1/me", **bearer(secret)))
    assert (status, code, detail) == (401, "unauthorized", "接口令牌已被吊销。")
    refused = Event.objects.get(code="api.token_refused")
    assert (refused.outcome, refused.username, refused.after["message"]) == ("denied", "reporter", "接口令牌已被吊销。")
    assert refused.after["path"] == "/api/v1/me"
    assert Event.objects.filter(code="api.token_revoked", username="secadmin").count() == 1


def test_a_read_token_may_not_write(cast, client):
    secret = issue(cast.reporter, scopes=["read"])
    assert client.get("/api/v1/me", **bearer(secret)).status_code == 200
    # The scope is checked with the token, before any route runs: every write method is refused the same way.
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        with pytest.raises(tokens.TokenError) as refused:
            tokens.authenticate(secret, method=method, path="/api/v1/datavaluesets")
        assert (refused.value.status, str(refused.value)) == (403, "该令牌没有“写入”权限。")
    # Over HTTP, on the bulk path: refused before the body is read, nothing imported.
    body = '{"dataValues": [{"dataElement": "X", "period": "2026M07", "orgUnit": "B01", "value": "1"}]}'
    response = client.post("/api/v1/datavaluesets", body, content_type="application/json", **bearer(secret))
    assert _refusal(response) == (403, "forbidden", "该令牌没有“写入”权限。")
    write_only = issue(cast.reporter, scopes=["write"])
    status, code, detail = _refusal(client.get("/api/v1/me", **bearer(write_only)))
    assert (status, code, detail) == (403, "forbidden", "该令牌没有“读取”权限。")
    assert Event.objects.filter(code="api.token_refused", after__status=403).count() == 6


def test_a_token_of_a_deactivated_account_or_revoked_role_is_refused(cast, client):
    by_user, by_role = issue(cast.reporter), issue(cast.street_reporter)
    account_actions.set_active(cast.reporter, False, by=cast.secadmin)
    account_actions.revoke_role(cast.street_reporter.memberships.get(), by=cast.secadmin)
    for secret in (by_user, by_role):
        status, code, detail = _refusal(client.get("/api/v1/me", **bearer(secret)))
        assert (status, code, detail) == (401, "unauthorized", "令牌所属账号或角色已停用。")


def test_a_token_limited_to_a_street_reaches_its_villages_and_nothing_else(cast):
    street = tokens.issue(user=cast.office, scopes=["read"], name="街道", by=None, units=[cast.street]).token
    assert tokens.unit_ids(street) == {cast.street.pk, cast.village.pk}
    two = tokens.issue(user=cast.office, scopes=["read"], name="两个", by=None,
                       units=[cast.village, cast.other_street]).token
    assert tokens.unit_ids(two) == {cast.village.pk, cast.other_street.pk}
    whole = tokens.issue(user=cast.office, scopes=["read"], name="全区", by=None, units=[cast.district]).token
    assert len(tokens.unit_ids(whole)) == 7  # the cast's every unit
    unlimited = tokens.issue(user=cast.office, scopes=["read"], name="不限", by=None).token
    assert tokens.unit_ids(unlimited) is None


def test_the_rate_limit_is_shared_by_every_client_of_a_token(cast, settings):
    settings.API_RATE_PER_MINUTE = 3
    secret, other = issue(cast.reporter), issue(cast.reviewer)
    first, second = Client(), Client()  # two servers' worth of callers: only the database is shared
    with time_machine.travel(NOW, tick=False):
        answers = [c.get("/api/v1/me", **bearer(secret)).status_code for c in (first, second, first)]
        assert answers == [200, 200, 200]
        status, code, detail = _refusal(second.get("/api/v1/me", **bearer(secret)))
        assert (status, code) == (429, "rate_limited")
        assert "每分钟最多 3 次" in detail
        assert first.get("/api/v1/me", **bearer(other)).status_code == 200  # another token has its own count
    with time_machine.travel(NOW + datetime.timedelta(seconds=30), tick=False):  # the next minute: a new window
        assert second.get("/api/v1/me", **bearer(secret)).status_code == 200
    token = ApiToken.objects.get(digest=tokens.digest_of(secret))
    assert (token.window_count, token.last_used_at) == (1, NOW + datetime.timedelta(seconds=30))
    # Only the answered requests were audited as uses; the refused one wrote no row.
    assert Event.objects.filter(code="api.token_used", after__prefix=token.prefix).count() == 4
    assert not Event.objects.filter(code="api.token_refused").exists()


def test_a_revoked_token_is_rate_limited_too_so_its_refusals_cannot_flood_the_log(cast, client, settings):
    settings.API_RATE_PER_MINUTE = 2
    secret = issue(cast.reporter)
    tokens.revoke(ApiToken.objects.get(), by=None)
    with time_machine.travel(NOW, tick=False):
        statuses = [client.get("/api/v1/me", **bearer(secret)).status_code for _ in range(4)]
    assert statuses == [401, 401, 429, 429]
    assert Event.objects.filter(code="api.token_refused").count() == 2
    assert ApiToken.objects.get().last_used_at is None  # a refused request is no use


def test_each_use_writes_one_audit_event_with_the_request(cast, client):
    secret = issue(cast.reporter, name="发改委对接")
    before = Event.objects.filter(code="api.token_used").count()
    client.get("/api/v1/me", **bearer(secret))
    client.get("/api/v1/me?x=1", **bearer(secret))
    used = list(Event.objects.filter(code="api.token_used").order_by("id"))[before:]
    assert len(used) == 2
    token = ApiToken.objects.get()
    assert {(e.username, e.object_id, e.after["method"], e.after["path"]) for e in used} == {
        ("reporter", str(token.pk), "GET", "/api/v1/me")}
    assert (used[0].after["role"], used[0].after["unit"]) == ("reporter", "B01")  # the membership it acts as
    assert ApiToken.objects.get().last_used_at is not None


def test_an_unknown_token_writes_nothing(cast, client):
    before = Event.objects.count()
    assert client.get("/api/v1/me", **bearer("jx_abcdef0123_" + "x" * 43)).status_code == 401
    assert Event.objects.count() == before


def test_issue_refuses_a_separated_role_and_days_out_of_range(cast):
    with pytest.raises(tokens.TokenError, match="安全管理员"):
        tokens.issue(user=cast.secadmin, scopes=["read"], name="x", by=None)
    for days in (0, tokens.MAX_DAYS + 1):
        with pytest.raises(tokens.TokenError, match="有效期应为"):
            tokens.issue(user=cast.reporter, scopes=["read"], name="x", by=None, days=days)
    with pytest.raises(tokens.TokenError, match="没有可用的角色"):
        tokens.issue(user=cast.outsider, scopes=["read"], name="x", by=None)
    assert not ApiToken.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_get_exactly_the_limit(cast, settings):
    """Ten requests at once against a limit of five: each UPDATE … RETURNING reads back its own count, so exactly
    five pass (an UPDATE then a SELECT could read a count others had raised, and refuse more than it should)."""
    import threading

    from django.db import connections

    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL; the test database of the SQLite pass is one in-memory file")
    settings.API_RATE_PER_MINUTE = 5
    secret = issue(cast.reporter)
    start, answers = threading.Barrier(10), []

    def call():
        start.wait()
        try:
            tokens.authenticate(secret, method="GET", path="/api/v1/me")
            answers.append(200)
        except tokens.TokenError as error:
            answers.append(error.status)
        finally:
            connections.close_all()

    with time_machine.travel(NOW, tick=False):
        threads = [threading.Thread(target=call) for _ in range(10)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert sorted(answers) == [200] * 5 + [429] * 5
    assert ApiToken.objects.get().window_count == 10
    assert Event.objects.filter(code="api.token_used").count() == 5
