"""The API answers a token as the membership it was issued for, and refuses any other caller in Chinese."""

import pytest
from django.core.management import call_command

from jixiao.api.tests.helpers import bearer, issue

pytestmark = pytest.mark.django_db


def test_me_names_the_token_membership(cast, client):
    secret = issue(cast.reporter)
    response = client.get("/api/v1/me", **bearer(secret))
    assert response.status_code == 200
    body = response.json()
    assert (body["username"], body["role"], body["unit_code"]) == ("reporter", "reporter", "B01")
    assert body["scopes"] == ["read", "write"]


def test_no_token_and_a_wrong_token_are_refused_in_chinese(cast, client):
    assert client.get("/api/v1/me").json()["detail"].startswith("缺少接口令牌")
    wrong = client.get("/api/v1/me", **bearer("jx_0000000000_nothing"))
    assert (wrong.status_code, wrong.json()["code"]) == (401, "unauthorized")
    assert "无效" in wrong.json()["detail"]
    assert "无效".encode() in wrong.content  # UTF-8 as it reads, not \\u escapes
    assert wrong["Content-Type"] == "application/json; charset=utf-8"


def test_command_prints_a_token_that_works(cast, client, capsys):
    call_command("create_api_token", "--user", "assessor", "--scope", "read", "--days", "7")
    secret = capsys.readouterr().out.strip()
    assert secret.startswith("jx_")
    assert client.get("/api/v1/me", **bearer(secret)).json()["scopes"] == ["read"]


def test_openapi_document_is_served(cast, client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert "/api/v1/me" in response.json()["paths"]
