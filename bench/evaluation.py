"""Public answers per second through granian on PostgreSQL, against /healthz on the same server; and the
aggregation of 100,000 answers.

1. Creates a throw-away PostgreSQL database (127.0.0.1:5432, user postgres), migrates it, loads the demo
   organisation and opens a campaign with RUNS × ANSWERS service-recipient codes.
2. Starts granian exactly as `make run` does: WORKERS processes, THREADS blocking threads and backpressure
   THREADS, read from the Makefile's defaults (or the same environment variables make honours), on a free port.
3. RUNS rounds (default 3) of steps 3a and 4 on the same server; the medians are reported, and the ratio of
   answers to /healthz is taken per round (both measured back to back, under the same load) before the median.
3a. /healthz: a bounded loop of GETs from CLIENTS threads (the baseline).
4. Answers: every client first opens the questionnaire for its codes (POST /p/pingyi/, which hands out the
   signed start time), waits out the minimum dwell time once, then submits them all (POST /p/pingyi/submit/);
   only the submit phase is timed. Each simulated citizen gets its own address in X-Real-IP (the header our
   nginx sets), as real traffic would; 127.0.0.1 is the only host contacted.
   Both timed phases also report the CPU the server spent per request (granian's processes plus the
   PostgreSQL backends of the bench database, from /proc): unlike requests per second, that figure hardly
   moves when other programs share the machine.
5. Inserts AGGREGATE answers (4 ratings each) with COPY and times campaign_results.unit_scores (query + scoring).
The database is dropped at the end. The last line is one JSON object.
"""

import http.client
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DB = f"jixiao_bench_eval_{os.getpid()}"
ANSWERS = int(os.environ.get("BENCH_ANSWERS", "2000"))
HEALTH = int(os.environ.get("BENCH_HEALTH", "4000"))
AGGREGATE = int(os.environ.get("BENCH_AGGREGATE", "100000"))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "4"))
RUNS = int(os.environ.get("BENCH_RUNS", "3"))


def make_default(name: str) -> int:
    """`make run`'s value of WORKERS or THREADS: the environment first (as make does), else the Makefile."""
    found = re.search(rf"^{name} \?= (\d+)$", (ROOT / "Makefile").read_text(), re.MULTILINE)
    return int(os.environ.get(name) or found.group(1))


WORKERS, THREADS = make_default("WORKERS"), make_default("THREADS")
ENV = {**os.environ, "JIXIAO_DATABASE_URL": f"{PG}/{DB}", "JIXIAO_DEMO_MODE": "true",
       "JIXIAO_STATICFILES_STORAGE": "django.contrib.staticfiles.storage.StaticFilesStorage",
       "DJANGO_SETTINGS_MODULE": "jixiao.settings", "PYTHONPATH": str(ROOT)}
os.environ.update({k: ENV[k] for k in ("JIXIAO_DATABASE_URL", "JIXIAO_DEMO_MODE", "JIXIAO_STATICFILES_STORAGE",
                                       "DJANGO_SETTINGS_MODULE")})


def psql(*args):
    subprocess.run(["psql", PG + "/postgres", "-q", "-c", *args], check=True, capture_output=True)  # noqa: S603, S607


def setup_campaign() -> tuple[list[str], object]:
    import datetime
    import random

    import django

    django.setup()
    from django.utils import timezone

    from jixiao.accounts.models import User
    from jixiao.demo import org
    from jixiao.evaluation import actions
    from jixiao.evaluation.models import RaterKind, Scale
    from jixiao.org.models import Cycle, Unit, UnitKind

    org.build(random.Random(1))
    office = User.objects.create(username="bench-office")
    now = timezone.now()
    campaign = actions.create_campaign(
        cycle=Cycle.objects.get(year=2026), assessing_unit=Unit.objects.get(kind=UnitKind.DISTRICT),
        name="压测评议", opens_at=now - datetime.timedelta(hours=1), closes_at=now + datetime.timedelta(days=1),
        scale_kind=Scale.FIVE_LEVEL, by=office)
    campaign = actions.open_campaign(campaign, by=office)
    group = campaign.groups.get(kind=RaterKind.SERVICE)
    units = list(campaign.units.order_by("code"))
    codes = []
    for n, unit in enumerate(units):
        size = RUNS * ANSWERS // len(units) + (1 if n < RUNS * ANSWERS % len(units) else 0)
        if size:
            codes += actions.issue_codes(campaign, group, size=size, unit=unit, by=office)[1]
    return codes, campaign


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int) -> subprocess.Popen:
    server = subprocess.Popen(  # noqa: S603
        [str(ROOT / ".venv/bin/granian"), "--interface", "wsgi", "jixiao.wsgi:application", "--host", "127.0.0.1",
         "--port", str(port), "--workers", str(WORKERS), "--blocking-threads", str(THREADS),
         "--backpressure", str(THREADS)],
        cwd=ROOT, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(600):  # up to two minutes: on a loaded machine Django takes long to start
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.2)  # the server is still starting (a bench, not a test)
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()  # a granian still starting may ignore SIGTERM and outlive the bench
    raise SystemExit("granian did not answer /healthz")


class Client:
    """One keep-alive connection with its own CSRF cookie.

    A request the server drops (reset, broken pipe) counts as status 0, an error; the connection is opened
    again for the next request, never retried.
    """

    def __init__(self, port: int):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.conn.request("GET", "/p/pingyi/")
        response = self.conn.getresponse()
        response.read()
        cookie = response.getheader("Set-Cookie", "")
        self.csrf = re.search(r"csrftoken=([^;]+)", cookie).group(1)

    def get(self, path: str) -> int:
        try:
            self.conn.request("GET", path)
            response = self.conn.getresponse()
            response.read()
            return response.status
        except (OSError, http.client.HTTPException):
            self.conn.close()
            return 0

    def post(self, path: str, data: dict, address: str) -> tuple[int, str]:
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": self.csrf})
        try:
            self.conn.request("POST", path, body, {
                "Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={self.csrf}",
                "Referer": "http://127.0.0.1/p/pingyi/", "X-Real-IP": address})
            response = self.conn.getresponse()
            return response.status, response.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException):
            self.conn.close()  # http.client reconnects on the next request
            return 0, ""


def server_cpu(server_pid: int) -> dict[int, tuple[float, bool]]:
    """CPU seconds used so far by granian (server and workers) and the bench database's backends: pid → (s, is_db)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")
        pids = {row[0] for row in cursor.fetchall()}
    tick, used = os.sysconf("SC_CLK_TCK"), {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the process ended meanwhile
        pid, parent = int(entry.name), int(fields[1])
        if pid in pids or pid == server_pid or parent == server_pid:
            used[pid] = ((int(fields[11]) + int(fields[12])) / tick, pid in pids)
    return used


def cpu_since(before: dict, server_pid: int) -> tuple[float, float]:
    """(all, database) CPU seconds since `before`; a backend closed meanwhile is left out, a new one counted."""
    spent = [(seconds - before.get(pid, (0.0, db))[0], db) for pid, (seconds, db) in server_cpu(server_pid).items()]
    return sum(s for s, _ in spent), sum(s for s, db in spent if db)


def run_threads(target, chunks) -> tuple[float, list]:
    results: list = []
    lock = threading.Lock()

    def work(chunk):
        out = target(chunk)
        with lock:
            results.extend(out)

    threads = [threading.Thread(target=work, args=(chunk,)) for chunk in chunks]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - started, results


def bench_health(port: int, server_pid: int) -> dict:
    per = HEALTH // CLIENTS

    def loop(_):
        client, statuses = Client(port), []
        for _ in range(per):
            statuses.append(client.get("/healthz"))
        return statuses

    cpu = server_cpu(server_pid)
    seconds, statuses = run_threads(loop, range(CLIENTS))
    cpu, db_cpu = cpu_since(cpu, server_pid)
    errors = sum(1 for s in statuses if s != 200)
    return {"requests": len(statuses), "seconds": round(seconds, 3), "per_second": round(len(statuses) / seconds, 1),
            "errors": errors, "server_cpu_ms_per_request": round(1000 * cpu / len(statuses), 3),
            "of_which_database_ms": round(1000 * db_cpu / len(statuses), 3)}


def bench_answers(port: int, server_pid: int, codes: list[str], campaign, run: int) -> dict:
    from jixiao.evaluation.models import Question

    dims = list(Question.objects.filter(questionnaire__rater_group__campaign=campaign).values_list(
        "dimension_id", flat=True).distinct())
    chunks = [codes[i::CLIENTS] for i in range(CLIENTS)]
    clients = [Client(port) for _ in range(CLIENTS)]
    forms: dict[int, list] = {i: [] for i in range(CLIENTS)}

    def opener(index):
        out = []
        for n, code in enumerate(chunks[index]):
            address = f"10.{run * CLIENTS + index}.{n // 250}.{n % 250 + 1}"
            status, page = clients[index].post("/p/pingyi/", {"code": code}, address)
            started = re.search(r'name="started" value="([^"]+)"', page)
            unit = re.search(r'name="r-(\d+)-\d+"', page)
            if status == 200 and started and unit:
                forms[index].append((code, started.group(1), unit.group(1), address))
            else:
                out.append(status)
        return out

    open_seconds, open_errors = run_threads(opener, range(CLIENTS))
    time.sleep(6)  # the minimum dwell time; nothing is measured while waiting

    def submitter(index):
        statuses = []
        for n, (code, started, unit, address) in enumerate(forms[index]):
            data = {"code": code, "started": started, "consent": "on", f"c-{unit}": "" if n % 5 else "窗口服务很好"}
            data.update({f"r-{unit}-{d}": (100, 80, 80, 60, 40)[(n + d) % 5] for d in dims})
            statuses.append(clients[index].post("/p/pingyi/submit/", data, address)[0])
        return statuses

    from jixiao.evaluation.models import Answer

    before = Answer.objects.filter(campaign=campaign).count()
    cpu = server_cpu(server_pid)
    seconds, statuses = run_threads(submitter, range(CLIENTS))
    cpu, db_cpu = cpu_since(cpu, server_pid)
    stored = Answer.objects.filter(campaign=campaign).count() - before
    return {"answers": len(statuses), "stored": stored, "seconds": round(seconds, 3),
            "per_second": round(len(statuses) / seconds, 1), "errors": sum(1 for s in statuses if s != 302),
            "server_cpu_ms_per_request": round(1000 * cpu / len(statuses), 3),
            "of_which_database_ms": round(1000 * db_cpu / len(statuses), 3),
            "open_errors": len(open_errors), "open_per_second": round(ANSWERS / open_seconds, 1)}


def bench_aggregate(campaign) -> dict:
    from django.db import connection

    from jixiao.evaluation import campaign_results
    from jixiao.evaluation.models import Answer, Rating

    groups = list(campaign.groups.values_list("pk", "kind"))
    units = list(campaign.units.values_list("pk", flat=True))
    dims = list(campaign.dimensions.values_list("pk", flat=True))
    questionnaire = campaign.groups.first().questionnaires.first()
    day = "2026-11-20"
    loaded = time.perf_counter()
    with connection.cursor() as cursor:
        with cursor.copy(f"COPY {Answer._meta.db_table} (id, campaign_id, rater_group_id, questionnaire_id, "
                         "channel, submitted_on, seconds, vector_digest, excluded) FROM STDIN") as copy:
            answer_rows = []
            for n in range(AGGREGATE):
                answer_id = uuid.uuid4()
                group_id = groups[n % len(groups)][0]
                answer_rows.append((answer_id, group_id, units[(n * 7) % len(units)], n))
                copy.write_row((answer_id, campaign.pk, group_id, questionnaire.pk, "code", day, 100, "", False))
        with cursor.copy(f"COPY {Rating._meta.db_table} (answer_id, campaign_id, rater_group_id, unit_id, "
                         "dimension_id, value) FROM STDIN") as copy:
            for answer_id, group_id, unit_id, n in answer_rows:
                for k, dim in enumerate(dims):
                    copy.write_row((answer_id, campaign.pk, group_id, unit_id, dim, (100, 80, 60, 80, 40)[(n + k) % 5]))
        cursor.execute(f"ANALYZE {Rating._meta.db_table}")
    load_seconds = time.perf_counter() - loaded
    times = []
    for _ in range(3):
        started = time.perf_counter()
        scores = campaign_results.unit_scores(campaign)
        times.append(time.perf_counter() - started)
    return {"answers": Answer.objects.filter(campaign=campaign).count(),
            "ratings": Rating.objects.filter(campaign=campaign).count(), "departments": len(scores),
            "seconds_median": round(statistics.median(times), 3), "load_seconds": round(load_seconds, 1)}


def main():
    psql(f"CREATE DATABASE {DB}")
    server = None
    try:
        subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=ENV, check=True)
        codes, campaign = setup_campaign()
        port = free_port()
        server = start_server(port)
        rounds = []
        for run in range(RUNS):
            health = bench_health(port, server.pid)
            answers = bench_answers(port, server.pid, codes[run::RUNS], campaign, run)
            rounds.append({"healthz": health, "answers": answers,
                           "ratio": round(answers["per_second"] / health["per_second"], 3)})
            print(f"round {run + 1}: /healthz {health['per_second']}/s, answers {answers['per_second']}/s "
                  f"(ratio {rounds[-1]['ratio']}, {answers['errors']} errors); server CPU per request: /healthz "
                  f"{health['server_cpu_ms_per_request']} ms, answer {answers['server_cpu_ms_per_request']} ms",
                  flush=True)
        server.terminate()
        server.wait(timeout=30)
        server = None
        aggregate = bench_aggregate(campaign)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        from django.db import connections

        connections.close_all()
        psql(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
    health_median = statistics.median(r["healthz"]["per_second"] for r in rounds)
    answers_median = statistics.median(r["answers"]["per_second"] for r in rounds)
    ratio_median = statistics.median(r["ratio"] for r in rounds)
    cpu_health = statistics.median(r["healthz"]["server_cpu_ms_per_request"] for r in rounds)
    cpu_answer = statistics.median(r["answers"]["server_cpu_ms_per_request"] for r in rounds)
    errors = sum(r["answers"]["errors"] + r["answers"]["open_errors"] + r["healthz"]["errors"] for r in rounds)
    stored = sum(r["answers"]["stored"] for r in rounds)
    print(f"median of {RUNS}: /healthz: {health_median}/s; answers: {answers_median}/s (ratio {ratio_median}; "
          f"{errors} errors, {stored} of {RUNS * ANSWERS} stored); "
          f"server CPU per request: /healthz {cpu_health} ms, answer {cpu_answer} ms; "
          f"aggregation of {aggregate['answers']} answers: {aggregate['seconds_median']} s")
    print(json.dumps({
        "server": f"granian wsgi, {WORKERS} workers, {THREADS} blocking threads, backpressure {THREADS}",
        "database": "postgresql", "clients": CLIENTS, "runs": RUNS,
        "healthz_per_second_median": health_median, "answers_per_second_median": answers_median,
        "ratio_answers_to_healthz_median": ratio_median, "errors": errors, "stored": stored,
        "server_cpu_ms_per_request_median": {"healthz": cpu_health, "answer": cpu_answer},
        "rounds": rounds, "aggregate": aggregate, "goals": {"answers_per_second": 300, "aggregate_seconds": 2},
    }, ensure_ascii=False))


if __name__ == "__main__":
    main()
