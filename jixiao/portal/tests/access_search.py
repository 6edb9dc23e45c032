"""Access cases for the portal's search and open data (see tests/test_access_matrix.py): public pages, everyone
may read them, signed in or not; what they show is only what is public (tested in test_search.py and
test_opendata.py)."""

from jixiao.portal.tests.access_profiles import EVERYONE

CASES = {
    "portal:search": {"allowed": EVERYONE, "public": True},
}
