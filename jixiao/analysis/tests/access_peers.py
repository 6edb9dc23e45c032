"""Access cases for the peers pages (see tests/test_access_matrix.py)."""

CASES = {}
