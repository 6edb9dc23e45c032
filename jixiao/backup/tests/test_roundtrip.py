"""Backup, change everything, restore: every table's rows and every upload are as they were at the backup,
the audit chain runs on unbroken with the restore's own event, and `verify_audit` says intact.

Runs on the database of the suite: SQLite by default, PostgreSQL with JIXIAO_DATABASE_URL (test_<name> database).
"""

import io

import pytest
from django.core.management import call_command

from jixiao.audit import log
from jixiao.audit.models import Event
from jixiao.backup.tests.conftest import media_picture, table_picture
from jixiao.org.models import Unit, UnitKind

pytestmark = pytest.mark.django_db(transaction=True)

# The audit log is compared row by row below: the restore appends its own event to the restored chain.
AUDIT_TABLES = frozenset({"audit_event", "audit_chainhead", "audit_chaincheck"})


def backup(path) -> str:
    out = io.StringIO()
    call_command("backup", str(path), stdout=out)
    return out.getvalue()


def restore(path, *args) -> str:
    out = io.StringIO()
    call_command("restore", str(path), *args, stdout=out, stderr=out)
    return out.getvalue()


def change_everything(cast, media) -> None:
    Unit.objects.filter(code="S02").update(name="已改名的街道")
    Unit.objects.create(code="S09", name="备份后新建的街道", kind=UnitKind.STREET, parent=cast.district)
    cast.outsider.memberships.all().delete()
    log.record("unit.created", object_repr="备份后的事件")
    (media / "reporting/evidence/2026/S01/佐证材料.pdf").write_bytes(b"%PDF-1.7 changed")
    (media / "keywork/bulletins/demo-2026-001.docx").unlink()
    (media / "results/added-after-backup.png").write_bytes(b"\x89PNG\r\n\x1a\n")


def test_a_restore_brings_back_every_row_and_file_and_the_chain_stays_intact(cast, media, tmp_path):
    log.record("unit.updated", cast.street, after={"name": cast.street.name})
    tables, files = table_picture(skip=AUDIT_TABLES), media_picture(media)
    events = list(Event.objects.order_by("pk").values_list("pk", "code", "hash"))
    archive = tmp_path / "backups" / "one.zip"
    archive.parent.mkdir()
    assert "备份完成" in backup(archive)
    assert Event.objects.order_by("pk").last().code == "backup.created"

    change_everything(cast, media)
    assert table_picture(skip=AUDIT_TABLES) != tables and media_picture(media) != files
    output = restore(archive, "--force")

    assert "恢复完成" in output and "审计日志完整" in output
    assert table_picture(skip=AUDIT_TABLES) == tables
    assert media_picture(media) == files
    restored = list(Event.objects.order_by("pk").values_list("pk", "code", "hash"))
    assert restored[:-1] == events  # the backup's own event came after the dump and is not in it
    assert restored[-1][1] == "backup.restored"
    call_command("verify_audit", stdout=io.StringIO())  # raises SystemExit(1) when the chain is broken


def test_a_freshly_migrated_empty_database_takes_a_restore_without_force(cast, media, tmp_path):
    tables, files = table_picture(skip=AUDIT_TABLES), media_picture(media)
    archive = tmp_path / "one.zip"
    backup(archive)
    call_command("flush", interactive=False, verbosity=0)  # what `migrate` leaves on a new machine
    for path in media.rglob("*"):
        if path.is_file():
            path.unlink()
    assert Unit.objects.count() == 0

    restore(archive)

    assert table_picture(skip=AUDIT_TABLES | {"django_content_type", "auth_permission"}) == {
        name: rows for name, rows in tables.items() if name not in {"django_content_type", "auth_permission"}}
    assert media_picture(media) == files
    assert Event.objects.get(code="backup.restored").after["replaced_data"] is False


def test_a_folder_as_path_gets_a_dated_file_and_the_event_names_it(cast, media, tmp_path):
    backup(tmp_path)
    made = list(tmp_path.glob("jixiao-backup-*.zip"))
    assert len(made) == 1
    event = Event.objects.get(code="backup.created")
    assert event.after["path"] == str(made[0]) and event.after["media_files"] == 3
    assert event.after["sha256"] and event.after["bytes"] == made[0].stat().st_size


def test_a_restore_of_an_older_backup_sets_the_external_anchors_that_run_past_it_aside(cast, media, tmp_path, settings):
    archive = tmp_path / "older.zip"
    backup(archive)
    log.record("unit.created", object_repr="备份之后的事件")
    call_command("run_schedule", "--only", "audit_anchor", stdout=io.StringIO())  # anchors the longer chain
    anchors = settings.AUDIT_ANCHOR_FILE
    written = anchors.read_text()

    output = restore(archive, "--force")

    assert "审计日志完整" in output
    call_command("verify_audit", stdout=io.StringIO())
    kept = next(anchors.parent.glob(anchors.name + ".before-restore-*"))
    assert kept.read_text() == written and not anchors.exists()
    assert Event.objects.get(code="backup.restored").after["anchors_set_aside"] == str(kept)
    assert f"外部锚点文件已移至 {kept}" in output
