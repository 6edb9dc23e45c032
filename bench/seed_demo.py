"""How long a fresh clone waits for the demo district: `migrate` and `seed_demo` on a new SQLite file.

Each command runs in its own Python process, as `make run` starts it, on a throw-away database in a temporary
folder. Reported for each: wall-clock and CPU seconds (the child's user + system time; steadier than the wall
clock when other work shares the machine), the slowest migrations (Django's own timing at -v 2), and the CPU
time of every demo step (a child that runs the steps as `build.load` does, one transaction). Then
`verify_audit` must find the chain the load wrote intact. The baseline, measured in the same run: a fixed
pure-Python loop (SM3 over a counter, BASELINE_ROUNDS times) in a child process, so that the ratios compare
runs on machines of different speed or load. The last line is one JSON object.
"""

import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE_ROUNDS = 300_000
BASELINE = (f"import hashlib\nh = b''\nfor i in range({BASELINE_ROUNDS}):\n"
            "    h = hashlib.new('sm3', h + i.to_bytes(8, 'big')).digest()\n")


def run(args: list[str], env: dict) -> tuple[float, float, str]:
    """(wall seconds, CPU seconds of the child, its stdout); raises when the child fails."""
    before, wall = os.times(), time.perf_counter()
    done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    wall, after = time.perf_counter() - wall, os.times()
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    return round(wall, 2), round(cpu, 2), done.stdout


def child_steps() -> None:
    """In the child: run the demo steps as build.load does and print each step's wall and CPU time as JSON."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jixiao.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import transaction

    from jixiao.demo import build

    times = {}
    with transaction.atomic():
        for step in build.steps():
            wall, cpu = time.perf_counter(), time.process_time()
            step(build.step_rng(step))
            times[build.step_name(step)] = {"wall": round(time.perf_counter() - wall, 2),
                                            "cpu": round(time.process_time() - cpu, 2)}
    print(json.dumps(times))


def main() -> dict:
    python = str(ROOT / ".venv/bin/python")
    with tempfile.TemporaryDirectory(prefix="jixiao-seed-bench-") as folder:
        db = Path(folder) / "bench.sqlite3"
        env = {**os.environ, "JIXIAO_DEMO_MODE": "true", "JIXIAO_SQLITE_PATH": str(db)}
        env.pop("JIXIAO_DATABASE_URL", None)
        base_wall, base_cpu, _ = run([python, "-c", BASELINE], env)
        mig_wall, mig_cpu, out = run([python, "manage.py", "migrate", "--noinput", "-v", "2"], env)
        timed = sorted(((float(s), name) for name, s in re.findall(r"Applying (\S+)\.\.\. OK \(([\d.]+)s\)", out)),
                       reverse=True)
        template = db.read_bytes()
        seed_wall, seed_cpu, _ = run([python, "manage.py", "seed_demo"], env)
        run([python, "manage.py", "verify_audit"], env)
        db.write_bytes(template)
        for suffix in ("-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        _, _, steps = run([python, __file__, "--steps"], env)
    figures = {
        "baseline": {"what": f"{BASELINE_ROUNDS} SM3 rounds in a fresh Python", "wall": base_wall, "cpu": base_cpu},
        "migrate": {"wall": mig_wall, "cpu": mig_cpu, "cpu_ratio": round(mig_cpu / base_cpu, 1),
                    "migrations": len(timed), "slowest": {name: s for s, name in timed[:8]}},
        "seed_demo": {"wall": seed_wall, "cpu": seed_cpu, "cpu_ratio": round(seed_cpu / base_cpu, 1),
                      "steps": json.loads(steps.strip().splitlines()[-1])},
        "audit_verified": True,
        "bytecode_cached": not os.environ.get("PYTHONDONTWRITEBYTECODE"),
    }
    for name in ("migrate", "seed_demo"):
        print(f"{name}: {figures[name]['wall']} s wall, {figures[name]['cpu']} s CPU "
              f"({figures[name]['cpu_ratio']}× the baseline's {base_cpu} s)")
    return figures


if __name__ == "__main__":
    if sys.argv[1:] == ["--steps"]:
        child_steps()
    else:
        print(json.dumps(main(), ensure_ascii=False))
