"""Access cases for the compare pages (see tests/test_access_matrix.py).

The district comparison and its export are for the office and leaders (analysis.view); a unit's own page is for
the roles that read their unit's figures (analysis.view_own), and for the office and leaders, who open any unit's
page from the comparison table (?unit=CODE).
"""

DISTRICT = {"office", "leader"}
OWN = {"reporter", "reviewer", "assessor", "street_reporter"}


def _query(cast):
    """A 2026 scheme with one comparable indicator for the two streets; the export names it."""
    from jixiao.indicators.tests import builders

    scheme = builders.valid_scheme(cast, n_indicators=1)
    return {"cycle": "2026", "indicator": scheme.items.get().indicator.code}


CASES = {
    "analysis:compare": {"allowed": DISTRICT},
    "analysis:compare_export": {"allowed": DISTRICT, "data": _query},
    "analysis:my_compare": {"allowed": DISTRICT | OWN},
}
