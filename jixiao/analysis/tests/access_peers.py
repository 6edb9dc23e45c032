"""Access cases for the peers pages (see tests/test_access_matrix.py): the office and leaders read the proposal and
download the attribute workbook; only the office imports, weighs and saves groups. Empty POSTs: the office is sent
back to the page with a message (302); everyone else is refused first."""

READ = {"office", "leader"}
OFFICE = {"office"}

CASES = {
    "analysis:peers": {"allowed": READ},
    "analysis:peers_export": {"allowed": READ},
    "analysis:peers_import": {"allowed": OFFICE},
    "analysis:peers_weights": {"allowed": OFFICE, "method": "post", "ok": (302,)},
    "analysis:peers_save_group": {"allowed": OFFICE, "method": "post", "ok": (302,)},
}

# Change requests on pages that also answer GET.
POSTS = {
    "analysis:peers_import": {"allowed": OFFICE, "method": "post", "ok": (422,)},
}
