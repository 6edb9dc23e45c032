"""The demo's unit attributes give neighbours a reader of the district would expect."""

from decimal import Decimal

from jixiao.analysis import demo_attributes, neighbours_inputs
from jixiao.org.models import Unit, UnitAttributeValue, UnitKind


def _demo_units(cast):
    for code in demo_attributes.FIGURES:
        if not Unit.objects.filter(code=code).exists():
            kind = UnitKind.PARK if code.startswith("P") else UnitKind.STREET
            Unit.objects.create(code=code, name=f"示范{code}", kind=kind, parent=cast.district)


def test_the_demo_neighbours_make_sense(cast):
    _demo_units(cast)
    assert demo_attributes.load(cast.cycle) == 60
    proposal = neighbours_inputs.propose(cast.cycle, 2)
    first = {row.code: row.neighbours[0].code for row in proposal.units}
    assert first["S04"] == "S06" and first["S06"] == "S04"  # the two small built-up streets
    assert first["P01"] == "P02" and first["P02"] == "P01"  # the two industrial parks
    assert first["S02"] == "S07"  # the two industrial streets
    assert {n.code for n in proposal.of("S01").neighbours} == {"S03", "S05"}  # the big agricultural streets
    assert proposal.notes == () and proposal.excluded == ()


def test_loading_again_changes_nothing_and_another_year_grows_the_economy(cast):
    _demo_units(cast)
    demo_attributes.load(cast.cycle)
    demo_attributes.load(cast.cycle)
    assert UnitAttributeValue.objects.count() == 60
    gdp = UnitAttributeValue.objects.get(unit__code="S01", attribute__code="GDP").value
    assert gdp == 95  # 2026, the base year
    assert demo_attributes._value("GDP", 95, 2027) == Decimal("99.75")  # 95 × 1.05
    assert demo_attributes._value("POP", 12.8, 2027) == Decimal("12.8")
