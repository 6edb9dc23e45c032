"""The backup archive (备份文件): one zip file holding the database dump, the uploaded files and a manifest.

    database/jixiao.sqlite3 or database/jixiao.pgdump   the dump (SQLite copy / pg_dump custom format)
    media/<path>                                         every file under MEDIA_ROOT, at the same relative path
    manifest.json                                        versions, migration state, size and SHA-256 of each member

Zip rather than tar: the manifest can be read first without reading the rest, each member can be stored or
deflated on its own (uploads are already compressed, the database is not), and any zip tool opens it.
The checksums catch damage — a copy cut short, a flipped bit, a member changed by hand; they are not a
signature: whoever can rewrite the archive can rewrite its manifest too, so backups live where only operators
write. No member name from an archive is ever used as a path without checking it stays in the staging folder.
"""

import hashlib
import json
import os
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath

FORMAT = "jixiao-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATABASE_DIR = "database"
MEDIA_DIR = "media"
CHUNK = 1024 * 1024
# Deflate level 1: the demo database (59 MB) shrinks to 16 MB in ~1.9 s; level 6 saves another 1.7 MB for 2.5× the time.
DEFLATE_LEVEL = 1
MANIFEST_MAX = 64 * 1024 * 1024


class BackupProblem(Exception):
    """A backup or a restore that cannot go on; the message is Chinese and says why."""


@dataclass(frozen=True)
class Member:
    """One file inside the archive, as the manifest lists it."""

    name: str
    size: int
    sha256: str


@dataclass
class Manifest:
    """What an archive holds and what wrote it (备份清单)."""

    created_at: str
    app: dict
    django: str
    python: str
    database: dict  # engine, server_version, dump (the tool and its version)
    migrations: dict[str, str]  # app label → latest applied migration
    members: list[Member] = field(default_factory=list)
    format: str = FORMAT
    format_version: int = FORMAT_VERSION

    @property
    def database_member(self) -> Member:
        return next(m for m in self.members if m.name.startswith(DATABASE_DIR + "/"))

    @property
    def media_members(self) -> list[Member]:
        return [m for m in self.members if m.name.startswith(MEDIA_DIR + "/")]

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=2, sort_keys=True)


# --- Writing ---------------------------------------------------------------------------------------


class Writer:
    """Adds members to an archive being written at `path`.partial; `finish` writes the manifest and renames it."""

    def __init__(self, path: Path):
        self.path = path
        self.partial = path.with_name(path.name + ".partial")
        self.zip = zipfile.ZipFile(self.partial, "w", allowZip64=True)  # "w": a partial file left by a crash is replaced
        self.members: list[Member] = []

    def add(self, name: str, source: Path, *, compress: bool) -> Member:
        """Copy `source` in as `name`. The file is hashed, then written; its CRC proves it did not change between."""
        sha256, crc, size = _digest(source)
        self.zip.write(source, name, compress_type=zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED,
                       compresslevel=DEFLATE_LEVEL if compress else None)
        if crc != self.zip.getinfo(name).CRC:
            raise BackupProblem(f"文件“{name}”在备份过程中被修改，请重新备份。")
        member = Member(name, size, sha256)
        self.members.append(member)
        return member

    def finish(self, manifest: Manifest) -> None:
        manifest.members = list(self.members)
        self.zip.writestr(MANIFEST, manifest.to_json().encode("utf-8"), compress_type=zipfile.ZIP_DEFLATED)
        self.zip.close()
        with open(self.partial, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(self.partial, self.path)

    def abandon(self) -> None:
        self.zip.close()
        self.partial.unlink(missing_ok=True)


def _digest(path: Path) -> tuple[str, int, int]:
    sha, crc, size = hashlib.sha256(), 0, 0
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            sha.update(chunk)
            crc = zlib.crc32(chunk, crc)
            size += len(chunk)
    return sha.hexdigest(), crc, size


def media_files(root: Path) -> Iterator[tuple[str, Path]]:
    """(archive name, path) of every regular file under `root`, sorted; symbolic links are not followed."""
    if not root.is_dir():
        return
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(files):
            path = Path(folder, name)
            if path.is_file() and not path.is_symlink():
                yield f"{MEDIA_DIR}/{path.relative_to(root).as_posix()}", path


def file_sha256(path: Path) -> str:
    return _digest(path)[0]


# --- Reading ---------------------------------------------------------------------------------------


def open_archive(path: Path) -> zipfile.ZipFile:
    if not path.is_file():
        raise BackupProblem(f"找不到备份文件“{path}”。")
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise BackupProblem(
            f"“{path.name}”不是完整的备份文件（文件已损坏或被截断，例如复制未完成），不能用于恢复。") from None


def read_manifest(archive: zipfile.ZipFile) -> Manifest:
    """The manifest, checked against the archive's list of members; BackupProblem when they disagree."""
    try:
        info = archive.getinfo(MANIFEST)
    except KeyError:
        raise BackupProblem("备份文件中没有清单（manifest.json），不是本系统生成的备份，不能用于恢复。") from None
    if info.file_size > MANIFEST_MAX:
        raise BackupProblem("备份清单大小异常，备份文件不可信，不能用于恢复。")
    try:
        data = json.loads(archive.read(MANIFEST).decode("utf-8"))
        manifest = _manifest_from(data)
    except (zipfile.BadZipFile, zlib.error, UnicodeDecodeError, ValueError, KeyError, TypeError):
        raise BackupProblem("备份清单已损坏，无法读取，不能用于恢复。") from None
    _check_members(archive, manifest)
    return manifest


def _manifest_from(data: dict) -> Manifest:
    if data.get("format") != FORMAT:
        raise BackupProblem("备份清单不是本系统的格式，不能用于恢复。")
    if data.get("format_version") != FORMAT_VERSION:
        raise BackupProblem(f"备份格式版本 {data.get('format_version')} 不受本程序支持（支持 {FORMAT_VERSION}），"
                             "请使用生成该备份的程序版本恢复。")
    members = [Member(str(m["name"]), int(m["size"]), str(m["sha256"])) for m in data["members"]]
    fields = {k: data[k] for k in ("created_at", "app", "django", "python", "database", "migrations")}
    return Manifest(**fields, members=members)


def _check_members(archive: zipfile.ZipFile, manifest: Manifest) -> None:
    listed = [m.name for m in manifest.members]
    present = [n for n in archive.namelist() if n != MANIFEST]
    for name in listed:
        safe_name(name)
    if sorted(listed) != sorted(present) or len(set(listed)) != len(listed):
        extra, missing = sorted(set(present) - set(listed)), sorted(set(listed) - set(present))
        detail = "；".join(filter(None, [f"多出 {_few(extra)}" if extra else "",
                                        f"缺少 {_few(missing)}" if missing else ""])) or "有重复的文件"
        raise BackupProblem(f"备份文件的内容与清单不符（{detail}），不能用于恢复。")
    databases = [n for n in listed if n.startswith(DATABASE_DIR + "/")]
    if len(databases) != 1:
        raise BackupProblem("备份文件中应有且只有一个数据库文件，不能用于恢复。")


def _few(names: list[str]) -> str:
    shown = "、".join(f"“{n}”" for n in names[:3])
    return shown + (f" 等 {len(names)} 个文件" if len(names) > 3 else "")


def safe_name(name: str) -> PurePosixPath:
    """The member name as a relative path under database/ or media/; BackupProblem for anything else."""
    path = PurePosixPath(name)
    if (not name or "\\" in name or "\x00" in name or path.is_absolute() or ".." in path.parts
            or len(path.parts) < 2 or path.parts[0] not in (DATABASE_DIR, MEDIA_DIR) or name != path.as_posix()):
        raise BackupProblem(f"备份文件中有不安全的文件名“{name[:200]}”，不能用于恢复。")
    return path


def extract(archive: zipfile.ZipFile, manifest: Manifest, folder: Path) -> None:
    """Write every member under `folder`, checking each one's size and SHA-256 against the manifest."""
    for member in manifest.members:
        target = folder.joinpath(*safe_name(member.name).parts)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            _extract_one(archive, member, target)
        except (FileExistsError, NotADirectoryError, IsADirectoryError):
            raise BackupProblem(f"备份文件中“{member.name}”与另一文件的路径冲突，不能用于恢复。") from None


def _extract_one(archive: zipfile.ZipFile, member: Member, target: Path) -> None:
    sha, size = hashlib.sha256(), 0
    try:
        with archive.open(member.name) as source, open(target, "xb") as sink:
            while chunk := source.read(CHUNK):
                size += len(chunk)
                if size > member.size:
                    break  # more than the manifest promises: stop before a hostile member fills the disk
                sha.update(chunk)
                sink.write(chunk)
    except (zipfile.BadZipFile, zlib.error, EOFError) as error:  # a disk error of ours (OSError) is not the archive's
        raise BackupProblem(f"备份文件中的“{member.name}”已损坏（{type(error).__name__}），不能用于恢复。") from None
    if size != member.size or sha.hexdigest() != member.sha256:
        raise BackupProblem(f"备份文件中的“{member.name}”与清单记录的大小或校验值（SHA-256）不符，"
                             "文件已损坏或被改动，不能用于恢复。")
