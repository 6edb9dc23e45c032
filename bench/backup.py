"""Backup and restore of the demo district (`seed_demo`) on SQLite and, when reachable, PostgreSQL.

For each engine a child process gets a throw-away database (a SQLite file in a temporary folder; a PostgreSQL
database on 127.0.0.1:5432 created and dropped here) and its own MEDIA_ROOT, loads the demo district, then
times RUNS backups (`jixiao.backup.actions.create_backup`, as `manage.py backup` runs it) and RUNS restores
over the loaded database (`restore_backup(force=True)`). The baselines are measured in the same run: on SQLite
a plain copy of the database file and the upload folder (what a careless operator would do — not even
consistent while the site writes); on PostgreSQL a plain `pg_dump --format=custom` (default compression) and
`pg_restore --clean --if-exists --single-transaction` of that file (uploads not included). Reported: wall-clock
medians, the archive's size, and the ratios to the baseline; under "cpu" the CPU time of the bench process plus
its children (pg_dump, pg_restore, psql) — steadier when other work shares the machine; PostgreSQL's own server
time is in neither. The last line is one JSON object.
"""

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")


def clock():
    """(wall, CPU of this process and its waited-for children)."""
    times = os.times()
    return time.perf_counter(), times.user + times.system + times.children_user + times.children_system


def timed(action):
    wall, cpu = clock()
    result = action()
    wall_end, cpu_end = clock()
    return wall_end - wall, cpu_end - cpu, result


def median_of(samples: list[tuple[float, float]]) -> tuple[float, float]:
    return round(statistics.median(s[0] for s in samples), 3), round(statistics.median(s[1] for s in samples), 3)


# --- The child: one engine ------------------------------------------------------------------------


def child(engine: str, work: Path) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jixiao.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from jixiao.backup import actions

    call_command("migrate", verbosity=0)
    call_command("seed_demo", verbosity=0)
    media = Path(settings.MEDIA_ROOT)
    database_bytes = _database_bytes(connection, engine)
    media_bytes = sum(p.stat().st_size for p in media.rglob("*") if p.is_file())
    backups, restores, baseline_backups, baseline_restores = [], [], [], []
    archive = None
    for run in range(RUNS):
        target = work / f"bench-{run}.zip"
        wall, cpu, made = timed(lambda target=target: actions.create_backup(target))
        backups.append((wall, cpu))
        archive = made
        baseline_backups.append(_baseline_backup(connection, engine, work, media)[:2])
    baseline_size = _baseline_backup(connection, engine, work, media)[2]
    for _ in range(RUNS):
        wall, cpu, _ = timed(lambda: actions.restore_backup(archive.path, force=True))
        restores.append((wall, cpu))
        baseline_restores.append(_baseline_restore(connection, engine, work, media))
    return _figures(engine, database_bytes, media_bytes, archive, baseline_size, backups, restores,
                    baseline_backups, baseline_restores)


def _database_bytes(connection, engine: str) -> int:
    if engine == "sqlite":
        return Path(connection.settings_dict["NAME"]).stat().st_size
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        return cursor.fetchone()[0]


def _baseline_backup(connection, engine: str, work: Path, media: Path) -> tuple[float, float, int]:
    """A plain file copy (SQLite) or a plain pg_dump (PostgreSQL): (seconds, CPU seconds, bytes)."""
    plain = work / "plain"
    shutil.rmtree(plain, ignore_errors=True)
    plain.mkdir()
    if engine == "sqlite":
        def copy():
            shutil.copyfile(connection.settings_dict["NAME"], plain / "db.sqlite3")
            shutil.copytree(media, plain / "media")
    else:
        def copy():
            subprocess.run(["pg_dump", "--format=custom", "--file", str(plain / "db.pgdump"),  # noqa: S603, S607
                            connection.settings_dict["NAME"]], check=True, env=_pg_env(connection))
    wall, cpu, _ = timed(copy)
    return wall, cpu, sum(p.stat().st_size for p in plain.rglob("*") if p.is_file())


def _baseline_restore(connection, engine: str, work: Path, media: Path) -> tuple[float, float]:
    plain = work / "plain"
    if engine == "sqlite":
        def put_back():
            connection.close()
            shutil.copyfile(plain / "db.sqlite3", work / "restored.sqlite3")
            shutil.rmtree(work / "restored-media", ignore_errors=True)
            shutil.copytree(plain / "media", work / "restored-media")
    else:
        def put_back():
            connection.close()
            subprocess.run(["pg_restore", "--clean", "--if-exists", "--single-transaction", "--no-owner",  # noqa: S603, S607
                            "--dbname", connection.settings_dict["NAME"], str(plain / "db.pgdump")],
                           check=True, env=_pg_env(connection))
    wall, cpu, _ = timed(put_back)
    return wall, cpu


def _pg_env(connection) -> dict:
    from jixiao.backup import database

    return database._pg_env(connection)


def _figures(engine, database_bytes, media_bytes, archive, baseline_size, backups, restores, baseline_backups,
             baseline_restores) -> dict:
    backup_s, backup_cpu = median_of(backups)
    restore_s, restore_cpu = median_of(restores)
    base_b_s, base_b_cpu = median_of(baseline_backups)
    base_r_s, base_r_cpu = median_of(baseline_restores)
    baseline = "file copy" if engine == "sqlite" else "pg_dump/pg_restore"
    return {
        "engine": engine, "runs": RUNS, "database_bytes": database_bytes, "media_bytes": media_bytes,
        "media_files": len(archive.manifest.media_members), "archive_bytes": archive.size,
        "baseline": baseline, "baseline_bytes": baseline_size,
        "size_ratio": round(archive.size / baseline_size, 2),
        "backup_seconds": backup_s, "restore_seconds": restore_s,
        "baseline_backup_seconds": base_b_s, "baseline_restore_seconds": base_r_s,
        "backup_ratio": round(backup_s / base_b_s, 2), "restore_ratio": round(restore_s / base_r_s, 2),
        "cpu": {"backup_seconds": backup_cpu, "restore_seconds": restore_cpu,
                "baseline_backup_seconds": base_b_cpu, "baseline_restore_seconds": base_r_cpu,
                "backup_ratio": round(backup_cpu / base_b_cpu, 2) if base_b_cpu else None,
                "restore_ratio": round(restore_cpu / base_r_cpu, 2) if base_r_cpu else None},
    }


# --- The parent: one child per engine -------------------------------------------------------------


def run_child(engine: str, env: dict, work: Path) -> dict:
    done = subprocess.run([sys.executable, __file__, "--child", engine, str(work)], cwd=ROOT,  # noqa: S603
                          env={**os.environ, **env, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True,
                          check=False)
    if done.returncode != 0:
        raise SystemExit(f"{engine} bench failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def postgresql_reachable() -> bool:
    done = subprocess.run(["psql", PG + "/postgres", "-qtAc", "SELECT 1"], capture_output=True, text=True,  # noqa: S603, S607
                          check=False)
    return done.returncode == 0


def psql(sql: str) -> None:
    subprocess.run(["psql", PG + "/postgres", "-q", "-c", sql], check=True, capture_output=True)  # noqa: S603, S607


def main():
    base = {"JIXIAO_DEMO_MODE": "true", "JIXIAO_STATICFILES_STORAGE": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    results = {}
    with tempfile.TemporaryDirectory(prefix="jixiao-bench-backup-") as tmp:
        work = Path(tmp)
        sqlite_env = {**base, "JIXIAO_SQLITE_PATH": str(work / "sqlite" / "db.sqlite3"),
                      "JIXIAO_MEDIA_ROOT": str(work / "sqlite" / "var" / "media"),
                      "JIXIAO_AUDIT_ANCHOR_FILE": str(work / "sqlite" / "anchors.jsonl")}
        (work / "sqlite").mkdir()
        os.environ.pop("JIXIAO_DATABASE_URL", None)
        results["sqlite"] = run_child("sqlite", sqlite_env, work / "sqlite")
        if postgresql_reachable():
            name = f"jixiao_bench_backup_{os.getpid()}"
            psql(f"CREATE DATABASE {name}")
            try:
                (work / "pg").mkdir()
                pg_env = {**base, "JIXIAO_DATABASE_URL": f"{PG}/{name}",
                          "JIXIAO_MEDIA_ROOT": str(work / "pg" / "var" / "media"),
                          "JIXIAO_AUDIT_ANCHOR_FILE": str(work / "pg" / "anchors.jsonl")}
                results["postgresql"] = run_child("postgresql", pg_env, work / "pg")
            finally:
                psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        else:
            results["postgresql"] = None
    for figures in filter(None, results.values()):
        print(f"{figures['engine']}: database {figures['database_bytes'] / 1e6:.1f} MB + {figures['media_files']} "
              f"uploads {figures['media_bytes'] / 1e6:.1f} MB -> archive {figures['archive_bytes'] / 1e6:.1f} MB "
              f"({figures['size_ratio']}x the {figures['baseline']} {figures['baseline_bytes'] / 1e6:.1f} MB); "
              f"backup {figures['backup_seconds']} s vs {figures['baseline_backup_seconds']} s "
              f"(x{figures['backup_ratio']}, cpu {figures['cpu']['backup_seconds']} s vs "
              f"{figures['cpu']['baseline_backup_seconds']} s), restore {figures['restore_seconds']} s vs "
              f"{figures['baseline_restore_seconds']} s (x{figures['restore_ratio']}, cpu "
              f"{figures['cpu']['restore_seconds']} s vs {figures['cpu']['baseline_restore_seconds']} s)")
    if results["postgresql"] is None:
        print("PostgreSQL not reachable at 127.0.0.1:5432: skipped")
    print(json.dumps(results, ensure_ascii=False))


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        print(json.dumps(child(sys.argv[2], Path(sys.argv[3])), ensure_ascii=False))
    else:
        main()
