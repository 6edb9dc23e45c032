"""The demo's improvement targets: proposed for 2027 from 2025's whole year, the streets' economic-core ones
approved (one adjusted first), waiting for 2027."""

from decimal import Decimal as D

from jixiao.analysis import demo_improvement
from jixiao.analysis.models import ImprovementStatus, ImprovementTarget
from jixiao.indicators.models import Target
from jixiao.indicators.tests import builders
from jixiao.org.models import CycleStatus


def test_the_demo_proposes_for_2027_and_approves_the_streets(cast):
    last = builders.cycle(2025, CycleStatus.PUBLISHED)
    scheme = builders.valid_scheme(cast, last, groups=[builders.group(last, "G1", [cast.street, cast.other_street])],
                                   n_indicators=1)
    ind = scheme.items.get().indicator
    for unit, value in ((cast.street, "40.3"), (cast.other_street, 60)):
        Target.objects.create(cycle=last, unit=unit, indicator=ind, target_value=D(1), actual=D(value))
    assert demo_improvement.load() == (2, 2, 1)
    mine = ImprovementTarget.objects.get(unit=cast.street)
    # P75 of 40.3 and 60: 40.3 + 0.75 × 19.7 = 55.075; 40.3 + ½ × 14.775 = 47.6875 → 47.69, rounded up to 48
    assert mine.cycle == cast.cycle and mine.data_year == 2025 and mine.target_year == 2027
    assert mine.proposed == D("47.69") and mine.adjusted == D(48)
    assert mine.status == ImprovementStatus.APPROVED  # 2027 does not exist: it waits
    other = ImprovementTarget.objects.get(unit=cast.other_street)
    assert other.status == ImprovementStatus.PROPOSED and other.explanation.startswith("已达组内上四分位")
