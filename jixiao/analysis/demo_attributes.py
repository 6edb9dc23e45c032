"""Unit attributes of the demo district's streets and parks (单位属性, 示范数据), for the nearest-neighbour page.

Plausible for a suburban district of about 85万 residents: big agricultural streets (华明, 军粮城, 新立), built-up
small ones (无瑕, 丰年), industrial ones (金桥, 东湖), two industrial parks and one farming park with few residents.
The neighbours that come out make sense to a reader: 无瑕 ↔ 丰年, 华明 ↔ 军粮城 ↔ 新立, 金桥 ↔ 东湖, 经开区 ↔ 临空.
Figures are of 2026; the economic ones of another year move by 5 % a year.
"""

from decimal import Decimal

from django.db import transaction

from jixiao.analysis.attributes import SUGGESTED
from jixiao.org.models import Cycle, Unit, UnitAttribute, UnitAttributeValue

BASE_YEAR = 2026
GROWTH = Decimal("1.05")
GROWING = {"GDP", "REV"}
# code: 常住人口 万人, 面积 平方公里, 地区生产总值 亿元, 一般公共预算收入 亿元, 城镇化率 %, 规模以上工业企业 家
FIGURES = {
    "S01": (12.8, 150.2, 95, 6.2, 88, 45),
    "S02": (9.6, 56.3, 210, 12.5, 92, 160),
    "S03": (11.2, 124.0, 120, 7.4, 85, 70),
    "S04": (7.1, 22.4, 68, 3.9, 100, 25),
    "S05": (10.4, 118.5, 88, 5.1, 79, 52),
    "S06": (6.3, 18.7, 55, 3.2, 100, 18),
    "S07": (8.9, 40.1, 150, 9.8, 95, 110),
    "P01": (3.2, 48.0, 420, 28.0, 100, 260),
    "P02": (1.5, 35.0, 260, 15.6, 100, 140),
    "P03": (2.1, 60.0, 35, 1.8, 45, 12),
}


def _value(code: str, figure, year: int) -> Decimal:
    value = Decimal(str(figure))
    if code in GROWING:
        value *= GROWTH ** (year - BASE_YEAR) if year >= BASE_YEAR else 1 / GROWTH ** (BASE_YEAR - year)
    return value.quantize(Decimal("0.01"))


@transaction.atomic
def load(cycle: Cycle) -> int:
    """Define the suggested attributes for `cycle` and give every demo street and park its figures; returns the
    number of values written. Running it again changes nothing."""
    units = Unit.objects.in_bulk(list(FIGURES), field_name="code")
    written = 0
    for order, (code, name, measure, weight, log_scale, allow_negative) in enumerate(SUGGESTED):
        attribute, _created = UnitAttribute.objects.update_or_create(cycle=cycle, code=code, defaults={
            "name": name, "measure": measure, "weight": weight, "log_scale": log_scale,
            "allow_negative": allow_negative, "sort_order": (order + 1) * 10})
        for unit_code, figures in FIGURES.items():
            if unit_code in units:
                UnitAttributeValue.objects.update_or_create(attribute=attribute, unit=units[unit_code], defaults={
                    "value": _value(code, figures[order], cycle.year)})
                written += 1
    return written
