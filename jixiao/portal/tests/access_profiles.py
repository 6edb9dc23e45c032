"""Access cases for the department profiles (see tests/test_access_matrix.py): public pages, everyone may read them.

The detail takes a unit code: the street's own code serves, since every unit's profile is public; a code that
names no listed unit answers 404 to everyone (tested in test_profiles.py).
"""

EVERYONE = {"office", "leader", "reporter", "reviewer", "assessor", "street_reporter", "supervisor", "rater",
            "sysadmin", "secadmin", "auditor", "outsider"}

CASES = {
    "portal:units": {"allowed": EVERYONE, "public": True},
    "portal:unit_detail": {"allowed": EVERYONE, "public": True, "kwargs": lambda c: {"code": c.street.code}},
}
