import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from jixiao.audit.models import Event
from jixiao.notifications.models import Notice
from jixiao.results import actions
from jixiao.results.models import Rectification
from jixiao.results.tests import builders
from jixiao.scoring import actions as scoring_actions

pytestmark = pytest.mark.django_db


def _pdf():
    return SimpleUploadedFile("zg.pdf", builders.PDF, content_type="application/pdf")


def test_full_cycle_from_supervision_to_closed(cast):
    from jixiao.keywork.models import Supervision

    sup = Supervision.objects.create(cycle=cast.cycle, kind="on_site", unit=cast.street, done_on=datetime.date(2026, 5, 1),
                                     findings="台账缺失", rating="poor", supervisor=cast.supervisor,
                                     recorded_at=datetime.datetime(2026, 5, 1, tzinfo=datetime.UTC))
    item = actions.from_supervision(sup, deadline=datetime.date(2026, 8, 1), by=cast.office)
    assert item.reference == f"Supervision:{sup.pk}" and item.status == "open"
    assert Notice.objects.filter(recipient=cast.street_reporter).count() == 1
    with pytest.raises(ValidationError):
        actions.from_supervision(sup, deadline=datetime.date(2026, 8, 1), by=cast.office)
    with pytest.raises(ValidationError):  # no report before measures
        actions.report_progress(item, text="x", completed=False, by=cast.street_reporter)
    with pytest.raises(ValidationError):  # the unit may not promise later than the deadline
        actions.submit_measures(item, measures="补齐", unit_deadline=datetime.date(2026, 9, 1), by=cast.street_reporter)
    actions.submit_measures(item, measures="补齐台账", unit_deadline=datetime.date(2026, 7, 1), by=cast.street_reporter)
    with pytest.raises(ValidationError):  # asking to close needs evidence
        actions.report_progress(item, text="完成", completed=True, by=cast.street_reporter)
    actions.report_progress(item, text="完成", completed=True, upload=_pdf(), by=cast.street_reporter)
    item.refresh_from_db()
    assert item.status == "reported"
    actions.send_back(item, reason="佐证不足", by=cast.office)
    item.refresh_from_db()
    assert item.status == "in_progress" and item.return_reason == "佐证不足"
    with pytest.raises(ValidationError):
        actions.verify(item, by=cast.office)
    actions.report_progress(item, text="补充", completed=True, upload=_pdf(), by=cast.street_reporter)
    actions.verify(item, by=cast.office)
    item.refresh_from_db()
    assert item.status == "closed" and item.closed_by == cast.office
    codes = list(Event.objects.filter(object_type="results.Rectification").order_by("id").values_list("code", flat=True))
    assert codes == ["rectification.created", "rectification.measures", "rectification.reported",
                     "rectification.returned", "rectification.reported", "rectification.closed"]


def test_overdue_reminded_once_a_week(cast):
    late = builders.rectification(cast, deadline=datetime.date(2026, 3, 1))
    builders.rectification(cast, deadline=datetime.date(2026, 12, 1))
    builders.rectification(cast, deadline=datetime.date(2026, 3, 1), status="closed")
    with time_machine.travel(datetime.datetime(2026, 3, 10, 9, tzinfo=datetime.UTC)):
        assert list(Rectification.objects.overdue(datetime.date(2026, 3, 10))) == [late]
        call_command("remind_rectifications")
        call_command("remind_rectifications")
    assert Notice.objects.filter(recipient=cast.street_reporter, kind="overdue").count() == 1
    with time_machine.travel(datetime.datetime(2026, 3, 18, 9, tzinfo=datetime.UTC)):
        call_command("remind_rectifications")
    assert Notice.objects.filter(recipient=cast.street_reporter, kind="overdue").count() == 2


def test_pages_walk_through(cast, login):
    client = login(cast.office)
    response = client.post(reverse("results:rectification_create") + "?cycle=2026", {
        "unit": cast.street.pk, "source": "other", "problem": "窗口服务差", "deadline": "2026-10-01",
        "disclose": "on"})
    item = Rectification.objects.get()
    assert response.status_code == 302 and item.disclose
    street = login(cast.street_reporter)
    assert street.post(reverse("results:rectification_measures", args=[item.pk]),
                       {"measures": "整改", "unit_deadline": "2026-09-01"}).status_code == 302
    page = street.get(reverse("results:rectification_detail", args=[item.pk]))
    assert "报告进展" in page.content.decode()
    refused = login(cast.office).post(reverse("results:rectification_verify", args=[item.pk]))
    assert refused.status_code == 422 and "不能执行此操作" in refused.content.decode()
    assert Event.objects.filter(code="rectification.closed", outcome="failure").exists()
    listing = login(cast.street_reporter).get(reverse("results:rectification_list") + "?status=in_progress")
    assert "窗口服务差" in listing.content.decode()


def test_public_page_shows_only_disclosed_items(cast, client):
    builders.rectification(cast, problem="公开的问题", disclose=True)
    builders.rectification(cast, problem="内部的问题")
    body = client.get(reverse("portal:results")).content.decode()
    assert "公开的问题" in body and "内部的问题" not in body


def test_list_query_count_is_bounded(cast, login, django_assert_max_num_queries):
    for n in range(30):
        builders.rectification(cast, problem=f"问题{n}")
    client = login(cast.office)
    with django_assert_max_num_queries(15):
        assert client.get(reverse("results:rectification_list")).status_code == 200


def test_items_from_lost_points_once_per_line(cast, login):
    run = builders.scored(cast)
    result = run.results.get(unit=cast.tjj)  # actual 95 of target 100: the only unit that loses points
    lost = [line for line in result.lines.all() if line.lost > 0]
    assert lost
    client = login(cast.office)
    url = reverse("results:rectify_lost_points", args=[result.pk])
    # Not yet released to the units: an item (and its notice) would tell the unit its lost points first.
    refused = client.post(url, {"deadline": "2027-06-30"}, follow=True).content.decode()
    assert "尚未向单位反馈或发布，不能交办失分整改" in refused
    assert not Rectification.objects.exists() and not Notice.objects.filter(recipient=cast.reviewer).exists()
    scoring_actions.open_appeals(run, timezone.now() + datetime.timedelta(days=3), by=cast.office)
    assert client.post(url, {"deadline": "2027-06-30"}).status_code == 302
    items = list(Rectification.objects.filter(source="lost_points"))
    assert len(items) == len(lost) and all(i.unit == cast.tjj for i in items)
    assert lost[0].explanation in items[0].problem
    client.post(url, {"deadline": "2027-06-30"})
    assert Rectification.objects.filter(source="lost_points").count() == len(lost)
