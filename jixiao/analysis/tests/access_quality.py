"""Access cases for the data-quality pages (see tests/test_access_matrix.py).

The flags are read by the office and leaders (every indicator) and by an assessor (the indicators it verifies);
the thresholds are the office's (analysis.manage). A unit's reporter or reviewer reads none of them.
"""

READERS = {"office", "leader", "assessor"}

CASES = {
    "analysis:quality": {"allowed": READERS},
    # The cast has no reported period: the export finds nothing to list and says so with a 404.
    "analysis:quality_export": {"allowed": READERS, "ok": (404,)},
    "analysis:quality_rule": {"allowed": {"office"}},
}
