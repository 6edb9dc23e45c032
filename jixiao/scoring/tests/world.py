"""A small scoring world on top of the cast: a 2026 scheme with two groups, targets, ledger and veto rules."""

import datetime
from decimal import Decimal

from jixiao.indicators.models import AdjustmentCategory, Target, VetoCondition
from jixiao.indicators.tests import builders
from jixiao.org.models import CycleStatus

NOW = datetime.datetime(2027, 1, 10, 9, 0, tzinfo=datetime.UTC)


def scheme_world(cast, *, n_indicators=2, extra_units=(), cycle=None):
    """Groups: G1 涉农街道 (S01, S02, …extra) and G2 委办局 (B01, B02); actuals make S01 best of G1.

    Without `cycle`, the cast's 2026 cycle is moved to 评分中 and used.
    """
    if cycle is None:
        cycle = cast.cycle
        cycle.status = CycleStatus.SCORING
        cycle.save(update_fields=["status"])
    g1 = builders.group(cycle, "G1", [cast.street, cast.other_street, *extra_units], "涉农街道")
    g2 = builders.group(cycle, "G2", [cast.fgw, cast.tjj], "委办局")
    scheme = builders.valid_scheme(cast, cycle, n_indicators=n_indicators, groups=[g1, g2])
    AdjustmentCategory.objects.create(scheme=scheme, code="J1", name="争先创优", kind="bonus", cap=Decimal(3))
    AdjustmentCategory.objects.create(scheme=scheme, code="K1", name="通报批评", kind="deduction", cap=Decimal(5))
    VetoCondition.objects.create(scheme=scheme, code="V1", name="重大安全事故", effect="cap_grade",
                                 cap_grade="average")
    units = [cast.street, cast.other_street, *extra_units, cast.fgw, cast.tjj]
    indicators = {item.indicator for item in scheme.items.select_related("indicator")}
    rows = []
    for n, unit in enumerate(units):
        for ind in indicators:
            rows.append(Target(cycle=cycle, unit=unit, indicator=ind, target_value=Decimal(100),
                               actual=Decimal(110 - 5 * n)))
    Target.objects.bulk_create(rows)
    return scheme


def outside_bonus(scheme, unit, by):
    """`unit` claims 3 + 5 = 8 of 单列加分 (outside the total, cap 5: 5.00 counted apart) and =SUM(1) 2 of 通报批评
    (cap 5, counted in the total: −2.00)."""
    from jixiao.scoring import actions

    outside = AdjustmentCategory.objects.create(scheme=scheme, code="O1", name="单列加分", kind="bonus",
                                                cap=Decimal(5), outside_total=True)
    deduction = AdjustmentCategory.objects.get(scheme=scheme, code="K1")
    for category, points, reason in [(outside, 3, "获评省级示范"), (outside, 5, "入选全国案例"),
                                     (deduction, 2, "=SUM(1) 被市委通报")]:
        actions.add_adjustment(cycle=scheme.cycle, unit=unit, category=category, points=Decimal(points),
                               reason=reason, by=by)
