"""New targets go in through `schemeimport.insert_targets` (the scheme workbook import): on SQLite with amounts bound as
floats where that is exact and bare rows binding four parameters, stored exactly as the Decimals bound as text were
and in the rows' order."""

import decimal
from decimal import Decimal

import pytest
from django.db import connection

from jixiao.indicators import schemeimport
from jixiao.indicators.models import Category, Direction, Indicator, Target, TargetSource
from jixiao.indicators.tests import builders
from jixiao.lib.rows import db_decimal, insert_rows, plain_rows

AMOUNTS = [
    Decimal("1.5"), Decimal("604.41"), Decimal("-3.25"), Decimal("12.3456"), Decimal("0.0001"), Decimal("100"),
    Decimal("0"), Decimal("1"), Decimal("7.10"), Decimal("2500.0000"),
    Decimal("1234567890.1234"),  # 14 significant digits
    Decimal("99999999999.9999"),  # 15 digits, past 10^11: bound as the Decimal
    Decimal("1234567890123"),  # 13 digits, whole
    Decimal("1234567890123.4567"),  # 17 digits
    Decimal("9999999999999.9999"),
    Decimal("123456789012.3456"),  # 16 digits
]
CITY = TargetSource.CITY_ASSIGNED.value
DISTRICT = TargetSource.DISTRICT_SET.value


def indicators(count: int) -> list[Indicator]:
    Indicator.objects.bulk_create([
        Indicator(code=f"T{i:03}", name=f"指标{i}", category=Category.ECONOMIC_CORE, direction=Direction.HIGHER_BETTER,
                  aggregation="sum", measure_unit="万元") for i in range(count)])
    return list(Indicator.objects.filter(code__startswith="T").order_by("code"))


def rows_of(unit, inds, amounts) -> list[tuple]:
    """Rows of every shape: bare ones (value and baseline only), and ones with an upper value, a text, an actual
    or another source."""
    rows = []
    for i, (ind, amount) in enumerate(zip(inds, amounts, strict=False)):
        shape = i % 5
        rows.append((unit.pk, ind.pk, amount, amount if shape == 1 else None, "说明" if shape == 2 else "",
                     None if shape == 3 else amount, amount if shape in (3, 4) else None,
                     CITY if shape == 4 else DISTRICT))
    return rows


def as_new(rows: list[tuple]) -> list[tuple]:
    """The rows as the writer hands them to insert_targets: unit id, indicator id and the values by field."""
    return [(unit, indicator, dict(zip(schemeimport.TARGET_COLUMNS[2:], values, strict=True))) for unit, indicator, *values
            in rows]


def stored(cycle) -> list[tuple]:
    """The rows as the database holds them (SQLite: with each amount's storage class), in id order."""
    amounts = ["target_value", "upper_value", "baseline", "actual"]
    if connection.vendor == "sqlite":
        columns = ", ".join(f"typeof({name}), {name}" for name in amounts)
        sql = f"SELECT unit_id, indicator_id, {columns}, target_text, source FROM indicators_target WHERE cycle_id = %s"
    else:
        sql = f"SELECT unit_id, indicator_id, {', '.join(amounts)}, target_text, source FROM indicators_target WHERE cycle_id = %s"
    with connection.cursor() as cursor:
        cursor.execute(sql + " ORDER BY id", [cycle.pk])
        return [row for row in cursor.fetchall()]


def test_amounts_are_stored_and_read_back_as_the_decimals_bound_as_text_were(cast):
    inds = indicators(len(AMOUNTS))
    before, after = builders.cycle(2030), builders.cycle(2031)
    rows = rows_of(cast.street, inds, AMOUNTS)
    insert_rows(Target, schemeimport.TARGET_COLUMNS, rows, shared={"cycle": before.pk, "updated_at": "2030-01-01 00:00:00"})
    schemeimport.insert_targets(after, as_new(rows))
    assert stored(after) == stored(before)
    plain = {row[0]: row[1:] for row in plain_rows(Target, ["indicator", "target_value", "baseline"], "cycle_id", after.pk)}
    for (_unit, indicator, value, upper, _text, baseline, actual, _source) in rows:
        # Longer amounts are stored as they were (above); Django may read them back rounded or refuse them, as before.
        assert orm_amounts(after, indicator) == orm_amounts(before, indicator)
        if len(value.as_tuple().digits) <= 15:
            assert orm_amounts(after, indicator) == (value, upper, baseline, actual)
            assert db_decimal(plain[indicator][0]) == value
            assert plain[indicator][1] is None if baseline is None else db_decimal(plain[indicator][1]) == baseline


def orm_amounts(cycle, indicator):
    try:
        return Target.objects.values_list("target_value", "upper_value", "baseline", "actual").get(
            cycle=cycle, indicator_id=indicator)
    except decimal.InvalidOperation:
        return "refused"


def test_rows_keep_their_order_whichever_statements_they_go_in(cast):
    inds = indicators(150)
    cycle = builders.cycle(2030)
    amounts = [Decimal(i) + Decimal("0.25") for i in range(150)]
    bare = [(cast.street.pk, ind.pk, amount, None, "", amount, None, DISTRICT) for ind, amount in zip(inds, amounts,
                                                                                                    strict=True)]
    rows = [*bare[:120], *rows_of(cast.street, inds[120:135], amounts[120:135]), *bare[135:140],
            *rows_of(cast.street, inds[140:], amounts[140:])]
    schemeimport.insert_targets(cycle, as_new(rows))
    assert [(row[0], row[1]) for row in stored(cycle)] == [(row[0], row[1]) for row in rows]
    values = dict(Target.objects.filter(cycle=cycle).values_list("indicator_id", "target_value"))
    assert [values[row[1]] for row in rows] == [row[2] for row in rows]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite binding only")
def test_on_sqlite_exact_amounts_are_bound_as_floats_and_bare_runs_with_four_parameters(cast):
    assert schemeimport.sqlite_amount(Decimal("604.41")) == 604.41
    assert schemeimport.sqlite_amount(Decimal("604.41")).__class__ is float
    assert schemeimport.sqlite_amount(Decimal("-99999999999.9999")).__class__ is float
    assert schemeimport.sqlite_amount(Decimal("123456789012.3456")) == Decimal("123456789012.3456")
    assert schemeimport.sqlite_amount(Decimal("123456789012.3456")).__class__ is Decimal
    assert schemeimport.sqlite_amount(None) is None
    bare = [(1, i, Decimal("2.5"), None, "", None, None, DISTRICT) for i in range(schemeimport.MIN_BARE_RUN)]
    other = (1, 999, Decimal("1"), None, "文字", Decimal("0.5"), None, DISTRICT)
    runs = schemeimport._sqlite_runs(as_new([other, *bare, other, *bare[:3], other]))
    assert [(is_bare, len(run)) for is_bare, run in runs] == [(False, 1), (True, schemeimport.MIN_BARE_RUN), (False, 5)]
    assert runs[1][1][0] == (1, 0, 2.5, None)
    assert runs[0][1][0] == (1, 999, 1.0, None, "文字", 0.5, None, DISTRICT)
    assert runs[2][1][1] == (1, 0, 2.5, None, "", None, None, DISTRICT)


def test_look_ups_by_cycle_use_the_unique_index_which_is_the_only_one_on_cycle(db):
    """One index less to fill for each new target: the unique (cycle, unit, indicator) index serves the cycle."""
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, Target._meta.db_table)
    on_cycle = [c["columns"] for c in constraints.values()
                if (c["index"] or c["unique"]) and not c["primary_key"] and c["columns"][0] == "cycle_id"]
    assert on_cycle == [["cycle_id", "unit_id", "indicator_id"]]
