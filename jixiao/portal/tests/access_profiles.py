"""Access cases for the department profiles (see tests/test_access_matrix.py): the public pages, everyone may read
them; the office's page for the duties text, office admins only (`portal.publish`).

The detail takes a unit code: the street's own code serves, since every unit's profile is public; a code that
names no listed unit answers 404 to everyone (tested in test_profiles.py).
"""

EVERYONE = {"office", "leader", "reporter", "reviewer", "assessor", "street_reporter", "supervisor", "rater",
            "sysadmin", "secadmin", "auditor", "outsider"}

CASES = {
    "portal:units": {"allowed": EVERYONE, "public": True},
    "portal:unit_detail": {"allowed": EVERYONE, "public": True, "kwargs": lambda c: {"code": c.street.code}},
    # The office keeps the duties text in the back office; no other role, and no visitor, reaches it.
    "portal_profiles:list": {"allowed": {"office"}},
    "portal_profiles:edit": {"allowed": {"office"}, "kwargs": lambda c: {"code": c.street.code}},
}
