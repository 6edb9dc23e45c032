"""The demo's tokens: one of each state for the page to show, and not one that a caller could use."""

import pytest
from django.urls import reverse

from jixiao.api import tokens
from jixiao.api.models import ApiToken
from jixiao.demo import build

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db, settings):
    settings.DEMO_MODE = True
    build.load(only=("org", "accounts", "api_tokens"))


def test_the_demo_shows_each_state_and_holds_no_usable_secret(demo, client, login):
    found = list(ApiToken.objects.select_related("membership").order_by("name"))
    assert sorted(t.state for t in found) == ["已吊销", "已过期", "有效"]
    for token in found:
        assert not set(token.digest) <= set("0123456789abcdef")  # no SHA-256 hex digest can equal it
        assert token.membership.user_id == token.user_id and token.membership.role not in {"security_admin"}
        # The prefix is all a caller could guess from the page; no secret built on it gets in.
        response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer jx_{token.prefix}_x")
        assert response.status_code == 401
    street = ApiToken.objects.get(name="华明街道台账系统试点")
    assert len(tokens.unit_ids(street)) > 1  # the street and its villages
    from jixiao.accounts.models import User

    page = login(User.objects.get(username="secadmin")).get(reverse("api_tokens:list")).content.decode()
    assert all(t.name in page for t in found)
