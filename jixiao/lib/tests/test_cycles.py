"""The one cycle picker: ?cycle=, else the latest cycle with the user's open work, else the current cycle."""

import datetime

import pytest
from django.http import Http404
from django.template.loader import render_to_string
from django.test import RequestFactory

from jixiao.lib import cycles
from jixiao.org.models import Cycle, CycleStatus, Group

pytestmark = pytest.mark.django_db


def make_cycle(year, status):
    return Cycle.objects.create(year=year, name=f"{year}年度", status=status, starts_on=datetime.date(year, 1, 1),
                                ends_on=datetime.date(year, 12, 31))


@pytest.fixture
def years():
    return {2024: make_cycle(2024, CycleStatus.ARCHIVED), 2025: make_cycle(2025, CycleStatus.PUBLISHED),
            2026: make_cycle(2026, CycleStatus.RUNNING), 2027: make_cycle(2027, CycleStatus.PLANNING)}


def get(query=""):
    return RequestFactory().get(f"/x/{query}")


def test_a_named_year_wins_over_open_work(years):
    Group.objects.create(cycle=years[2025], code="G", name="组")
    pick = cycles.pick(get("?cycle=2024"), open_work=Group.objects.all())
    assert (pick.cycle, pick.reason, pick.invalid, pick.notice) == (years[2024], cycles.REQUESTED, False, "")
    assert [c.year for c in pick.cycles] == [2027, 2026, 2025, 2024]


def test_without_a_year_the_latest_cycle_with_open_work_opens_and_says_why(years):
    Group.objects.create(cycle=years[2024], code="G1", name="组")
    Group.objects.create(cycle=years[2025], code="G2", name="组")
    pick = cycles.pick(get(), open_work=Group.objects.all())
    assert (pick.cycle, pick.reason) == (years[2025], cycles.OPEN_WORK)
    assert pick.notice == "已打开有未完成事项的最近年度：2025年度；可在“考核年度”中切换。"
    pick = cycles.pick(get(), open_work=Group.objects.all(), work="有考核组别")
    assert pick.notice == "已打开有考核组别的最近年度：2025年度；可在“考核年度”中切换。"


def test_open_work_in_the_running_cycle_needs_no_explanation(years):
    Group.objects.create(cycle=years[2026], code="G", name="组")
    pick = cycles.pick(get(), open_work=Group.objects.all())
    assert (pick.cycle, pick.reason, pick.notice) == (years[2026], cycles.OPEN_WORK, "")


def test_a_predicate_names_open_work_too(years):
    pick = cycles.pick(get(), open_work=lambda cycle: cycle.year == 2024)
    assert pick.cycle == years[2024]


def test_without_open_work_the_running_cycle_opens(years):
    for open_work in (None, Group.objects.all(), lambda cycle: False):
        pick = cycles.pick(get(), open_work=open_work)
        assert (pick.cycle, pick.reason, pick.notice) == (years[2026], cycles.CURRENT, "")


def test_without_a_running_cycle_the_latest_opens(years):
    Cycle.objects.filter(year=2026).update(status=CycleStatus.SCORING)
    assert cycles.pick(get()).cycle == years[2027]


@pytest.mark.parametrize("value", ["abc", "0", "-1", "2026.0", "1", "９９", "2099", "2026abc", "' OR 1=1 --", "x" * 300])
def test_a_value_naming_no_cycle_falls_back_and_says_so(years, value):
    """Text, a primary key instead of a year, a year that does not exist: the page opens, never a 500."""
    Group.objects.create(cycle=years[2025], code="G", name="组")
    pick = cycles.pick(RequestFactory().get("/x/", {"cycle": value}), open_work=Group.objects.all())
    assert (pick.cycle, pick.reason, pick.invalid) == (years[2025], cycles.OPEN_WORK, True)
    assert pick.notice.startswith("没有“") and pick.notice.endswith("这个考核年度，已显示2025年度。")
    assert len(pick.notice) < 60


def test_a_download_or_a_change_refuses_a_value_naming_no_cycle(years):
    with pytest.raises(Http404, match="没有“abc”这个考核年度。"):
        cycles.pick_or_404(get("?cycle=abc"))
    assert cycles.pick_or_404(get("?cycle=2025")).cycle == years[2025]
    assert cycles.pick_or_404(get()).cycle == years[2026]


def test_a_posted_cycle_is_read_when_the_query_string_has_none(years):
    request = RequestFactory().post("/x/", {"cycle": "2024"})
    assert cycles.pick(request).cycle == years[2024]


def test_cycles_narrow_the_choice(years):
    pick = cycles.pick(get("?cycle=2027"), cycles=[years[2024], years[2026]])
    assert (pick.cycle, pick.invalid) == (years[2026], True)
    assert [c.year for c in pick.cycles] == [2026, 2024]


def test_no_cycle_at_all_gives_none():
    pick = cycles.pick(get("?cycle=2026"))
    assert (pick.cycle, pick.cycles, pick.notice) == (None, [], "尚未设立考核年度。")


def test_the_open_work_query_is_one_query(years, django_assert_num_queries):
    for year in years.values():
        Group.objects.create(cycle=year, code=f"G{year.year}", name="组")
    with django_assert_num_queries(2):  # the cycles, the cycles holding open work
        cycles.pick(get(), open_work=Group.objects.all())


def test_the_template_keeps_other_parameters_and_shows_the_notice(years):
    pick = cycles.pick(get("?cycle=abc&status=overdue&talk=1&page=3"))
    html = render_to_string("_cycle_picker.html", {"pick": pick})
    assert '<input type="hidden" name="status" value="overdue">' in html
    assert '<input type="hidden" name="talk" value="1">' in html
    assert 'name="page"' not in html
    assert '<option value="2026" selected>2026</option>' in html
    assert "没有“abc”这个考核年度，已显示2026年度。" in html


def test_the_field_alone_goes_inside_a_page_form(years):
    html = render_to_string("_cycle_picker.html", {"pick": cycles.pick(get("?status=open")), "field_only": True})
    assert "<form" not in html and 'name="status"' not in html
    assert 'id="f-cycle"' in html and '<label class="form-label small mb-0" for="f-cycle">考核年度</label>' in html
