"""Writers append audit events without pause while a backup is taken; then the backup is restored and checked.

The audit chain is the witness: an event and the chain head's count change together in one transaction, so
a copy taken across a write would hold rows and a head that disagree, and `verify_audit` would say so.
test_concurrent.py runs this as a script against a SQLite file in WAL mode (the suite's in-memory SQLite
cannot take concurrent writers, see jixiao/audit/tests/concurrent_writers.py), and calls `run` on PostgreSQL.
Prints one JSON object: {"errors": [...], "before": n, "after": n, "in_backup": n, "intact": bool, ...}.
"""

import io
import json
import os
import sys
import threading
import time
from pathlib import Path

PAYLOAD = "绩" * 2000  # about 6 KB an event, so that the dump takes a while


def write(stop: threading.Event, errors: list, written: list) -> None:
    from django.db import connections

    from jixiao.audit import log

    try:
        while not stop.is_set():
            log.record("unit.updated", object_repr="并发写入", after={"n": len(written), "text": PAYLOAD})
            written.append(1)
    except Exception as exc:  # reported to the caller
        errors.append(repr(exc))
    finally:
        connections.close_all()


def run(folder: Path, writers: int = 2, preload: int = 300) -> dict:
    from django.core.management import call_command

    from jixiao.audit import log
    from jixiao.audit.models import Event
    from jixiao.backup import actions

    for n in range(preload):
        log.record("unit.created", object_repr=f"预置{n}", after={"text": PAYLOAD})
    stop, errors, written = threading.Event(), [], []
    threads = [threading.Thread(target=write, args=(stop, errors, written)) for _ in range(writers)]
    for thread in threads:
        thread.start()
    while len(written) < 10 and not errors:
        time.sleep(0.01)  # the writers are under way before the backup starts
    before = Event.objects.count()
    made = actions.create_backup(folder / "during.zip")
    after = Event.objects.count()
    stop.set()
    for thread in threads:
        thread.join()
    actions.restore_backup(made.path, force=True)
    out = io.StringIO()
    try:
        call_command("verify_audit", stdout=out, stderr=out)
        intact = True
    except SystemExit:
        intact = False
    restored = Event.objects.count() - 1  # less the restore's own event
    return {"errors": errors, "before": before, "after": after, "in_backup": restored, "intact": intact,
            "message": out.getvalue(), "verdict": log.verify_chain().intact}


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jixiao.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    print(json.dumps(run(Path(sys.argv[1])), ensure_ascii=False))
