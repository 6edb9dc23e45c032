"""A full scoring run of the demo district: database → engine → stored snapshot (issue 7, goal ≤ 1 s), the
engine alone, the fetch of the inputs alone, and the ratio full ÷ fetch (goal ≤ 3), measured in the same run.

Uses the SQLite file in JIXIAO_SQLITE_PATH (default jixiao_bench_scoring.sqlite3 in the temporary directory); when it holds no demo
data yet it is migrated and seeded first (about a minute, not timed). The scheme is the district's 2025 scheme
(D01-2025). Every full run happens inside a transaction that is rolled back, after removing the stored runs of
the scheme inside it, so each repetition really computes and stores. Median of REPEAT runs. The last line is
one JSON object.
"""

import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("JIXIAO_SQLITE_PATH", str(Path(tempfile.gettempdir()) / "jixiao_bench_scoring.sqlite3"))
os.environ.setdefault("JIXIAO_DEMO_MODE", "true")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jixiao.settings")
REPEAT = int(os.environ.get("BENCH_REPEAT", "5"))
SCHEME = os.environ.get("BENCH_SCHEME", "D01-2025")


def main() -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction

    from jixiao.indicators.models import Scheme
    from jixiao.org.models import Unit
    from jixiao.scoring import actions, engine, loader
    from jixiao.scoring.models import Appeal, ScoreRun

    call_command("migrate", verbosity=0)
    if not Unit.objects.exists():
        call_command("seed_demo", verbosity=0)
    scheme = Scheme.objects.select_related("cycle", "assessing_unit").get(code=SCHEME)

    fetch, engine_only, full = [], [], []
    inputs = None
    for _ in range(REPEAT):
        started = time.perf_counter()
        inputs = loader.load(scheme)
        fetch.append(time.perf_counter() - started)
        started = time.perf_counter()
        result = engine.score_scheme(inputs)
        engine_only.append(time.perf_counter() - started)
        with transaction.atomic():
            Appeal.objects.filter(run__scheme=scheme).delete()
            runs = ScoreRun.objects.filter(scheme=scheme)
            runs.update(supersedes=None)
            runs.delete()
            started = time.perf_counter()
            actions.compute(scheme, "preliminary", by=None)
            full.append(time.perf_counter() - started)
            transaction.set_rollback(True)
    lines = sum(len(u.lines) for u in result.units)
    figures = {
        "bench": "scoring", "scheme": SCHEME, "units": len(result.units), "items": len(inputs.scheme.items),
        "lines": lines, "repeat": REPEAT,
        "full_run_s": round(statistics.median(full), 3), "fetch_s": round(statistics.median(fetch), 3),
        "engine_s": round(statistics.median(engine_only), 3),
        "ratio_full_to_fetch": round(statistics.median(full) / statistics.median(fetch), 2),
        "goal_full_s": 1.0, "goal_ratio": 3.0,
    }
    print(f"完整计算 {figures['full_run_s']} s（单位 {figures['units']} 个，得分行 {lines} 条），"
          f"取数 {figures['fetch_s']} s，引擎 {figures['engine_s']} s，完整/取数 {figures['ratio_full_to_fetch']}")
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
