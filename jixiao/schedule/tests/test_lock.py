"""The schedule lock: of two looping schedulers only the one holding the lock runs the jobs; the other stands by
and takes over when the first lets go (deploy/topology.py shows the same with two real processes)."""

import datetime
import io
import os

import pytest
from django.db import connection

from jixiao.schedule import lock
from jixiao.schedule.management.commands import run_schedule

ON_POSTGRESQL = connection.vendor == "postgresql"
AT = datetime.time(1, 30)


def test_a_file_lock_is_held_by_one_at_a_time(tmp_path):
    first, second = lock.FileLock(tmp_path / "schedule-lock"), lock.FileLock(tmp_path / "schedule-lock")
    assert first.acquire()
    assert first.acquire()  # still this process's
    assert not second.acquire()
    assert second.holder() == f"进程 {os.getpid()}"
    first.release()
    assert second.acquire()
    assert not first.acquire()
    second.release()


@pytest.mark.django_db
def test_the_lock_fits_the_database():
    chosen = lock.schedule_lock()
    if ON_POSTGRESQL:
        assert isinstance(chosen, lock.PostgresLock)
    else:
        assert isinstance(chosen, lock.NoLock if connection.is_in_memory_db() else lock.FileLock)


@pytest.mark.skipif(not ON_POSTGRESQL, reason="an advisory lock is PostgreSQL's")
@pytest.mark.django_db
def test_an_advisory_lock_is_held_by_one_session_and_freed_with_it():
    first, second = lock.PostgresLock(), lock.PostgresLock()
    try:
        assert first.acquire()
        assert first.acquire()
        assert not second.acquire()
        session = first.wrapper.connection.info.backend_pid
        assert second.holder().startswith(f"数据库会话 {session}")
        # The first holder's session is cut (a restarted database, a dead process): the lock goes with it.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [session])
        assert second.acquire()
        assert not first.acquire()
        second.release()
        assert second.holder() == ""
        assert first.acquire()
    finally:
        first.release()
        second.release()


class Watch(io.StringIO):
    """The command's output; calls `react` with each line written, so a test can act on what the loop says."""

    def __init__(self, react):
        super().__init__()
        self.react = react

    def write(self, text):
        self.react(text)
        return super().write(text)


@pytest.fixture
def held_elsewhere(monkeypatch, tmp_path):
    """The schedule lock held by someone else: an advisory lock on PostgreSQL, a file lock otherwise."""
    if ON_POSTGRESQL:
        other = lock.PostgresLock()
    else:
        monkeypatch.setattr(run_schedule, "schedule_lock", lambda: lock.FileLock(tmp_path / "schedule-lock"))
        other = lock.FileLock(tmp_path / "schedule-lock")
    assert other.acquire()
    yield other
    other.release()


@pytest.mark.django_db
def test_a_second_scheduler_stands_by_and_takes_over_when_the_first_lets_go(held_elsewhere, monkeypatch):
    ran = []
    monkeypatch.setattr(run_schedule.jobs, "JOBS", [("lock_due_submissions", "到期锁定", ran.append)])
    stop = run_schedule.threading.Event()
    tries = []

    def react(text):
        if "待命" in text:
            tries.append(text)
            held_elsewhere.release()  # the first scheduler stops
        if "运行完毕" in text:
            stop.set()

    out = Watch(react)
    command = run_schedule.Command(stdout=out)
    command._loop(stop, AT, datetime.date(2026, 4, 29), None, retry=0.01)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("定时任务待命：")
    assert "每 0.01 秒重试一次" in lines[0]
    if ON_POSTGRESQL:
        assert "数据库会话" in lines[0]
    assert lines[1] == f"本进程（{os.getpid()}）负责运行定时任务。"
    assert ran == [datetime.date(2026, 4, 29)], "the jobs ran once, after the takeover"
    assert len(tries) == 1


@pytest.mark.django_db
def test_a_scheduler_never_runs_the_jobs_while_another_holds_the_lock(held_elsewhere, monkeypatch):
    ran = []
    monkeypatch.setattr(run_schedule.jobs, "JOBS", [("lock_due_submissions", "到期锁定", ran.append)])
    stop = run_schedule.threading.Event()
    tries = []

    def react(text):
        tries.append(text)

    def wait(seconds):
        tries.append(seconds)
        if len(tries) >= 6:
            stop.set()

    monkeypatch.setattr(stop, "wait", wait)
    out = Watch(react)
    run_schedule.Command(stdout=out)._loop(stop, AT, None, None, retry=5)
    assert ran == []
    assert out.getvalue().count("待命") == 1, "standby is said once, not at every try"
    assert tries.count(5) == 5
