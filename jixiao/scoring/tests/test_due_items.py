"""A unit is never scored 0 for an item it was not due to report (reporting.due.is_due_from): the line does not
apply and its points go to the unit's other items."""

from decimal import Decimal

from jixiao.indicators.models import Target
from jixiao.scoring import engine, loader
from jixiao.scoring.tests.world import scheme_world


def _lines(result, unit):
    return {line.indicator: line for line in result.for_unit(unit.pk).lines if line.block == "A"}


def test_an_item_without_the_units_target_does_not_apply_to_it(cast):
    scheme = scheme_world(cast)  # two items of 40 points in block A, targets 100 for every unit
    first, second = sorted({item.indicator.code for item in scheme.items.select_related("indicator")})
    Target.objects.filter(unit=cast.other_street, indicator__code=first).delete()
    result = engine.score_scheme(loader.load(scheme, year_end=True))
    lines = _lines(result, cast.other_street)
    assert lines[first].status == "not_applicable" and lines[first].points == 0
    assert loader.NOT_OWED in lines[first].explanation
    assert (lines[first].max_points, lines[second].max_points) == (0, Decimal(80))  # redistributed, not lost
    street = _lines(result, cast.street)  # 华明街道 keeps its target: scored on both
    assert {line.status for line in street.values()} == {"scored"}
    assert street[first].max_points == Decimal(40)


def test_an_indicator_without_any_target_stays_due_from_every_unit(cast):
    scheme = scheme_world(cast)
    first = min(item.indicator.code for item in scheme.items.select_related("indicator"))
    Target.objects.filter(indicator__code=first).delete()  # no target for anyone: missing data, scored 0
    result = engine.score_scheme(loader.load(scheme, year_end=True))
    assert _lines(result, cast.other_street)[first].status == "missing"
