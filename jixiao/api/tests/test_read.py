"""The read APIs answer a token what its role's pages show, anonymous callers what the portal publishes, and page
by an opaque cursor."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jixiao.api import paging
from jixiao.api.tests import read_world
from jixiao.api.tests.helpers import bearer, issue

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(cast):
    return read_world.build(cast)


def get(client, path, secret=None, **params):
    response = client.get(f"/api/v1{path}", params, **(bearer(secret) if secret else {}))
    return response.status_code, response.json()


def walk(client, path, secret=None, **params) -> list[dict]:
    """Every item of a paged list, following `next` until it is null."""
    items, cursor = [], None
    for _ in range(100):
        status, body = get(client, path, secret, **params, **({"cursor": cursor} if cursor else {}))
        assert status == 200, body
        items += body["items"]
        cursor = body["next"]
        if cursor is None:
            return items
    raise AssertionError("the cursor never ended")


# --- Units and paging ---------------------------------------------------------------------------------------


def test_units_are_the_roles_visible_units(cast, client):
    office = {u["code"] for u in walk(client, "/units", issue(cast.office))}
    assert office == {"D01", "B00", "B01", "B02", "S01", "S01V01", "S02"}
    assert [u["code"] for u in walk(client, "/units", issue(cast.reporter))] == ["B01"]
    street = walk(client, "/units", issue(cast.street_reporter))
    assert {(u["code"], u["parent_code"]) for u in street} == {("S01", "D01"), ("S01V01", "S01")}


def test_a_token_limited_to_a_subtree_reads_only_that_subtree(cast, client):
    secret = issue(cast.office, units=[cast.street])
    assert {u["code"] for u in walk(client, "/units", secret)} == {"S01", "S01V01"}
    # The limit narrows the role, never widens it: B01's reporter limited to the street sees nothing.
    assert walk(client, "/units", issue(cast.reporter, units=[cast.street])) == []


def test_pages_follow_the_cursor_without_repeats_or_gaps(cast, client):
    secret = issue(cast.office)
    status, first = get(client, "/units", secret, limit=3)
    assert status == 200 and len(first["items"]) == 3 and first["next"]
    everything = walk(client, "/units", secret, limit=3)
    ids = [u["id"] for u in everything]
    assert ids == sorted(ids) and len(set(ids)) == len(ids) == 7
    assert walk(client, "/units", secret, limit=1000) == everything


@pytest.mark.parametrize("cursor", ["garbage!!", "djE6", "djE6LTE", "eDo1", "%%%", paging.encode(5) + "x"])
def test_a_forged_or_garbled_cursor_is_a_400_in_chinese(cast, client, cursor):
    status, body = get(client, "/units", issue(cast.office), cursor=cursor)
    assert (status, body["code"]) == (400, "bad_request")
    assert "分页游标" in body["detail"]


def test_a_cursor_round_trips_and_limit_is_bounded(cast, client):
    assert paging.decode(paging.encode(123456)) == 123456
    secret = issue(cast.office)
    for limit in (0, 1001, -5):
        status, body = get(client, "/units", secret, limit=limit)
        assert status == 422 and body["detail"].startswith("请求参数有误"), body


def test_without_a_token_unit_data_is_refused(cast, client):
    for path in ("/units", "/indicators", "/schemes", "/values"):
        status, body = get(client, path)
        assert (status, body["code"]) == (401, "unauthorized"), path


# --- Indicators, schemes and targets -----------------------------------------------------------------------


def test_indicators_and_schemes_for_the_roles_that_read_the_library(world, cast, client):
    codes = {i["code"]: i for i in walk(client, "/indicators", issue(cast.assessor))}
    assert {"E202600", "E202601", "E202400"} <= set(codes)
    assert codes["E202600"]["measure_unit"] == "万元"
    assert codes["E202600"]["definition"] == "E202600 口径"
    schemes = walk(client, "/schemes", issue(cast.leader))
    assert {s["code"] for s in schemes} == {"D01-2026", "D01-2024"}
    assert [s["code"] for s in walk(client, "/schemes", issue(cast.leader), cycle=2024)] == ["D01-2024"]
    for role in ("reporter", "street_reporter", "rater", "supervisor"):
        assert get(client, "/indicators", issue(getattr(cast, role)))[0] == 403, role
        assert get(client, "/schemes", issue(getattr(cast, role)))[0] == 403, role


def test_scheme_targets_whole_table_for_the_office_own_for_a_unit(world, cast, client):
    scheme = world["published"].scheme
    path = f"/schemes/{scheme.pk}/targets"
    everything = walk(client, path, issue(cast.office))
    assert {(t["unit_code"], t["indicator_code"]) for t in everything} == {
        (u, i) for u in ("S01", "S02", "B01", "B02") for i in ("E202600", "E202601")}
    own = walk(client, path, issue(cast.reporter))
    assert {t["unit_code"] for t in own} == {"B01"} and len(own) == 2
    assert {t["target_value"] for t in own} == {"100"}
    assert walk(client, path, issue(cast.office), unit="S02", indicator="E202601")[0]["unit_code"] == "S02"
    assert get(client, path, issue(cast.rater))[0] == 403
    assert get(client, "/schemes/999999/targets", issue(cast.office))[0] == 404


# --- Verified values ---------------------------------------------------------------------------------------


def test_values_are_verified_only_and_of_visible_units(world, cast, client):
    office = walk(client, "/values", issue(cast.office))
    assert {(v["unit_code"], v["number"], v["period"]) for v in office} == {
        ("S01", "120.5", "2026Q2"), ("S02", "98", "2026Q2"), ("B01", "101.25", "2026Q2")}
    assert read_world.UNVERIFIED not in str(office)
    assert [v["unit_code"] for v in walk(client, "/values", issue(cast.reporter))] == ["B01"]
    assert walk(client, "/values", issue(cast.office), period="2026Q1") == []
    assert len(walk(client, "/values", issue(cast.office), period="2026Q2", unit="S02")) == 1
    assert walk(client, "/values", issue(cast.office, units=[cast.fgw]))[0]["unit_code"] == "B01"
    status, body = get(client, "/values", issue(cast.office), period="2026Q9")
    assert status == 400 and "期次" in body["detail"]
    assert get(client, "/values", issue(cast.rater))[0] == 403


def test_an_assessor_reads_the_verified_values_of_the_items_it_assesses(world, cast, client):
    """As its verification pages do: 区统计局 assesses the scheme's items, so it reads S01's verified value of one
    of them; its reviewer reads only 区统计局's own values, none of them verified."""
    from jixiao.indicators.models import SchemeItem
    from jixiao.reporting.models import Value

    item = SchemeItem.objects.get(scheme=world["published"].scheme, group__code="G1", indicator=world["indicator"])
    Value.objects.filter(pk=world["values"][0].pk).update(item=item)
    assert [v["unit_code"] for v in walk(client, "/values", issue(cast.assessor))] == ["S01"]
    assert walk(client, "/values", issue(cast.reviewer)) == []
    assert walk(client, "/values", issue(cast.assessor, units=[cast.other_street])) == []


def test_values_query_count_is_flat_in_the_list_length(world, cast, client):
    secret = issue(cast.office)

    def count(limit):
        with CaptureQueriesContext(connection) as queries:
            status, body = get(client, "/values", secret, limit=limit)
        assert status == 200
        return len(body["items"]), len(queries)

    one, many = count(1), count(1000)
    indicator = world["indicator"]
    for month in range(1, 13):
        read_world.value(cast.street, cast.cycle, indicator, f"M{month:02d}", "1")
    more = count(1000)
    assert one[0] == 1 and many[0] == 3 and more[0] == 15
    assert one[1] == many[1] == more[1]


@pytest.mark.parametrize("path", ["/units", "/indicators", "/schemes", "/values", "/results", "targets"])
@pytest.mark.parametrize("limited", [False, True])
def test_every_list_reads_a_fixed_number_of_queries(world, cast, client, path, limited):
    """One row or every row of the world: the same queries (a limited token's units are read once a request)."""
    if path == "targets":
        path = f"/schemes/{world['published'].scheme_id}/targets"
    secret = issue(cast.office, units=[cast.district] if limited else None)

    def count(limit):
        with CaptureQueriesContext(connection) as queries:
            status, body = get(client, path, secret, limit=limit)
        assert status == 200, body
        return len(body["items"]), len(queries)

    (one, few), (many, more) = count(1), count(1000)
    assert one == 1 and many > 1
    assert few == more


# --- Published results and comparisons ---------------------------------------------------------------------


def test_anonymous_callers_read_the_published_results_only(world, cast, client):
    published = world["published"]
    items = walk(client, "/results")
    assert {r["unit_code"] for r in items} == {"S01", "S02", "B01", "B02"}
    assert {r["cycle"] for r in items} == {2026}
    expected = {r.unit.code: f"{r.total.normalize():f}" for r in published.results.select_related("unit")}
    assert {r["unit_code"]: r["total"] for r in items} == expected
    secret_totals = {f"{t.normalize():f}" for t in world["final_2024"].results.values_list("total", flat=True)}
    assert not secret_totals & {r["total"] for r in items}
    # With a token the same published results; a unit-limited token narrows them.
    assert walk(client, "/results", issue(cast.office)) == items
    assert {r["unit_code"] for r in walk(client, "/results", issue(cast.leader, units=[cast.fgw]))} == {"B01"}
    assert walk(client, "/results", cycle=2024) == []


def test_anonymous_comparison_of_published_totals(world, cast, client):
    status, body = get(client, "/comparisons", cycle=2026, measure="total", peers="G1")
    assert status == 200, body
    assert body["peer_set"] == "G1" and body["indicator"] is None
    ranks = {u["unit"]: u["rank"] for u in body["units"]}
    totals = {r.unit.code: r.rank for r in world["published"].results.filter(group__code="G1").select_related("unit")}
    assert ranks == totals
    assert get(client, "/comparisons", cycle=2024, measure="total")[0] == 404  # nothing published in 2024
    status, body = get(client, "/comparisons", cycle=2026, indicator="E202600")
    assert status == 401 and "令牌" in body["detail"]


def test_indicator_comparisons_for_the_roles_of_the_compare_page(world, cast, client):
    status, body = get(client, "/comparisons", issue(cast.leader), cycle=2026, indicator="E202600", peers="G1")
    assert status == 200, body
    assert [(u["unit"], u["value"], u["rank"]) for u in body["units"]] == [("S01", "120.5", 1), ("S02", "98", 2)]
    assert body["units"][0]["best_unit"] == ["S01"]
    status, body = get(client, "/comparisons", issue(cast.office), cycle=2026, indicator="E202600", peers="G1",
                       measure="points")
    assert status == 200 and body["measure"] == "points"
    for role in ("reporter", "assessor", "rater"):
        assert get(client, "/comparisons", issue(getattr(cast, role)), cycle=2026, indicator="E202600")[0] == 403
    assert get(client, "/comparisons", issue(cast.office), cycle=2026, indicator="NOPE")[0] == 404
    assert get(client, "/comparisons", issue(cast.office), cycle=1999, indicator="E202600")[0] == 404
    assert get(client, "/comparisons", issue(cast.office), cycle=2026, measure="other")[0] == 400
