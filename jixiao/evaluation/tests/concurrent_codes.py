"""The same invitation code submitted by many threads at once: exactly one answer may come out.

Imported by test_concurrency.py (PostgreSQL, in-process) and run as a script against a fresh SQLite file
(pytest's in-memory SQLite refuses concurrent writers instead of queueing them; see audit's
concurrent_writers.py). Prints one JSON object: {"answers": n, "ok": n, "refused": n, "errors": [...]}.
"""

import datetime
import json
import os
import sys
import threading


def setup_campaign():
    """An open campaign with one public code; returns (campaign, code, values)."""
    from django.utils import timezone

    from jixiao.evaluation import actions
    from jixiao.evaluation.models import RaterKind, Scale
    from tests.cast import build_cast

    cast = build_cast()
    now = timezone.now()
    campaign = actions.create_campaign(
        cycle=cast.cycle, assessing_unit=cast.district, name="并发测试", opens_at=now - datetime.timedelta(hours=1),
        closes_at=now + datetime.timedelta(days=1), scale_kind=Scale.FIVE_LEVEL, by=cast.office)
    campaign = actions.open_campaign(campaign, by=cast.office)
    _, codes = actions.issue_codes(campaign, campaign.groups.get(kind=RaterKind.PUBLIC), size=1, unit=None,
                                   by=cast.office)
    unit = campaign.units.order_by("code").first()
    values = {(unit.pk, d.pk): 80 for d in campaign.dimensions.all()}
    return campaign, codes[0], values


def run(threads: int) -> dict:
    from django.db import connections

    from jixiao.evaluation import actions
    from jixiao.evaluation.models import Answer, InvitationCode, Rating

    campaign, code, values = setup_campaign()
    outcome = {"ok": 0, "refused": 0, "errors": []}
    lock = threading.Lock()
    start = threading.Barrier(threads)

    def submit():
        try:
            start.wait()
            actions.submit_with_code(campaign, actions.CodeAnswer(code=code, values=values, seconds=60))
            with lock:
                outcome["ok"] += 1
        except actions.EvaluationError:
            with lock:
                outcome["refused"] += 1
        except Exception as exc:  # reported to the caller
            with lock:
                outcome["errors"].append(repr(exc))
        finally:
            connections.close_all()

    workers = [threading.Thread(target=submit) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    outcome["answers"] = Answer.objects.count()
    outcome["ratings"] = Rating.objects.count()
    outcome["used"] = InvitationCode.objects.filter(used_on__isnull=False).count()
    return outcome


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jixiao.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    print(json.dumps(run(int(sys.argv[1])), ensure_ascii=False))
