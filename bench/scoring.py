"""A full scoring run of the demo district: database → engine → stored snapshot (issue 7, goal ≤ 1 s), the
engine alone, the fetch of the inputs alone, and the ratio full ÷ fetch (goal ≤ 3), measured in the same run.

Runs in-process against a throw-away SQLite database (removed at the end). The demo district is loaded with
every step up to the scoring inputs (org, accounts, key work, evaluation, indicators, reporting; not timed),
then the demo's bonus/deduction ledger is entered for the scheme (demo.scoring.enter_ledger). The scored
history of the demo is *not* loaded: a published run can never be recomputed or deleted (protected history),
so the bench scores a cycle that has no run yet. Each full run is `scoring.actions.compute(scheme,
"preliminary")` — lock, fetch, engine, digest, one ScoreRun, bulk insert of results and lines, audit event —
inside a transaction that is rolled back, so every repetition really computes and stores. Median of REPEAT
runs. The last line is one JSON object.
"""

import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
_tmp = tempfile.mkdtemp(prefix="jixiao-bench-scoring-")
os.environ["JIXIAO_SQLITE_PATH"] = str(Path(_tmp) / "bench.sqlite3")
os.environ["JIXIAO_MEDIA_ROOT"] = str(Path(_tmp) / "media")
os.environ["JIXIAO_DEMO_MODE"] = "true"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jixiao.settings")
REPEAT = int(os.environ.get("BENCH_REPEAT", "5"))
SCHEME = os.environ.get("BENCH_SCHEME", "D01-2025")
INPUT_STEPS = ["org", "accounts", "keywork", "evaluation", "indicators", "reporting"]


class Rollback(Exception):
    pass


def setup():
    """Migrate, load the demo inputs and the scheme's ledger; returns the scheme."""
    from django.core.management import call_command

    from jixiao.accounts.models import User
    from jixiao.accounts.roles import Role
    from jixiao.demo import build
    from jixiao.demo import scoring as demo_scoring
    from jixiao.indicators.models import Scheme
    from jixiao.org.models import Unit
    from jixiao.scoring import loader

    call_command("migrate", verbosity=0)
    build.load(only=INPUT_STEPS)
    scheme = Scheme.objects.select_related("cycle", "assessing_unit").get(code=SCHEME)
    units = sorted(loader.load(scheme).units, key=lambda u: u.code)
    unit_rows = Unit.objects.in_bulk([u.id for u in units])
    office = User.objects.filter(memberships__role=Role.OFFICE_ADMIN).order_by("pk").first()
    demo_scoring.enter_ledger(random.Random(1), scheme, units, unit_rows, office, {"entries": 0})
    return scheme


def measure(scheme) -> dict:
    from django.db import transaction

    from jixiao.scoring import actions, engine, loader
    from jixiao.scoring.models import ScoreLine

    fetch, engine_only, full = [], [], []
    inputs = result = None
    stored_lines = 0
    for _ in range(REPEAT):
        started = time.perf_counter()
        inputs = loader.load(scheme)
        fetch.append(time.perf_counter() - started)
        started = time.perf_counter()
        result = engine.score_scheme(inputs)
        engine_only.append(time.perf_counter() - started)
        try:
            with transaction.atomic():
                started = time.perf_counter()
                run = actions.compute(scheme, "preliminary", by=None)
                full.append(time.perf_counter() - started)
                stored_lines = ScoreLine.objects.filter(run=run).count()
                raise Rollback
        except Rollback:
            pass
    lines = sum(len(u.lines) for u in result.units)
    assert stored_lines == lines, (stored_lines, lines)  # the snapshot was really written
    return {
        "bench": "scoring", "scheme": SCHEME, "units": len(result.units), "items": len(inputs.scheme.items),
        "lines": lines, "adjustments": len(inputs.adjustments), "repeat": REPEAT,
        "full_run_s": round(statistics.median(full), 3), "fetch_s": round(statistics.median(fetch), 3),
        "engine_s": round(statistics.median(engine_only), 3),
        "ratio_full_to_fetch": round(statistics.median(full) / statistics.median(fetch), 2),
        "goal_full_s": 1.0, "goal_ratio": 3.0,
    }


def main() -> None:
    import django

    django.setup()
    try:
        figures = measure(setup())
    finally:
        from django.db import connections

        connections.close_all()
        shutil.rmtree(_tmp, ignore_errors=True)
    print(f"完整计算 {figures['full_run_s']} s（单位 {figures['units']} 个，得分行 {figures['lines']} 条），"
          f"取数 {figures['fetch_s']} s，引擎 {figures['engine_s']} s，完整/取数 {figures['ratio_full_to_fetch']}")
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
