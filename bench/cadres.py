"""Team and cadre grading (issue 18): a district the size of the demo's (90 assessed units, 450 cadres) and a
city (2,000 units, 10,000 cadres), each graded from database to stored rows — goals ≤ 1 s and ≤ 15 s — with the
input fetch alone, the pure grading alone and the ratio full ÷ fetch, measured in the same run.

Runs in-process against a throw-away SQLite database (removed at the end). The synthetic data is built with bulk
inserts (not timed): one final run scoring every unit (a few vetoed, a tenth graded 较差), five cadres per unit
(one main leader; one in five with a key task scored), a democratic result for every team and for all cadres but
one in fifty (ungraded, as a missing input). A full run = `cadres.actions.assess(cycle)` (lock, fetch, grading, the
replacement of the cycle's rows, the audit event) in a transaction that is rolled back. Median of REPEAT runs.
The last line is one JSON object.
"""

import datetime
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
_tmp = tempfile.mkdtemp(prefix="jixiao-bench-cadres-")
os.environ["JIXIAO_SQLITE_PATH"] = str(Path(_tmp) / "bench.sqlite3")
os.environ["JIXIAO_MEDIA_ROOT"] = str(Path(_tmp) / "media")
os.environ["JIXIAO_DEMO_MODE"] = "true"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jixiao.settings")
REPEAT = int(os.environ.get("BENCH_REPEAT", "3"))
SIZES = {"district": (90, 2024), "city": (int(os.environ.get("BENCH_UNITS", "2000")), 2025)}
CADRES_PER_UNIT = 5


class Rollback(Exception):
    pass


def build(rng: random.Random, n_units: int, year: int):
    from django.utils import timezone

    from jixiao.cadres.models import DemocraticResult, DemocraticSource
    from jixiao.indicators.models import Scheme
    from jixiao.keywork.models import Assessment, KeyTask
    from jixiao.org.models import Cadre, Cycle, Group, Unit
    from jixiao.scoring.models import ScoreResult, ScoreRun

    now = timezone.now()
    cycle = Cycle.objects.create(year=year, name=f"{year}年度", status="published",
                                 starts_on=datetime.date(year, 1, 1), ends_on=datetime.date(year, 12, 31))
    top = Unit.objects.create(code=f"C{year}", name=f"{year}合成区", kind="district")
    units = Unit.objects.bulk_create([Unit(code=f"U{year}-{i:05d}", name=f"单位{i}", kind="department", parent=top,
                                           sort_order=i) for i in range(n_units)])
    scheme = Scheme.objects.create(cycle=cycle, assessing_unit=top, code=f"S{year}", name="合成方案")
    group = Group.objects.create(cycle=cycle, code="G1", name="全部")
    run = ScoreRun.objects.create(scheme=scheme, cycle=cycle, stage="final", digest="x", engine_version="5",
                                  created_at=now, unit_count=n_units)
    results = []
    for rank, unit in enumerate(units, start=1):
        total = Decimal(str(round(rng.uniform(55, 99), 2)))
        grade = "poor" if total < 60 else "average" if total < 75 else "good" if total < 90 else "excellent"
        vetoed = rng.random() < 0.01
        results.append(ScoreResult(run=run, unit=unit, group=group, total=total, block_total=total, adjustment_total=0,
                                   outside_total=0, rank=rank, group_size=n_units, threshold_grade=grade, grade=grade,
                                   lost_points=0, vetoes=[{"condition": "V1", "reason": "事故"}] if vetoed else []))
    ScoreResult.objects.bulk_create(results, batch_size=500)
    cadres = Cadre.objects.bulk_create([
        Cadre(unit=unit, name=f"干部{unit.pk}-{k}", post="main" if k == 0 else "member", title="职务",
              tenure_from=datetime.date(year - 3, 1, 1)) for unit in units for k in range(CADRES_PER_UNIT)],
        batch_size=1000)
    tasks = KeyTask.objects.bulk_create([
        KeyTask(cycle=cycle, code=f"K{i:05d}", name="重点工作", source="livelihood", lead_unit_id=c.unit_id,
                leader_cadre=c, annual_goal="目标", points=Decimal(10)) for i, c in enumerate(cadres[::5])],
        batch_size=1000)
    user = _user()
    Assessment.objects.bulk_create([
        Assessment(task=t, unit_id=t.lead_unit_id, period_code="Y", score=Decimal(rng.randint(6, 10)), comment="评",
                   assessed_by=user, assessed_at=now) for t in tasks], batch_size=1000)
    democratic = [DemocraticResult(cycle=cycle, unit=u, score=Decimal(str(round(rng.uniform(75, 98), 2))), raters=30,
                                   source=DemocraticSource.IMPORT, recorded_at=now) for u in units]
    democratic += [DemocraticResult(cycle=cycle, unit_id=c.unit_id, cadre=c, raters=20,
                                    score=Decimal(str(round(rng.uniform(70, 99), 2))), source=DemocraticSource.IMPORT,
                                    recorded_at=now) for i, c in enumerate(cadres) if i % 50 != 7]
    DemocraticResult.objects.bulk_create(democratic, batch_size=1000)
    return cycle


def _user():
    from jixiao.accounts.models import User

    return User.objects.first() or User.objects.create(username="bench", full_name="bench")


def measure(cycle) -> dict:
    from django.db import transaction

    from jixiao.cadres import actions, compute, grading
    from jixiao.cadres.models import CadreAssessment

    fetch, pure, full = [], [], []
    counts = {}
    for _ in range(REPEAT):
        started = time.perf_counter()
        inputs = compute.gather(cycle)
        fetch.append(time.perf_counter() - started)
        started = time.perf_counter()
        teams = grading.grade_teams(inputs.rules, inputs.teams)
        cadres = grading.grade_cadres(inputs.rules, compute.cadre_inputs(inputs, {t.unit: t.grade for t in teams}))
        pure.append(time.perf_counter() - started)
        try:
            with transaction.atomic():
                started = time.perf_counter()
                n_teams, n_cadres = actions.assess(cycle, by=_user())
                full.append(time.perf_counter() - started)
                counts = {"teams": n_teams, "cadres": n_cadres,
                          "stored": CadreAssessment.objects.filter(cycle=cycle).count(),
                          "excellent": sum(1 for o in cadres if o.grade == grading.EXCELLENT),
                          "ungraded": sum(1 for o in cadres if not o.grade)}
                raise Rollback
        except Rollback:
            pass
    assert counts["stored"] == counts["cadres"], counts  # every row was really written
    return {**counts, "full_s": round(statistics.median(full), 3), "fetch_s": round(statistics.median(fetch), 3),
            "grading_s": round(statistics.median(pure), 3),
            "ratio_full_to_fetch": round(statistics.median(full) / statistics.median(fetch), 2)}


def main() -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections, transaction

    figures = {"bench": "cadres", "repeat": REPEAT, "goal_district_s": 1.0, "goal_city_s": 15.0}
    try:
        call_command("migrate", verbosity=0)
        for name, (n_units, year) in SIZES.items():
            with transaction.atomic():
                cycle = build(random.Random(20260101 + year), n_units, year)
            figures[name] = measure(cycle)
    finally:
        connections.close_all()
        shutil.rmtree(_tmp, ignore_errors=True)
    for name in SIZES:
        f = figures[name]
        print(f"{name}: 班子 {f['teams']} 个、干部 {f['cadres']} 名：完整计算 {f['full_s']} s，取数 {f['fetch_s']} s，"
              f"定等 {f['grading_s']} s，完整/取数 {f['ratio_full_to_fetch']}")
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
