"""The production topology on this machine's loopback, end to end (docs/deploy.md, "Several app servers").

    .venv/bin/python deploy/topology.py [--keep]

1. Creates a throw-away PostgreSQL database (127.0.0.1:5432, user postgres, TOPOLOGY_PG to change), migrates it
   and loads the demo district as `make run` does (deploy/make_run.py prepare).
2. Starts what deploy/ describes for production, on free loopback ports: the app servers of
   deploy/nginx/jixiao-cluster.conf's upstream (two), each granian as `make run` starts it (deploy/granian.env,
   the Makefile's WORKERS and THREADS); Debian's nginx with that file's upstream and retry rules and
   deploy/nginx/jixiao-app.conf, on plain HTTP; one task worker (`db_worker`); and TWO schedulers
   (`run_schedule --loop`). Every process has the same uploads directory (JIXIAO_MEDIA_ROOT), as app servers on
   several machines share one mount.
3. A journey through nginx: the office's demo account logs in with its password and second factor, opens pages,
   requests an analysis report (a POST); the task worker builds it into the shared uploads directory and an app
   server hands it out.
4. Load: LOAD_CLIENTS threads send GETs through nginx for LOAD_SECONDS; after KILL_AFTER seconds one app server
   (granian and its workers) is killed with SIGKILL. Every request must still be answered 200. The logged-in
   session then still works (sessions are in the database), the killed server is started again, as systemd's
   Restart= would, and must get requests from nginx again.
5. Idle connections: IDLE keep-alive connections to nginx, each idle after one answer, are held while PROBES
   visits on new connections are timed; then every held connection must still answer.
6. The schedulers: exactly one ran the daily jobs and the other stood by; the one that ran is stopped and the
   other takes over and runs them.
7. Tears everything down (processes, temporary files, the database; --keep leaves the database and the
   temporary directory with the logs).

The last line is one JSON object; the exit status is non-zero when any check failed. nginx must be installed
(`make system-deps`). Everything stays on 127.0.0.1.
"""

import contextlib
import http.client
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from deploy.make_run import granian_command, granian_env  # noqa: E402

PG = os.environ.get("TOPOLOGY_PG", "postgres://postgres@127.0.0.1:5432")
CLUSTER_CONF = ROOT / "deploy/nginx/jixiao-cluster.conf"
APP_CONF = ROOT / "deploy/nginx/jixiao-app.conf"
NGINX = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")
LOAD_SECONDS = float(os.environ.get("TOPOLOGY_LOAD_SECONDS", "12"))
KILL_AFTER = float(os.environ.get("TOPOLOGY_KILL_AFTER", "4"))
LOAD_CLIENTS = int(os.environ.get("TOPOLOGY_CLIENTS", "8"))
IDLE = int(os.environ.get("TOPOLOGY_IDLE", "200"))
PROBES = int(os.environ.get("TOPOLOGY_PROBES", "40"))
LOAD_PATHS = ["/healthz", "/p/", "/p/results/"]
OFFICE, OFFICE_PASSWORD = "office", "Demo#2026jxb"  # jixiao/demo/accounts.py: public on purpose
TIMEOUT = 60  # nginx's proxy_read_timeout: no request may wait longer


class Failed(Exception):
    """A check of the topology failed; the message says which, in English for the operator."""


# --- nginx's configuration, from the shipped files ------------------------------------------------------------

def app_ports(cluster: str) -> list[int]:
    """The ports of the app servers in the cluster file's upstream, in order."""
    return [int(p) for p in re.findall(r"^\s*server 127\.0\.0\.1:(\d+)\b", upstream_block(cluster), re.MULTILINE)]


def upstream_block(cluster: str) -> str:
    found = re.search(r"^upstream jixiao_app \{\n.*?^\}", cluster, re.MULTILINE | re.DOTALL)
    if found is None:
        raise Failed("deploy/nginx/jixiao-cluster.conf has no `upstream jixiao_app { … }` block")
    return found.group(0)


def loopback_upstream(cluster: str, ports: list[int]) -> str:
    """The cluster file's upstream block (its server options and keepalive kept) with the app servers on `ports`."""
    block, shipped = upstream_block(cluster), app_ports(cluster)
    if len(shipped) != len(ports):
        raise Failed(f"the upstream lists {len(shipped)} app servers, {len(ports)} were started")
    for old, new in zip(shipped, ports, strict=True):
        block = re.sub(rf"(server 127\.0\.0\.1:){old}\b", rf"\g<1>{new}", block, count=1)
    return block


def nginx_config(tmp: Path, port: int, ports: list[int], cluster: str, app: str) -> str:
    """A foreground nginx on 127.0.0.1:port, plain HTTP, all paths under `tmp`, built from the shipped files: the
    cluster file's connection zone, upstream and retry rules, and the app file (written to tmp with ROOT for
    /opt/jixiao/). An X-Upstream header names the app server(s) that answered: two when nginx passed a request on."""
    (tmp / "jixiao-app.conf").write_text(app.replace("/opt/jixiao/", f"{ROOT}/"))
    zone = re.search(r"^limit_conn_zone .*;$", cluster, re.MULTILINE).group(0)
    retry = "\n        ".join(re.findall(r"^\s*(proxy_next_upstream\S* .*;)$", cluster, re.MULTILINE))
    if "proxy_next_upstream " not in retry:
        raise Failed("deploy/nginx/jixiao-cluster.conf sets no proxy_next_upstream")
    return f"""
daemon off;
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn;
events {{ worker_connections {max(1024, 2 * IDLE + 256)}; }}
http {{
    include /etc/nginx/mime.types;
    access_log off;
    client_body_temp_path {tmp}/client_body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    {zone}
    {loopback_upstream(cluster, ports)}
    server {{
        listen 127.0.0.1:{port};
        {retry}
        add_header X-Upstream $upstream_addr always;
        include {tmp}/jixiao-app.conf;
    }}
}}
"""


# --- processes -------------------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def healthy(port: int) -> bool:
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        conn.request("GET", "/healthz")
        ok = conn.getresponse().status == 200
        conn.close()
        return ok
    except (OSError, http.client.HTTPException):
        return False


class Topology:
    """The processes, each in its own process group (so granian's workers go with it), logging to tmp/NAME.log."""

    def __init__(self, tmp: Path, env: dict):
        self.tmp, self.env = tmp, env
        self.processes: dict[str, subprocess.Popen] = {}

    def start(self, name: str, command: list[str], env: dict | None = None) -> subprocess.Popen:
        with open(self.tmp / f"{name}.log", "ab") as log:
            process = subprocess.Popen(command, cwd=ROOT, env=env or self.env, stdout=log,  # noqa: S603
                                       stderr=subprocess.STDOUT, start_new_session=True)
        self.processes[name] = process
        return process

    def manage(self, name: str, *args: str) -> subprocess.Popen:
        return self.start(name, [sys.executable, "manage.py", *args])

    def app_server(self, name: str, port: int) -> subprocess.Popen:
        return self.start(name, granian_command(port), env={**self.env, **granian_env()})

    def wait_healthy(self, name: str, port: int, seconds: float = 180) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.processes[name].poll() is not None:
                raise Failed(f"{name} exited with {self.processes[name].returncode}: {self.log_tail(name)}")
            if healthy(port):
                return
            time.sleep(0.3)
        raise Failed(f"{name} did not answer /healthz on port {port} within {seconds:g} s")

    def kill(self, name: str) -> None:
        """SIGKILL to the whole group: a crash, with no chance to finish or close anything."""
        self.signal_process(self.processes[name], signal.SIGKILL)

    def stop(self, name: str, seconds: float = 30) -> None:
        process = self.processes.pop(name)
        if process.poll() is None:
            self.signal_process(process, signal.SIGTERM)
            try:
                process.wait(timeout=seconds)
            except subprocess.TimeoutExpired:
                self.signal_process(process, signal.SIGKILL)
                process.wait(timeout=10)
        # The group's other members (granian's workers) after their parent.
        self.signal_process(process, signal.SIGKILL)

    @staticmethod
    def signal_process(process: subprocess.Popen, sig: int) -> None:
        with contextlib.suppress(ProcessLookupError):  # the whole group is gone already
            os.killpg(process.pid, sig)

    def stop_all(self) -> None:
        for name in reversed(list(self.processes)):
            self.stop(name)

    def log(self, name: str) -> str:
        path = self.tmp / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def log_tail(self, name: str, lines: int = 15) -> str:
        return "\n".join(self.log(name).splitlines()[-lines:])


# --- a browser of sorts ----------------------------------------------------------------------------------------

class Browser:
    """One keep-alive connection to nginx with a cookie jar; each answer is checked by the caller."""

    def __init__(self, port: int):
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
        self.cookies: dict[str, str] = {}
        self.steps: list[dict] = []

    def request(self, method: str, path: str, data: dict | None = None) -> tuple[int, str, bytes]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if data is not None:
            data = {**data, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")}
            body = urllib.parse.urlencode(data)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.conn.request(method, path, body, headers)
        response = self.conn.getresponse()
        content = response.read()
        for cookie in response.headers.get_all("Set-Cookie") or []:
            name, value = cookie.split(";", 1)[0].split("=", 1)
            self.cookies[name.strip()] = value.strip().strip('"')
        location = response.getheader("Location", "")
        self.steps.append({"method": method, "path": path, "status": response.status,
                           "app_server": response.getheader("X-Upstream", "")})
        return response.status, location, content

    def expect(self, method: str, path: str, status: int, data: dict | None = None) -> tuple[str, str]:
        got, location, content = self.request(method, path, data)
        if got != status:
            raise Failed(f"{method} {path}: {got}, expected {status}")
        return location, content.decode("utf-8", "replace")


def journey(port: int, seconds: float = 120) -> tuple[Browser, dict]:
    """The office logs in (password, then the demo second factor the page shows), opens pages, requests an analysis
    report; the task worker writes it to the shared uploads directory and an app server hands it out."""
    browser = Browser(port)
    browser.expect("GET", "/login/", 200)
    location, _ = browser.expect("POST", "/login/", 302, {"username": OFFICE, "password": OFFICE_PASSWORD})
    _, page = browser.expect("GET", location, 200)
    code = re.search(r"当前验证码 <strong[^>]*>(\d{6})</strong>", page)
    if code is None:
        raise Failed(f"the second-factor page {location} shows no demo code")
    location, _ = browser.expect("POST", location, 302, {"code": code.group(1)})
    _, page = browser.expect("GET", location or "/", 200)
    if "林静怡" not in page:
        raise Failed("the home page after login does not name the office's demo user")
    browser.expect("GET", "/notices/", 200)
    browser.expect("GET", "/analysis/reports/", 200)
    started = time.monotonic()
    location, _ = browser.expect("POST", "/analysis/reports/new/", 302,
                                 {"kind": "half", "half": "1", "scope": "district", "unit": ""})
    report = re.fullmatch(r"/analysis/reports/(\d+)/", location)
    if report is None:
        raise Failed(f"the report request led to {location}, not to a report")
    download = f"/analysis/reports/{report.group(1)}/download/"
    while download not in browser.expect("GET", location, 200)[1]:
        if time.monotonic() - started > seconds:
            raise Failed(f"the task worker did not build report {report.group(1)} within {seconds:g} s")
        time.sleep(0.5)
    built = time.monotonic() - started
    status, _, content = browser.request("GET", download)
    if status != 200 or not content.startswith(b"PK"):
        raise Failed(f"GET {download}: {status}, {len(content)} bytes, not a Word file")
    return browser, {"requests": len(browser.steps), "report_built_s": round(built, 1), "report_bytes": len(content)}


# --- load with a killed app server -----------------------------------------------------------------------------

def load(port: int, kill) -> dict:
    """LOAD_CLIENTS threads of GETs on keep-alive connections for LOAD_SECONDS; `kill()` after KILL_AFTER s."""
    results: list[tuple[float, float, int, str, str]] = []  # (start offset, ms, status, app servers, path)
    lock = threading.Lock()
    started = time.monotonic()
    deadline = started + LOAD_SECONDS

    def client(index: int) -> None:
        conn, n, mine = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT), index, []
        while time.monotonic() < deadline:
            path = LOAD_PATHS[n % len(LOAD_PATHS)]
            n += 1
            began = time.monotonic()
            try:
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
                status, upstream = response.status, response.getheader("X-Upstream", "")
            except (OSError, http.client.HTTPException):
                conn.close()  # a dropped connection is a failure the client saw; reconnect for the next
                status, upstream = 0, ""
            mine.append((began - started, (time.monotonic() - began) * 1000, status, upstream, path))
        conn.close()
        with lock:
            results.extend(mine)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(LOAD_CLIENTS)]
    for thread in threads:
        thread.start()
    time.sleep(KILL_AFTER)
    killed_at = time.monotonic() - started
    killed = kill()
    for thread in threads:
        thread.join()
    around = [r[1] for r in results if killed_at - 0.5 <= r[0] < killed_at + 1]
    before = [r for r in results if r[0] < killed_at]
    after = [r for r in results if r[0] >= killed_at + 0.5]
    times = sorted(r[1] for r in results)
    return {
        "requests": len(results), "failures": sum(1 for r in results if r[2] != 200),
        "failed_statuses": sorted({r[2] for r in results if r[2] != 200}),
        "seconds": LOAD_SECONDS, "clients": LOAD_CLIENTS, "killed_server": killed, "killed_at_s": round(killed_at, 2),
        "per_second": round(len(results) / LOAD_SECONDS, 1),
        "passed_on_by_nginx": sum(1 for r in results if "," in r[3]),
        "answered_by_killed_before": sum(1 for r in before if r[3].endswith(killed)),
        "answered_by_killed_after": sum(1 for r in after if r[3].endswith(killed)),
        "latency_ms": {"median": round(statistics.median(times), 1), "p99": round(times[int(len(times) * 0.99)], 1),
                       "max": round(times[-1], 1), "max_around_kill": round(max(around), 1) if around else None},
        "slowest": [{"at_s": round(r[0], 2), "ms": round(r[1], 1), "path": r[4], "app_server": r[3]}
                    for r in sorted(results, key=lambda r: -r[1])[:3]],
    }


def warm(port: int) -> None:
    """Each page a few times from LOAD_CLIENTS threads at once, before the clock: nginx then holds connections to
    every granian worker, and each worker has rendered each page once (a first rendering takes seconds)."""
    failed = []

    def client(_):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
        for path in LOAD_PATHS * 3:
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                failed.append(f"GET {path}: {response.status}")
        conn.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(LOAD_CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failed:
        raise Failed(f"warming up through nginx: {failed[:3]}")


def rejoins(port: int, server: str, seconds: float = 40) -> float:
    """Seconds until nginx sends a request to `server` again (it waits fail_timeout after the failure)."""
    started = time.monotonic()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    while time.monotonic() - started < seconds:
        conn.request("GET", "/healthz")
        response = conn.getresponse()
        response.read()
        if response.status == 200 and response.getheader("X-Upstream", "") == server:
            return round(time.monotonic() - started, 1)
        time.sleep(0.1)
    raise Failed(f"nginx sent nothing to the restarted app server {server} within {seconds:g} s")


# --- idle connections ------------------------------------------------------------------------------------------

def visit(port: int, path: str) -> float | None:
    """Milliseconds until a complete 200 answer on a new connection, or None."""
    began = time.monotonic()
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        conn.close()
    except (OSError, http.client.HTTPException):
        return None
    return (time.monotonic() - began) * 1000 if response.status == 200 else None


def held_idle(port: int) -> dict:
    """IDLE connections, each idle after one answer, held while PROBES visits are timed; then each is used again."""
    quiet = [visit(port, LOAD_PATHS[i % 3]) for i in range(PROBES // 2)]
    held = []
    for _ in range(IDLE):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
        conn.request("GET", "/healthz")
        conn.getresponse().read()
        held.append(conn)
    time.sleep(1)
    probes = [visit(port, LOAD_PATHS[i % 3]) for i in range(PROBES)]
    still_open = 0
    for conn in held:
        try:
            conn.sock.settimeout(TIMEOUT)
            conn.request("GET", "/healthz")  # http.client would reconnect a closed one: sock None is checked first
            response = conn.getresponse()
            response.read()
            still_open += response.status == 200 and not response.will_close
        except (OSError, http.client.HTTPException, AttributeError):
            pass
        conn.close()
    answered = sorted(t for t in probes if t is not None)
    calm = sorted(t for t in quiet if t is not None)
    return {"held": len(held), "still_open_after": still_open, "probes": len(probes),
            "failures": len(probes) - len(answered),
            "median_ms": round(statistics.median(answered), 1) if answered else None,
            "max_ms": round(answered[-1], 1) if answered else None,
            "median_ms_nothing_held": round(statistics.median(calm), 1) if calm else None}


# --- schedulers ------------------------------------------------------------------------------------------------

def job_lines(text: str) -> int:
    return sum(1 for line in text.splitlines() if line.startswith(("✓", "✗")))


def wait_for_log(topology: Topology, name: str, marker: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while marker not in topology.log(name):
        if time.monotonic() > deadline:
            raise Failed(f"{name} did not say “{marker}” within {seconds:g} s: {topology.log_tail(name)}")
        time.sleep(0.2)


def schedulers(topology: Topology, names: list[str], seconds: float = 120) -> dict:
    """Exactly one of the two ran the jobs and the other stood by; stop the one that ran, the other takes over."""
    deadline = time.monotonic() + seconds
    while not any("运行完毕" in topology.log(n) for n in names):
        if time.monotonic() > deadline:
            raise Failed("no scheduler finished its first run: " + " | ".join(topology.log_tail(n) for n in names))
        time.sleep(0.2)
    leader = next(n for n in names if "运行完毕" in topology.log(n))
    standby = next(n for n in names if n != leader)
    wait_for_log(topology, standby, "待命", 30)
    runs = {n: topology.log(n).count("运行完毕") for n in names}
    jobs = {n: job_lines(topology.log(n)) for n in names}
    if runs[standby] or jobs[standby]:
        raise Failed(f"both schedulers ran the jobs: {runs}")
    stopped = time.monotonic()
    topology.stop(leader)
    wait_for_log(topology, standby, "运行完毕", 120)
    return {"processes": len(names), "runs_while_both_up": runs, "jobs_per_run": jobs[leader],
            "standby_said": next(line for line in topology.log(standby).splitlines() if "待命" in line),
            "takeover_after_stop_s": round(time.monotonic() - stopped, 1),
            "runs_after_takeover": topology.log(standby).count("运行完毕")}


# --- the whole ---------------------------------------------------------------------------------------------------

def psql(sql: str) -> None:
    subprocess.run(["psql", f"{PG}/postgres", "-q", "-c", sql], check=True, capture_output=True)  # noqa: S603, S607


def environment(tmp: Path, database: str) -> dict:
    """Every process's environment: the demo district on PostgreSQL, one uploads directory for all."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_") and k != "JIXIAO_SQLITE_PATH"}
    env.update({
        "JIXIAO_DATABASE_URL": f"{PG}/{database}", "JIXIAO_DEMO_MODE": "true", "DJANGO_SETTINGS_MODULE": "jixiao.settings",
        "JIXIAO_STATICFILES_STORAGE": "django.contrib.staticfiles.storage.StaticFilesStorage",
        "JIXIAO_VAR_DIR": str(tmp / "var"), "JIXIAO_MEDIA_ROOT": str(tmp / "shared-media"),
        "JIXIAO_AUDIT_ANCHOR_FILE": str(tmp / "audit-anchors.jsonl"), "JIXIAO_BACKUP_DIR": "",
        "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"})
    return env


def run(tmp: Path, database: str) -> dict:
    env = environment(tmp, database)
    topology = Topology(tmp, env)
    summary: dict = {"database": database}
    began = time.monotonic()
    try:
        psql(f"CREATE DATABASE {database}")
        subprocess.run([sys.executable, "deploy/make_run.py", "prepare"], cwd=ROOT, env=env, check=True,  # noqa: S603
                       stdout=subprocess.DEVNULL)
        summary["prepare_s"] = round(time.monotonic() - began, 1)
        cluster, app = CLUSTER_CONF.read_text(), APP_CONF.read_text()
        ports = [free_port() for _ in app_ports(cluster)]
        apps = [f"app{i + 1}" for i in range(len(ports))]
        for name, port in zip(apps, ports, strict=True):
            topology.app_server(name, port)
        topology.manage("worker", "db_worker", "--interval", "1")
        for name in ("schedule1", "schedule2"):
            topology.manage(name, "run_schedule", "--loop", "--standby-retry", "1")
        port = free_port()
        (tmp / "nginx.conf").write_text(nginx_config(tmp, port, ports, cluster, app))
        topology.start("nginx", [NGINX, "-p", str(tmp), "-c", str(tmp / "nginx.conf")])
        for name, p in zip(apps, ports, strict=True):
            topology.wait_healthy(name, p)
        topology.wait_healthy("nginx", port)
        summary["started_s"] = round(time.monotonic() - began, 1)
        summary["app_servers"] = [f"127.0.0.1:{p}" for p in ports]
        browser, summary["journey"] = journey(port)

        def kill() -> str:
            topology.kill(apps[0])
            return f"127.0.0.1:{ports[0]}"

        warm(port)
        summary["load"] = load(port, kill)
        topology.processes[apps[0]].wait(timeout=10)
        browser.expect("GET", "/analysis/reports/", 200)
        summary["session_kept_by"] = browser.steps[-1]["app_server"]
        topology.app_server(apps[0], ports[0])
        topology.wait_healthy(apps[0], ports[0])
        summary["restarted_server_rejoined_after_s"] = rejoins(port, f"127.0.0.1:{ports[0]}")
        summary["idle"] = held_idle(port)
        summary["scheduler"] = schedulers(topology, ["schedule1", "schedule2"])
        summary["worker_alive"] = topology.processes["worker"].poll() is None
    except Failed as failure:
        summary["failure"] = str(failure)
    except subprocess.CalledProcessError as error:
        summary["failure"] = f"{error.cmd}: exit {error.returncode}"
    finally:
        topology.stop_all()
        summary["seconds"] = round(time.monotonic() - began, 1)
    return summary


def verdict(summary: dict) -> list[str]:
    """What failed, in words; empty when the topology did all it must."""
    problems = [summary["failure"]] if "failure" in summary else []
    load_, idle = summary.get("load", {}), summary.get("idle", {})
    if load_ and load_["failures"]:
        problems.append(f"{load_['failures']} of {load_['requests']} requests failed under load: "
                        f"{load_['failed_statuses']}")
    if load_ and not load_["answered_by_killed_before"]:
        problems.append("the killed app server had answered nothing before it was killed")
    if load_ and load_["answered_by_killed_after"]:
        problems.append("the killed app server still answered after its kill")
    if idle and (idle["failures"] or idle["still_open_after"] != idle["held"]):
        problems.append(f"idle connections: {idle['failures']} probes failed, "
                        f"{idle['still_open_after']} of {idle['held']} still open")
    if "failure" not in summary and not summary.get("worker_alive"):
        problems.append("the task worker died")
    return problems


def main() -> int:
    keep = sys.argv[1:] == ["--keep"]
    if sys.argv[1:] not in ([], ["--keep"]):
        raise SystemExit("usage: python deploy/topology.py [--keep]")
    if not NGINX:
        raise SystemExit("nginx is not installed (make system-deps)")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # tear down on SIGTERM too
    tmp = Path(tempfile.mkdtemp(prefix="jixiao-topology-"))
    database = f"jixiao_topology_{os.getpid()}"
    try:
        summary = run(tmp, database)
    finally:
        if keep:
            print(f"kept: database {database}, logs in {tmp}", file=sys.stderr)
        else:
            psql(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
            shutil.rmtree(tmp, ignore_errors=True)
    problems = verdict(summary)
    summary = {"ok": not problems, "problems": problems, **summary}
    print(json.dumps(summary, ensure_ascii=False))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
