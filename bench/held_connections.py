"""Does the site keep answering while idle, half-sent and silent connections are held open?

Against a throw-away migrated SQLite database, three fronts are started on free loopback ports in turn:

- before: granian with the options `make run` had until issue 14 (backpressure equal to the threads, granian's
  30 s header timeout): a dozen held connections froze it;
- granian: granian with deploy/granian.env and the Makefile's WORKERS and THREADS, as `make run` starts it;
- nginx: Debian's nginx (`make system-deps`) with deploy/nginx/jixiao-app.conf, on plain HTTP, in front of a
  granian started as above. Skipped, and said so, when nginx is not installed.

For each front: PROBES visits of /healthz and of the portal's results page (/p/results/) with nothing held;
then IDLE keep-alive connections left idle after one answer, HALF connections that sent half a request head
and SILENT connections that sent nothing are opened, and PROBES visits of each page are timed again, each
waiting at most TIMEOUT seconds. granian never closes a silent connection, so the "granian" front is held
with IDLE and HALF only, the "nginx" front with all three kinds. Everything stays on 127.0.0.1.

BENCH_FRONTS (default before,granian,nginx) chooses the fronts. Figures: median and slowest visit in ms, and the number that got no answer within TIMEOUT. Goal: with
connections held, every visit answered, none slower than a second. The last line is one JSON object.
"""

import contextlib
import http.client
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from deploy.make_run import granian_command, granian_env, make_default  # noqa: E402

IDLE = int(os.environ.get("BENCH_IDLE", "12"))
HALF = int(os.environ.get("BENCH_HALF", "12"))
SILENT = int(os.environ.get("BENCH_SILENT", "12"))
PROBES = int(os.environ.get("BENCH_PROBES", "5"))
TIMEOUT = float(os.environ.get("BENCH_TIMEOUT", "10"))
PAGES = ["/healthz", "/p/results/"]
FRONTS = os.environ.get("BENCH_FRONTS", "before,granian,nginx").split(",")
NGINX = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")
TMP = Path(tempfile.mkdtemp(prefix="jixiao-bench-held-"))
ENV = {**os.environ, "JIXIAO_SQLITE_PATH": str(TMP / "bench.sqlite3"), "JIXIAO_MEDIA_ROOT": str(TMP / "media"),
       "JIXIAO_DEMO_MODE": "true", "DJANGO_SETTINGS_MODULE": "jixiao.settings", "PYTHONPATH": str(ROOT),
       "JIXIAO_STATICFILES_STORAGE": "django.contrib.staticfiles.storage.StaticFilesStorage"}


WORKERS, THREADS = make_default("WORKERS"), make_default("THREADS")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(port: int, process: subprocess.Popen) -> None:
    for _ in range(300):
        if process.poll() is not None:
            raise SystemExit(f"server on port {port} exited with {process.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)  # still starting (a bench, not a test)
    raise SystemExit(f"nothing answered /healthz on port {port}")


def start_granian(port: int, shipped: bool) -> subprocess.Popen:
    command = granian_command(port)
    env = {**ENV, **granian_env()} if shipped else ENV
    if not shipped:
        command += ["--interface", "wsgi", "--backpressure", str(THREADS)]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,  # noqa: S603
                               stderr=subprocess.DEVNULL)
    wait_until_up(port, process)
    return process


def start_nginx(port: int, upstream: int) -> subprocess.Popen:
    """nginx in the foreground with the shipped app config, on plain HTTP, all paths under TMP."""
    app_conf = (ROOT / "deploy/nginx/jixiao-app.conf").read_text().replace("/opt/jixiao/", f"{ROOT}/")
    (TMP / "jixiao-app.conf").write_text(app_conf)
    site = (ROOT / "deploy/nginx/jixiao.conf").read_text()
    zone = re.search(r"^limit_conn_zone .*;$", site, re.MULTILINE).group(0)
    (TMP / "nginx.conf").write_text(f"""
daemon off;
worker_processes 1;
pid {TMP}/nginx.pid;
error_log {TMP}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    access_log off;
    client_body_temp_path {TMP}/client_body;
    proxy_temp_path {TMP}/proxy;
    fastcgi_temp_path {TMP}/fastcgi;
    uwsgi_temp_path {TMP}/uwsgi;
    scgi_temp_path {TMP}/scgi;
    {zone}
    upstream jixiao_app {{ server 127.0.0.1:{upstream}; keepalive 16; }}
    server {{
        listen 127.0.0.1:{port};
        include {TMP}/jixiao-app.conf;
    }}
}}
""")
    process = subprocess.Popen([NGINX, "-p", str(TMP), "-c", str(TMP / "nginx.conf")],  # noqa: S603
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_until_up(port, process)
    return process


def hold(port: int, idle: int, half: int, silent: int) -> list[socket.socket]:
    held = []
    for _ in range(idle):
        s = socket.create_connection(("127.0.0.1", port), timeout=2)
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n")
        with contextlib.suppress(TimeoutError):  # a frozen server: held all the same, waiting its turn
            s.recv(65536)
        held.append(s)
    for _ in range(half):
        s = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        held.append(s)
    held += [socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) for _ in range(silent)]
    time.sleep(0.5)
    return held


def visit(port: int, path: str) -> float | None:
    """Milliseconds until a complete 200 answer on a new connection, or None when there was none."""
    start = time.perf_counter()
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        conn.close()
    except OSError:
        return None
    return (time.perf_counter() - start) * 1000 if response.status == 200 else None


def static_file(port: int) -> dict:
    """A collected, hashed static file through nginx: answered from disk, with its long caching."""
    manifest = json.loads((ROOT / "staticfiles/staticfiles.json").read_text())["paths"]
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    conn.request("GET", "/static/" + manifest["jixiao/app.css"])
    response = conn.getresponse()
    response.read()
    return {"status": response.status, "cache_control": response.getheader("Cache-Control")}


def probe(port: int) -> dict:
    figures = {}
    for path in PAGES:
        times = [visit(port, path) for _ in range(PROBES)]
        answered = [t for t in times if t is not None]
        figures[path] = {"median_ms": round(statistics.median(answered), 1) if answered else None,
                         "max_ms": round(max(answered), 1) if answered else None,
                         "timeouts": len(times) - len(answered)}
    return figures


def measure(port: int, silent: int) -> dict:
    result = {"nothing_held": probe(port)}
    held = hold(port, IDLE, HALF, silent)
    result[f"held_{IDLE}_idle_{HALF}_half_{silent}_silent"] = probe(port)
    for s in held:
        s.close()
    return result


def front(name: str) -> dict:
    port = free_port()
    processes = []
    try:
        if name == "nginx":
            upstream = free_port()
            processes.append(start_granian(upstream, shipped=True))
            processes.append(start_nginx(port, upstream))
            return {**measure(port, SILENT), "static": static_file(port)}
        processes.append(start_granian(port, shipped=name == "granian"))
        return measure(port, 0)
    finally:
        for process in reversed(processes):
            process.terminate()
            process.wait(timeout=30)


def main() -> None:
    subprocess.run([str(ROOT / ".venv/bin/python"), "manage.py", "migrate", "--noinput", "-v", "0"],  # noqa: S603
                   cwd=ROOT, env=ENV, check=True)
    results = {"server": f"{WORKERS} workers × {THREADS} threads", "timeout_s": TIMEOUT}
    for name in FRONTS:
        if name == "nginx" and not NGINX:
            results[name] = "skipped: nginx is not installed (make system-deps)"
            continue
        results[name] = front(name)
        print(name, json.dumps(results[name], ensure_ascii=False), flush=True)
    shutil.rmtree(TMP, ignore_errors=True)
    print(json.dumps(results, ensure_ascii=False))


if __name__ == "__main__":
    main()
