"""Access cases for the drill-down pages (see tests/test_access_matrix.py).

The district and group levels and their exports are for the office and leaders (analysis.view). The unit and
indicator levels are also for a unit's own people (analysis.view_own), for their own unit only: the matrix asks
for another unit (金桥街道), which answers them 404; roles that read neither get 403.
"""

DISTRICT = {"office", "leader"}
OWN = {"reporter", "reviewer", "assessor", "street_reporter"}
OWN_404 = {"reporter": 404, "reviewer": 404, "assessor": 404, "street_reporter": 404}


def _group(cast):
    from jixiao.indicators.tests import builders

    scheme = builders.valid_scheme(cast, n_indicators=1)
    return {"pk": scheme.scheme_groups.get().group_id}


def _unit(cast):
    return {"pk": cast.other_street.pk}


def _indicator(cast):
    from jixiao.indicators.tests import builders

    scheme = builders.valid_scheme(cast, n_indicators=1)
    return {"pk": cast.other_street.pk, "indicator_pk": scheme.items.get().indicator_id}


CASES = {
    "analysis:drill": {"allowed": DISTRICT},
    "analysis:drill_export": {"allowed": DISTRICT, "data": {"cycle": "2026"}},
    "analysis:drill_group": {"allowed": DISTRICT, "kwargs": _group},
    "analysis:drill_group_export": {"allowed": DISTRICT, "kwargs": _group},
    "analysis:drill_mine": {"allowed": OWN, "ok": (302,)},
    "analysis:drill_unit": {"allowed": DISTRICT, "kwargs": _unit, "denied_by_role": OWN_404},
    "analysis:drill_unit_export": {"allowed": DISTRICT, "kwargs": _unit, "denied_by_role": OWN_404,
                                   "data": {"cycle": "2026"}},
    "analysis:drill_indicator": {"allowed": DISTRICT, "kwargs": _indicator, "denied_by_role": OWN_404},
    "analysis:drill_indicator_export": {"allowed": DISTRICT, "kwargs": _indicator, "denied_by_role": OWN_404,
                                        "data": {"cycle": "2026"}},
}
