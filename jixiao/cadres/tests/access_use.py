"""The access decision of the cadre file, result-use list and accountability URLs (merged into
tests/test_access_matrix.py). Cadre data is personal (PIPL): the office and the committee (leaders) read it —
the organisation department too, tested in test_org_dept.py since the cast has no 组织部 user — and every unit's
user (reporter, reviewer, assessor, supervisor, rater), the three administrators and the outsider get 403, on
every URL, for any cadre's id. The cadre in the URLs is the main leader of 华明街道, the street reporter's unit:
even the cadre's own unit reads nothing of it.
"""

import datetime

DISTRICT = {"office", "leader"}


def _cadre(cast):
    if getattr(cast, "_cadre_use_world", None) is None:
        from jixiao.org.models import Cadre

        cast._cadre_use_world = Cadre.objects.create(unit=cast.street, name="赵六", post="main", title="党工委书记",
                                                     tenure_from=datetime.date(2024, 1, 1))
    return cast._cadre_use_world


def _pk(cast):
    return {"pk": _cadre(cast).pk}


CASES = {
    "cadres:file_list": {"allowed": DISTRICT},
    "cadres:file_detail": {"allowed": DISTRICT, "kwargs": _pk},
    "cadres:file_export": {"allowed": DISTRICT, "kwargs": _pk},
    "cadres:file_link": {"allowed": {"office"}, "kwargs": _pk, "method": "post", "ok": (302,)},
    "cadres:file_unlink": {"allowed": {"office"}, "method": "post", "ok": (302,),
                           "kwargs": lambda cast: {"pk": _cadre(cast).pk, "user_pk": cast.reporter.pk}},
    "cadres:accountability_create": {"allowed": {"office"}, "kwargs": _pk},
    "cadres:accountability_list": {"allowed": DISTRICT},
    "cadres:lists": {"allowed": DISTRICT},
    "cadres:lists_export": {"allowed": DISTRICT},
}
