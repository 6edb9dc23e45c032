"""The access decision of every org URL for the cast's roles.

Used by this app's access test and merged into the project-wide matrix (tests/test_access_matrix.py).
Office pages answer 403 to every role but the office admin (and, for reading, the leader) — before any
object is looked up, so a unit role learns nothing from an id. `org:my_unit` is for every unit role.
"""

import datetime

from jixiao.org.models import Cadre, Succession, Unit

READ = {"office", "leader"}
OFFICE = {"office"}
OWN_UNIT = {"office", "leader", "reporter", "reviewer", "assessor", "street_reporter", "supervisor", "rater"}


def cadre(cast):
    if getattr(cast, "_org_cadre", None) is None:
        cast._org_cadre = Cadre.objects.create(unit=cast.fgw, name="张三", post="main", title="主任",
                                               tenure_from=datetime.date(2021, 1, 1))
    return cast._org_cadre


def _succession(cast):
    if getattr(cast, "_org_succession", None) is None:
        old = Unit.objects.create(code="ACC-OLD", name="原测试局", kind="department", parent=cast.fgw.parent,
                                  valid_from=datetime.date(2020, 1, 1), valid_to=datetime.date(2023, 12, 31))
        cast._org_succession = Succession.objects.create(predecessor=old, successor=cast.fgw, kind="rename",
                                                         on=datetime.date(2024, 1, 1))
    return {"pk": cast._org_succession.pk}


def _fgw(cast):
    return {"pk": cast.fgw.pk}


def _village(cast):
    return {"pk": cast.village.pk}


def _cadre(cast):
    return {"pk": cadre(cast).pk}


def _cycle(cast):
    return {"pk": cast.cycle.pk}


# name -> keyword arguments of tests/test_access_matrix.Case. Empty POSTs: the office gets the form back
# with errors (422) or a redirect with a message (302); everyone else is refused first.
CASES = {
    "org:unit_tree": {"allowed": READ},
    "org:unit_detail": {"allowed": READ, "kwargs": _village},
    "org:unit_export": {"allowed": READ},
    "org:cadre_list": {"allowed": READ},
    "org:cadre_export": {"allowed": READ},
    "org:cycle_list": {"allowed": READ},
    "org:unit_create": {"allowed": OFFICE},
    "org:unit_edit": {"allowed": OFFICE, "kwargs": _fgw},
    "org:unit_move": {"allowed": OFFICE, "kwargs": _fgw},
    "org:unit_retire": {"allowed": OFFICE, "kwargs": _fgw},
    "org:unit_import": {"allowed": OFFICE},
    "org:cadre_edit": {"allowed": OFFICE, "kwargs": _cadre},
    "org:cycle_status": {"allowed": OFFICE, "kwargs": _cycle},
    "org:my_unit": {"allowed": OWN_UNIT},
    "org:succession_list": {"allowed": READ},
    "org:succession_export": {"allowed": READ},
    "org:succession_import": {"allowed": OFFICE, "method": "post", "ok": (422,)},
    "org:succession_remove": {"allowed": OFFICE, "kwargs": _succession, "method": "post", "ok": (302,)},
    "org:cadre_create": {"allowed": OFFICE, "kwargs": _fgw, "method": "post", "ok": (422,)},
    "org:cadre_end": {"allowed": OFFICE, "kwargs": _cadre, "method": "post", "ok": (302,)},
    "org:cycle_create": {"allowed": OFFICE, "method": "post", "ok": (422,)},
}

# Change requests on pages that also answer GET (checked by this app's own access test).
POSTS = {
    "org:unit_create": {"allowed": OFFICE, "method": "post", "ok": (422,)},
    "org:unit_edit": {"allowed": OFFICE, "kwargs": _fgw, "method": "post", "ok": (422,)},
    "org:unit_move": {"allowed": OFFICE, "kwargs": _fgw, "method": "post", "ok": (422,)},
    "org:unit_retire": {"allowed": OFFICE, "kwargs": _fgw, "method": "post", "ok": (422,)},
    "org:unit_import": {"allowed": OFFICE, "method": "post", "ok": (422,)},
    "org:cadre_edit": {"allowed": OFFICE, "kwargs": _cadre, "method": "post", "ok": (422,)},
    "org:cycle_status": {"allowed": OFFICE, "kwargs": _cycle, "method": "post", "ok": (302,)},
    "org:succession_list": {"allowed": OFFICE, "method": "post", "ok": (422,)},
}
