"""The whole entry form (批量填报): one save for every row, nothing written while a cell is bad, a row someone
else saved meanwhile refused alone, the same form sent twice written once."""

from decimal import Decimal

import pytest
from django.urls import reverse

from jixiao.audit.models import Event
from jixiao.reporting import actions
from jixiao.reporting.models import Submission, Value, ValueRevision
from jixiao.reporting.tests.builders import world

pytestmark = pytest.mark.usefixtures("frozen")


def url(cast, w):
    return reverse("reporting:save_values", args=[cast.street.pk, w["q1"].pk])


def form(w, numbers, versions=None, notes=None):
    data = {}
    for i, (item, number) in enumerate(zip(w["items"], numbers, strict=True)):
        key = item.indicator_id
        data[f"number-{key}"] = number
        data[f"note-{key}"] = (notes or {}).get(i, "")
        data[f"version-{key}"] = str((versions or {}).get(i, 0))
    return data


def stored(w):
    return {v.indicator_id: v for v in Value.objects.filter(submission__period=w["q1"])}


def test_the_entry_page_offers_the_whole_form_with_one_line_a_row(cast, login):
    w = world(cast, n_indicators=5)
    page = login(cast.street_reporter).get(reverse("reporting:entry", args=[cast.street.pk, w["q1"].pk]))
    html = page.content.decode()
    assert 'data-testid="value-grid"' in html and "保存全部" in html
    assert all(f'name="number-{item.indicator_id}"' in html for item in w["items"])


def test_one_save_writes_every_row(cast, login):
    w = world(cast, n_indicators=5)
    response = login(cast.street_reporter).post(url(cast, w), form(w, ["10", "20", "30", "", "50"], notes={0: "含新增"}))
    assert response.status_code == 302
    values = stored(w)
    assert sorted(v.number for v in values.values()) == [Decimal(10), Decimal(20), Decimal(30), Decimal(50)]
    assert values[w["items"][0].indicator_id].note == "含新增"
    assert all(v.version == 1 and v.updated_by == cast.street_reporter for v in values.values())


def test_text_in_a_number_cell_writes_nothing_and_names_the_row_keeping_every_cell(cast, login):
    w = world(cast, n_indicators=4)
    client = login(cast.street_reporter)
    response = client.post(url(cast, w), form(w, ["10", "二十", "30", "1,5"]))
    assert response.status_code == 422
    html = response.content.decode()
    code_2, code_4 = w["items"][1].indicator.code, w["items"][3].indicator.code
    assert f"第2行 {code_2}" in html and f"第4行 {code_4}" in html and "全部未保存" in html
    assert 'value="二十"' in html and 'value="10"' in html and 'value="30"' in html  # nothing typed is lost
    assert not Value.objects.exists() and not Submission.objects.exists()
    assert Event.objects.filter(code="value.save_refused", outcome="failure").exists()


def test_a_row_saved_by_someone_else_meanwhile_is_refused_alone(cast, login):
    w = world(cast, n_indicators=3)
    client = login(cast.street_reporter)
    client.post(url(cast, w), form(w, ["10", "20", "30"]))
    # A colleague saves row 2 after this clerk drew the page at version 1.
    actions.save_value(cast.street, w["q1"], w["items"][1], by=cast.street_reporter, number=Decimal(25), version=1)
    response = client.post(url(cast, w), form(w, ["11", "21", "31"], versions={0: 1, 1: 1, 2: 1}))
    assert response.status_code == 409
    html = response.content.decode()
    assert "改为“25”" in html and f"第2行 {w['items'][1].indicator.code}" in html and 'value="21"' in html
    numbers = {k: v.number for k, v in stored(w).items()}
    assert [numbers[i.indicator_id] for i in w["items"]] == [Decimal(11), Decimal(25), Decimal(31)]
    # The refused row now carries the stored version: saving again is a deliberate choice and wins.
    assert f'name="version-{w["items"][1].indicator_id}" value="2"' in html


def test_the_same_form_sent_twice_writes_once(cast, login):
    w = world(cast, n_indicators=3)
    client = login(cast.street_reporter)
    data = form(w, ["10", "20", "30"])
    assert client.post(url(cast, w), data).status_code == 302
    assert client.post(url(cast, w), data).status_code == 302  # a double click: versions 0, the rows unchanged
    assert [v.version for v in stored(w).values()] == [1, 1, 1]
    assert not ValueRevision.objects.exists()
    assert Event.objects.filter(code="value.changed").count() == 3


def test_another_units_form_answers_404(cast, login):
    w = world(cast)
    other = reverse("reporting:save_values", args=[cast.other_street.pk, w["q1"].pk])
    assert login(cast.street_reporter).post(other, form(w, ["1", "2"])).status_code == 404
    assert not Value.objects.exists()


def test_a_form_sent_after_the_period_closed_writes_nothing_and_says_why(cast, login):
    import datetime

    import time_machine

    w = world(cast, n_indicators=2)
    client = login(cast.street_reporter)
    page_drawn = form(w, ["10", "20"])  # the clerk drew the form inside the window ...
    with time_machine.travel(datetime.datetime(2026, 5, 2, 10, 0, tzinfo=datetime.UTC), tick=False):
        client = login(cast.street_reporter)
        response = client.post(url(cast, w), page_drawn, follow=True)  # ... and sends it after the window closed
    html = response.content.decode()
    assert "截止填报" in html and f"第1行 {w['items'][0].indicator.code}" in html
    assert 'data-testid="value-grid"' not in html  # the page no longer offers a form that cannot be saved
    assert not Value.objects.exists()
