"""The security admin's token page: issue shows the secret once, the list and the token's page never again, revoke
needs a confirmation, every change is audited, and nobody else may open any of it."""

import re

import pytest
from django.urls import reverse

from jixiao.api import tokens
from jixiao.api.models import ApiToken
from jixiao.api.tests.helpers import bearer
from jixiao.audit.models import Event

pytestmark = pytest.mark.django_db
SECRET = re.compile(r"jx_[0-9a-f]{10}_[A-Za-z0-9_-]{20,}")


def _form(cast, **overrides) -> dict:
    data = {"name": "区统计局数据对接", "user": cast.assessor.pk, "membership": "", "scopes": ["read", "write"],
            "units": [cast.street.pk], "days": "30"}
    return {**data, **overrides}


def test_issuing_shows_the_secret_once_and_it_works(cast, login):
    client = login(cast.secadmin)
    response = client.post(reverse("api_tokens:create"), _form(cast))
    assert response.status_code == 200
    page = response.content.decode()
    shown = SECRET.findall(page)
    assert len(set(shown)) == 1
    secret = shown[0]
    assert "令牌只显示这一次" in page
    assert "no-store" in response["Cache-Control"]
    token = ApiToken.objects.get()
    assert (token.name, token.user, token.membership.role, token.scopes) == (
        "区统计局数据对接", cast.assessor, "assessor", "read,write")
    assert tokens.unit_ids(token) == {cast.street.pk, cast.village.pk}
    assert (token.expires_at - token.created_at).days == 30
    assert token.created_by == cast.secadmin
    event = Event.objects.get(code="api.token_created")
    assert (event.username, event.after["units"]) == ("secadmin", ["S01"])
    assert secret not in str(event.after)
    # The list and the token's own page name it by its prefix and never show the secret again.
    for url in (reverse("api_tokens:list"), reverse("api_tokens:detail", args=[token.pk])):
        text = client.get(url).content.decode()
        assert f"jx_{token.prefix}_…" in text
        assert secret not in text and not SECRET.search(text)
    # The secret shown is the token: the other system can call the API with it.
    client.logout()
    assert client.get("/api/v1/me", **bearer(secret)).json()["unit_code"] == "B02"


def test_the_form_refuses_in_chinese(cast, login):
    client = login(cast.secadmin)
    url = reverse("api_tokens:create")
    cases = [
        (_form(cast, user=cast.sysadmin.pk), "系统管理员、安全管理员、审计管理员的账号不能创建接口令牌。"),
        (_form(cast, days="0"), f"有效期应为 1–{tokens.MAX_DAYS} 天。"),
        (_form(cast, days="400"), f"有效期应为 1–{tokens.MAX_DAYS} 天。"),
        (_form(cast, scopes=[]), "请至少选择一项权限。"),
        (_form(cast, membership=cast.reporter.memberships.get().pk), "所选角色不属于该账号。"),
    ]
    for data, message in cases:
        response = client.post(url, data)
        assert response.status_code == 422, message
        page = response.content.decode()
        assert message in page
        assert not SECRET.search(page)
    assert not ApiToken.objects.exists()
    refused = Event.objects.get(code="api.token_create_refused")  # the refusal by the rule (not the form's checks)
    assert (refused.outcome, refused.after["user_name"]) == ("failure", "sysadmin")


def test_a_chosen_membership_of_an_account_with_two_roles(cast, login):
    from tests.cast import grant

    second = grant(cast.reporter, cast.street, "reviewer")
    client = login(cast.secadmin)
    response = client.post(reverse("api_tokens:create"), _form(cast, user=cast.reporter.pk, membership=second.pk,
                                                               units=[]))
    assert response.status_code == 200
    token = ApiToken.objects.get()
    assert (token.membership, tokens.unit_ids(token)) == (second, None)


def test_revoking_needs_a_confirmation_and_is_audited(cast, login):
    token = tokens.issue(user=cast.reporter, scopes=["read"], name="发改委对接", by=cast.secadmin).token
    client = login(cast.secadmin)
    url = reverse("api_tokens:revoke", args=[token.pk])
    assert client.get(url).status_code == 405
    unconfirmed = client.post(url)
    assert unconfirmed.status_code == 422
    assert "请勾选确认后再吊销。" in unconfirmed.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is None
    response = client.post(url, {"confirm": "1"})
    assert response.status_code == 302 and response["Location"] == reverse("api_tokens:list")
    token.refresh_from_db()
    assert (token.revoked_by, token.state) == (cast.secadmin, "已吊销")
    assert Event.objects.filter(code="api.token_revoked", username="secadmin").count() == 1
    listed = client.get(reverse("api_tokens:list")).content.decode()
    assert "已吊销" in listed
    detail = client.get(reverse("api_tokens:detail", args=[token.pk])).content.decode()
    assert "我确认吊销" not in detail  # nothing left to revoke
    client.post(url, {"confirm": "1"})  # again: no second event
    assert Event.objects.filter(code="api.token_revoked").count() == 1


def test_nobody_but_the_security_admin_opens_or_changes_tokens(cast, login):
    token = tokens.issue(user=cast.reporter, scopes=["read"], name="发改委对接", by=cast.secadmin).token
    for role in ("office", "leader", "reporter", "sysadmin", "auditor", "outsider"):
        client = login(getattr(cast, role))
        assert client.get(reverse("api_tokens:list")).status_code == 403
        assert client.post(reverse("api_tokens:create"), _form(cast)).status_code == 403
        assert client.post(reverse("api_tokens:revoke", args=[token.pk]), {"confirm": "1"}).status_code == 403
        client.logout()
    token.refresh_from_db()
    assert token.revoked_at is None and ApiToken.objects.count() == 1


def test_the_nav_offers_the_page_to_the_security_admin_only(cast, login):
    url = reverse("api_tokens:list")
    assert f'href="{url}"' in login(cast.secadmin).get(reverse("ui:home")).content.decode()
    assert f'href="{url}"' not in login(cast.office).get(reverse("ui:home")).content.decode()


def test_the_list_takes_the_same_queries_for_many_tokens(cast, login, django_assert_max_num_queries):
    client = login(cast.secadmin)
    tokens.issue(user=cast.reporter, scopes=["read"], name="一", by=None, units=[cast.street])
    with django_assert_max_num_queries(30) as few:
        client.get(reverse("api_tokens:list"))
    for n in range(12):
        tokens.issue(user=cast.street_reporter, scopes=["read", "write"], name=f"令牌{n}", by=None,
                     units=[cast.village])
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("api_tokens:list"))
    assert response.content.decode().count("jx_") == 13
