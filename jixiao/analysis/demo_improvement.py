"""Improvement targets of the demo district (绩效改进目标, 示范数据): proposed for 2027, some approved by the office.

2026 is still running (Q1–Q3 reported), so the proposals come from the latest complete year, 2025's whole-year
figures, as the office's default. Every unit × indicator of 2025 is proposed by closing half the gap to its group's better quartile (组内上四分位).
The streets' and parks' economic-core proposals are approved, one of them adjusted first; the departments' stay
待审定 for the office to try. 2027 does not exist in the demo, so the approved ones wait as 已批准，待转入: creating
2027 and pressing 转入下一年度目标 writes them into its targets.
"""

from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from django.db import transaction

from jixiao.accounts.models import Role, User
from jixiao.analysis import improvement_actions
from jixiao.analysis.models import ImprovementStatus, ImprovementTarget
from jixiao.indicators.models import Category, Direction
from jixiao.org.models import Cycle, UnitKind

YEAR = 2026
SHARE = Decimal(50)
APPROVED_KINDS = (UnitKind.STREET, UnitKind.PARK)


@transaction.atomic
def load() -> tuple[int, int, int]:
    """Propose and approve; returns (proposed, with a figure, approved). Nothing without the 2026 cycle."""
    cycle = Cycle.objects.filter(year=YEAR).first()
    office = User.objects.filter(memberships__role=Role.OFFICE_ADMIN).order_by("pk").first()
    if cycle is None or office is None:
        return 0, 0, 0
    counts = improvement_actions.propose(cycle, method="quartile", share=SHARE, by=office)
    chosen = _chosen(cycle)
    if chosen:
        first = chosen[0]
        improvement_actions.adjust(first, _rounded_up(first), by=office)
    approved = improvement_actions.approve(cycle, [t.pk for t in chosen], by=office)
    return counts.written, counts.with_value, approved.approved


def _chosen(cycle) -> list[ImprovementTarget]:
    """The streets' and parks' economic-core proposals that raise the bar (not the 保持 ones)."""
    rows = (ImprovementTarget.objects.filter(cycle=cycle, status=ImprovementStatus.PROPOSED, proposed__isnull=False,
                                             unit__kind__in=APPROVED_KINDS, indicator__category=Category.ECONOMIC_CORE)
            .select_related("unit", "indicator")
            .order_by("unit__sort_order", "unit__code", "indicator__sort_order", "indicator__code"))
    return [t for t in rows if t.proposed != t.current]


def _rounded_up(target: ImprovementTarget) -> Decimal:
    """The office's round figure: the proposal rounded to a whole number in the better direction."""
    higher = target.indicator.direction == Direction.HIGHER_BETTER
    return target.proposed.to_integral_value(rounding=ROUND_CEILING if higher else ROUND_FLOOR)
