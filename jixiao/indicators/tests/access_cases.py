"""The access decision of every indicators URL for the cast's roles.

Used by this app's page tests and merged into the project-wide matrix (tests/test_access_matrix.py).
Objects in URLs belong to 华明街道 (cast.street): for every role except the office, the leader and that
street's reporter they are another unit's objects, so the answer there is 404 (not even confirmed).
"""

import datetime
from decimal import Decimal

from jixiao.indicators import actions
from jixiao.indicators.models import TargetAdjustment
from jixiao.indicators.tests import builders

VIEWERS = {"office", "leader", "assessor"}
OFFICE = {"office"}
UNIT_VIEWERS = {"reporter", "reviewer", "assessor", "street_reporter"}


def world(cast):
    """A running 2026 scheme with targets for both streets and one pending adjustment; built once per cast."""
    if getattr(cast, "_indicators_world", None) is None:
        scheme = builders.valid_scheme(cast)
        item = scheme.items.select_related("indicator").first()
        targets = {
            unit.code: actions.set_target(cycle=cast.cycle, unit=unit, indicator=item.indicator, by=cast.office,
                                          target_value=Decimal("1000"))
            for unit in (cast.street, cast.other_street)
        }
        adjustment = TargetAdjustment.objects.create(
            target=targets["S01"], requested_value=Decimal("900"), previous_value=Decimal("1000"), reason="企业外迁",
            requested_by=cast.street_reporter, requested_at=datetime.datetime(2026, 5, 1, tzinfo=datetime.UTC),
        )
        cast._indicators_world = {"scheme": scheme, "item": item, "target": targets["S01"],
                                  "other_target": targets["S02"], "adjustment": adjustment}
    return cast._indicators_world


def _scheme(cast):
    return {"pk": world(cast)["scheme"].pk}


def _indicator(cast):
    return {"pk": world(cast)["item"].indicator_id}


def _item(cast):
    w = world(cast)
    return {"pk": w["scheme"].pk, "kind": "item", "part_pk": w["item"].pk}


def _target(cast):
    return {"pk": world(cast)["target"].pk}


# name -> keyword arguments of tests/test_access_matrix.Case
CASES = {
    "indicators:indicator_list": {"allowed": VIEWERS},
    "indicators:indicator_export": {"allowed": VIEWERS},
    "indicators:indicator_detail": {"allowed": VIEWERS, "kwargs": _indicator},
    "indicators:indicator_create": {"allowed": OFFICE},
    "indicators:indicator_edit": {"allowed": OFFICE, "kwargs": _indicator},
    "indicators:indicator_revise": {"allowed": OFFICE, "kwargs": _indicator},
    "indicators:rule_list": {"allowed": VIEWERS},
    "indicators:scheme_list": {"allowed": VIEWERS},
    "indicators:scheme_create": {"allowed": OFFICE},
    "indicators:book_export": {"allowed": {"office", "leader"}, "kwargs": lambda cast: {"year": world(cast)["scheme"].cycle.year}},
    "indicators:book_import": {"allowed": OFFICE},
    "indicators:scheme_detail": {"allowed": VIEWERS, "kwargs": _scheme},
    "indicators:scheme_publish": {"allowed": OFFICE, "kwargs": _scheme, "method": "post", "ok": (302,)},
    "indicators:scheme_copy": {"allowed": OFFICE, "kwargs": _scheme, "method": "post", "ok": (302,)},
    "indicators:scheme_options": {"allowed": OFFICE, "kwargs": _scheme},
    "indicators:part_add": {"allowed": OFFICE, "kwargs": lambda cast: {"pk": _scheme(cast)["pk"], "kind": "block"}},
    "indicators:part_edit": {"allowed": OFFICE, "kwargs": _item},
    "indicators:part_delete": {"allowed": OFFICE, "kwargs": _item, "method": "post", "ok": (302,),
                               "data": {"reason": "测试删除"}},
    "indicators:target_list": {"allowed": {"office", "leader"}},
    "indicators:target_detail": {"allowed": {"office", "leader", "street_reporter"}, "kwargs": _target,
                                 "denied": 404},
    "indicators:target_edit": {"allowed": OFFICE, "kwargs": _target, "denied": 404,
                               "denied_by_role": {"leader": 403, "street_reporter": 403}},
    "indicators:adjustment_request": {"allowed": {"street_reporter"}, "kwargs": _target, "denied": 404,
                                      "denied_by_role": {"office": 403, "leader": 403}},
    "indicators:target_matrix": {"allowed": {"office", "leader"}},
    "indicators:target_matrix_export": {"allowed": {"office", "leader"}, "data": lambda cast: {
        "cycle": cast.cycle.year, "group": world(cast)["item"].group_id}},
    "indicators:my_targets": {"allowed": UNIT_VIEWERS},
    "indicators:my_targets_export": {"allowed": UNIT_VIEWERS},
    "indicators:assessed": {"allowed": {"assessor"}},
    "indicators:assessed_export": {"allowed": {"assessor"}},
    "indicators:adjustment_queue": {"allowed": OFFICE},
    "indicators:adjustment_export": {"allowed": OFFICE},
    "indicators:adjustment_decide": {
        "allowed": OFFICE, "kwargs": lambda cast: {"pk": world(cast)["adjustment"].pk}, "method": "post",
        "ok": (302,), "data": {"decision": "refuse", "reason": "理由不充分"},
    },
    "indicators:deadline_set": {"allowed": OFFICE, "kwargs": lambda cast: {"year": cast.cycle.year},
                                "method": "post", "ok": (302,), "data": {"deadline": "2026-10-15"}},
}
