"""Access cases for the pace pages (see tests/test_access_matrix.py)."""

CASES = {}
