"""The plain bulk INSERT of jixiao/lib/rows.py: every row lands with its own and its shared columns, whatever
the number of rows per statement."""

import datetime

import pytest

from jixiao.lib import rows
from jixiao.org.models import Unit

pytestmark = pytest.mark.django_db

NAMES = ["code", "name", "sort_order"]
PLAIN = {"short_name": "", "parent": None, "note": "", "valid_to": None}


@pytest.mark.parametrize("per_statement", [1, 3, 500])
@pytest.mark.parametrize("shared", [False, True])
def test_rows_land_with_their_shared_columns(monkeypatch, per_statement, shared):
    monkeypatch.setattr(rows, "ROWS_PER_STATEMENT", per_statement)
    common = {"kind": "street", "is_assessor": True, "valid_from": datetime.date(2021, 3, 1), **PLAIN}
    data = [(f"R{i:02d}", f"单位{i}", i) for i in range(7)]
    if shared:
        rows.insert_rows(Unit, NAMES, data, shared=common)
    else:
        rows.insert_rows(Unit, [*NAMES, *common], [(*row, *common.values()) for row in data])
    stored = list(Unit.objects.order_by("code").values_list("code", "name", "sort_order", "kind", "is_assessor",
                                                            "valid_from", "parent_id"))
    assert stored == [(code, name, order, "street", True, datetime.date(2021, 3, 1), None)
                      for code, name, order in data]


def test_nothing_to_insert_runs_no_statement(django_assert_num_queries):
    with django_assert_num_queries(0):
        rows.insert_rows(Unit, NAMES, [], shared={"kind": "street"})


@pytest.mark.parametrize("per_statement", [1, 3, 500])
def test_grouped_rows_land_with_their_group_and_shared_columns(monkeypatch, per_statement):
    """Groups of 1, 4 and 7 rows: with 3 rows a statement, parts of 1, 3 and 1, 3, 3 and 1 rows, so statements of
    different lengths share executemany calls."""
    monkeypatch.setattr(rows, "ROWS_PER_STATEMENT", per_statement)
    common = {"is_assessor": False, "valid_from": datetime.date(2022, 1, 1), **PLAIN}
    groups = [((order, kind), [(f"{kind[0].upper()}{order}{i:02d}", f"单位{order}-{i}") for i in range(size)])
              for order, kind, size in [(1, "street", 1), (2, "bureau", 4), (3, "park", 7)]]
    rows.insert_grouped(Unit, ["code", "name"], groups, by=["sort_order", "kind"], shared=common)
    stored = list(Unit.objects.order_by("code").values_list("code", "name", "sort_order", "kind", "valid_from",
                                                            "is_assessor"))
    expected = sorted((code, name, order, kind, datetime.date(2022, 1, 1), False)
                      for (order, kind), members in groups for code, name in members)
    assert stored == expected


def test_no_groups_run_no_statement(django_assert_num_queries):
    with django_assert_num_queries(0):
        rows.insert_grouped(Unit, ["code"], [], by=["kind"], shared={"name": ""})


def _near_four_places(rng):
    """Floats at and one step either side of four-place decimals of every size below EXACT_FLOAT, and others."""
    import math

    places = rng.randrange(7)
    value = rng.randrange(-10 ** (11 + places) + 1, 10 ** (11 + places)) / 10**places
    step = rng.random()
    if step < 0.2:
        value = math.nextafter(value, math.inf)
    elif step < 0.4:
        value = math.nextafter(value, -math.inf)
    elif step < 0.45:
        value = rng.uniform(-rows.EXACT_FLOAT, rows.EXACT_FLOAT)
    return value


@pytest.mark.django_db(False)
def test_the_exact_float_test_is_round_to_four_places():
    """`is_exact_float` (and its inline copies) agrees with `round(x, 4) == x` below EXACT_FLOAT, at the edges too."""
    import random

    rng = random.Random(20261206)
    edges = [0.0, -0.0, 0.0001, 0.00005, 1e-5, 0.1, 0.30000000000000004, 99999999999.9999, 1e11, -1e11,
             float("nan"), float("inf"), 12345678901.2345, 12345678901.23456]
    values = edges + [_near_four_places(rng) for _ in range(200_000)]
    expected = [-rows.EXACT_FLOAT < v < rows.EXACT_FLOAT and round(v, 4) == v for v in values]
    assert [rows.is_exact_float(v) for v in values] == expected
    assert 0.25 < sum(expected) / len(expected) < 0.75  # both answers are well represented
