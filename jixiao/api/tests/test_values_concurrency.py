"""Ten concurrent replays of one bulk request with one Idempotency-Key import once; the others get its summary."""

import json
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

from jixiao.api.tests import concurrent_replays

ON_POSTGRESQL = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
EXPECTED = {"statuses": [200], "replayed": 9, "same_summary": True, "jobs": 1, "values": 4, "imports": 1,
            "errors": []}


def test_ten_replays_at_once_on_a_sqlite_file(migrated_sqlite):
    env = {k: v for k, v in os.environ.items() if k != "JIXIAO_DATABASE_URL"}
    env.update(JIXIAO_SQLITE_PATH=str(migrated_sqlite), JIXIAO_DEMO_MODE="true", PYTHONPATH=str(settings.BASE_DIR))
    done = subprocess.run([sys.executable, str(Path(concurrent_replays.__file__)), "10"], cwd=settings.BASE_DIR,
                          env=env, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == EXPECTED


if ON_POSTGRESQL:
    # Collected only on PostgreSQL: there the threads share the test database and really race on the key.
    def test_ten_replays_at_once_on_postgresql(transactional_db):
        assert concurrent_replays.run(10) == EXPECTED
