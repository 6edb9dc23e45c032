"""The pages: data entry (htmx save, concurrency, leader view), assessor grid, board, periods, reminders."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from jixiao.audit.models import Event
from jixiao.indicators.models import Target
from jixiao.notifications.models import Notice
from jixiao.org.models import Group, Unit, UnitKind
from jixiao.reporting import actions, reminders
from jixiao.reporting.models import Period, Status, Submission, Value
from jixiao.reporting.tests.builders import fill, world

pytestmark = pytest.mark.usefixtures("frozen")


def entry_url(cast, period):
    return reverse("reporting:entry", args=[cast.street.pk, period.pk])


def save_url(cast, w, i=0):
    return reverse("reporting:save_value", args=[cast.street.pk, w["q1"].pk, w["items"][i].pk])


@pytest.mark.parametrize("n", [2, 12])
def test_entry_page_query_count_does_not_grow_with_indicators(n, cast, login, django_assert_max_num_queries):
    w = world(cast, n_indicators=n)
    fill(cast, cast.street, w["q1"], w["items"], cast.street_reporter)
    client = login(cast.street_reporter)
    client.get(entry_url(cast, w["q1"]))
    with django_assert_max_num_queries(22):
        response = client.get(entry_url(cast, w["q1"]))
    assert response.content.decode().count('class="card mb-2 value-card') == n


def test_entry_page_shows_context_and_htmx_save(cast, login):
    w = world(cast)
    client = login(cast.street_reporter)
    page = client.get(entry_url(cast, w["q1"])).content.decode()
    assert "年度目标" in page and "1000" in page and "上年同期" in page
    response = client.post(save_url(cast, w), {"number": "250", "note": "含新增企业", "version": "0"},
                           HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "已保存" in response.content.decode()
    assert "25.0%" in response.content.decode()  # completion against the target of 1000
    value = Value.objects.get()
    assert value.number == Decimal(250) and value.note == "含新增企业" and value.version == 1


def test_second_save_with_a_stale_version_is_refused(cast, login):
    w = world(cast)
    client = login(cast.street_reporter)
    assert client.post(save_url(cast, w), {"number": "10", "version": "0"}, HTTP_HX_REQUEST="true").status_code == 200
    # A colleague had loaded the page before the first save: their version is 0 and must not win.
    response = client.post(save_url(cast, w), {"number": "99", "version": "0"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 409
    assert "已被他人修改" in response.content.decode()
    assert Value.objects.get().number == Decimal(10)
    assert Event.objects.filter(code="value.save_refused", outcome="failure").exists()


def test_bad_number_is_shown_on_the_row(cast, login):
    w = world(cast)
    client = login(cast.street_reporter)
    response = client.post(save_url(cast, w), {"number": "十", "version": "0"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 422 and "不是数字" in response.content.decode()
    assert not Value.objects.exists()


def test_reporter_submits_from_the_page_and_the_reviewer_returns(cast, login):
    w = world(cast)
    fill(cast, cast.street, w["q1"], w["items"], cast.street_reporter)
    sub = Submission.objects.get()
    login(cast.street_reporter).post(reverse("reporting:submit", args=[sub.pk]))
    assert Submission.objects.get().status == Status.SUBMITTED
    client = login(cast.street_reviewer)
    response = client.post(reverse("reporting:return", args=[sub.pk]), {"reason": ""})
    assert response.status_code == 302 and Submission.objects.get().status == Status.SUBMITTED
    client.post(reverse("reporting:return", args=[sub.pk]), {"reason": "请附统计局盖章报表"})
    page = login(cast.street_reporter).get(entry_url(cast, w["q1"])).content.decode()
    assert "请附统计局盖章报表" in page


def test_another_units_ids_answer_404_with_an_audit_event(cast, login):
    w = world(cast)
    client = login(cast.street_reporter)
    other = reverse("reporting:entry", args=[cast.other_street.pk, w["q1"].pk])
    assert client.get(other).status_code == 404
    assert Event.objects.filter(code="reporting.access_refused", outcome="denied").exists()


def test_leader_sees_only_verified_values_unless_asked(cast, login):
    # Figures with a decimal point, so no row id on the page (hx-target="#hist-79777") can contain them.
    w = world(cast)
    fill(cast, cast.street, w["q1"], w["items"], cast.street_reporter, numbers=["777.25", "888.5"])
    Value.objects.filter(number=Decimal("888.5")).update(verified_at=datetime.datetime(2026, 4, 1, tzinfo=datetime.UTC))
    client = login(cast.leader)
    page = client.get(entry_url(cast, w["q1"])).content.decode()
    assert "888.5" in page and "777.25" not in page and "仅显示已核定数据" in page
    assert "777.25" in client.get(entry_url(cast, w["q1"]) + "?all=1").content.decode()


def test_evidence_upload_checks_content(cast, login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    w = world(cast)
    value = fill(cast, cast.street, w["q1"], w["items"][:1], cast.street_reporter)[0]
    client = login(cast.street_reporter)
    url = reverse("reporting:upload_evidence", args=[value.pk])
    client.post(url, {"file": SimpleUploadedFile("伪装.pdf", b"\x89PNG\r\n\x1a\nxx")})
    assert not value.evidence.exists()
    assert Event.objects.filter(code="evidence.refused").exists()
    client.post(url, {"file": SimpleUploadedFile("盖章报表.pdf", b"%PDF-1.4 body")})
    evidence = value.evidence.get()
    assert evidence.kind == "pdf" and "盖章报表" not in evidence.file.name  # stored under a random name
    download = client.get(reverse("reporting:evidence", args=[evidence.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.4 body"


def test_assessor_grid_saves_verified_values(cast, login):
    w = world(cast)
    client = login(cast.assessor)
    url = reverse("reporting:assessor", args=[w["q1"].pk])
    page = client.get(url).content.decode()
    assert cast.street.name in page or cast.street.label in page
    ind = w["items"][0].indicator_id
    data = {f"v-{cast.street.pk}-{ind}": "321", f"v-{cast.other_street.pk}-{ind}": "abc"}
    response = client.post(url, data)
    assert response.status_code == 422 and "不是数字" in response.content.decode()
    assert not Value.objects.exists()
    data[f"v-{cast.other_street.pk}-{ind}"] = "123"
    assert client.post(url, data).status_code == 302
    assert Value.objects.filter(verified_by=cast.assessor, by_assessor=True).count() == 2


def test_assessor_verifies_from_its_queue(cast, login):
    w = world(cast)
    fill(cast, cast.street, w["q1"], w["items"], cast.street_reporter)
    sub = actions.submit(Submission.objects.get(), by=cast.street_reporter)
    actions.approve(sub, by=cast.street_reviewer)
    client = login(cast.assessor)
    page = client.get(reverse("reporting:assessor", args=[w["q1"].pk])).content.decode()
    assert "待核定（1）" in page
    client.post(reverse("reporting:verify", args=[sub.pk]))
    assert Submission.objects.get().status == Status.VERIFIED


def extra_streets(cast, n):
    """`n` more streets in G1, each with the targets of G1's indicators (so each is due what 华明街道 is)."""
    group = Group.objects.get(cycle=cast.cycle, code="G1")
    indicators = {item.indicator_id for item in group.scheme_items.all()}
    for i in range(n):
        unit = Unit.objects.create(code=f"S9{i:02d}", name=f"测试街道{i}", kind=UnitKind.STREET, parent=cast.district)
        group.units.add(unit)
        Target.objects.bulk_create([Target(cycle=cast.cycle, unit=unit, indicator_id=indicator_id,
                                           target_value=Decimal(1000)) for indicator_id in indicators])


@pytest.mark.parametrize("extra", [0, 20])
def test_board_query_count_does_not_grow_with_units(extra, cast, login, django_assert_max_num_queries):
    w = world(cast)
    extra_streets(cast, extra)
    fill(cast, cast.street, w["q1"], w["items"], cast.street_reporter)
    client = login(cast.office)
    url = reverse("reporting:board") + f"?cycle=2026&period={w['q1'].pk}"
    client.get(url)
    with django_assert_max_num_queries(20):
        page = client.get(url).content.decode()
    assert page.count('href="/reporting/units/') == 2 + extra


def test_board_states_late_filter_and_export(cast, login):
    w = world(cast)
    fill(cast, cast.street, w["q1"], w["items"], cast.street_reporter)
    with time_machine.travel(datetime.datetime(2026, 4, 20, tzinfo=datetime.UTC), tick=False):
        client = login(cast.office)  # inside the travel: the session's idle timeout follows the clock
        page = client.get(reverse("reporting:board") + f"?period={w['q1'].pk}&state=late").content.decode()
        assert cast.street.label in page and cast.other_street.label in page
        export = client.get(reverse("reporting:board_export") + f"?period={w['q1'].pk}")
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")
    from jixiao.lib.excel import read_workbook

    sheets = read_workbook(export.content, 10 * 1024 * 1024)
    assert sheets["按单位"][0][:3] == ["单位编码", "单位名称", "状态"]
    assert {row[2] for row in sheets["按单位"][1:]} == {"填报中", "未开始"}


def test_timeliness_counts_on_time_submissions(cast, login):
    w = world(cast)
    fill(cast, cast.street, w["q1"], w["items"], cast.street_reporter)
    actions.submit(Submission.objects.get(), by=cast.street_reporter)
    with time_machine.travel(datetime.datetime(2026, 5, 1, tzinfo=datetime.UTC), tick=False):
        from jixiao.reporting import queries

        rates = {r["unit"].code: r["rate"] for r in queries.on_time_rates(cast.cycle)}
        assert rates == {"S01": 100.0, "S02": 0.0}
        assert "100.0%" in login(cast.office).get(reverse("reporting:timeliness")).content.decode()


def test_periods_are_generated_from_frequencies(cast, login):
    world(cast)
    assert list(Period.objects.filter(cycle=cast.cycle).values_list("code", flat=True).order_by("code")) == [
        "Q1", "Q2", "Q3", "Q4"]
    from jixiao.indicators.models import Indicator

    Indicator.objects.filter(code__startswith="E2026").update(frequency="half")
    response = login(cast.office).post(reverse("reporting:generate_periods"), {"cycle": "2026"})
    assert response.status_code == 302
    assert set(Period.objects.filter(cycle=cast.cycle).values_list("code", flat=True)) == {"Q1", "Q2", "Q3", "Q4",
                                                                                            "H1", "H2"}
    h1 = Period.objects.get(cycle=cast.cycle, code="H1")
    assert (h1.starts_on, h1.ends_on, h1.deadline) == (datetime.date(2026, 1, 1), datetime.date(2026, 6, 30),
                                                       datetime.date(2026, 7, 10))


def test_office_grants_an_exception_from_the_page(cast, login):
    w = world(cast)
    client = login(cast.office)
    client.post(reverse("reporting:grant_exception", args=[w["q1"].pk]),
                {"unit": cast.street.pk, "deadline": "2026-04-30", "reason": "机构调整"})
    assert w["q1"].exceptions.get().reason == "机构调整"
    assert Notice.objects.filter(recipient=cast.street_reporter, subject__contains="延至").exists()


def test_reminders_before_deadline_and_when_late_are_sent_once(cast):
    w = world(cast)
    fill(cast, cast.street, w["q1"], w["items"], cast.street_reporter)
    actions.submit(Submission.objects.get(), by=cast.street_reporter)
    day = datetime.date(2026, 4, 8)  # two days before the 10 April deadline
    assert reminders.send_reminders(day) == 0  # 金桥街道 has nobody to remind in the cast
    from tests.cast import grant, make_user

    other = make_user("other_reporter")
    grant(other, cast.other_street, "reporter")
    assert reminders.send_reminders(day) == 1
    assert reminders.send_reminders(day) == 0  # deduplicated
    assert reminders.send_reminders(datetime.date(2026, 4, 20)) == 1
    kinds = sorted(Notice.objects.filter(recipient=other).values_list("kind", flat=True))
    assert kinds == ["overdue", "reminder"]
    assert not Notice.objects.filter(recipient=cast.street_reporter, kind__in=["overdue", "reminder"]).exists()


def test_lock_command(cast):
    from django.core.management import call_command

    w = world(cast)
    fill(cast, cast.street, w["q1"], w["items"], cast.street_reporter)
    sub = actions.submit(Submission.objects.get(), by=cast.street_reporter)
    actions.approve(sub, by=cast.street_reviewer)
    actions.verify(sub, by=cast.assessor, assessor=cast.tjj)
    with time_machine.travel(datetime.datetime(2026, 5, 1, tzinfo=datetime.UTC), tick=False):
        call_command("lock_due_submissions")
        call_command("send_reminders")
    assert Submission.objects.get().status == Status.LOCKED
