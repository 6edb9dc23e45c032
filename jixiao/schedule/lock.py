"""The schedule lock (定时任务锁): one `run_schedule --loop` per installation runs the daily jobs, however many start.

On PostgreSQL a session-level advisory lock on a fixed key, taken with pg_try_advisory_lock on a connection of
its own that the process keeps for as long as it runs: PostgreSQL frees the lock the moment that session ends
(the process stops, is killed, or its machine is cut off), and another process waiting in standby takes it on
its next try. Advisory locks belong to one database, so installations sharing a server never meet.
On SQLite (one machine, `make run`) an exclusive flock on a file beside the database does the same; an
in-memory database (the tests) has no other process to exclude, and its lock is always granted.

The lock needs a real session: through pgbouncer in transaction pooling mode the scheduler must connect to
PostgreSQL directly (docs/deploy.md).
"""

import contextlib
import fcntl
import os
from pathlib import Path

from django.db import connections

# A fixed bigint naming the lock in pg_locks ("jixiao" in ASCII, then 1 for the daily jobs). PostgreSQL shows a
# bigint key as classid (high 32 bits) and objid (low 32 bits) with objsubid 1.
KEY = 0x6A6978_69616F_0001


class PostgresLock:
    """pg_try_advisory_lock(KEY) on a dedicated connection, which nothing else uses."""

    def __init__(self, alias: str = "default"):
        self.alias = alias
        self.wrapper = None
        self.held = False

    def acquire(self) -> bool:
        """True when this process holds the lock (taken now, or still held since); never waits."""
        if self.held and self._still_held():
            return True
        self.release()
        self.wrapper = connections.create_connection(self.alias)
        with self.wrapper.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [KEY])
            self.held = cursor.fetchone()[0]
        if not self.held:
            self.release()
        return self.held

    def _still_held(self) -> bool:
        """The session may have been cut (a database restart) and the lock with it."""
        try:
            with self.wrapper.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
                               " AND pid = pg_backend_pid() AND classid = %s AND objid = %s AND objsubid = 1",
                               [KEY >> 32, KEY & 0xFFFFFFFF])
                return cursor.fetchone()[0] == 1
        except Exception:  # noqa: BLE001 - a dead session holds nothing; acquire() opens a new one
            return False

    def holder(self) -> str:
        """The process id of the PostgreSQL session holding the lock and its client address, or "" when free."""
        with connections[self.alias].cursor() as cursor:
            cursor.execute("SELECT a.pid, coalesce(host(a.client_addr), 'local') FROM pg_locks l"
                           " JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.granted"
                           " AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"
                           " AND l.classid = %s AND l.objid = %s AND l.objsubid = 1",
                           [KEY >> 32, KEY & 0xFFFFFFFF])
            row = cursor.fetchone()
        return f"数据库会话 {row[0]}（{row[1]}）" if row else ""

    def release(self) -> None:
        """Close the dedicated session, which frees the lock if it was held."""
        if self.wrapper is not None:
            with contextlib.suppress(Exception):  # a session already gone has freed its lock anyway
                self.wrapper.close()
        self.wrapper, self.held = None, False


class FileLock:
    """An exclusive flock on `path`, held on an open file until release() or the end of the process."""

    def __init__(self, path: Path):
        self.path = path
        self.file = None

    def acquire(self) -> bool:
        if self.file is not None:
            return True
        handle = open(self.path, "a+")  # noqa: SIM115 - kept open for as long as the lock is held
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return False
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        self.file = handle
        return True

    def holder(self) -> str:
        try:
            pid = self.path.read_text().strip()
        except OSError:
            return ""
        return f"进程 {pid}" if pid else ""

    def release(self) -> None:
        if self.file is not None:
            self.file.close()  # closing the file drops the flock
            self.file = None


class NoLock:
    """An in-memory database: no other process can reach it, so the lock is always this process's."""

    def acquire(self) -> bool:
        return True

    def holder(self) -> str:
        return ""

    def release(self) -> None:
        pass


def schedule_lock(alias: str = "default"):
    """The lock that fits the database behind `alias`."""
    connection = connections[alias]
    if connection.vendor == "postgresql":
        return PostgresLock(alias)
    name = str(connection.settings_dict["NAME"])
    if connection.vendor == "sqlite" and not connection.is_in_memory_db():
        return FileLock(Path(name + ".schedule-lock"))
    return NoLock()
