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
        cast._results_world = {"item": item, "report": builders.report(item, cast.street_reporter)}
    return cast._results_world


def _pk(key):
    return lambda cast: {"pk": world(cast)[key].pk}


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
    "portal:results": {"allowed": EVERYONE, "public": True},
}
