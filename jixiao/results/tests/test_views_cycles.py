"""The results pages open on the year that has the user's work (`lib.cycles`): an item of 2025 due in 2026 is not
hidden behind an empty 2026, and a ?cycle= naming no year is answered clearly, never with a 500."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from jixiao.indicators.tests import builders as indicator_builders
from jixiao.org.models import CycleStatus
from jixiao.results.models import CadreRecord, Commendation, RectificationStatus
from jixiao.results.tests import builders

pytestmark = pytest.mark.django_db

BAD_VALUES = ["abc", "0", "2099", "1", "2026%27", "%E5%B9%B4"]


@pytest.fixture
def last_year(cast):
    """2025, published: 发改委 (B01) still has an open item of it, due at the end of 2026; 2026 has none."""
    cycle = indicator_builders.cycle(2025, status=CycleStatus.PUBLISHED)
    builders.rectification(cast, unit=cast.fgw, cycle=cycle, problem="固定资产投资台账不全",
                           deadline=datetime.date(2026, 12, 31))
    builders.rectification(cast, unit=cast.fgw, cycle=cycle, problem="已整改完毕的旧问题",
                           status=RectificationStatus.CLOSED)
    return cycle


def test_the_unit_list_opens_on_the_year_with_its_open_item(cast, login, last_year):
    body = login(cast.reporter).get(reverse("results:rectification_list")).content.decode()
    assert "整改事项 · 2025年度" in body and "固定资产投资台账不全" in body and "没有整改事项" not in body
    assert '<option value="2025" selected>2025</option>' in body
    assert "已打开有未完成整改事项的最近年度：2025年度" in body


def test_another_units_open_item_does_not_move_the_units_list(cast, login, last_year):
    body = login(cast.street_reporter).get(reverse("results:rectification_list")).content.decode()
    assert "整改事项 · 2026年度" in body and "没有整改事项" in body and "已打开有" not in body


def test_the_office_list_opens_on_the_latest_year_with_open_items(cast, login, last_year):
    client = login(cast.office)
    assert "整改事项 · 2025年度" in client.get(reverse("results:rectification_list")).content.decode()
    builders.rectification(cast, unit=cast.street, problem="本年度的新问题")  # 2026 now has open work too
    body = client.get(reverse("results:rectification_list")).content.decode()
    assert "整改事项 · 2026年度" in body and "本年度的新问题" in body and "已打开有" not in body


def test_a_named_year_is_kept_with_the_status_filter(cast, login, last_year):
    url = reverse("results:rectification_list") + "?cycle=2026&status=overdue"
    body = login(cast.reporter).get(url).content.decode()
    assert "整改事项 · 2026年度" in body and '<option value="overdue" selected>' in body


@pytest.mark.parametrize("value", BAD_VALUES)
def test_a_cycle_naming_no_year_falls_back_and_says_so(cast, login, last_year, value):
    response = login(cast.reporter).get(reverse("results:rectification_list") + f"?cycle={value}")
    body = response.content.decode()
    assert response.status_code == 200
    assert "这个考核年度，已显示2025年度。" in body and "固定资产投资台账不全" in body


def cadre_record(cast, cycle, cadre, grade="good"):
    return CadreRecord.objects.create(cycle=cycle, cadre=cadre, unit=cadre.unit, post=cadre.post, title=cadre.title,
                                      group_name="委办局", total="88.00", rank=1, group_size=2, grade=grade,
                                      recorded_at=timezone.now())


def test_cadre_records_open_on_the_latest_year_that_has_records(cast, login, last_year):
    cadre_record(cast, last_year, builders.cadre(cast, unit=cast.fgw, name="李四"))
    client = login(cast.office)
    body = client.get(reverse("results:cadre_records")).content.decode()
    assert "干部实绩档案 · 2025年度" in body and "李四" in body and "已打开有干部实绩档案的最近年度" in body
    body = client.get(reverse("results:cadre_records") + "?cycle=2026").content.decode()
    assert "干部实绩档案 · 2026年度" in body and "没有记录" in body
    body = client.get(reverse("results:cadre_records") + "?cycle=abc&talk=1").content.decode()
    assert "没有“abc”这个考核年度" in body and '<input type="hidden" name="talk" value="1">' in body


def test_publication_downloads_and_changes_refuse_a_cycle_naming_no_year(cast, login):
    builders.scored(cast, publish=True)
    client = login(cast.office)
    for name in ("results:publication_workbook", "results:publication_bulletin"):
        assert client.get(reverse(name) + "?cycle=abc").status_code == 404
        assert client.get(reverse(name) + "?cycle=2026").status_code == 200
    assert client.post(reverse("results:commend") + "?cycle=abc").status_code == 404
    assert client.post(reverse("results:cadre_records_write") + "?cycle=9").status_code == 404
    assert not Commendation.objects.exists() and not CadreRecord.objects.exists()
    assert client.get(reverse("results:rectification_create") + "?cycle=x").status_code == 404
