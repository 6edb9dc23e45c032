"""A backup taken while others write holds one consistent moment: restored, its audit chain is intact and holds
every event committed before the backup began (and none half-written)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from jixiao.backup.tests import concurrent_backup

ON_POSTGRESQL = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


def check(result: dict) -> None:
    assert result["errors"] == []
    assert result["after"] > result["before"], "no event was written while the backup ran"
    assert result["before"] <= result["in_backup"] <= result["after"]
    assert result["intact"] and result["verdict"], result["message"]


def test_a_backup_while_writers_run_on_a_sqlite_file(migrated_sqlite, tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "JIXIAO_DATABASE_URL"}
    env.update(JIXIAO_SQLITE_PATH=str(migrated_sqlite), JIXIAO_MEDIA_ROOT=str(tmp_path / "media"),
               JIXIAO_AUDIT_ANCHOR_FILE=str(tmp_path / "anchors.jsonl"), JIXIAO_DEMO_MODE="true",
               PYTHONPATH=str(settings.BASE_DIR))
    done = subprocess.run([sys.executable, concurrent_backup.__file__, str(tmp_path)], cwd=settings.BASE_DIR,
                          env=env, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr
    check(json.loads(done.stdout.strip().splitlines()[-1]))


if ON_POSTGRESQL:
    # Collected only on PostgreSQL: pg_dump reads one snapshot while the threads go on writing.
    @pytest.mark.django_db(transaction=True)
    def test_a_backup_while_writers_run_on_postgresql(media, tmp_path):
        check(concurrent_backup.run(Path(tmp_path)))
