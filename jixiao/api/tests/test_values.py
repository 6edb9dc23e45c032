"""POST/GET /api/v1/datavaluesets and /api/v1/jobs: bulk values through the Excel import's rule, as the tokens'
memberships, all or nothing, idempotent, and the hostile requests of issue 19."""

import datetime
import io
import json
from decimal import Decimal

import pytest
import time_machine

from jixiao.api import exchange
from jixiao.api.models import ExchangeJob, JobState, ValueTombstone
from jixiao.api.tests.helpers import bearer, issue
from jixiao.audit.models import Event
from jixiao.reporting import actions
from jixiao.reporting.models import Value, ValueRevision
from jixiao.reporting.tests.builders import IN_Q1_WINDOW, fill, world

pytestmark = pytest.mark.django_db
URL = "/api/v1/datavaluesets"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(IN_Q1_WINDOW, tick=False):
        yield


@pytest.fixture
def w(cast):
    w = world(cast)
    w["codes"] = [item.indicator.code for item in w["items"]]
    return w


def values(*rows, period="2026Q1"):
    return {"dataValues": [{"dataElement": de, "period": period, "orgUnit": ou, "value": v} for ou, de, v in rows]}


def post(client, secret, body, *, content_type="application/json", query="", **headers):
    data = json.dumps(body) if isinstance(body, dict) else body
    return client.post(f"{URL}{query}", data=data, content_type=content_type, **bearer(secret), **headers)


def numbers():
    return sorted((v.unit.code, v.indicator.code, v.number) for v in Value.objects.select_related("unit", "indicator"))


def test_reporter_imports_json_and_a_second_import_updates_with_a_revision(cast, w, client):
    secret = issue(cast.street_reporter)
    a, b = w["codes"]
    first = post(client, secret, values(("S01", a, "120"), ("S01", b, "80.5")))
    assert first.status_code == 200, first.content
    body = first.json()
    assert (body["status"], body["importCount"]) == ("SUCCESS", {"imported": 2, "updated": 0, "ignored": 0,
                                                                 "deleted": 0})
    assert numbers() == [("S01", a, Decimal(120)), ("S01", b, Decimal("80.5"))]
    assert Event.objects.filter(code="values.imported").count() == 1
    second = post(client, secret, values(("S01", a, "130"), ("S01", b, "80.5")))
    assert second.json()["importCount"] == {"imported": 0, "updated": 1, "ignored": 1, "deleted": 0}
    revision = ValueRevision.objects.get()
    assert (revision.old_number, revision.new_number, revision.source) == (Decimal(120), Decimal(130), "api")


def test_csv_with_any_case_header_and_adx_with_iso_periods(cast, w, client):
    secret = issue(cast.street_reporter)
    a, b = w["codes"]
    csv_body = f"DataElement,Period,OrgUnit,Value,Comment\n{a},2026Q1,S01,11,\"说明,含逗号\"\n"
    response = post(client, secret, csv_body, content_type="text/csv")
    assert response.json()["importCount"]["imported"] == 1, response.content
    assert Value.objects.get(indicator__code=a).note == "说明,含逗号"
    adx = (f'<adx xmlns="urn:ihe:qrph:adx:2015"><group orgUnit="S01" period="2026-01-01/P3M" dataSet="Q">'
           f'<dataValue dataElement="{b}" value="22"/></group></adx>')
    response = post(client, secret, adx, content_type="application/adx+xml")
    assert response.json()["importCount"]["imported"] == 1, response.content
    assert numbers() == [("S01", a, Decimal(11)), ("S01", b, Decimal(22))]


def test_adx_with_an_unknown_period_form_names_it_and_writes_nothing(cast, w, client):
    secret = issue(cast.street_reporter)
    a, b = w["codes"]
    adx = (f'<adx><group orgUnit="S01" period="2026-01-01/P3M"><dataValue dataElement="{a}" value="1"/></group>'
           f'<group orgUnit="S01" period="2026W07"><dataValue dataElement="{b}" value="2"/></group></adx>')
    body = post(client, secret, adx, content_type="application/adx+xml").json()
    assert body["status"] == "ERROR"
    assert [(c["line"], c["object"], c["code"], c["value"]) for c in body["conflicts"]] == [
        (2, "period", "E_PERIOD_FORMAT", "2026W07")]
    assert "2026W07" in body["conflicts"][0]["message"]
    assert not Value.objects.exists()
    assert Event.objects.filter(code="api.values_refused").count() == 1


def test_adx_with_a_doctype_is_refused_before_parsing(cast, w, client):
    adx = '<?xml version="1.0"?><!DOCTYPE adx [<!ENTITY x "1">]><adx><group orgUnit="S01" period="2026Q1"/></adx>'
    response = post(client, issue(cast.street_reporter), adx, content_type="application/adx+xml")
    assert (response.status_code, response.json()["code"]) == (400, "E_XML")


def test_dry_run_reports_what_would_happen_and_writes_nothing(cast, w, client):
    a, b = w["codes"]
    body = post(client, issue(cast.street_reporter), values(("S01", a, "1"), ("S01", b, "2")),
                query="?dryRun=true").json()
    assert (body["status"], body["dryRun"], body["importCount"]["imported"]) == ("SUCCESS", True, 2)
    assert not Value.objects.exists()
    assert not Event.objects.filter(code="values.imported").exists()


def test_one_bad_row_stops_the_import_and_is_named_with_its_line_and_code(cast, w, client):
    a, b = w["codes"]
    body = post(client, issue(cast.street_reporter),
                values(("S01", a, "1"), ("S01", b, "12,34"), ("S01", "NOPE", "3"), ("S01", a, "4"))).json()
    assert body["status"] == "ERROR"
    assert [(c["line"], c["code"]) for c in body["conflicts"]] == [
        (2, "E_VALUE_INVALID"), (3, "E_INDICATOR_UNKNOWN"), (4, "E_DUPLICATE")]
    assert body["importCount"] == {"imported": 0, "updated": 0, "ignored": 4, "deleted": 0}
    assert not Value.objects.exists()


def test_strategies_create_and_update_ignore_with_warnings(cast, w, client):
    secret = issue(cast.street_reporter)
    a, b = w["codes"]
    post(client, secret, values(("S01", a, "1")))
    created = post(client, secret, values(("S01", a, "5"), ("S01", b, "6")), query="?importStrategy=create").json()
    assert created["status"] == "WARNING"
    assert created["importCount"] == {"imported": 1, "updated": 0, "ignored": 1, "deleted": 0}
    assert [(c["line"], c["code"]) for c in created["conflicts"]] == [(1, "E_VALUE_EXISTS")]
    assert numbers() == [("S01", a, Decimal(1)), ("S01", b, Decimal(6))]
    Value.objects.filter(indicator__code=b).delete()
    updated = post(client, secret, values(("S01", a, "7"), ("S01", b, "8")), query="?importStrategy=UPDATE").json()
    assert updated["importCount"] == {"imported": 0, "updated": 1, "ignored": 1, "deleted": 0}
    assert [(c["line"], c["code"]) for c in updated["conflicts"]] == [(2, "E_VALUE_MISSING")]
    assert numbers() == [("S01", a, Decimal(7))]
    bad = post(client, secret, values(("S01", a, "7")), query="?importStrategy=merge")
    assert bad.status_code == 400 and "导入策略" in bad.json()["detail"]


def test_delete_clears_with_a_revision_and_a_tombstone_and_the_delta_export_reports_it(cast, w, client):
    secret = issue(cast.street_reporter)
    a, b = w["codes"]
    post(client, secret, values(("S01", a, "1"), ("S01", b, "2")))
    before = datetime.datetime.now(datetime.UTC)
    with time_machine.travel(IN_Q1_WINDOW + datetime.timedelta(minutes=5), tick=False):
        body = post(client, secret, values(("S01", a, None)), query="?importStrategy=delete").json()
    assert (body["status"], body["importCount"]["deleted"]) == ("SUCCESS", 1)
    cleared = Value.objects.get(indicator__code=a)
    assert (cleared.number, cleared.text) == (None, "")
    assert ValueRevision.objects.get().old_number == Decimal(1)
    assert ValueTombstone.objects.get().indicator.code == a
    assert Event.objects.filter(code="api.values_deleted").count() == 1
    exported = client.get(URL, {"updatedAfter": before.isoformat()}, **bearer(secret)).json()
    assert exported["dataValues"] == []
    assert [(d["dataElement"], d["period"], d["orgUnit"]) for d in exported["deletions"]] == [(a, "2026Q1", "S01")]
    everything = client.get(URL, **bearer(secret)).json()
    assert [(v["dataElement"], v["value"]) for v in everything["dataValues"]] == [(b, "2")]


def test_a_verified_value_cannot_be_deleted(cast, w, client):
    a, _b = w["codes"]
    post(client, issue(cast.assessor), values(("S01", a, "9")))  # an assessor's figure arrives verified
    assert Value.objects.get().verified_at is not None
    body = post(client, issue(cast.assessor), values(("S01", a, None)), query="?importStrategy=delete").json()
    assert [c["code"] for c in body["conflicts"]] == ["E_VALUE_VERIFIED"] and body["status"] == "ERROR"
    assert Value.objects.get().number == Decimal(9)
    assert not ValueTombstone.objects.exists()


def test_the_write_rule_of_the_page_refuses_a_submitted_unit(cast, w, client):
    a, b = w["codes"]
    fill(cast, cast.street, w["q1"], w["items"], by=cast.street_reporter)
    sub = Value.objects.first().submission
    actions.submit(sub, by=cast.street_reporter)
    body = post(client, issue(cast.street_reporter), values(("S01", a, "555"))).json()
    assert body["status"] == "ERROR"
    assert [(c["line"], c["code"]) for c in body["conflicts"]] == [(1, "E_WRITE_REFUSED")]
    assert "不能修改" in body["conflicts"][0]["message"]
    assert Value.objects.get(indicator__code=a).number == Decimal(100)


def test_a_payload_with_another_units_rows_writes_nothing(cast, w, client):
    a, b = w["codes"]
    body = post(client, issue(cast.street_reporter), values(("S01", a, "1"), ("S02", b, "2"))).json()
    assert [(c["line"], c["object"], c["code"]) for c in body["conflicts"]] == [(2, "orgUnit", "E_UNIT_SCOPE")]
    body = post(client, issue(cast.assessor), values(("S01", a, "1"), ("B01", b, "2"), ("X99", b, "3"))).json()
    assert [(c["line"], c["code"]) for c in body["conflicts"]] == [(2, "E_UNIT_SCOPE"), (3, "E_UNIT_UNKNOWN")]
    assert not Value.objects.exists()


def test_a_payload_with_another_districts_units_writes_nothing(cast, w, client):
    """One installation serving two districts: a district's assessor cannot write a street of the other."""
    from jixiao.org.models import Unit, UnitKind

    other = Unit.objects.create(code="D02", name="邻区", kind=UnitKind.DISTRICT)
    Unit.objects.create(code="T01", name="邻区街道", kind=UnitKind.STREET, parent=other)
    a, _b = w["codes"]
    body = post(client, issue(cast.assessor), values(("S01", a, "1"), ("T01", a, "2"))).json()
    assert body["status"] == "ERROR"
    assert [(c["line"], c["object"], c["code"]) for c in body["conflicts"]] == [(2, "orgUnit", "E_UNIT_SCOPE")]
    assert "T01" in body["conflicts"][0]["message"]
    assert not Value.objects.exists()


def test_assessor_writes_its_units_within_the_token_subtree(cast, w, client):
    a, b = w["codes"]
    limited = issue(cast.assessor, units=[cast.street])
    body = post(client, limited, values(("S01", a, "1"), ("S02", a, "2"))).json()
    assert [(c["line"], c["code"]) for c in body["conflicts"]] == [(2, "E_UNIT_TOKEN_SCOPE")]
    assert not Value.objects.exists()
    body = post(client, issue(cast.assessor), values(("S01", a, "1"), ("S02", a, "2"))).json()
    assert body["importCount"]["imported"] == 2
    assert all(v.verified_at is not None for v in Value.objects.all())


@pytest.mark.parametrize("who", ["reviewer", "leader", "office", "supervisor"])
def test_roles_that_do_not_enter_values_are_refused(cast, w, client, who):
    a, _b = w["codes"]
    response = post(client, issue(getattr(cast, who)), values(("S01", a, "1")))
    assert (response.status_code, response.json()["code"]) == (403, "forbidden")
    assert not Value.objects.exists()


def test_read_only_expired_and_revoked_tokens_are_refused(cast, w, client):
    from jixiao.api import tokens
    from jixiao.api.models import ApiToken

    a, _b = w["codes"]
    assert post(client, issue(cast.street_reporter, scopes=["read"]), values(("S01", a, "1"))).status_code == 403
    expired = issue(cast.street_reporter, days=1)
    with time_machine.travel(IN_Q1_WINDOW + datetime.timedelta(days=2), tick=False):
        response = post(client, expired, values(("S01", a, "1")))
    assert response.status_code == 401 and "过期" in response.json()["detail"]
    revoked = issue(cast.street_reporter, name="吊销")
    tokens.revoke(ApiToken.objects.get(name="吊销"), by=cast.secadmin)
    assert post(client, revoked, values(("S01", a, "1"))).status_code == 401
    assert client.post(URL, data="{}", content_type="application/json").status_code == 401
    assert not Value.objects.exists()


def test_idempotency_key_replays_the_first_summary_and_refuses_another_body(cast, w, client):
    secret = issue(cast.street_reporter)
    a, b = w["codes"]
    first = post(client, secret, values(("S01", a, "1")), HTTP_IDEMPOTENCY_KEY="k-1")
    again = post(client, secret, values(("S01", a, "1")), HTTP_IDEMPOTENCY_KEY="k-1")
    assert again.status_code == 200 and again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json() and first.json()["importCount"]["imported"] == 1
    assert "Idempotent-Replayed" not in first
    assert Event.objects.filter(code="values.imported").count() == 1
    other = post(client, secret, values(("S01", a, "2")), HTTP_IDEMPOTENCY_KEY="k-1")
    assert (other.status_code, other.json()["code"]) == (409, "conflict")
    dry = post(client, secret, values(("S01", a, "1")), query="?dryRun=true", HTTP_IDEMPOTENCY_KEY="k-1")
    assert dry.status_code == 409  # the same body asked another way is another request
    assert ExchangeJob.objects.filter(idempotency_key="k-1").count() == 1
    # Keys are per account: another user's same key is their own.
    mine = post(client, issue(cast.assessor), values(("S02", b, "3")), HTTP_IDEMPOTENCY_KEY="k-1")
    assert mine.json()["importCount"]["imported"] == 1


@pytest.mark.parametrize("body, code", [
    ("dataelement,period,orgunit,value\nE202600,2026Q1,S01,\"12", "E_CSV_TRUNCATED"),
    ("dataelement,period,orgunit,value\nE202600,2026Q1,S01,12\nE202601,2026Q1", "E_CSV_TRUNCATED"),
    ("period,orgunit,value\n2026Q1,S01,12\n", "E_CSV_HEADER"),
])
def test_a_truncated_or_headless_csv_is_refused_whole(cast, w, client, body, code):
    response = post(client, issue(cast.street_reporter), body, content_type="text/csv")
    assert (response.status_code, response.json()["code"]) == (400, code)
    assert "未写入" in response.json()["detail"] or code == "E_CSV_HEADER"
    assert not Value.objects.exists()


def test_truncated_json_and_unknown_content_type(cast, w, client):
    secret = issue(cast.street_reporter)
    response = post(client, secret, '{"dataValues": [{"dataElement": "E202600", "period": "2026Q1"', )
    assert (response.status_code, response.json()["code"]) == (400, "E_JSON")
    response = post(client, secret, "x", content_type="application/pdf")
    assert (response.status_code, response.json()["code"]) == (415, "E_CONTENT_TYPE")


def test_a_client_that_disconnects_mid_upload_writes_nothing(cast, w, client):
    a, _b = w["codes"]
    full = json.dumps(values(("S01", a, "1"))).encode()
    short = full[: len(full) // 2]
    response = client.post(URL, data=full, content_type="application/json", **bearer(issue(cast.street_reporter)),
                           **{"wsgi.input": io.BytesIO(short)})
    assert (response.status_code, response.json()["code"]) == (400, "E_INCOMPLETE")

    class Dropped(io.RawIOBase):
        def read(self, size=-1):
            raise ConnectionResetError("peer went away")

    response = client.post(URL, data=full, content_type="application/json", **bearer(issue(cast.street_reporter)),
                           **{"wsgi.input": Dropped()})
    assert (response.status_code, response.json()["code"]) == (400, "E_INCOMPLETE")
    assert not Value.objects.exists() and not ExchangeJob.objects.exists()


def test_a_big_payload_runs_as_a_job_with_a_status_url(cast, w, client, django_capture_on_commit_callbacks):
    secret = issue(cast.street_reporter)
    a, b = w["codes"]
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, secret, values(("S01", a, "1"), ("S01", b, "2")), query="?async=true")
    assert response.status_code == 202, response.content
    url = response.json()["status_url"]
    assert url == f"/api/v1/jobs/{response.json()['jobId']}" and response["Location"] == url
    job = client.get(url, **bearer(secret)).json()
    assert (job["state"], job["summary"]["importCount"]["imported"]) == ("done", 2)
    assert ExchangeJob.objects.get().payload is None
    assert numbers() == [("S01", a, Decimal(1)), ("S01", b, Decimal(2))]
    other = client.get(url, **bearer(issue(cast.assessor)))
    assert other.status_code == 404


def test_a_queued_job_is_replayed_as_queued(cast, w, client):
    secret = issue(cast.street_reporter)
    a, _b = w["codes"]
    first = post(client, secret, values(("S01", a, "1")), query="?async=true", HTTP_IDEMPOTENCY_KEY="big")
    again = post(client, secret, values(("S01", a, "1")), query="?async=true", HTTP_IDEMPOTENCY_KEY="big")
    assert (first.status_code, again.status_code) == (202, 202)
    assert again.json()["jobId"] == first.json()["jobId"] and again["Idempotent-Replayed"] == "true"
    assert ExchangeJob.objects.get().state == JobState.QUEUED  # on_commit never ran: the test's transaction


def test_delta_export_shows_what_the_page_shows_in_pages(cast, w, client):
    a, b = w["codes"]
    post(client, issue(cast.assessor), values(("S01", a, "1"), ("S02", a, "2")))
    with time_machine.travel(IN_Q1_WINDOW + datetime.timedelta(hours=1), tick=False):
        post(client, issue(cast.assessor), values(("S01", b, "3")))
    mine = client.get(URL, **bearer(issue(cast.street_reporter))).json()
    assert sorted((v["orgUnit"], v["dataElement"]) for v in mine["dataValues"]) == [("S01", a), ("S01", b)]
    assert client.get(URL, **bearer(issue(cast.reporter))).json()["dataValues"] == []  # 发改委 sees no street
    secret = issue(cast.assessor)
    later = client.get(URL, {"updatedAfter": "2026-04-02T10:30:00Z"}, **bearer(secret)).json()
    assert [(v["orgUnit"], v["dataElement"], v["value"]) for v in later["dataValues"]] == [("S01", b, "3")]
    page = client.get(URL, {"limit": 2}, **bearer(secret)).json()
    assert len(page["dataValues"]) == 2 and page["next"]
    rest = client.get(URL, {"limit": 2, "cursor": page["next"]}, **bearer(secret)).json()
    assert [v["dataElement"] for v in rest["dataValues"]] == [b] and rest["next"] is None
    csv_text = client.get(URL, {"format": "csv", "orgUnit": "S02"}, **bearer(secret)).content.decode()
    assert csv_text.splitlines() == ["dataelement,period,orgunit,value,comment,lastupdated,deleted",
                                     f"{a},2026Q1,S02,2,,2026-04-02T10:00:00+00:00,"]
    assert client.get(URL, {"period": "2026-01-01/P3M", "dataElement": b}, **bearer(secret)).json()[
        "dataValues"][0]["value"] == "3"
    limited = client.get(URL, **bearer(issue(cast.assessor, units=[cast.other_street]))).json()
    assert {v["orgUnit"] for v in limited["dataValues"]} == {"S02"}
    for bad in ({"updatedAfter": "yesterday"}, {"cursor": "!!"}, {"period": "2026W01"}):
        response = client.get(URL, bad, **bearer(secret))
        assert response.status_code == 400 and response.json()["detail"]


@pytest.mark.parametrize("text, expected", [
    ("2026M07", (2026, "M07")), ("2026Q3", (2026, "Q3")), ("2026H1", (2026, "H1")), ("2026Y", (2026, "Y")),
    ("202607", (2026, "M07")), ("2026S2", (2026, "H2")), ("2026", (2026, "Y")),
    ("2026-07-01/P1M", (2026, "M07")), ("2026-07-01/P3M", (2026, "Q3")), ("2026-07-01/P6M", (2026, "H2")),
    ("2026-01-01/P1Y", (2026, "Y")),
])
def test_period_forms(text, expected):
    assert exchange.parse_period(text) == expected


@pytest.mark.parametrize("text", ["2026-02-01/P3M", "2026-07-15/P1M", "2026W07", "2026-07-01/P2M", "", "26Q1"])
def test_unknown_or_partial_periods_are_refused(text):
    with pytest.raises(exchange.PeriodProblem):
        exchange.parse_period(text)


def test_the_connector_entry_point_imports_data_values(cast, w):
    a, _b = w["codes"]
    user = cast.assessor
    summary = exchange.import_rows([exchange.DataValue(a, "2026-01-01/P3M", "S02", "42.5", line=7)], user=user,
                                   source="nbs")
    assert summary["importCount"]["imported"] == 1
    assert Value.objects.get().number == Decimal("42.5")
    with pytest.raises(exchange.ExchangeError):
        exchange.import_rows([], user=cast.leader)


def test_a_bad_row_of_another_period_stops_the_good_period_too(cast, w, client):
    a, b = w["codes"]
    body = post(client, issue(cast.street_reporter),
                {"dataValues": [{"dataElement": a, "period": "2026Q1", "orgUnit": "S01", "value": "1"},
                                {"dataElement": b, "period": "2027Q1", "orgUnit": "S01", "value": "2"}]}).json()
    assert [(c["line"], c["code"]) for c in body["conflicts"]] == [(2, "E_PERIOD_UNKNOWN")]
    assert body["status"] == "ERROR" and not Value.objects.exists()


def test_a_body_over_the_upload_limit_is_refused_with_413(cast, w, client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    a, _b = w["codes"]
    body = values(*[("S01", a, str(i)) for i in range(100)])
    response = post(client, issue(cast.street_reporter), body)
    assert (response.status_code, response.json()["code"]) == (413, "too_large")
    assert not Value.objects.exists()


def test_a_job_whose_token_was_revoked_meanwhile_writes_nothing(cast, w, client):
    from jixiao.api import tokens
    from jixiao.api.models import ApiToken

    a, _b = w["codes"]
    secret = issue(cast.street_reporter)
    job_id = post(client, secret, values(("S01", a, "1")), query="?async=true").json()["jobId"]
    tokens.revoke(ApiToken.objects.get(), by=cast.secadmin)
    job = exchange.run_job(job_id)
    assert (job.state, job.summary["status"]) == (JobState.DONE, "ERROR")
    assert "吊销" in job.summary["description"] and not Value.objects.exists()


def test_a_job_that_crashes_is_marked_failed(cast, w, client, monkeypatch):
    a, _b = w["codes"]
    secret = issue(cast.street_reporter)
    job_id = post(client, secret, values(("S01", a, "1")), query="?async=true").json()["jobId"]

    def crash(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(exchange, "import_rows", crash)
    with pytest.raises(RuntimeError):
        exchange.run_job(job_id)
    job = client.get(f"/api/v1/jobs/{job_id}", **bearer(secret)).json()
    assert (job["state"], job["stateLabel"], job["summary"]) == ("failed", "失败", None)
    assert not Value.objects.exists()


def test_a_leader_exports_verified_figures_unless_asking_for_all_as_on_the_page(cast, w, client):
    a, b = w["codes"]
    post(client, issue(cast.assessor), values(("S01", a, "1")))  # verified on arrival
    post(client, issue(cast.street_reporter), values(("S01", b, "2")))  # not verified yet
    secret = issue(cast.leader)
    shown = client.get(URL, **bearer(secret)).json()["dataValues"]
    assert [(v["dataElement"], v["verified"]) for v in shown] == [(a, True)]
    everything = client.get(URL, {"all": "true"}, **bearer(secret)).json()["dataValues"]
    assert sorted((v["dataElement"], v["verified"]) for v in everything) == [(a, True), (b, False)]
