"""Nearest neighbours (近邻单位) for 2,000 units × 6 attributes, against fetching the inputs alone.

Runs in-process against a throw-away SQLite database (or JIXIAO_DATABASE_URL) holding 2,000 streets, each with six
attribute values (log-normal sizes, as real districts' are skewed; a few values missing so the grouped path by
shared attributes runs too). Figures (seconds; wall-clock and CPU time of this process, median of BENCH_RUNS):

- fetch: `neighbours_inputs.inputs(cycle)` alone: the attributes and the 12,000 values in two queries;
- compute: `neighbours.nearest` on the fetched inputs (k = 5), no database;
- propose: the two together, as the page does (`neighbours_inputs.propose`).

Goal (issue 16): propose ≤ 2 s. As the other benches, the goal is on CPU time: on the shared machine wall-clock
time varies several-fold from run to run (another process's work is counted in it). `ratio` is propose ÷ fetch of
the same run.

The last line is one JSON object.
"""

import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
_tmp = tempfile.mkdtemp(prefix="jixiao-bench-")
os.environ.setdefault("JIXIAO_SQLITE_PATH", str(Path(_tmp) / "bench.sqlite3"))
os.environ["JIXIAO_MEDIA_ROOT"] = str(Path(_tmp) / "media")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jixiao.settings")
os.environ.setdefault("JIXIAO_DEBUG", "true")

import django  # noqa: E402

django.setup()

import datetime  # noqa: E402
from decimal import Decimal  # noqa: E402

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from jixiao.analysis import neighbours, neighbours_inputs  # noqa: E402
from jixiao.analysis.attributes import SUGGESTED  # noqa: E402
from jixiao.org.models import Cycle, CycleStatus, Unit, UnitAttribute, UnitAttributeValue, UnitKind  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "5"))
UNITS = int(os.environ.get("BENCH_UNITS", "2000"))
MISSING = 0.02  # share of values left out
K = 5


def timed(fn, runs=RUNS) -> tuple[float, float]:
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return round(statistics.median(wall), 3), round(statistics.median(cpu), 3)


def build(rng: random.Random) -> Cycle:
    call_command("migrate", verbosity=0)
    with transaction.atomic():
        district = Unit.objects.create(code="D01", name="示范区", kind=UnitKind.DISTRICT)
        units = Unit.objects.bulk_create([Unit(code=f"S{i:05d}", name=f"街道{i}", kind=UnitKind.STREET,
                                               parent=district) for i in range(UNITS)])
        cycle = Cycle.objects.create(year=2026, name="2026年度", status=CycleStatus.RUNNING,
                                     starts_on=datetime.date(2026, 1, 1), ends_on=datetime.date(2026, 12, 31))
        attributes = [UnitAttribute.objects.create(cycle=cycle, code=code, name=name, measure=measure, weight=weight,
                                                   log_scale=log_scale, sort_order=i)
                      for i, (code, name, measure, weight, log_scale, _neg) in enumerate(SUGGESTED)]
        values = [UnitAttributeValue(attribute=a, unit=u, value=_figure(rng, a.log_scale))
                  for u in units for a in attributes if rng.random() >= MISSING]
        UnitAttributeValue.objects.bulk_create(values, batch_size=2000)
    return cycle


def _figure(rng: random.Random, log_scale: bool) -> Decimal:
    value = rng.lognormvariate(2, 0.8) if log_scale else rng.uniform(30, 100)
    return Decimal(f"{value:.2f}")


def main():
    cycle = build(random.Random(16))
    attributes, units = neighbours_inputs.inputs(cycle)
    fetch = timed(lambda: neighbours_inputs.inputs(cycle))
    compute = timed(lambda: neighbours.nearest(attributes, units, K))
    propose = timed(lambda: neighbours_inputs.propose(cycle, K))
    proposal = neighbours_inputs.propose(cycle, K)
    figures = {
        "bench": "neighbours", "database": connection.vendor, "units": len(units), "attributes": len(attributes),
        "values": sum(len(u.values) for u in units), "k": K, "runs": RUNS,
        "fetch_wall_s": fetch[0], "fetch_cpu_s": fetch[1],
        "compute_wall_s": compute[0], "compute_cpu_s": compute[1],
        "propose_wall_s": propose[0], "propose_cpu_s": propose[1],
        "ratio_propose_to_fetch_wall": round(propose[0] / fetch[0], 1) if fetch[0] else None,
        "ratio_propose_to_fetch_cpu": round(propose[1] / fetch[1], 1) if fetch[1] else None,
        "proposed_units": len(proposal.units), "excluded_units": len(proposal.excluded),
        "goal_propose_cpu_s": 2.0, "goal_met": propose[1] <= 2.0,
    }
    for key, value in figures.items():
        if key != "bench":
            print(f"{key:32} {value}")
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
