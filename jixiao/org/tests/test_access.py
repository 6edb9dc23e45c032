"""Every org URL × every cast role: allowed, 403 or 404 (SECURITY.md, issue 2 §8)."""

import pytest
from django.urls import reverse

from jixiao.org.models import Cadre

OFFICE_READ = {"office": 200, "leader": 200}
OFFICE_MANAGE = {"office": 200}
OWN_UNIT = {"office": 200, "leader": 200, "reporter": 200, "reviewer": 200, "assessor": 200,
            "street_reporter": 200, "supervisor": 200, "rater": 200}
ROLES = ["office", "leader", "reporter", "reviewer", "assessor", "street_reporter", "supervisor", "rater",
         "sysadmin", "secadmin", "auditor", "outsider"]


def pages(cast, cadre):
    """(method, url, {role: status}); roles not named expect 403."""
    fgw, village = cast.fgw.pk, cast.village.pk
    return [
        ("get", reverse("org:unit_tree"), OFFICE_READ),
        ("get", reverse("org:unit_detail", args=[fgw]), OFFICE_READ),
        ("get", reverse("org:unit_detail", args=[village]), OFFICE_READ),
        ("get", reverse("org:unit_export"), OFFICE_READ),
        ("get", reverse("org:cadre_list"), OFFICE_READ),
        ("get", reverse("org:cadre_export"), OFFICE_READ),
        ("get", reverse("org:cycle_list"), OFFICE_READ),
        ("get", reverse("org:unit_create"), OFFICE_MANAGE),
        ("get", reverse("org:unit_edit", args=[fgw]), OFFICE_MANAGE),
        ("get", reverse("org:unit_move", args=[fgw]), OFFICE_MANAGE),
        ("get", reverse("org:unit_retire", args=[fgw]), OFFICE_MANAGE),
        ("get", reverse("org:unit_import"), OFFICE_MANAGE),
        ("get", reverse("org:cadre_edit", args=[cadre.pk]), OFFICE_MANAGE),
        ("get", reverse("org:cycle_status", args=[cast.cycle.pk]), OFFICE_MANAGE),
        ("get", reverse("org:my_unit"), OWN_UNIT),
        # Changes: an empty POST is refused before any form is read, except for the office (422).
        ("post", reverse("org:unit_create"), {"office": 422}),
        ("post", reverse("org:unit_edit", args=[fgw]), {"office": 422}),
        ("post", reverse("org:unit_move", args=[fgw]), {"office": 422}),
        ("post", reverse("org:unit_retire", args=[fgw]), {"office": 422}),
        ("post", reverse("org:unit_import"), {"office": 422}),
        ("post", reverse("org:cadre_create", args=[fgw]), {"office": 422}),
        ("post", reverse("org:cadre_edit", args=[cadre.pk]), {"office": 422}),
        ("post", reverse("org:cadre_end", args=[cadre.pk]), {"office": 302}),
        ("post", reverse("org:cycle_create"), {"office": 422}),
        ("post", reverse("org:cycle_status", args=[cast.cycle.pk]), {"office": 302}),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(cast, login, role, django_capture_on_commit_callbacks):
    import datetime

    cadre = Cadre.objects.create(unit=cast.fgw, name="张三", post="main", title="主任",
                                 tenure_from=datetime.date(2021, 1, 1))
    client = login(getattr(cast, role))
    wrong = []
    for method, url, expected in pages(cast, cadre):
        response = getattr(client, method)(url)
        want = expected.get(role, 403)
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
