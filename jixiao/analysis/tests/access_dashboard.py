"""Access cases for the printable dashboard (see tests/test_access_matrix.py): whoever has the dashboard."""

CASES = {
    "analysis:dashboard_print": {"allowed": {"office", "leader"}},
}
