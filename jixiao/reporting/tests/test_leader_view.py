"""Leaders see only verified figures unless they choose otherwise, on every reporting page they reach."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from jixiao.lib.excel import read_workbook
from jixiao.reporting.models import Value
from jixiao.reporting.tests.builders import fill, history, world

pytestmark = pytest.mark.usefixtures("frozen")
UNVERIFIED, LAST_YEAR_UNVERIFIED, VERIFIED = "97531", "86420", "24680"


@pytest.fixture
def w(cast):
    w = world(cast)
    history(cast, w, {2025: LAST_YEAR_UNVERIFIED})
    Value.objects.filter(cycle__year=2025).update(verified_at=None)  # last year's Q1, still unverified
    fill(cast, cast.street, w["q1"], w["items"], cast.street_reporter, numbers=[UNVERIFIED, VERIFIED])
    Value.objects.filter(number=Decimal(VERIFIED)).update(
        verified_at=datetime.datetime(2026, 4, 1, tzinfo=datetime.UTC))
    return w


def test_entry_page_hides_unverified_figures_including_the_comparisons(cast, w, login):
    url = reverse("reporting:entry", args=[cast.street.pk, w["q1"].pk])
    page = login(cast.leader).get(url).content.decode()
    assert VERIFIED in page and UNVERIFIED not in page and LAST_YEAR_UNVERIFIED not in page
    assert reverse("reporting:unit_template", args=[cast.street.pk, w["q1"].pk]) not in page
    chosen = login(cast.leader).get(url + "?all=1").content.decode()
    assert UNVERIFIED in chosen and LAST_YEAR_UNVERIFIED in chosen
    # The unit itself sees everything.
    assert LAST_YEAR_UNVERIFIED in login(cast.street_reporter).get(url).content.decode()


def test_history_of_an_unverified_value_waits_for_the_leaders_choice(cast, w, login):
    value = Value.objects.get(number=Decimal(UNVERIFIED))
    url = reverse("reporting:value_history", args=[value.pk])
    client = login(cast.leader)
    for template in ({}, {"HTTP_HX_REQUEST": "true"}):
        page = client.get(url, **template).content.decode()
        assert UNVERIFIED not in page and "该数值尚未核定" in page
    assert UNVERIFIED in client.get(url + "?all=1").content.decode()


def test_board_export_timeliness_and_template_show_no_unverified_figure(cast, w, login):
    client = login(cast.leader)
    query = f"?cycle=2026&period={w['q1'].pk}"
    for name in ("reporting:board", "reporting:timeliness", "reporting:home"):
        page = client.get(reverse(name) + query).content.decode()
        assert UNVERIFIED not in page and LAST_YEAR_UNVERIFIED not in page, name
    export = client.get(reverse("reporting:board_export") + query)
    cells = {str(c) for rows in read_workbook(export.content, 10 * 1024 * 1024).values() for r in rows for c in r}
    assert not any(UNVERIFIED in c for c in cells)
    template = reverse("reporting:unit_template", args=[cast.street.pk, w["q1"].pk])
    assert client.get(template).status_code == 403


def test_evidence_of_an_unverified_value_waits_for_the_leaders_choice(cast, w, login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from jixiao.audit.models import Event
    from jixiao.reporting import actions

    files = {}
    for number in (UNVERIFIED, VERIFIED):
        value = Value.objects.get(number=Decimal(number))
        upload = SimpleUploadedFile(f"{number}.pdf", b"%PDF-1.4 " + number.encode())
        files[number] = reverse("reporting:evidence",
                                args=[actions.attach_evidence(value, upload, by=cast.street_reporter).pk])
    client = login(cast.leader)
    # Guessing the id of a file of an unverified value gets nothing, and the attempt is on record.
    assert client.get(files[UNVERIFIED]).status_code == 404
    assert Event.objects.filter(code="reporting.access_refused", object_repr__startswith="reporting.Evidence").exists()
    assert client.get(files[VERIFIED]).status_code == 200
    # Once the leader chose to see unverified data, the page links the file with that choice and it downloads.
    entry = reverse("reporting:entry", args=[cast.street.pk, w["q1"].pk])
    assert files[UNVERIFIED] not in client.get(entry).content.decode()
    assert files[UNVERIFIED] + "?all=1" in client.get(entry + "?all=1").content.decode()
    assert client.get(files[UNVERIFIED] + "?all=1").status_code == 200
    # The unit itself downloads its files as before.
    assert login(cast.street_reporter).get(files[UNVERIFIED]).status_code == 200
