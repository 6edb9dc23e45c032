"""The daily backup job: skipped without JIXIAO_BACKUP_DIR; otherwise one archive a day, the newest N kept."""

import datetime
import io

import pytest
from django.core.management import call_command

from jixiao.audit.models import Event
from jixiao.schedule import jobs

DAY = datetime.date(2026, 12, 7)


def test_without_a_folder_the_job_says_it_is_skipped(settings):
    settings.BACKUP_DIR = ""
    assert jobs.daily_backup(DAY) == "未设置备份目录（JIXIAO_BACKUP_DIR），跳过"


@pytest.fixture
def folder(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.AUDIT_ANCHOR_FILE = tmp_path / "anchors.jsonl"
    settings.BACKUP_DIR = str(tmp_path / "backups")
    settings.BACKUP_KEEP = 3
    backups = tmp_path / "backups"
    backups.mkdir()
    for name in ["jixiao-backup-2026-11-01.zip", "jixiao-backup-2026-11-02.zip", "jixiao-backup-2026-11-03.zip",
                 "jixiao-backup-2026-11-04.zip", "jixiao-backup-2026-11-01-120000.zip", "notes.txt"]:
        (backups / name).write_bytes(b"older")
    return backups


def run_backup_job() -> str:
    out = io.StringIO()
    call_command("run_schedule", "--date", DAY.isoformat(), "--only", "backup", stdout=out)
    return out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_the_job_writes_the_days_backup_and_keeps_the_newest(cast, folder):
    output = run_backup_job()

    today = folder / "jixiao-backup-2026-12-07.zip"
    assert f"✓ 备份数据库与上传文件：已备份到 {today}" in output and "删除旧备份 2 份" in output
    assert sorted(p.name for p in folder.iterdir()) == [
        "jixiao-backup-2026-11-01-120000.zip",  # made by hand (a time in its name): never rotated away
        "jixiao-backup-2026-11-03.zip", "jixiao-backup-2026-11-04.zip", "jixiao-backup-2026-12-07.zip",
        "notes.txt",
    ]
    assert Event.objects.get(code="backup.created").username == "定时任务"
    check = io.StringIO()
    call_command("restore", str(today), "--check", stdout=check)
    assert "备份文件完好" in check.getvalue()


@pytest.mark.django_db(transaction=True)
def test_a_second_run_on_the_same_day_changes_nothing(cast, folder):
    run_backup_job()
    listing, events = sorted(folder.iterdir()), Event.objects.count()

    assert "今日备份已存在（jixiao-backup-2026-12-07.zip），未重复备份" in run_backup_job()
    assert sorted(folder.iterdir()) == listing and Event.objects.count() == events
