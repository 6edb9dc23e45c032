"""A small cadres world on the cast: a final 2026 run written directly (fast), cadres and democratic results.

Units (total of 100, grade, veto): 华明街道 S01 95 优秀; 金桥街道 S02 85 良好, vetoed; 发改委 B01 72 较差 (its grade
calibrated down); 统计局 B02 88 良好. Cadres: a main leader and a member for each, one member of S01 moved to B02
on 2026-07-01 (two partial posts).
"""

import datetime
from decimal import Decimal

from django.utils import timezone

from jixiao.cadres.models import DemocraticResult, DemocraticSource
from jixiao.indicators.models import Scheme
from jixiao.indicators.tests import builders as ib
from jixiao.org.models import Cadre
from jixiao.scoring.models import ScoreResult, ScoreRun

UNITS = {"S01": ("95", "excellent", False), "S02": ("85", "good", True), "B01": ("72", "poor", False),
         "B02": ("88", "good", False)}


def scored(cast, cycle=None, *, stage="final", units=UNITS):
    cycle = cycle or cast.cycle
    scheme = Scheme.objects.create(cycle=cycle, assessing_unit=cast.district, code=f"D01-{cycle.year}",
                                   name=f"{cycle.year}年度区级绩效考核方案")
    by_code = {u.code: u for u in [cast.street, cast.other_street, cast.fgw, cast.tjj]}
    group = ib.group(cycle, "G1", list(by_code.values()), "全部")
    run = ScoreRun.objects.create(scheme=scheme, cycle=cycle, stage=stage, digest="x", engine_version="5",
                                  created_at=timezone.now(), unit_count=len(units))
    for rank, (code, (total, grade, vetoed)) in enumerate(units.items(), start=1):
        ScoreResult.objects.create(
            run=run, unit=by_code[code], group=group, total=Decimal(total), block_total=Decimal(total),
            adjustment_total=0, outside_total=0, rank=rank, group_size=len(units), threshold_grade=grade,
            grade=grade, lost_points=0, vetoes=[{"condition": "V1", "reason": "重大安全事故"}] if vetoed else [])
    return run


def cadres(cast) -> dict:
    d = datetime.date(2024, 1, 1)
    rows = {
        "s01_main": Cadre(unit=cast.street, name="张华", post="main", title="党工委书记", tenure_from=d),
        "s01_member": Cadre(unit=cast.street, name="李明", post="member", title="副主任", tenure_from=d),
        "s02_main": Cadre(unit=cast.other_street, name="王强", post="main", title="党工委书记", tenure_from=d),
        "b01_main": Cadre(unit=cast.fgw, name="赵丽", post="main", title="主任", tenure_from=d),
        "b02_main": Cadre(unit=cast.tjj, name="钱进", post="main", title="局长", tenure_from=d),
        "moved_a": Cadre(unit=cast.street, name="孙雷", post="member", title="副主任", tenure_from=d,
                         tenure_to=datetime.date(2026, 6, 30)),
        "moved_b": Cadre(unit=cast.tjj, name="孙雷", post="member", title="副局长",
                         tenure_from=datetime.date(2026, 7, 1)),
        "gone": Cadre(unit=cast.tjj, name="周退", post="member", title="副局长", tenure_from=d,
                      tenure_to=datetime.date(2025, 12, 31)),
    }
    for row in rows.values():
        row.save()
    return rows


def democratic(cycle, unit, score, cadre=None, source=DemocraticSource.IMPORT):
    return DemocraticResult.objects.create(cycle=cycle, unit=unit, cadre=cadre, score=Decimal(score), raters=30,
                                           source=source, recorded_at=timezone.now())


def full(cast) -> dict:
    """The scored run, the cadres, and a democratic result for every team and cadre but 钱进 (B02's main)."""
    scored(cast)
    found = cadres(cast)
    for unit, score in [(cast.street, "96"), (cast.other_street, "94"), (cast.fgw, "90"), (cast.tjj, "80")]:
        democratic(cast.cycle, unit, score)
    for key, score in [("s01_main", "97"), ("s01_member", "92"), ("s02_main", "96"), ("b01_main", "99"),
                       ("moved_a", "80"), ("moved_b", "82")]:
        democratic(cast.cycle, found[key].unit, score, found[key])
    return found
