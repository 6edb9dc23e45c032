"""The access decision of every scoring URL for the cast's roles (merged into tests/test_access_matrix.py).

The world is a 2025 scheme (its own cycle, so it does not disturb other apps' 2026 worlds) with a preliminary
run open for appeals and one pending appeal of 华明街道 (cast.street). A unit's result belongs to its unit:
other units' roles get 404; the office and leaders see every result; only the street's roles see its own.
"""

import datetime

from django.utils import timezone

from jixiao.indicators.tests import builders
from jixiao.org.models import CycleStatus
from jixiao.scoring import actions
from jixiao.scoring.models import Stage
from jixiao.scoring.tests.world import scheme_world

DISTRICT = {"office", "leader"}
OFFICE = {"office"}
OWN = {"reporter", "reviewer", "assessor", "street_reporter"}


def world(cast):
    if getattr(cast, "_scoring_world", None) is None:
        cycle = builders.cycle(2025, CycleStatus.SCORING)
        scheme = scheme_world(cast, cycle=cycle)
        run = actions.compute(scheme, Stage.PRELIMINARY, by=cast.office)
        run = actions.open_appeals(run, timezone.now() + datetime.timedelta(days=30), by=cast.office)
        result = run.results.get(unit=cast.street)
        appeal = actions.file_appeal(run, cast.street, by=cast.street_reporter, reason="统计口径有误，应予更正",
                                     evidence="统计局更正说明")
        cast._scoring_world = {"scheme": scheme, "run": run, "result": result, "appeal": appeal}
    return cast._scoring_world


def _pk(key):
    return lambda cast: {"pk": world(cast)[key].pk}


def _street_result(allowed, **extra):
    seeing = (DISTRICT | {"street_reporter"}) - set(allowed)
    return {"allowed": set(allowed), "kwargs": _pk("result"), "denied": 404,
            "denied_by_role": dict.fromkeys(seeing, 403), **extra}


CASES = {
    "scoring:run_list": {"allowed": DISTRICT},
    # Without a scheme the office is sent back to the list with a message.
    "scoring:compute": {"allowed": OFFICE, "method": "post", "ok": (302,), "data": {"stage": "preliminary"}},
    "scoring:run_detail": {"allowed": DISTRICT, "kwargs": _pk("run")},
    "scoring:open_appeals": {"allowed": OFFICE, "kwargs": _pk("run"), "method": "post", "ok": (302,),
                             "data": {"deadline": "2099-01-01T12:00"}},
    "scoring:publish": {"allowed": OFFICE, "kwargs": _pk("run"), "method": "post", "ok": (302,)},
    "scoring:result_detail": _street_result(DISTRICT | {"street_reporter"}),
    "scoring:appeal_create": _street_result({"street_reporter"}, method="post", ok=(302,),
                                            data={"reason": "短", "evidence": ""}),
    # Without two runs named the viewer is sent back to the run list.
    "scoring:compare": {"allowed": DISTRICT, "ok": (302,)},
    "scoring:our_result": {"allowed": OWN},
    "scoring:appeal_queue": {"allowed": OFFICE},
    "scoring:appeal_decide": {"allowed": OFFICE, "kwargs": _pk("appeal"), "method": "post", "ok": (302,),
                              "data": {"decision": "reject", "reason": "理由不成立"}},
}
