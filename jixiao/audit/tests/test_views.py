"""The audit admin's pages: who may open them, what the search finds, and what the export writes."""

import datetime
import io

import openpyxl
import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jixiao.audit import context, log
from jixiao.audit.models import Event, Outcome
from jixiao.audit.tests import tamper

OTHER_ROLES = ["office", "leader", "reporter", "reviewer", "assessor", "street_reporter", "supervisor", "rater",
               "sysadmin", "secadmin", "outsider"]


def as_actor(user, role="", unit_code="", ip=None):
    return context.bind(context.Actor(user_id=user.pk if user else None, username=user.username if user else "",
                                      role=role, unit_code=unit_code, ip=ip, request_id="r"))


@pytest.fixture
def sample(cast):
    """A few events at known Beijing dates, written by different people."""
    events = {}
    moments = {
        # 2026-03-01 23:30 in Beijing is still 15:30 UTC on 1 March...
        "login": datetime.datetime(2026, 3, 1, 15, 30, tzinfo=datetime.UTC),
        # ...while 2026-03-02 00:30 in Beijing is 16:30 UTC on 1 March.
        "unit": datetime.datetime(2026, 3, 1, 16, 30, tzinfo=datetime.UTC),
        "failed": datetime.datetime(2026, 3, 5, 2, 0, tzinfo=datetime.UTC),
        "grant": datetime.datetime(2026, 3, 6, 2, 0, tzinfo=datetime.UTC),
    }
    with time_machine.travel(moments["login"], tick=False):
        token = as_actor(cast.reporter, "reporter", "B01", "10.0.0.8")
        events["login"] = log.record("auth.login", cast.reporter)
        context.reset(token)
    with time_machine.travel(moments["unit"], tick=False):
        token = as_actor(cast.office, "office_admin", "B00")
        events["unit"] = log.record("unit.updated", cast.fgw, before={"name": "旧名"}, after={"name": "新名"})
        context.reset(token)
    with time_machine.travel(moments["failed"], tick=False):
        events["failed"] = log.record("auth.login_failed", outcome=Outcome.FAILURE, object_repr="=cmd|' /C calc'!A0")
    with time_machine.travel(moments["grant"], tick=False):
        token = as_actor(cast.secadmin, "security_admin", "D01")
        events["grant"] = log.record("membership.granted", cast.fgw, object_repr="+区发改委 · 填报员",
                                     after={"role": "reporter", "note": "@SUM(A1)"})
        context.reset(token)
    return events


URLS = [
    ("get", lambda s: reverse("audit:event_list")),
    ("get", lambda s: reverse("audit:event_detail", args=[s["unit"].pk])),
    ("get", lambda s: reverse("audit:chain_status")),
    ("post", lambda s: reverse("audit:event_export")),
]


@pytest.mark.parametrize(("method", "url"), URLS)
def test_the_audit_admin_may_open_every_page(cast, login, sample, method, url):
    response = getattr(login(cast.auditor), method)(url(sample))
    assert response.status_code == 200


@pytest.mark.parametrize(("method", "url"), URLS)
@pytest.mark.parametrize("who", OTHER_ROLES)
def test_everyone_else_is_refused(cast, login, sample, method, url, who):
    before = Event.objects.count()
    response = getattr(login(getattr(cast, who)), method)(url(sample))
    assert response.status_code == 403
    assert Event.objects.count() == before  # a refused export writes nothing


@pytest.mark.parametrize(("method", "url"), URLS)
def test_anonymous_is_sent_to_login(client, sample, method, url):
    response = getattr(client, method)(url(sample))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_a_missing_event_is_404_for_the_audit_admin(cast, login, db):
    assert login(cast.auditor).get(reverse("audit:event_detail", args=[999999])).status_code == 404


def test_export_refuses_get(cast, login, sample):
    assert login(cast.auditor).get(reverse("audit:event_export")).status_code == 405


def found(client, **params) -> list[int]:
    response = client.get(reverse("audit:event_list"), params)
    assert response.status_code == 200
    return [event.pk for event in response.context["page"].object_list]


@pytest.mark.parametrize(("params", "expected"), [
    ({}, ["grant", "failed", "unit", "login"]),
    ({"code": "auth."}, ["failed", "login"]),
    ({"code": "auth.login"}, ["login"]),  # a known code is that event, not a prefix of auth.login_failed
    ({"code": "auth.login_"}, ["failed"]),
    ({"username": "REPORTER"}, ["login"]),
    ({"unit_code": "b00"}, ["unit"]),
    ({"outcome": "failure"}, ["failed"]),
    ({"object_type": "org.Unit"}, ["grant", "unit"]),
    ({"object_type": "org.unit", "object_id": "__fgw__"}, ["grant", "unit"]),
    ({"object_type": "accounts.User", "object_id": "__reporter__"}, ["login"]),
    ({"date_from": "2026-03-02"}, ["grant", "failed", "unit"]),
    ({"date_to": "2026-03-01"}, ["login"]),
    ({"date_from": "2026-03-02", "date_to": "2026-03-05"}, ["failed", "unit"]),
    ({"q": "区发"}, ["grant", "unit"]),
    ({"code": "membership.", "q": "填报员", "username": "secadmin"}, ["grant"]),
])
def test_the_search_filters(cast, login, sample, params, expected):
    ids = {"__fgw__": str(cast.fgw.pk), "__reporter__": str(cast.reporter.pk)}
    params = {key: ids.get(value, value) for key, value in params.items()}
    assert found(login(cast.auditor), **params) == [sample[name].pk for name in expected]


def test_a_reversed_date_range_is_an_error_not_a_result(cast, login, sample):
    response = login(cast.auditor).get(reverse("audit:event_list"), {"date_from": "2026-03-05", "date_to": "2026-03-01"})
    assert response.status_code == 200
    assert "开始日期不能晚于结束日期" in response.content.decode()
    assert list(response.context["page"].object_list) == []


def test_the_list_shows_chinese_labels_and_unknown_codes_as_they_are(cast, login, sample):
    log.record("scheme.published", object_repr="方案")
    html = login(cast.auditor).get(reverse("audit:event_list")).content.decode()
    assert "登录失败" in html and "授予角色" in html and "修改单位" in html
    assert "scheme.published" in html


def test_the_list_is_paginated_newest_first(cast, login, db):
    for n in range(120):
        log.record("unit.updated", object_repr=f"单位{n}")
    client = login(cast.auditor)
    first = client.get(reverse("audit:event_list")).context["page"]
    third = client.get(reverse("audit:event_list"), {"page": 3}).context["page"]
    assert len(first.object_list) == 50 and len(third.object_list) == 20
    assert first.object_list[0].object_repr == "单位119"
    assert third.object_list[-1].object_repr == "单位0"


def test_the_list_query_count_does_not_grow_with_rows(cast, login, db):
    client = login(cast.auditor)

    def queries_for(rows: int) -> int:
        for n in range(rows):
            log.record("unit.updated", cast.fgw, object_repr=f"单位{n}", after={"n": n})
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("audit:event_list"), {"code": "unit."}).status_code == 200
        return len(captured)

    few = queries_for(3)
    many = queries_for(60)
    assert few == many
    assert many <= 12


def test_the_detail_shows_the_diff_and_the_hashes(cast, login, sample):
    response = login(cast.auditor).get(reverse("audit:event_detail", args=[sample["unit"].pk]))
    html = response.content.decode()
    assert response.context["diff"] == [{"field": "name", "before": "旧名", "after": "新名", "changed": True}]
    assert "旧名" in html and "新名" in html and "table-warning" in html
    assert sample["unit"].hash in html and sample["unit"].prev_hash in html
    assert "内容与密钥签名一致" in html
    assert "2026-03-02 00:30:00" in html  # Beijing time
    assert response.context["previous"].pk == sample["login"].pk
    assert response.context["following"].pk == sample["failed"].pk


def test_the_detail_flags_a_row_whose_content_no_longer_matches(cast, login, sample):
    tamper.lift_guard()
    tamper.sql("UPDATE audit_event SET object_repr = %s WHERE id = %s", ["改过", sample["unit"].pk])
    html = login(cast.auditor).get(reverse("audit:event_detail", args=[sample["unit"].pk])).content.decode()
    assert "内容与密钥签名不符" in html


def workbook_rows(response) -> list[list]:
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)
                                             if response.streaming else response.content))
    return [list(row) for row in book.active.iter_rows(values_only=True)]


def test_export_writes_the_search_and_defuses_formulas(cast, login, sample):
    client = login(cast.auditor)
    response = client.post(reverse("audit:event_export"), {"code": "", "date_from": "2026-03-05"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]  # the log names people: never kept by a cache
    rows = workbook_rows(response)
    header, body = rows[0], rows[1:]
    assert header[:3] == ["编号", "时间（北京时间）", "用户名"]
    assert [row[0] for row in body] == [sample["grant"].pk, sample["failed"].pk]
    texts = [cell for row in body for cell in row if isinstance(cell, str)]
    assert "'=cmd|' /C calc'!A0" in texts
    assert "'+区发改委 · 填报员" in texts
    assert not any(text.startswith(("=", "+", "-", "@")) for text in texts)
    assert any('"@SUM(A1)"' in text for text in texts)  # inside the JSON of "after", so harmless
    assert body[1][1] == datetime.datetime(2026, 3, 5, 10, 0)  # Beijing time as a real date cell


def test_export_is_itself_audited(cast, login, sample):
    client = login(cast.auditor)
    client.post(reverse("audit:event_export"), {"code": "auth."})
    event = Event.objects.order_by("-id").first()
    assert event.code == "audit.exported"
    assert event.username == "auditor" and event.role == "audit_admin"
    assert event.after == {"filters": {"code": "auth."}, "rows": 2}
    assert log.verify_chain().intact


def test_reading_pages_is_not_audited(cast, login, sample):
    client = login(cast.auditor)
    before = Event.objects.count()
    client.get(reverse("audit:event_list"))
    client.get(reverse("audit:event_detail", args=[sample["unit"].pk]))
    client.get(reverse("audit:chain_status"))
    assert Event.objects.count() == before


def test_export_with_a_bad_search_writes_nothing(cast, login, sample):
    before = Event.objects.count()
    response = login(cast.auditor).post(reverse("audit:event_export"), {"date_from": "not a date"})
    assert response.status_code == 302
    assert Event.objects.count() == before


def test_export_refuses_more_than_the_cap(cast, login, sample, monkeypatch):
    from jixiao.audit import export

    monkeypatch.setattr(export, "MAX_ROWS", 3)
    response = login(cast.auditor).post(reverse("audit:event_export"), {"code": ""}, follow=True)
    assert "超过单次导出上限 3 条" in response.content.decode()
    assert not Event.objects.filter(code="audit.exported").exists()


def test_chain_page_says_intact(cast, login, sample):
    response = login(cast.auditor).get(reverse("audit:chain_status"))
    html = response.content.decode()
    assert 'data-testid="chain-intact"' in html
    assert "已校验 4 条记录" in html
    assert "已启用" in html  # the triggers
    assert response.context["status"].ran_now


def test_chain_page_names_the_first_broken_row(cast, login, sample):
    tamper.lift_guard()
    tamper.sql("UPDATE audit_event SET username = %s WHERE id = %s", ["someone", sample["failed"].pk])
    html = login(cast.auditor).get(reverse("audit:chain_status")).content.decode()
    assert 'data-testid="chain-broken"' in html
    assert f"编号 {sample['failed'].pk}" in html
    assert "auth.login_failed" in html
    assert reverse("audit:event_detail", args=[sample["failed"].pk]) in html
    assert "未启用" in html  # the triggers were dropped by the tamperer


def test_chain_page_of_a_large_log_verifies_only_what_is_new(cast, login, sample, monkeypatch):
    monkeypatch.setattr(log, "INLINE_LIMIT", 3)
    client = login(cast.auditor)
    # More rows than the page may walk and no earlier check: it shows the state and defers to the command.
    status = client.get(reverse("audit:chain_status")).context["status"]
    assert not status.ran_now and status.check is None and status.pending == 4
    assert "verify_audit" in client.get(reverse("audit:chain_status")).content.decode()
    # After the command's full check, the page checks only the rows written since.
    log.save_check(log.verify_chain())
    for n in range(2):
        log.record("unit.updated", object_repr=f"新{n}")
    status = client.get(reverse("audit:chain_status")).context["status"]
    assert status.ran_now and status.check.intact and not status.check.full
    assert status.check.checked == 6 and status.pending == 0
    assert status.last_full.checked == 4


def test_the_object_type_suggestions_are_the_platforms_own_models_in_chinese(cast, login):
    page = login(cast.auditor).get("/audit/events/").content.decode()
    assert 'value="reporting.Submission"' in page
    assert "axes." not in page and "access failure" not in page
