"""The unit workbook against the hostile file of issue 14, and at its row cap.

Runs in-process against a throw-away SQLite database loaded with the demo organisation. Figures (seconds; wall-clock
and CPU time of this process, median of BENCH_RUNS):

- hostile: a workbook of about 700 KB whose 单位 sheet repeats one row 2,000,000 times (shared strings, no cell
  references, no <dimension>). Before issue 14 the unit import read it with the non-strict reader: 144 s and 2.6 GB
  on the command line, listing 1,999,999 duplicates. Now `unitbook.read_plan` refuses it while streaming the sheet
  (lib.excel's row cap, 100,000 data rows), before calamine parses anything. `hostile_peak_mb` is the peak of
  Python's allocations during the refusal (tracemalloc), `maxrss_mb` the process's resident peak over the whole
  bench (building the two workbooks included). Goal: refused in at most 1 s of CPU with a peak under 32 MB.
- at_cap: a valid sheet of unitbook.MAX_ROWS new units (streets, each with a village) read, parsed and checked
  against the database (`read_plan`, nothing written): the most work a page request can be made to do. The checks
  are linear in the rows; before issue 14 the children of each row were found by scanning every unit and the
  loops by walking a list (10,000 such rows: 52 s wall, 12 s CPU on a busy machine). Goal ≤ 10 s of CPU.

The goals are on CPU time: on the shared machine wall-clock time varies several-fold from run to run.

The last line is one JSON object.
"""

import io
import json
import os
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
_tmp = tempfile.mkdtemp(prefix="jixiao-bench-")
os.environ["JIXIAO_SQLITE_PATH"] = str(Path(_tmp) / "bench.sqlite3")
os.environ["JIXIAO_MEDIA_ROOT"] = str(Path(_tmp) / "media")
os.environ["JIXIAO_DEMO_MODE"] = "true"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jixiao.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402

from jixiao.lib.excel import WorkbookError  # noqa: E402
from jixiao.org import unitbook  # noqa: E402
from jixiao.org.tests.helpers import duplicate_rows_workbook, row, workbook_bytes  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "5"))
HOSTILE_ROWS = 2_000_000


def timed(fn, runs=RUNS) -> tuple[float, float]:
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return round(statistics.median(wall), 3), round(statistics.median(cpu), 3)


def load():
    from jixiao.demo import build, org

    call_command("migrate", verbosity=0)
    with transaction.atomic():
        org.build(build.step_rng(org.build))


def refuse(data: bytes) -> WorkbookError:
    try:
        unitbook.read_plan(io.BytesIO(data), settings.UPLOAD_MAX_BYTES)
    except WorkbookError as error:
        return error
    raise AssertionError("the hostile workbook was not refused")


def at_cap_rows() -> list[list]:
    """MAX_ROWS new units: streets under the district, each followed by a village of its own."""
    rows = []
    for i in range(unitbook.MAX_ROWS // 2):
        rows.append(row(f"BS{i:05d}", f"测试街道{i}", kind="街道", parent="D01"))
        rows.append(row(f"BV{i:05d}", f"测试村{i}", kind="村/社区", parent=f"BS{i:05d}"))
    return rows


def main():
    load()
    hostile = duplicate_rows_workbook(HOSTILE_ROWS)
    error = refuse(hostile)
    tracemalloc.start()
    refuse(hostile)
    peak_mb = tracemalloc.get_traced_memory()[1] / 1024 / 1024
    tracemalloc.stop()
    hostile_s = timed(lambda: refuse(hostile))
    valid = workbook_bytes(at_cap_rows())
    _rows, plan = unitbook.read_plan(valid, settings.UPLOAD_MAX_BYTES)
    assert plan.counts["new"] == unitbook.MAX_ROWS, plan.counts
    at_cap_s = timed(lambda: unitbook.read_plan(valid, settings.UPLOAD_MAX_BYTES), runs=max(RUNS // 2, 1))
    maxrss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"hostile: {HOSTILE_ROWS:,} rows, {len(hostile) / 1024:.0f} KB: refused in {hostile_s[0]} s "
          f"(cpu {hostile_s[1]} s), peak {peak_mb:.1f} MB — “{error.errors[0]}”")
    print(f"at cap: {unitbook.MAX_ROWS:,} new units read and checked in {at_cap_s[0]} s (cpu {at_cap_s[1]} s)")
    result = {
        "hostile": {"rows": HOSTILE_ROWS, "bytes": len(hostile), "refused_s": hostile_s[0], "cpu_s": hostile_s[1],
                    "peak_mb": round(peak_mb, 1), "problems": error.total, "message": error.errors[0].message},
        "at_cap": {"rows": unitbook.MAX_ROWS, "read_plan_s": at_cap_s[0], "cpu_s": at_cap_s[1]},
        "maxrss_mb": round(maxrss_mb, 1),
        "goal": {"hostile_cpu_s": 1, "hostile_peak_mb": 32, "at_cap_cpu_s": 10},
        "within_goal": hostile_s[1] <= 1 and peak_mb <= 32 and at_cap_s[1] <= 10,
        "runs": RUNS,
    }
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
