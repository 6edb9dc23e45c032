"""Every indicators URL × every cast role: allowed, 403 or 404 (and login for anonymous visitors)."""

import pytest
from django.urls import reverse

from jixiao.indicators.tests.access_cases import CASES

ROLES = ["office", "leader", "reporter", "reviewer", "assessor", "street_reporter", "supervisor", "rater",
         "sysadmin", "secadmin", "auditor", "outsider"]


def _request(client, cast, name):
    case = CASES[name]
    url = reverse(name, kwargs=case["kwargs"](cast) if "kwargs" in case else None)
    data = case.get("data", {})
    return getattr(client, case.get("method", "get"))(url, data(cast) if callable(data) else data)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(CASES))
def test_role(name, role, cast, login):
    case = CASES[name]
    response = _request(login(getattr(cast, role)), cast, name)
    if role in case["allowed"]:
        expected = case.get("ok", (200,))
    else:
        expected = (case.get("denied_by_role", {}).get(role, case.get("denied", 403)),)
    assert response.status_code in expected, (role, name, response.status_code)


@pytest.mark.parametrize("name", sorted(CASES))
def test_anonymous_goes_to_login(name, cast, client):
    response = _request(client, cast, name)
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_every_indicators_url_has_a_case():
    from django.urls import get_resolver

    names = {f"indicators:{n}" for n in get_resolver().namespace_dict["indicators"][1].reverse_dict
             if isinstance(n, str)}
    assert names == set(CASES)
