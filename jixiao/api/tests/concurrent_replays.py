"""The same bulk request with the same Idempotency-Key sent by many threads at once: exactly one import.

Imported by test_values_concurrency.py (PostgreSQL, in-process) and run as a script against a copy of the migrated
SQLite test database (pytest's in-memory SQLite refuses concurrent writers instead of queueing them). Prints one
JSON object: the status codes, how many answers were replays, whether every answer was the same summary, and what
was written.
"""

import json
import os
import sys
import threading


def run(threads: int) -> dict:
    import time_machine
    from django.db import connections
    from django.test import Client

    from jixiao.api.models import ExchangeJob
    from jixiao.api.tests.helpers import bearer, issue
    from jixiao.audit.models import Event
    from jixiao.reporting.models import Value
    from jixiao.reporting.tests.builders import IN_Q1_WINDOW, world
    from tests.cast import build_cast

    with time_machine.travel(IN_Q1_WINDOW, tick=False):
        cast = build_cast()
        w = world(cast)
        secret = issue(cast.assessor)
        body = json.dumps({"dataValues": [
            {"dataElement": item.indicator.code, "period": "2026Q1", "orgUnit": unit, "value": str(10 + i)}
            for i, item in enumerate(w["items"]) for unit in ("S01", "S02")]})
        answers, lock, start = [], threading.Lock(), threading.Barrier(threads)

        def send():
            try:
                client = Client()
                start.wait()
                response = client.post("/api/v1/datavaluesets", data=body, content_type="application/json",
                                       HTTP_IDEMPOTENCY_KEY="replay-1", **bearer(secret))
                answer = (response.status_code, response.get("Idempotent-Replayed", ""), response.content.decode())
            except Exception as exc:  # reported to the caller
                answer = (0, "", repr(exc))
            finally:
                connections.close_all()
            with lock:
                answers.append(answer)

        workers = [threading.Thread(target=send) for _ in range(threads)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
    return {"statuses": sorted({a[0] for a in answers}), "replayed": sum(1 for a in answers if a[1] == "true"),
            "same_summary": len({a[2] for a in answers}) == 1, "jobs": ExchangeJob.objects.count(),
            "values": Value.objects.count(), "imports": Event.objects.filter(code="values.entered_by_assessor").count(),
            "errors": [a[2] for a in answers if a[0] != 200]}


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jixiao.settings")
    import django

    django.setup()
    print(json.dumps(run(int(sys.argv[1])), ensure_ascii=False))
