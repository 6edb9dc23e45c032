"""Several threads appending at once still build one unbroken chain (ChainHead select_for_update / IMMEDIATE)."""

import json
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

from jixiao.audit import log
from jixiao.audit.models import ChainHead, Event
from jixiao.audit.tests import concurrent_writers

THREADS = 6
EVENTS_EACH = 15
ON_POSTGRESQL = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


def test_concurrent_writers_on_a_sqlite_file(migrated_sqlite):
    env = {k: v for k, v in os.environ.items() if k != "JIXIAO_DATABASE_URL"}
    env.update(JIXIAO_SQLITE_PATH=str(migrated_sqlite), JIXIAO_DEMO_MODE="true")
    script = Path(concurrent_writers.__file__)
    done = subprocess.run(
        [sys.executable, str(script), str(THREADS), str(EVENTS_EACH)],
        cwd=settings.BASE_DIR, env={**env, "PYTHONPATH": str(settings.BASE_DIR)},
        capture_output=True, text=True, timeout=300, check=False,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["errors"] == []
    assert result["intact"], result["message"]
    assert result["checked"] == result["head"] == THREADS * EVENTS_EACH


if ON_POSTGRESQL:
    # Collected only on PostgreSQL: the in-memory SQLite test database cannot take concurrent writers
    # (see concurrent_writers.py); the file-based test above covers SQLite.
    def test_concurrent_writers_on_postgresql(transactional_db):
        result = concurrent_writers.run(THREADS, EVENTS_EACH)
        assert result["errors"] == []
        assert result["intact"], result["message"]
        assert result["checked"] == THREADS * EVENTS_EACH == Event.objects.count()
        assert ChainHead.objects.get(pk=1).count == THREADS * EVENTS_EACH
        assert log.verify_chain().intact
