from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from jixiao.org.models import Unit, UnitKind
from jixiao.scoring import engine, loader
from jixiao.scoring.tests.world import scheme_world


def _count(scheme):
    with CaptureQueriesContext(connection) as ctx:
        inputs = loader.load(scheme)
    return len(ctx.captured_queries), inputs


def test_loader_builds_inputs_from_the_database(cast):
    scheme = scheme_world(cast)
    inputs = loader.load(scheme)
    assert {u.code for u in inputs.units} == {"S01", "S02", "B01", "B02"}
    assert {b.code: b.kind for b in inputs.scheme.blocks} == {"A": "items", "E": "evaluation"}
    assert len(inputs.scheme.items) == 4 and len(inputs.values) == 8
    street_values = [v for v in inputs.values if v.unit == cast.street.pk]
    assert {v.actual for v in street_values} == {Decimal(110)}
    assert all(v.target == Decimal(100) and "年末核定" in v.note for v in street_values)
    assert not engine.validate_inputs(inputs)


def test_query_count_does_not_grow_with_units_or_items(cast):
    small, inputs = _count(scheme_world(cast, n_indicators=2))
    assert len(inputs.values) == 2 * 4
    assert small == EXPECTED_QUERIES


def test_query_count_is_the_same_for_a_bigger_scheme(cast):
    extra = [Unit.objects.create(code=f"S9{i}", name=f"街道{i}", kind=UnitKind.STREET, parent=cast.district)
             for i in range(8)]
    scheme = scheme_world(cast, n_indicators=6, extra_units=extra)
    big, inputs = _count(scheme)
    assert len(inputs.values) == 6 * 12
    # 3 × the units and items: still the same fixed number of queries as the small scheme above.
    assert big == EXPECTED_QUERIES


EXPECTED_QUERIES = 14


def test_scheme_options_reach_the_engine_and_change_the_digest(cast):
    scheme = scheme_world(cast)
    before = loader.load(scheme)
    assert (before.scheme.missing_data, before.scheme.tie_rule) == ("zero", "shared")
    scheme.missing_data, scheme.tie_rule = "not_applicable", "blocks"
    scheme.save(update_fields=["missing_data", "tie_rule"])
    after = loader.load(scheme)
    assert (after.scheme.missing_data, after.scheme.tie_rule) == ("not_applicable", "blocks")
    assert engine.inputs_digest(after) != engine.inputs_digest(before)
