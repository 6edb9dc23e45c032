"""Every org URL × every cast role: allowed, 403 or 404 (SECURITY.md, issue 2 §8)."""

import pytest
from django.urls import reverse

from jixiao.org.tests.access_cases import CASES, POSTS

ROLES = ["office", "leader", "reporter", "reviewer", "assessor", "street_reporter", "supervisor", "rater",
         "sysadmin", "secadmin", "auditor", "outsider"]


def requests(cast):
    """(method, url, allowed roles, status when allowed) for every org URL, GET pages and their POSTs."""
    result = []
    for cases in (CASES, POSTS):
        for name, case in cases.items():
            kwargs = case["kwargs"](cast) if "kwargs" in case else None
            result.append((case.get("method", "get"), reverse(name, kwargs=kwargs), case["allowed"],
                           case.get("ok", (200,))[0]))
    return result


def test_every_org_url_has_a_case():
    from django.urls import get_resolver

    names = {f"org:{p.name}" for p in get_resolver().namespace_dict["org"][1].url_patterns}
    assert names == set(CASES)


@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(cast, login, role):
    client = login(getattr(cast, role))
    wrong = []
    for method, url, allowed, ok in requests(cast):
        response = getattr(client, method)(url)
        want = ok if role in allowed else 403
        if response.status_code != want:
            wrong.append(f"{method.upper()} {url}: {response.status_code}, expected {want}")
    assert wrong == []


def test_anonymous_is_sent_to_login(client, cast):
    for url in [reverse("org:unit_tree"), reverse("org:my_unit"), reverse("org:unit_detail", args=[cast.fgw.pk])]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/")


@pytest.mark.parametrize("role", ["reporter", "street_reporter", "rater"])
def test_unit_role_requesting_another_units_page_by_id_is_refused(cast, login, role):
    client = login(getattr(cast, role))
    for unit in (cast.tjj, cast.other_street, cast.village, cast.district):
        for name in ("org:unit_detail", "org:unit_edit", "org:unit_move", "org:unit_retire"):
            assert client.get(reverse(name, args=[unit.pk])).status_code in (403, 404)


def test_missing_unit_is_404_for_the_office(cast, login):
    client = login(cast.office)
    assert client.get(reverse("org:unit_detail", args=[999999])).status_code == 404
    assert client.get(reverse("org:cadre_edit", args=[999999])).status_code == 404
    assert client.get(reverse("org:cycle_status", args=[999999])).status_code == 404


def test_leader_sees_no_change_buttons(cast, login):
    client = login(cast.leader)
    page = client.get(reverse("org:unit_detail", args=[cast.fgw.pk])).content.decode()
    assert reverse("org:unit_edit", args=[cast.fgw.pk]) not in page
    assert reverse("org:unit_import") not in client.get(reverse("org:unit_tree")).content.decode()
