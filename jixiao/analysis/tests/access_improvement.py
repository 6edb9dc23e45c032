"""Access cases for the improvement-target pages (see tests/test_access_matrix.py).

The list and its export are for the office and leaders (analysis.view); proposing, adjusting, approving and
carrying over for the office (analysis.manage); a unit's own proposals for the roles that read their unit's
figures (analysis.view_own). With no target in the cast, an adjustment names none (404) and an approval has
nothing ticked (back to the list with the reason).
"""

DISTRICT = {"office", "leader"}
OWN = {"reporter", "reviewer", "assessor", "street_reporter"}

CASES = {
    "analysis:improvement": {"allowed": DISTRICT},
    "analysis:improvement_export": {"allowed": DISTRICT},
    "analysis:improvement_propose": {"allowed": {"office"}, "method": "post", "ok": (302,),
                                     "data": {"method": "quartile", "share": "50"}},
    "analysis:improvement_adjust": {"allowed": {"office"}, "method": "post", "ok": (404,),
                                    "data": {"id": "999999", "value": "1"}},
    "analysis:improvement_approve": {"allowed": {"office"}, "method": "post", "ok": (302,)},
    "analysis:improvement_apply": {"allowed": {"office"}, "method": "post", "ok": (302,)},
    "analysis:my_improvement": {"allowed": OWN},
}
