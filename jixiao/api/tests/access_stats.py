"""The access decision of the statistics mapping page for the cast's roles, merged into the project-wide matrix
(tests/test_access_matrix.py): the office keeps the table (`indicators.manage`); everyone else gets 403."""

CASES = {
    "stats_mapping:table": {"allowed": {"office"}},
    "stats_mapping:export": {"allowed": {"office"}},
}
