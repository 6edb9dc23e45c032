"""`make run` keeps answering while idle keep-alive and half-sent connections are held open (issue 14).

granian is started as `make run` starts it (deploy/make_run.py: deploy/granian.env and the Makefile's WORKERS and
THREADS) on a free loopback port, over a throw-away migrated SQLite database. With the options `make run` had
before (backpressure equal to the threads, granian's 30 s header timeout) a dozen held connections froze the
site: /healthz took 29.5 s. Each visit here waits at most VISIT_TIMEOUT; that is the limit of a frozen server,
not a speed goal. bench/held_connections.py measures the same with timings, and through nginx.
"""

import contextlib
import http.client
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time

import pytest
from django.db import connection

from deploy.make_run import ROOT, granian_command, granian_env

IDLE = 12
HALF = 12
VISIT_TIMEOUT = 5
START_TIMEOUT = 30


@pytest.fixture
def database(tmp_path, db):
    """A throw-away SQLite file with every migration applied.

    A copy of the suite's own migrated test database (`db`: never the developer's) when that is SQLite, as a
    fresh `migrate` takes 15 s; else migrated afresh.
    """
    path = tmp_path / "held.sqlite3"
    if connection.vendor == "sqlite":
        # A dump, not sqlite3's backup(): inside the test's open transaction that waits for a lock forever.
        connection.ensure_connection()
        with contextlib.closing(sqlite3.connect(path)) as target:
            target.executescript("\n".join(connection.connection.iterdump()))
        return path
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],  # noqa: S603
                   cwd=ROOT, env=server_env(tmp_path, path), check=True)
    return path


def server_env(tmp_path, database) -> dict[str, str]:
    """The test's environment without its JIXIAO_* and PYTEST_* settings (the server is no test run), pointed
    at the throw-away database, plus deploy/granian.env as `make run` sources it."""
    inherited = {key: value for key, value in os.environ.items() if not key.startswith(("JIXIAO_", "PYTEST_"))}
    return {**inherited, "JIXIAO_DEMO_MODE": "true", "JIXIAO_VAR_DIR": str(tmp_path / "var"),
            "JIXIAO_SQLITE_PATH": str(database), **granian_env()}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def healthz_status(port: int, timeout: float) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", "/healthz")
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def wait_until_up(port: int, server: subprocess.Popen, log) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        assert server.poll() is None, f"granian exited with {server.returncode}: {log.read_text()}"
        with contextlib.suppress(OSError):
            if healthz_status(port, timeout=1) == 200:
                return
        time.sleep(0.1)  # still starting
    pytest.fail(f"granian did not answer /healthz within {START_TIMEOUT} s: {log.read_text()}")


@pytest.fixture
def server(tmp_path, database):
    """granian as `make run` starts it; yields its port. Its whole process group is stopped afterwards."""
    port = free_port()
    log = tmp_path / "granian.log"
    with log.open("w") as out:
        process = subprocess.Popen(granian_command(port), cwd=ROOT, env=server_env(tmp_path, database),  # noqa: S603
                                   stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_until_up(port, process, log)
        yield port
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def hold(port: int) -> list[socket.socket]:
    """IDLE keep-alive connections left idle after one answer, and HALF that sent half a request head."""
    held = []
    for _ in range(IDLE):
        s = socket.create_connection(("127.0.0.1", port), timeout=1)
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n")
        with contextlib.suppress(TimeoutError):  # a frozen server: held all the same, waiting its turn
            s.recv(65536)
        held.append(s)
    for _ in range(HALF):
        s = socket.create_connection(("127.0.0.1", port), timeout=1)
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        held.append(s)
    return held


def test_site_answers_while_connections_are_held(server):
    held = hold(server)
    try:
        status = healthz_status(server, timeout=VISIT_TIMEOUT)
    except TimeoutError:
        pytest.fail(f"/healthz gave no answer within {VISIT_TIMEOUT} s while {IDLE} idle and {HALF} half-sent "
                    "connections were held: the server is frozen")
    finally:
        for s in held:
            s.close()
    assert status == 200
