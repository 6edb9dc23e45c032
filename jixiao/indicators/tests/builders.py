"""Small builders for indicator tests, on top of the fixed cast (tests/cast.py)."""

import datetime
from decimal import Decimal

from jixiao.indicators.models import (
    BlockKind,
    Category,
    Direction,
    GradeRule,
    Indicator,
    IndicatorVersion,
    Scheme,
    SchemeBlock,
    SchemeGroup,
    SchemeItem,
)
from jixiao.org.models import Cycle, CycleStatus, Group


def indicator(code, *, category=Category.ECONOMIC_CORE, direction=Direction.HIGHER_BETTER, assessor=None,
              year=2020, aggregation="sum", name=None):
    ind = Indicator.objects.create(code=code, name=name or f"指标{code}", category=category, direction=direction,
                                   aggregation=aggregation, measure_unit="万元")
    IndicatorVersion.objects.create(indicator=ind, valid_from_year=year, definition=f"{code} 口径",
                                    default_assessor=assessor)
    return ind


def cycle(year, status=CycleStatus.PLANNING):
    return Cycle.objects.create(year=year, name=f"{year}年度", status=status,
                                starts_on=datetime.date(year, 1, 1), ends_on=datetime.date(year, 12, 31))


def group(cyc, code, units, name=None):
    grp = Group.objects.create(cycle=cyc, code=code, name=name or f"组别{code}")
    grp.units.set(units)
    return grp


def valid_scheme(cast, cyc=None, *, n_indicators=2, groups=None):
    """A scheme that validates: block A (80 points, items) + block E (20, evaluation), one group, grades."""
    cyc = cyc or cast.cycle
    scheme = Scheme.objects.create(cycle=cyc, assessing_unit=cast.district, code=f"D01-{cyc.year}",
                                   name=f"{cyc.year}年度区级绩效考核方案")
    block = SchemeBlock.objects.create(scheme=scheme, code="A", name="指标考核", weight=Decimal(80), sort_order=1)
    SchemeBlock.objects.create(scheme=scheme, code="E", name="综合评议", weight=Decimal(20), sort_order=2,
                               kind=BlockKind.EVALUATION)
    groups = groups or [group(cyc, "G1", [cast.street, cast.other_street], "涉农街道")]
    points = Decimal(80) / n_indicators
    inds = [indicator(f"E{cyc.year}{i:02d}", assessor=cast.tjj) for i in range(n_indicators)]
    for grp in groups:
        SchemeGroup.objects.create(scheme=scheme, group=grp)
        for ind in inds:
            SchemeItem.objects.create(scheme=scheme, block=block, group=grp, indicator=ind,
                                      version=ind.versions.get(), points=points, rule="completion_ratio",
                                      params={"cap": "1.2"}, assessor=cast.tjj)
    for grade, score, quota in [("excellent", 90, 20), ("good", 80, None), ("average", 60, None), ("poor", 0, None)]:
        GradeRule.objects.create(scheme=scheme, grade=grade, min_score=Decimal(score),
                                 quota_percent=Decimal(quota) if quota else None)
    return scheme
