"""The portal's busiest public pages through the production front, against /healthz in the same run.

1. Creates a throw-away PostgreSQL database (127.0.0.1:5432, user postgres), migrates it and loads the demo
   district (`seed_demo`: published results, notices, profiles, disclosed rectification).
2. Starts the production front on loopback: granian as `make run` starts it (deploy/granian.env, the Makefile's
   WORKERS and THREADS) and Debian's nginx with deploy/nginx/jixiao-app.conf in front of it (as
   bench/held_connections.py does).
3. Visits each page once (the first visit renders and stores the page: its time is reported as `first_ms`).
4. RUNS rounds: /healthz, then the portal home (/p/), a department profile (/p/units/<code>/, the first unit
   the list links to) and the results page (/p/results/), each REQUESTS GETs from CLIENTS threads on keep-alive
   connections, as anonymous visitors (no cookies kept). Per page: requests per second, errors (anything but a
   200, or a dropped connection) and the server's CPU per request — granian's processes, nginx's and the bench
   database's PostgreSQL backends, read from /proc: unlike requests per second, that figure hardly moves when
   other programs share the machine. The ratio to /healthz is taken per round before the median.
The database is dropped at the end. The last line is one JSON object. Goal: each page ≥ 500 requests/s, no errors.
"""

import http.client
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DB = f"jixiao_bench_portal_{os.getpid()}"
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "3000"))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "4"))
RUNS = int(os.environ.get("BENCH_RUNS", "3"))

from bench import held_connections as front  # noqa: E402  (nginx's start, free ports, waiting for /healthz)
from bench.evaluation import psql, run_threads  # noqa: E402
from deploy.make_run import granian_command, granian_env, make_default  # noqa: E402

# After the imports: bench.evaluation names its own database when imported.
os.environ.update({"JIXIAO_DATABASE_URL": f"{PG}/{DB}", "JIXIAO_DEMO_MODE": "true",
                   "JIXIAO_STATICFILES_STORAGE": "django.contrib.staticfiles.storage.StaticFilesStorage",
                   "DJANGO_SETTINGS_MODULE": "jixiao.settings", "PYTHONPATH": str(ROOT)})
ENV = {**os.environ}


def start_granian(port: int) -> subprocess.Popen:
    process = subprocess.Popen(granian_command(port), cwd=ROOT, env={**ENV, **granian_env()},  # noqa: S603
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    front.wait_until_up(port, process)
    return process


def server_cpu(roots: set[int]) -> dict[int, float]:
    """CPU seconds used so far by the front's processes (granian, nginx and their children) and the bench
    database's backends: pid → seconds; a negative pid marks a database backend."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")
        backends = {row[0] for row in cursor.fetchall()}
    tick, used = os.sysconf("SC_CLK_TCK"), {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the process ended meanwhile
        pid, parent = int(entry.name), int(fields[1])
        if pid in backends or pid in roots or parent in roots:
            used[-pid if pid in backends else pid] = (int(fields[11]) + int(fields[12])) / tick
    return used


def cpu_since(before: dict, roots: set[int]) -> tuple[float, float]:
    """(all, database) CPU seconds since `before`; a backend closed meanwhile is left out, a new one counted."""
    spent = {pid: seconds - before.get(pid, 0.0) for pid, seconds in server_cpu(roots).items()}
    return sum(spent.values()), sum(s for pid, s in spent.items() if pid < 0)


def get(conn: http.client.HTTPConnection, path: str) -> int:
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        return response.status
    except (OSError, http.client.HTTPException):
        conn.close()  # http.client reconnects on the next request; this one counts as an error
        return 0


def first_visit(port: int, path: str) -> tuple[int, float]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    started = time.perf_counter()
    status = get(conn, path)
    conn.close()
    return status, round((time.perf_counter() - started) * 1000, 1)


def measure(port: int, path: str, roots: set[int]) -> dict:
    per = REQUESTS // CLIENTS

    def loop(_):
        conn, statuses = http.client.HTTPConnection("127.0.0.1", port, timeout=30), []
        for _ in range(per):
            statuses.append(get(conn, path))
        conn.close()
        return statuses

    cpu = server_cpu(roots)
    seconds, statuses = run_threads(loop, range(CLIENTS))
    cpu, db_cpu = cpu_since(cpu, roots)
    return {"requests": len(statuses), "seconds": round(seconds, 3), "per_second": round(len(statuses) / seconds, 1),
            "errors": sum(1 for s in statuses if s != 200),
            "server_cpu_ms_per_request": round(1000 * cpu / len(statuses), 3),
            "of_which_database_ms": round(1000 * db_cpu / len(statuses), 3)}


def profile_path(port: int) -> str:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/p/units/")
    page = conn.getresponse().read().decode()
    return re.search(r'href="(/p/units/[^"/]+/)"', page).group(1)


def main():
    import django

    psql(f"CREATE DATABASE {DB}")
    processes = []
    try:
        for command in (["migrate", "--noinput", "-v", "0"], ["seed_demo", "-v", "0"]):
            subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=ENV, check=True,  # noqa: S603
                           stdout=subprocess.DEVNULL)
        django.setup()
        upstream, port = front.free_port(), front.free_port()
        processes.append(start_granian(upstream))
        processes.append(front.start_nginx(port, upstream))
        roots = {p.pid for p in processes}
        pages = {"home": "/p/", "profile": profile_path(port), "results": "/p/results/"}
        first = {name: first_visit(port, path) for name, path in pages.items()}
        rounds = []
        for run in range(RUNS):
            health = measure(port, "/healthz", roots)
            found = {"healthz": health}
            for name, path in pages.items():
                found[name] = {**measure(port, path, roots)}
                found[name]["ratio_to_healthz"] = round(found[name]["per_second"] / health["per_second"], 3)
            rounds.append(found)
            print(f"round {run + 1}: " + "; ".join(
                f"{name} {f['per_second']}/s, {f['errors']} errors, {f['server_cpu_ms_per_request']} ms CPU"
                for name, f in found.items()), flush=True)
    finally:
        for process in reversed(processes):
            process.terminate()
            process.wait(timeout=30)
        from django.db import connections

        connections.close_all()
        psql(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
        shutil.rmtree(front.TMP, ignore_errors=True)
    summary = {}
    for name in ["healthz", *pages]:
        summary[name] = {key: statistics.median(r[name][key] for r in rounds)
                         for key in rounds[0][name] if key not in ("requests", "seconds")}
        summary[name]["errors"] = sum(r[name]["errors"] for r in rounds)
    for name, path in pages.items():
        summary[name].update(path=path, first_status=first[name][0], first_ms=first[name][1])
    print("median of {}: {}".format(RUNS, "; ".join(
        f"{name} {s['per_second']}/s ({s['server_cpu_ms_per_request']} ms CPU)" for name, s in summary.items())))
    print(json.dumps({
        "front": f"nginx (deploy/nginx/jixiao-app.conf) → granian, {make_default('WORKERS')} workers × "
                 f"{make_default('THREADS')} threads (deploy/granian.env)",
        "database": "postgresql", "clients": CLIENTS, "requests_per_page": REQUESTS, "runs": RUNS,
        "load_average_1m_at_end": round(os.getloadavg()[0], 2), "medians": summary, "rounds": rounds,
        "goals": {"per_second": 500, "errors": 0},
    }, ensure_ascii=False))


if __name__ == "__main__":
    main()
