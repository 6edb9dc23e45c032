import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jixiao.org.models import Unit, UnitKind

URL = reverse("org:unit_tree")


def grow(cast, factor):
    """Add streets with villages until there are about `factor` times as many units."""
    target = Unit.objects.count() * factor
    n = 0
    while Unit.objects.count() < target:
        n += 1
        street = Unit.objects.create(code=f"G{n:03d}", name=f"增设街道{n}", kind=UnitKind.STREET, parent=cast.district)
        Unit.objects.bulk_create(Unit(code=f"G{n:03d}V{i}", name=f"增设村{n}-{i}", kind=UnitKind.VILLAGE,
                                      parent=street) for i in range(4))


def count_queries(client, url=URL):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_tree_query_count_does_not_grow_with_units(cast, login, django_assert_max_num_queries):
    client = login(cast.office)
    client.get(URL)
    small = count_queries(client)
    grow(cast, 10)
    assert Unit.objects.count() >= 70
    with django_assert_max_num_queries(small):
        response = client.get(URL)
    assert "增设村9-3" in response.content.decode()
    assert count_queries(client) == small
    assert count_queries(client, URL + "?q=增设&show_retired=on") == small


def test_tree_shows_every_level_nested(cast, login):
    page = login(cast.office).get(URL).content.decode()
    assert page.index("示范区") < page.index("华明街道") < page.index("胡张庄村")
    assert "<details open>" in page  # the district opens; lower branches start folded
    assert "区发改委" not in page or "区发展和改革委员会" in page


def test_filter_by_kind_keeps_ancestors_and_marks_matches(cast, login):
    page = login(cast.leader).get(URL, {"kind": "village"}).content.decode()
    assert "胡张庄村" in page and "华明街道" in page  # the village with its street
    assert "区统计局" not in page and "金桥街道" not in page
    assert "fw-bold" in page


def test_filter_by_name_or_code(cast, login):
    client = login(cast.office)
    page = client.get(URL, {"q": "统计"}).content.decode()
    assert "区统计局" in page and "区发展和改革委员会" not in page
    page = client.get(URL, {"q": "s01v01"}).content.decode()
    assert "胡张庄村" in page


def test_retired_units_are_hidden_unless_asked_and_then_greyed(cast, login):
    Unit.objects.create(code="B99", name="区原经委", kind=UnitKind.BUREAU, parent=cast.district,
                        valid_to=datetime.date(2022, 12, 31))
    client = login(cast.office)
    assert "区原经委" not in client.get(URL).content.decode()
    page = client.get(URL, {"show_retired": "on"}).content.decode()
    assert "区原经委" in page
    assert "retired" in page and "2022-12-31 撤销" in page


@pytest.mark.parametrize("role", ["office", "leader"])
def test_tree_counts_current_units_by_kind(cast, login, role):
    page = login(getattr(cast, role)).get(URL).content.decode()
    assert "街道 2" in page and "委办局 2" in page
