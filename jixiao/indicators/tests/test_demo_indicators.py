"""The demo indicator system (jixiao/demo/indicators.py): seed numbers, valid schemes, covered decompositions,
continuity of baselines, adjustment requests, and an unchanged round trip of the 2026 workbook."""

from decimal import Decimal

import pytest
from django.db.models import Count

from jixiao.demo import accounts, build, indicators, org
from jixiao.indicators import schemebook, schemeplan
from jixiao.indicators.models import (
    AdjustmentStatus,
    Category,
    Indicator,
    Scheme,
    SchemeStatus,
    Target,
    TargetAdjustment,
)
from jixiao.indicators.tests import bookworld as bw
from jixiao.indicators.validation import check_decomposition, validate_scheme
from jixiao.org.models import Cycle


@pytest.fixture
def demo(db, settings):
    settings.DEMO_MODE = True
    for step in (org.build, accounts.build, indicators.build):
        step(build.step_rng(step))


def test_library_has_the_seed_numbers(demo):
    counts = dict(Indicator.objects.values_list("category").annotate(n=Count("id")))
    assert counts[Category.ECONOMIC_CORE] == 16
    assert counts[Category.HARMONIOUS_SOCIETY] == 40
    assert counts[Category.CITY_KEY] == 20
    assert counts[Category.COMMON] >= 5 and counts[Category.ADJUSTMENT] >= 2
    revised = Indicator.objects.get(code="E01")
    assert revised.version_for(2022).valid_from_year == 2020 and revised.version_for(2023).valid_from_year == 2023


def test_every_scheme_is_published_and_valid(demo):
    schemes = list(Scheme.objects.select_related("cycle"))
    assert {s.cycle.year for s in schemes} == set(range(2020, 2027))
    assert {s.assessing_unit.code for s in schemes} == {"D01", "S01"}
    for scheme in schemes:
        assert scheme.status == SchemeStatus.PUBLISHED and scheme.is_locked
        assert validate_scheme(scheme) == [], scheme.code
    weights = {b.code: b.weight for b in Scheme.objects.get(code="D01-2026").blocks.all()}
    assert weights == {"A": 60, "B": 20, "E": 20}


def test_every_assessed_unit_has_targets_and_decompositions_cover(demo):
    cycle = Cycle.objects.get(year=2026)
    district = Scheme.objects.get(code="D01-2026")
    for link in district.scheme_groups.select_related("group"):  # targets go to the units an indicator concerns
        members = list(link.group.units.all())
        for item in district.items.filter(group=link.group):
            assert Target.objects.filter(cycle=cycle, unit__in=members, indicator=item.indicator_id).exists(), item
        for unit in members:  # every unit has its key work and something of its own to report
            assert Target.objects.filter(cycle=cycle, unit=unit, indicator__code="W01").exists(), unit.code
            assert Target.objects.filter(cycle=cycle, unit=unit).count() >= 5, unit.code
    parents = Target.objects.filter(cycle=cycle, unit__code="D01")
    assert parents.count() == 20
    for parent in parents:
        assert parent.children.exists() and check_decomposition(parent) is None, parent


def test_baselines_continue_last_years_actuals(demo):
    past = Target.objects.filter(cycle__year=2025, target_value__isnull=False, upper_value__isnull=True)
    assert not past.filter(actual__isnull=True).exists()
    assert not Target.objects.filter(cycle__year=2026, actual__isnull=False).exists()
    actual = {(t.unit_id, t.indicator_id): t.actual for t in past}
    current = Target.objects.filter(cycle__year=2026, baseline__isnull=False)
    assert current.count() > 400  # each unit's own targets: 466 in the demo
    for target in current:
        assert target.baseline == actual[(target.unit_id, target.indicator_id)]
    completion = [t.actual / t.target_value for t in past.filter(indicator__direction="higher_better")]
    assert min(completion) < Decimal("0.95") and max(completion) > Decimal("1.03")


def test_adjustment_requests_in_every_state(demo):
    statuses = set(TargetAdjustment.objects.values_list("status", flat=True))
    assert statuses == {AdjustmentStatus.PENDING, AdjustmentStatus.APPROVED, AdjustmentStatus.REFUSED}
    for adjustment in TargetAdjustment.objects.filter(status=AdjustmentStatus.APPROVED):
        assert adjustment.target.target_value == adjustment.requested_value
    assert not TargetAdjustment.objects.filter(status=AdjustmentStatus.REFUSED, decision_reason="").exists()


def test_the_2026_workbook_round_trips_unchanged(demo):
    cycle = Cycle.objects.get(year=2026)
    data = bw.export(cycle)
    plan = schemeplan.plan(schemebook.read_book(data, 10 * 1024 * 1024))
    assert not plan.has_changes and plan.totals["unchanged"] > 1000
    assert bw.contents(bw.export(cycle)) == bw.contents(data)
