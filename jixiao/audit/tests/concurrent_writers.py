"""Run as a script: several threads append audit events at once, then the chain is verified.

The SQLite test database of pytest lives in memory with a shared cache, where concurrent writers get
"database table is locked" instead of waiting; production SQLite is a file in WAL mode with IMMEDIATE
transactions. test_concurrency.py therefore runs this script in a subprocess against a fresh file.
Prints one JSON object: {"errors": [...], "intact": bool, "checked": n, "head": n}.
"""

import json
import os
import sys
import threading


def write(index: int, events: int, start: threading.Barrier, errors: list) -> None:
    from django.db import connections

    from jixiao.audit import log

    try:
        start.wait()
        for n in range(events):
            log.record("unit.updated", object_repr=f"线程{index}-{n}", after={"thread": index, "n": n})
    except Exception as exc:  # reported to the caller
        errors.append(repr(exc))
    finally:
        connections.close_all()


def run(threads: int, events: int) -> dict:
    from jixiao.audit import log
    from jixiao.audit.models import ChainHead

    errors: list = []
    start = threading.Barrier(threads)
    workers = [threading.Thread(target=write, args=(i, events, start, errors)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    verdict = log.verify_chain()
    head = ChainHead.objects.get(pk=1)
    return {"errors": errors, "intact": verdict.intact, "checked": verdict.checked, "head": head.count,
            "message": log.describe(verdict)}


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jixiao.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", "audit", verbosity=0)  # the audit tables and what they depend on
    print(json.dumps(run(int(sys.argv[1]), int(sys.argv[2])), ensure_ascii=False))
