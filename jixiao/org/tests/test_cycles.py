import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from jixiao.audit.models import Event
from jixiao.org import actions
from jixiao.org.models import Cycle, CycleStatus


def test_create_cycle_starts_in_planning(cast, login):
    response = login(cast.office).post(reverse("org:cycle_create"),
                                       {"year": 2027, "name": "", "starts_on": "2027-01-01", "ends_on": "2027-12-31"})
    assert response.status_code == 302
    cycle = Cycle.objects.get(year=2027)
    assert cycle.name == "2027年度" and cycle.status == CycleStatus.PLANNING
    assert Event.objects.get(code="cycle.created").after["year"] == 2027


def test_duplicate_year_and_bad_dates_are_refused(cast, login):
    response = login(cast.office).post(reverse("org:cycle_create"),
                                       {"year": 2026, "name": "", "starts_on": "2026-12-31", "ends_on": "2026-01-01"})
    page = response.content.decode()
    assert response.status_code == 422 and "结束日期应晚于开始日期" in page
    assert Cycle.objects.count() == 1


def test_status_moves_forward_one_step_with_confirmation(cast, login):
    client = login(cast.office)
    page = client.get(reverse("org:cycle_status", args=[cast.cycle.pk])).content.decode()
    assert "评分中" in page and "确认变更" in page
    response = client.post(reverse("org:cycle_status", args=[cast.cycle.pk]), {"status": "scoring"})
    assert response.status_code == 302
    cast.cycle.refresh_from_db()
    assert cast.cycle.status == CycleStatus.SCORING
    event = Event.objects.get(code="cycle.status_changed")
    assert event.before == {"status": "running"} and event.after == {"status": "scoring"}


@pytest.mark.parametrize("target", ["planning", "published", "archived", "nonsense"])
def test_skipping_or_going_back_is_refused(cast, target):
    with pytest.raises(ValidationError):
        actions.change_cycle_status(cast.cycle, target, by=cast.office)
    assert Cycle.objects.get(pk=cast.cycle.pk).status == CycleStatus.RUNNING


def test_whole_lifecycle_then_nothing_after_archived(cast):
    for status in ("scoring", "published", "archived"):
        actions.change_cycle_status(cast.cycle, status, by=cast.office)
    assert actions.next_status(Cycle.objects.get(pk=cast.cycle.pk)) is None


def test_leader_reads_the_list_without_buttons(cast, login):
    page = login(cast.leader).get(reverse("org:cycle_list")).content.decode()
    assert "2026年度" in page and "考核中" in page and "新建考核年度" not in page
