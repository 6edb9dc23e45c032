"""Demo organisation: the district tree (placeholder until the full district lands)."""

import datetime

from jixiao.org.models import Unit, UnitKind


def build(rng) -> str:
    district = Unit.objects.create(code="D01", name="示范区", kind=UnitKind.DISTRICT, valid_from=datetime.date(2020, 1, 1))
    Unit.objects.create(code="B00", name="区绩效考核办公室", kind=UnitKind.DEPARTMENT, parent=district)
    return "单位 2 个"
