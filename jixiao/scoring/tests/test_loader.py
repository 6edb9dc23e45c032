import datetime
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


EXPECTED_QUERIES = 15  # one more since evaluation blocks read the campaign scope


def test_scheme_options_reach_the_engine_and_change_the_digest(cast):
    scheme = scheme_world(cast)
    before = loader.load(scheme)
    assert (before.scheme.missing_data, before.scheme.tie_rule) == ("zero", "shared")
    scheme.missing_data, scheme.tie_rule = "not_applicable", "blocks"
    scheme.save(update_fields=["missing_data", "tie_rule"])
    after = loader.load(scheme)
    assert (after.scheme.missing_data, after.scheme.tie_rule) == ("not_applicable", "blocks")
    assert engine.inputs_digest(after) != engine.inputs_digest(before)


def _campaign(cast, scheme, units):
    from django.utils import timezone

    from jixiao.evaluation.models import Campaign

    now = timezone.now()
    campaign = Campaign.objects.create(cycle=scheme.cycle, assessing_unit=scheme.assessing_unit, name="综合评议",
                                       opens_at=now, closes_at=now + datetime.timedelta(days=1))
    campaign.units.set(units)


def _evaluation_blocks(inputs):
    return {(s.unit, s.block): s for s in inputs.block_scores}


def test_units_the_campaign_does_not_evaluate_are_outside_the_evaluation_block(cast):
    scheme = scheme_world(cast)
    _campaign(cast, scheme, [cast.fgw, cast.tjj])  # the bureaus only, as in the seed
    inputs = loader.load(scheme)
    blocks = _evaluation_blocks(inputs)
    street = blocks[(cast.street.pk, "E")]
    assert not street.applicable and "不在2026年度综合评议的被评议单位之列" in street.note
    assert (cast.fgw.pk, "E") not in blocks  # evaluated but without answers yet: missing, not exempt
    result = engine.score_scheme(inputs)
    assert not result.for_unit(cast.street.pk).blocks[-1].applicable
    assert "按缺报计 0 分" in result.for_unit(cast.fgw.pk).blocks[-1].explanation


def test_without_any_campaign_the_evaluation_block_is_missing_for_everyone(cast):
    scheme = scheme_world(cast)
    inputs = loader.load(scheme)
    assert _evaluation_blocks(inputs) == {}
    assert "按缺报计 0 分" in engine.score_scheme(inputs).for_unit(cast.street.pk).blocks[-1].explanation
