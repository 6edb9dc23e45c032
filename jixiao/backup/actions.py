"""Backup and restore (备份与恢复): the whole database and every uploaded file in one archive, each step audited.

A backup dumps the database first, then adds the uploaded files: a file removed meanwhile is left out, a file
added meanwhile is an orphan the database does not name — never the other way round, since uploads are
written before the rows that name them. A restore checks the whole archive (every checksum) and the machine
(engine, migrations, tools) while staging it beside MEDIA_ROOT, and only then replaces anything: the upload
folder by a rename, the database in one transaction (see database.py); if the database step fails, the old
upload folder is put back. docs/decisions/0011-backup.md has the reasons.
"""

import datetime
import getpass
import io
import json
import os
import platform
import re
import shutil
import subprocess
import tomllib
import uuid
from dataclasses import dataclass
from pathlib import Path

import django
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.db import connections
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from jixiao.audit import log
from jixiao.audit.models import Event, Outcome
from jixiao.backup import archive, database
from jixiao.backup.archive import BackupProblem, Manifest

DAILY_NAME = re.compile(r"jixiao-backup-\d{4}-\d{2}-\d{2}\.zip")


class DataPresent(BackupProblem):
    """The target database holds data and the operator did not say --force."""


@dataclass(frozen=True)
class Backup:
    path: Path
    size: int
    sha256: str
    manifest: Manifest


@dataclass(frozen=True)
class Restore:
    path: Path
    manifest: Manifest
    replaced_data: bool
    migrated: bool
    anchors_set_aside: str = ""  # where the external anchors that ran past the restored chain went


# --- Backup ----------------------------------------------------------------------------------------


def create_backup(path: Path, *, using: str = "default") -> Backup:
    """Write one archive at `path` (a folder gets a timestamped file name) and audit it."""
    connection = connections[using]
    path = archive_path(Path(path))
    with _work_folder(path.parent) as work:
        dumped = work / "database"
        migrations = database.migration_state(connection)
        tool = database.dump(connection, dumped)
        writer = archive.Writer(path)
        try:
            writer.add(database.DUMP_NAMES[database.engine(connection)], dumped, compress=True)
            dumped.unlink()
            _add_media(writer)
            manifest = _manifest(connection, tool, migrations)
            writer.finish(manifest)
        except BaseException:
            writer.abandon()
            raise
    backup = Backup(path, path.stat().st_size, archive.file_sha256(path), manifest)
    try:
        _record_backup(backup)
    except BaseException:
        path.unlink(missing_ok=True)  # an archive whose event could not be written is not kept (SECURITY.md §Audit)
        raise
    return backup


def archive_path(path: Path) -> Path:
    """The file to write: `path`, or a timestamped name inside it when it is a folder; refused when taken."""
    if path.is_dir():
        path = path / f"jixiao-backup-{timezone.localtime():%Y-%m-%d-%H%M%S}.zip"
    path = path.absolute()
    if path.exists():
        raise BackupProblem(f"“{path}”已存在，备份不会覆盖已有文件，请换一个文件名。")
    if not path.parent.is_dir():
        raise BackupProblem(f"目录“{path.parent}”不存在，请先创建。")
    if path.is_relative_to(Path(settings.MEDIA_ROOT).absolute()):
        raise BackupProblem("备份文件不能放在上传文件目录（MEDIA_ROOT）内，否则下一次备份会把它也装进去。")
    return path


def _add_media(writer: archive.Writer) -> None:
    for name, source in archive.media_files(Path(settings.MEDIA_ROOT)):
        try:
            writer.add(name, source, compress=False)  # uploads are PDF, images and Office files: compressed already
        except FileNotFoundError:
            continue  # removed after the database was dumped: the dump may still name it, as it did then


def _manifest(connection, tool: str, migrations: dict[str, str]) -> Manifest:
    return Manifest(
        created_at=timezone.now().isoformat(timespec="seconds"),
        app={"version": app_version(), "commit": git_commit()},
        django=django.get_version(),
        python=platform.python_version(),
        database={"engine": database.engine(connection), "server_version": database.server_version(connection),
                  "dump": tool},
        migrations=migrations,
    )


def app_version() -> str:
    try:
        with open(Path(settings.BASE_DIR) / "pyproject.toml", "rb") as handle:
            return str(tomllib.load(handle)["project"]["version"])
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return ""


def git_commit() -> str:
    """The checked-out commit when the code runs from a git checkout, else ""."""
    git = shutil.which("git")
    if git is None or not (Path(settings.BASE_DIR) / ".git").exists():
        return ""
    done = subprocess.run([git, "rev-parse", "HEAD"], cwd=settings.BASE_DIR, capture_output=True, text=True,  # noqa: S603
                          timeout=10, check=False)
    return done.stdout.strip() if done.returncode == 0 else ""


def _record_backup(backup: Backup) -> None:
    manifest = backup.manifest
    media = manifest.media_members
    log.record("backup.created", object_repr=backup.path.name, after={
        "path": str(backup.path), "bytes": backup.size, "sha256": backup.sha256,
        "database": manifest.database["engine"], "media_files": len(media),
        "media_bytes": sum(m.size for m in media), "commit": manifest.app["commit"], "os_user": _os_user(),
    })


# --- Restore ---------------------------------------------------------------------------------------


def check_backup(path: Path, *, using: str = "default") -> Manifest:
    """Read and check the whole archive against this machine without changing anything (restore --check)."""
    connection = connections[using]
    return _staged(Path(path), connection, lambda manifest, staging: manifest)


def restore_backup(path: Path, *, force: bool = False, using: str = "default") -> Restore:
    """Replace the database and the uploaded files by the archive's, all or nothing, and audit it."""
    connection = connections[using]
    path = Path(path).absolute()

    def replace(manifest: Manifest, staging: Path) -> Restore:
        occupied = database.tables_with_data(connection)
        if occupied and not force:
            raise DataPresent(
                f"当前数据库已有数据（{_tables(occupied)}），恢复会用备份替换全部数据和上传文件。"
                "确认无误后请加 --force 重新运行（建议先备份当前数据）。")
        _swap_in(connection, manifest, staging)
        return Restore(path, manifest, replaced_data=bool(occupied), migrated=False)

    restored = _staged(path, connection, replace)
    ContentType.objects.clear_cache()  # ids of the restored database, not the replaced one
    migrated = _migrate_if_behind(connection)
    restored = Restore(restored.path, restored.manifest, restored.replaced_data, migrated, _set_anchors_aside())
    _record_restore(restored, force)
    return restored


def _staged(path: Path, connection, then):
    """Check the archive, stage every member beside MEDIA_ROOT (checking sizes and SHA-256), then call `then`."""
    try:
        with archive.open_archive(path) as opened:
            manifest = archive.read_manifest(opened)
            check_compatible(connection, manifest)
            with _work_folder(Path(settings.MEDIA_ROOT).absolute().parent) as staging:
                archive.extract(opened, manifest, staging)
                database.check_loadable(connection, staging / manifest.database_member.name)
                return then(manifest, staging)
    except BackupProblem as problem:
        _record_refusal(connection, path, problem)
        raise


def check_compatible(connection, manifest: Manifest) -> None:
    """Refuse an archive of another engine, of newer code, or a dump this machine's tools cannot read."""
    here, there = database.engine(connection), manifest.database.get("engine")
    if there != here:
        raise BackupProblem(
            f"备份来自 {database.ENGINE_LABELS.get(there, there)} 数据库，当前使用 {database.ENGINE_LABELS[here]}，"
            "不能跨数据库类型恢复。请在同类数据库上恢复。")
    unknown = database.unknown_migrations(connection, manifest.migrations)
    if unknown:
        raise BackupProblem(
            f"备份中的数据库结构比当前程序新（本程序没有迁移 {'、'.join(unknown[:5])}），"
            f"请先把程序升级到备份时的版本（{manifest.app.get('version') or '未知'}"
            f"{'，提交 ' + manifest.app['commit'][:12] if manifest.app.get('commit') else ''}）再恢复。")
    if here == database.POSTGRESQL:
        _check_pg_restore(manifest)


def _check_pg_restore(manifest: Manifest) -> None:
    dumped, local = database.major(manifest.database.get("dump", "")), database.major(database.pg_tool_version("pg_restore"))
    if dumped is not None and local is not None and local < dumped:
        raise BackupProblem(f"备份由 pg_dump {dumped} 生成，本机 pg_restore 版本为 {local}，读不了较新的格式；"
                            f"请安装 {dumped} 或更新版本的 postgresql-client。")


def _swap_in(connection, manifest: Manifest, staging: Path) -> None:
    """Put the staged uploads in place by renaming folders, then load the database; undo the rename if it fails."""
    media_root = Path(settings.MEDIA_ROOT).absolute()
    incoming, previous = staging / archive.MEDIA_DIR, staging / "media-before-restore"
    incoming.mkdir(exist_ok=True)  # an archive without uploads still empties MEDIA_ROOT
    had_media = media_root.exists()
    try:
        if had_media:
            os.replace(media_root, previous)
        os.replace(incoming, media_root)
    except OSError as error:
        if had_media and previous.exists() and not media_root.exists():
            os.replace(previous, media_root)
        raise BackupProblem(f"无法替换上传文件目录“{media_root}”（{error.strerror}），数据库与文件均未改动。"
                            "上传文件目录须可改名（不能是挂载点本身）。") from None
    try:
        database.load(connection, staging / manifest.database_member.name)
    except BaseException:
        os.replace(media_root, incoming)
        if had_media:
            os.replace(previous, media_root)
        raise


def _migrate_if_behind(connection) -> bool:
    """An archive of older code is brought up to this code's migrations, as `make run` would."""
    executor = MigrationExecutor(connection)
    if not executor.migration_plan(executor.loader.graph.leaf_nodes()):
        return False
    call_command("migrate", interactive=False, verbosity=0, database=connection.alias)
    return True


def _set_anchors_aside() -> str:
    """Move the external anchor file aside when it anchors rows beyond the restored chain; "" when it agrees.

    Restoring an older backup rolls the audit log back to that day; the anchors written since name rows the
    restored database no longer has, and `verify_audit` would report the chain cut short for ever. The file
    is kept (renamed, never edited) as evidence of the history before the restore, the restore's audit event
    names it, and the daily job starts anchoring the restored chain. Any other disagreement is left for
    `verify_audit` to report.
    """
    anchor_file = getattr(settings, "AUDIT_ANCHOR_FILE", None)
    if not anchor_file or not Path(anchor_file).exists():
        return ""
    out = io.StringIO()
    try:
        call_command("verify_audit", "--json", stdout=out, stderr=io.StringIO())
        return ""
    except CommandError:
        return ""  # it cannot check (no key, damaged anchor file): the check after the restore says so
    except SystemExit:
        if json.loads(out.getvalue()).get("problem") != "anchor_beyond":
            return ""
    anchor_file = Path(anchor_file)
    aside = anchor_file.with_name(f"{anchor_file.name}.before-restore-{timezone.now():%Y%m%dT%H%M%SZ}")
    os.replace(anchor_file, aside)
    return str(aside)


def _record_restore(restored: Restore, force: bool) -> None:
    manifest = restored.manifest
    log.record("backup.restored", object_repr=restored.path.name, after={
        "path": str(restored.path), "sha256": archive.file_sha256(restored.path),
        "backup_created_at": manifest.created_at, "backup_commit": manifest.app.get("commit", ""),
        "database": manifest.database.get("engine"), "media_files": len(manifest.media_members),
        "replaced_data": restored.replaced_data, "force": force, "migrated": restored.migrated,
        "anchors_set_aside": restored.anchors_set_aside, "os_user": _os_user(),
    })


def _record_refusal(connection, path: Path, problem: BackupProblem) -> None:
    """A refused restore is audited in the database as it stays, when that database has an audit log."""
    if Event._meta.db_table not in connection.introspection.table_names():
        return
    outcome = Outcome.DENIED if isinstance(problem, DataPresent) else Outcome.FAILURE
    log.record("backup.restore_refused", outcome=outcome, object_repr=path.name,
               after={"path": str(path), "reason": str(problem), "os_user": _os_user()})


# --- Scheduled backups -----------------------------------------------------------------------------


def daily_backup(folder: Path, day: datetime.date, keep: int) -> str:
    """The day's backup in `folder` (once a day), then only the newest `keep` daily backups stay."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"jixiao-backup-{day:%Y-%m-%d}.zip"
    if target.exists():
        done = f"今日备份已存在（{target.name}），未重复备份"
    else:
        made = create_backup(target)
        done = f"已备份到 {made.path}（{made.size / 1024 / 1024:.1f} MB）"
    removed = rotate(folder, keep)
    return f"{done}；保留最近 {keep} 份" + (f"，删除旧备份 {len(removed)} 份" if removed else "")


def rotate(folder: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` daily backups (jixiao-backup-YYYY-MM-DD.zip); other files are left alone."""
    daily = sorted(p for p in folder.iterdir() if DAILY_NAME.fullmatch(p.name) and p.is_file())
    old = daily[:-keep] if keep > 0 else daily
    for path in old:
        path.unlink()
    return old


# --- Helpers ---------------------------------------------------------------------------------------


class _work_folder:
    """A private folder inside `parent` (same file system, so a rename is atomic), removed on the way out."""

    def __init__(self, parent: Path):
        self.path = parent / f".jixiao-backup-work-{uuid.uuid4().hex[:12]}"

    def __enter__(self) -> Path:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.mkdir(mode=0o700)
        return self.path

    def __exit__(self, *exc) -> None:
        shutil.rmtree(self.path, ignore_errors=True)


def _tables(names: list[str]) -> str:
    shown = "、".join(names[:3])
    return f"{shown} 等 {len(names)} 张表" if len(names) > 3 else shown


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return str(os.getuid()) if hasattr(os, "getuid") else ""
