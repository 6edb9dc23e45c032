"""A restore refuses a damaged, truncated, tampered or mismatched archive, and a database holding data without
--force: with a Chinese message, a non-zero exit, an audit event, and nothing changed."""

import io
import json
import zipfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from jixiao.audit.models import Event, Outcome
from jixiao.backup.archive import MANIFEST
from jixiao.backup.tests.conftest import media_picture
from jixiao.org.models import Unit

# The archive is written outside any transaction, as the command runs: each test gets a flushed database.
pytestmark = pytest.mark.django_db(transaction=True)
EVIDENCE = "media/reporting/evidence/2026/S01/佐证材料.pdf"


@pytest.fixture
def archive(cast, media, tmp_path) -> Path:
    path = tmp_path / "good.zip"
    call_command("backup", str(path), stdout=io.StringIO())
    return path


def rewrite(source: Path, target: Path, *, replace=None, add=None, drop=(), manifest=None) -> Path:
    """A copy of the archive with members replaced, added or dropped, and the manifest edited by `manifest`."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for name in old.namelist():
            if name in drop:
                continue
            data = old.read(name)
            if name == MANIFEST and manifest is not None:
                edited = json.loads(data)
                manifest(edited)
                data = json.dumps(edited).encode()
            new.writestr(name, (replace or {}).get(name, data))
        for name, data in (add or {}).items():
            new.writestr(name, data)
    return target


def refused(path: Path, *args) -> str:
    units, events = Unit.objects.count(), Event.objects.count()
    with pytest.raises(CommandError) as caught:
        call_command("restore", str(path), *args, stdout=io.StringIO())
    assert Unit.objects.count() == units, "a refused restore changed the database"
    event = Event.objects.order_by("pk").last()
    assert Event.objects.count() == events + 1 and event.code == "backup.restore_refused"
    assert event.after["reason"] == str(caught.value)
    return str(caught.value)


@pytest.mark.parametrize("keep", [0.5, -40])
def test_a_truncated_archive_is_refused(archive, media, tmp_path, keep):
    data = archive.read_bytes()
    cut = tmp_path / "cut.zip"
    cut.write_bytes(data[: int(len(data) * keep)] if keep > 0 else data[:keep])
    files = media_picture(media)
    assert "不是完整的备份文件（文件已损坏或被截断" in refused(cut, "--force")
    assert media_picture(media) == files
    assert Event.objects.get(code="backup.restore_refused").outcome == Outcome.FAILURE


def test_a_member_changed_to_the_same_size_is_refused_by_its_checksum(archive, media, tmp_path):
    with zipfile.ZipFile(archive) as opened:
        original = opened.read(EVIDENCE)
    changed = original[:-1] + bytes([original[-1] ^ 1])
    tampered = rewrite(archive, tmp_path / "tampered.zip", replace={EVIDENCE: changed})
    files = media_picture(media)

    message = refused(tampered, "--force")

    assert f"“{EVIDENCE}”与清单记录的大小或校验值（SHA-256）不符" in message
    assert media_picture(media) == files


def test_a_database_member_changed_is_refused(archive, tmp_path):
    with zipfile.ZipFile(archive) as opened:
        name = next(n for n in opened.namelist() if n.startswith("database/"))
        data = bytearray(opened.read(name))
    data[len(data) // 2] ^= 0xFF
    message = refused(rewrite(archive, tmp_path / "tampered.zip", replace={name: bytes(data)}), "--force")
    assert f"“{name}”与清单记录的大小或校验值（SHA-256）不符" in message


def test_a_flipped_byte_inside_the_file_is_refused_as_damaged(archive, tmp_path):
    with zipfile.ZipFile(archive) as opened:
        info = opened.getinfo(EVIDENCE)
    data = bytearray(archive.read_bytes())
    # The member's data starts after its 30-byte local header, its name and its extra field.
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start + 100] ^= 0xFF
    damaged = tmp_path / "damaged.zip"
    damaged.write_bytes(bytes(data))
    assert f"备份文件中的“{EVIDENCE}”已损坏" in refused(damaged, "--force")


@pytest.mark.parametrize("change, expected", [
    ({"drop": {MANIFEST}}, "备份文件中没有清单（manifest.json）"),
    ({"add": {"media/smuggled.pdf": b"%PDF"}}, "备份文件的内容与清单不符（多出 “media/smuggled.pdf”）"),
    ({"drop": {EVIDENCE}}, f"备份文件的内容与清单不符（缺少 “{EVIDENCE}”）"),
    ({"replace": {MANIFEST: b"{not json"}}, "备份清单已损坏"),
    ({"manifest": lambda m: m.update(format_version=99)}, "备份格式版本 99 不受本程序支持"),
])
def test_an_archive_that_disagrees_with_its_manifest_is_refused(archive, tmp_path, change, expected):
    assert expected in refused(rewrite(archive, tmp_path / "odd.zip", **change), "--force")


def test_a_member_escaping_the_staging_folder_is_refused(archive, tmp_path):
    evil = "media/../../outside.txt"

    def list_it(manifest):
        manifest["members"].append({"name": evil, "size": 4, "sha256": "0" * 64})

    odd = rewrite(archive, tmp_path / "evil.zip", add={evil: b"evil"}, manifest=list_it)
    assert "不安全的文件名“media/../../outside.txt”" in refused(odd, "--force")
    assert not (tmp_path / "outside.txt").exists()


def test_an_archive_of_the_other_engine_is_refused(archive, tmp_path):
    def other_engine(manifest):
        manifest["database"]["engine"] = "postgresql" if manifest["database"]["engine"] == "sqlite" else "sqlite"

    message = refused(rewrite(archive, tmp_path / "other.zip", manifest=other_engine), "--force")
    assert "不能跨数据库类型恢复" in message


def test_an_archive_of_newer_code_is_refused(archive, tmp_path):
    def newer(manifest):
        manifest["migrations"]["org"] = "0999_from_a_later_version"

    message = refused(rewrite(archive, tmp_path / "newer.zip", manifest=newer), "--force")
    assert "备份中的数据库结构比当前程序新（本程序没有迁移 org.0999_from_a_later_version）" in message
    assert "请先把程序升级到备份时的版本" in message


def test_a_database_holding_data_is_not_replaced_without_force(archive, media):
    (media / "after.txt").write_bytes(b"kept")
    files = media_picture(media)
    message = refused(archive)
    assert "当前数据库已有数据" in message and "--force" in message
    assert media_picture(media) == files
    assert Event.objects.get(code="backup.restore_refused").outcome == Outcome.DENIED


def test_a_missing_file_is_named(media, tmp_path):
    with pytest.raises(CommandError, match="找不到备份文件"):
        call_command("restore", str(tmp_path / "nothing.zip"), stdout=io.StringIO())


def test_check_reads_the_whole_archive_and_changes_nothing(archive, media):
    out, units = io.StringIO(), Unit.objects.count()
    call_command("restore", str(archive), "--check", stdout=out)
    assert "备份文件完好，可在本机恢复" in out.getvalue()
    assert Unit.objects.count() == units


def test_a_backup_never_overwrites_a_file_nor_goes_into_the_upload_folder(cast, media, tmp_path):
    taken = tmp_path / "taken.zip"
    taken.write_bytes(b"someone else's")
    with pytest.raises(CommandError, match="已存在，备份不会覆盖已有文件"):
        call_command("backup", str(taken), stdout=io.StringIO())
    assert taken.read_bytes() == b"someone else's"
    with pytest.raises(CommandError, match="备份文件不能放在上传文件目录"):
        call_command("backup", str(media / "inside.zip"), stdout=io.StringIO())


def test_members_whose_paths_collide_are_refused(archive, tmp_path):
    clash = "media/keywork"  # a file where the archive also has a folder

    def list_it(manifest):
        manifest["members"].append({"name": clash, "size": 1, "sha256": "0" * 64})

    odd = rewrite(archive, tmp_path / "clash.zip", add={clash: b"x"}, manifest=list_it)
    assert "“media/keywork”与另一文件的路径冲突" in refused(odd, "--force")
