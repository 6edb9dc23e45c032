"""Dumping and loading the database, per engine, and what a restore must know about the database first.

SQLite: the online backup API (`sqlite3.Connection.backup`) in one step — a read transaction on the live
database, so the copy is one consistent moment even while others write (WAL lets them go on). Loading goes the
same way in reverse: the checked copy is written into the live database in one step, which is one write
transaction there: other connections see all of the old database or all of the new one, never a mix, and the
database file is never swapped under a running server.

PostgreSQL: `pg_dump --format=custom` (one snapshot, so consistent while others write; uncompressed, because
the archive deflates it). Loading drops and recreates the schema and replays the dump with psql in ONE
transaction (`pg_restore -f - | psql --single-transaction`): a failure leaves the database as it was. Dropping
the schema, rather than `pg_restore --clean`, also removes tables the archive does not know (from newer
migrations), so the result is exactly the archive. It needs the rights of the schema's owner.
"""

import os
import re
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.apps import apps
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

from jixiao.backup.archive import BackupProblem

SQLITE, POSTGRESQL = "sqlite", "postgresql"
DUMP_NAMES = {SQLITE: "database/jixiao.sqlite3", POSTGRESQL: "database/jixiao.pgdump"}
ENGINE_LABELS = {SQLITE: "SQLite", POSTGRESQL: "PostgreSQL"}
# Tables `migrate` itself fills on an empty database: rows there do not make a database "hold data".
FILLED_BY_MIGRATE = {"contenttypes.contenttype", "auth.permission"}


def engine(connection) -> str:
    if connection.vendor not in DUMP_NAMES:
        raise BackupProblem(f"不支持备份 {connection.vendor} 数据库，仅支持 SQLite 与 PostgreSQL。")
    return connection.vendor


def server_version(connection) -> str:
    if engine(connection) == SQLITE:
        return sqlite3.sqlite_version
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return cursor.fetchone()[0]


def migration_state(connection) -> dict[str, str]:
    """The latest applied migration of each app (by name: migration names start with their number)."""
    latest: dict[str, str] = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        latest[app] = max(latest.get(app, name), name)
    return dict(sorted(latest.items()))


def unknown_migrations(connection, state: dict[str, str]) -> list[str]:
    """Migrations of an archive this code does not have: its database is newer than the code (or foreign)."""
    known = MigrationLoader(connection, ignore_no_migrations=True, load=True).disk_migrations
    return [f"{app}.{name}" for app, name in state.items() if (app, name) not in known]


def tables_with_data(connection) -> list[str]:
    """Tables of installed models that hold rows (beyond what `migrate` writes into an empty database)."""
    existing = set(connection.introspection.table_names())
    found = []
    for model in apps.get_models():
        meta = model._meta
        if meta.proxy or not meta.managed or meta.label_lower in FILLED_BY_MIGRATE or meta.db_table not in existing:
            continue
        if model._base_manager.using(connection.alias).exists():
            found.append(meta.db_table)
    return found


# --- Dump ------------------------------------------------------------------------------------------


def dump(connection, target: Path) -> str:
    """Write the whole database to `target`; returns the tool that did it, with its version."""
    if connection.in_atomic_block:
        # It would copy this connection's uncommitted rows (SQLite) or miss them (pg_dump): neither is a backup.
        raise RuntimeError("a backup cannot run inside a transaction")
    if engine(connection) == SQLITE:
        _sqlite_dump(connection, target)
        return f"sqlite3 backup API (SQLite {sqlite3.sqlite_version})"
    _run([_tool("pg_dump"), "--format=custom", "--compress=0", "--no-password", "--file", str(target)],
         connection, what="pg_dump 导出数据库")
    return pg_tool_version("pg_dump")


def _sqlite_dump(connection, target: Path) -> None:
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        connection.connection.backup(copy)
        # The copy inherits WAL mode; a rollback journal makes the member one self-contained file.
        copy.execute("PRAGMA journal_mode=DELETE")
    finally:
        copy.close()


# --- Load ------------------------------------------------------------------------------------------


def check_loadable(connection, staged: Path) -> None:
    """Refuse a staged dump this machine cannot load, before anything is replaced."""
    if engine(connection) == SQLITE:
        with _open_sqlite(staged) as copy:
            verdict = copy.execute("PRAGMA quick_check").fetchone()[0]
        if verdict != "ok":
            raise BackupProblem(f"备份中的 SQLite 数据库未通过完整性检查（{verdict[:200]}），不能用于恢复。")
        return
    listed = subprocess.run([_tool("pg_restore"), "--list", str(staged)], capture_output=True, text=True,  # noqa: S603
                            check=False)
    if listed.returncode != 0:
        raise BackupProblem(f"本机的 pg_restore 读不了备份中的数据库文件：{_last_line(listed.stderr)}")


def load(connection, staged: Path) -> None:
    """Replace the whole database by the staged dump, all or nothing."""
    if connection.in_atomic_block:
        raise RuntimeError("a restore cannot run inside a transaction")
    if engine(connection) == SQLITE:
        _sqlite_load(connection, staged)
    else:
        _postgresql_load(connection, staged)


def _sqlite_load(connection, staged: Path) -> None:
    connection.ensure_connection()
    live = connection.connection
    with _open_sqlite(staged) as copy:
        fit_page_size(copy, live.execute("PRAGMA page_size").fetchone()[0])
        copy.backup(live)


def fit_page_size(copy: sqlite3.Connection, page_size: int) -> None:
    """A WAL database cannot change its page size, so the copy takes the live database's before it is loaded."""
    if copy.execute("PRAGMA page_size").fetchone()[0] != page_size:
        copy.execute("PRAGMA journal_mode=DELETE")
        copy.execute(f"PRAGMA page_size={int(page_size)}")
        copy.execute("VACUUM")


class _open_sqlite:
    def __init__(self, path: Path):
        self.connection = sqlite3.connect(path, isolation_level=None)

    def __enter__(self) -> sqlite3.Connection:
        return self.connection

    def __exit__(self, *exc) -> None:
        self.connection.close()


def _postgresql_load(connection, staged: Path) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        schema = cursor.fetchone()[0]
    connection.close()
    quoted = '"' + schema.replace('"', '""') + '"'
    env = _pg_env(connection)
    restore = subprocess.Popen([_tool("pg_restore"), "--no-owner", "--no-privileges", "--file", "-", str(staged)],  # noqa: S603
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    replay = subprocess.run(  # noqa: S603
        [_tool("psql"), "--no-psqlrc", "--quiet", "--single-transaction", "--set", "ON_ERROR_STOP=1",
         "--command", f"DROP SCHEMA IF EXISTS {quoted} CASCADE; CREATE SCHEMA {quoted};", "--file", "-"],
        stdin=restore.stdout, capture_output=True, text=True, env=env, check=False)
    restore.stdout.close()
    restore_errors = restore.stderr.read().decode("utf-8", "replace")
    restore.wait()
    if restore.returncode != 0 or replay.returncode != 0:
        detail = _last_line(replay.stderr) or _last_line(restore_errors)
        raise BackupProblem(f"恢复 PostgreSQL 数据库失败，数据库保持原样（整个恢复在一个事务中，已回滚）：{detail}")


# --- PostgreSQL tools ------------------------------------------------------------------------------


def pg_tool_version(tool: str) -> str:
    """"pg_dump (PostgreSQL) 15.20" as the tool prints it."""
    done = subprocess.run([_tool(tool), "--version"], capture_output=True, text=True, check=False)  # noqa: S603
    return done.stdout.strip()


def major(version_text: str) -> int | None:
    found = re.search(r"(\d+)(?:\.\d+)?", version_text.split(")")[-1])
    return int(found.group(1)) if found else None


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupProblem(f"找不到 PostgreSQL 客户端程序 {name}，请安装 postgresql-client（版本不低于数据库服务器）。")
    return path


def _pg_env(connection) -> dict[str, str]:
    """The connection's settings as libpq variables, so no password ever appears on a command line."""
    settings = connection.settings_dict
    options = settings.get("OPTIONS") or {}
    pairs = {"PGHOST": settings.get("HOST"), "PGPORT": settings.get("PORT"), "PGUSER": settings.get("USER"),
             "PGPASSWORD": settings.get("PASSWORD"), "PGDATABASE": settings.get("NAME"),
             "PGSSLMODE": options.get("sslmode"), "PGAPPNAME": "jixiao-backup"}
    return {**os.environ, **{k: str(v) for k, v in pairs.items() if v not in (None, "")}}


def _run(command: list[str], connection, *, what: str) -> None:
    done = subprocess.run(command, capture_output=True, text=True, env=_pg_env(connection), check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupProblem(f"{what}失败：{_last_line(done.stderr)}")


def _last_line(text: str) -> str:
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    return lines[-1][:300] if lines else ""
