"""Access cases for the pace pages (see tests/test_access_matrix.py).

The district table and its export are for the office and leaders (analysis.view), the thresholds for the
office (analysis.manage); a unit's own page is for the roles that read their unit's figures (analysis.view_own).
"""

DISTRICT = {"office", "leader"}
OWN = {"reporter", "reviewer", "assessor", "street_reporter"}

CASES = {
    "analysis:pace": {"allowed": DISTRICT},
    "analysis:pace_export": {"allowed": DISTRICT},
    "analysis:pace_rule": {"allowed": {"office"}},
    "analysis:my_pace": {"allowed": OWN},
    "analysis:my_pace_export": {"allowed": OWN},
}
