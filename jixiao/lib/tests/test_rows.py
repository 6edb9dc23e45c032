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
