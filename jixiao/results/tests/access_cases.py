"""The access decision of every results URL for the cast's roles (merged into tests/test_access_matrix.py).

The rectification item in URLs belongs to 华明街道 (cast.street): the office and leaders see every item,
the street's reporter rectifies it; every other role gets 404 (not even confirmed to exist).
"""

from jixiao.results.tests import builders

EVERYONE = {"office", "leader", "reporter", "reviewer", "assessor", "street_reporter", "supervisor", "rater",
            "sysadmin", "secadmin", "auditor", "outsider"}
DISTRICT = {"office", "leader"}
UNITS = {"reporter", "reviewer", "street_reporter"}


def world(cast):
    if getattr(cast, "_results_world", None) is None:
        item = builders.rectification(cast)
        cast._results_world = {"item": item, "report": builders.report(item, cast.street_reporter),
                               "unit": cast.street}
    return cast._results_world


def scored_world(cast):
    """The scoring world is costly to build: only the URLs that need a result or a cadre record build it."""
    found = world(cast)
    if "result" not in found:
        from jixiao.results import actions

        run = builders.scored(cast, release=True)
        cadre = builders.cadre(cast)
        actions.record_cadres(cast.cycle, by=cast.office)
        found.update(result=run.results.get(unit=cast.street), cadre=cadre, record=cadre.records.get())
    return found


def committee_world(cast):
    """A 2024 final run (not published) put before the committee, with a 通过 decision and its minutes recorded."""
    found = world(cast)
    if "review" not in found:
        _preliminary, final = builders.unreleased_final(cast)
        decision = builders.approve(final, cast.office)
        found.update(final=final, review=decision.review)
    return found


def _committee(key):
    return lambda cast: {"pk": committee_world(cast)[key].pk}


def _pk(key):
    return lambda cast: {"pk": world(cast)[key].pk}


def _spk(key):
    return lambda cast: {"pk": scored_world(cast)[key].pk}


def _scored(cast):
    scored_world(cast)
    return {}


def _item_case(allowed, **extra):
    """A URL on the street's item: 403 for roles that see it but may not act, 404 for the rest."""
    seeing = (DISTRICT | {"street_reporter"}) - set(allowed)
    return {"allowed": set(allowed), "kwargs": _pk("item"), "denied": 404,
            "denied_by_role": dict.fromkeys(seeing, 403), **extra}


CASES = {
    "results:rectification_list": {"allowed": DISTRICT | UNITS},
    "results:rectification_create": {"allowed": {"office"}},
    "results:rectification_detail": _item_case(DISTRICT | {"street_reporter"}),
    "results:rectification_measures": _item_case({"street_reporter"}, method="post", ok=(422,)),
    "results:rectification_report": _item_case({"street_reporter"}, method="post", ok=(422,)),
    "results:rectification_verify": _item_case({"office"}, method="post", ok=(422,)),
    "results:rectification_send_back": _item_case({"office"}, method="post", ok=(422,)),
    "results:rectification_disclosure": _item_case({"office"}, method="post", ok=(302,)),
    "results:rectification_file": {"allowed": DISTRICT | {"street_reporter"}, "kwargs": _pk("report"),
                                   "denied": 404},
    "results:cadre_records": {"allowed": DISTRICT},
    "results:cadre_records_write": {"allowed": {"office"}, "method": "post", "ok": (302,)},
    "results:talk_record": {"allowed": {"office"}, "kwargs": _spk("record"), "method": "post", "ok": (302,),
                            "denied": 404, "denied_by_role": {"leader": 403, "street_reporter": 403}},
    "results:cadre_archive": {"allowed": DISTRICT, "kwargs": _spk("cadre"), "denied": 404,
                              "denied_by_role": {"street_reporter": 403}},
    "results:cadre_archive_export": {"allowed": DISTRICT, "kwargs": _spk("cadre"), "denied": 404,
                                     "denied_by_role": {"street_reporter": 403}},
    "results:publication": {"allowed": DISTRICT},
    "results:publication_bulletin": {"allowed": DISTRICT, "kwargs": _scored},
    "results:publication_workbook": {"allowed": DISTRICT, "kwargs": _scored},
    "results:commend": {"allowed": {"office"}, "method": "post", "ok": (302,)},
    "results:feedback_letter": {"allowed": DISTRICT | {"street_reporter"}, "kwargs": _spk("result"), "denied": 404},
    "results:unit_results": {"allowed": DISTRICT | {"street_reporter"}, "kwargs": _pk("unit"), "denied": 404},
    "results:rectify_lost_points": {"allowed": {"office"}, "kwargs": _spk("result"), "method": "post",
                                    "ok": (302,), "denied": 404,
                                    "denied_by_role": {"leader": 403, "street_reporter": 403}},
    "results:my_results": {"allowed": UNITS, "ok": (302,)},
    # 考核委员会审定: the office submits and records the decision; leaders (the committee) read and vote — and only
    # that: they cannot submit, record a decision, take the draft minutes, or publish (scoring:publish is office's).
    "results:committee_list": {"allowed": DISTRICT},
    "results:committee_submit": {"allowed": {"office"}, "method": "post", "ok": (302,),
                                 "kwargs": lambda cast: {"run_pk": committee_world(cast)["final"].pk}},
    "results:committee_detail": {"allowed": DISTRICT, "kwargs": _committee("review")},
    "results:committee_vote": {"allowed": {"leader"}, "method": "post", "ok": (422,), "kwargs": _committee("review")},
    "results:committee_decide": {"allowed": {"office"}, "method": "post", "ok": (422,),
                                 "kwargs": _committee("review")},
    "results:committee_draft": {"allowed": {"office"}, "kwargs": _committee("review")},
    "results:committee_minutes": {"allowed": DISTRICT, "kwargs": _committee("review")},
    "portal:results": {"allowed": EVERYONE, "public": True},
}
