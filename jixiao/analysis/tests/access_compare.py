"""Access cases for the compare pages (see tests/test_access_matrix.py)."""

CASES = {}
