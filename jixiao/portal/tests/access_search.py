"""Access cases for the portal's search and open data (see tests/test_access_matrix.py): public pages, everyone
may read them, signed in or not; what they show is only what is public (tested in test_search.py and
test_opendata.py)."""

from jixiao.portal.tests.access_profiles import EVERYONE

CASES = {
    "portal:search": {"allowed": EVERYONE, "public": True},
    "portal:data": {"allowed": EVERYONE, "public": True},
    "portal:data_file": {"allowed": EVERYONE, "public": True, "kwargs": lambda c: {"slug": "unit-results", "fmt": "csv"}},
    # The cast has no published run: a year without one answers 404 to everyone, signed in or not.
    "portal:data_results": {"allowed": EVERYONE, "public": True, "ok": (404,),
                            "kwargs": lambda c: {"year": c.cycle.year, "fmt": "csv"}},
    # 绩效分析报告 (reports.py): the list is public; the cast has no issued report, so any id is 404 to everyone.
    "portal:reports": {"allowed": EVERYONE, "public": True},
    "portal:report_pdf": {"allowed": EVERYONE, "public": True, "ok": (404,), "kwargs": lambda c: {"pk": 1}},
}
