"""The small example district behind docs/examples/units.xlsx (unsaved units, no database needed)."""

import datetime

from jixiao.org.models import Unit, UnitKind

K = UnitKind
D2020 = datetime.date(2020, 1, 1)
# (code, name, short name, kind, parent code, assessor, sort order, valid_from, valid_to, note)
ROWS = [
    ("D01", "示范区", "", K.DISTRICT, "", False, 0, D2020, None, "考核主体"),
    ("B00", "区绩效考核办公室", "区绩效办", K.DEPARTMENT, "D01", False, 1, D2020, None, ""),
    ("B01", "区发展和改革委员会", "区发改委", K.BUREAU, "D01", True, 2, D2020, None, "经济核心指标责任单位"),
    ("B02", "区统计局", "", K.BUREAU, "D01", True, 3, D2020, None, ""),
    ("B03", "区教育局", "", K.BUREAU, "D01", False, 4, D2020, None, ""),
    ("B90", "区原工业经济委员会", "区经委", K.BUREAU, "D01", False, 90, D2020, datetime.date(2022, 12, 31),
     "2023年机构改革撤销，职能并入区发改委"),
    ("S01", "华明街道", "", K.STREET, "D01", False, 10, D2020, None, "涉农街道"),
    ("S01V01", "胡张庄村", "", K.VILLAGE, "S01", False, 1, D2020, None, ""),
    ("S01V02", "华明家园社区", "", K.VILLAGE, "S01", False, 2, datetime.date(2021, 6, 1), None, ""),
    ("P01", "示范区航空产业园", "航空园", K.PARK, "D01", False, 20, D2020, None, "区级园区"),
]


def units() -> list[Unit]:
    pk_of = {row[0]: i for i, row in enumerate(ROWS, start=1)}
    result = []
    for code, name, short, kind, parent, assessor, order, start, end, note in ROWS:
        result.append(Unit(pk=pk_of[code], code=code, name=name, short_name=short, kind=kind,
                           parent_id=pk_of.get(parent), is_assessor=assessor, sort_order=order,
                           valid_from=start, valid_to=end, note=note))
    return result
