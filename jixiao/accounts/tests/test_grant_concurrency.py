"""三权分立 holds when two grants for one person arrive in the same instant (SECURITY.md §Access control).

On PostgreSQL the threads share the test database and really race: each grant reads the person's roles,
finds none, and inserts its own, unless the check runs under a lock. On SQLite every write transaction
starts IMMEDIATE and so already runs one at a time; the test is collected on PostgreSQL only.
"""

import threading

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connections

from jixiao.accounts import actions
from jixiao.accounts.models import Membership
from jixiao.accounts.roles import SEPARATED_ROLES, Role
from tests.cast import build_cast, make_user

ON_POSTGRESQL = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
PEOPLE = 8


def race(grants: list) -> dict:
    """Run every (user, unit, role, by) grant in its own thread, all released at once."""
    outcome = {"granted": 0, "refused": 0, "errors": []}
    lock = threading.Lock()
    start = threading.Barrier(len(grants))

    def grant(user, unit, role, by):
        try:
            start.wait()
            actions.grant_role(user, unit, role, by=by)
            key = "granted"
        except ValidationError:
            key = "refused"
        except Exception as exc:  # reported to the test
            with lock:
                outcome["errors"].append(repr(exc))
            return
        finally:
            connections.close_all()
        with lock:
            outcome[key] += 1

    threads = [threading.Thread(target=grant, args=args) for args in grants]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcome


if ON_POSTGRESQL:
    def test_simultaneous_admin_and_business_grants_leave_one_role_each(transactional_db):
        cast = build_cast()
        people = [make_user(f"person{i}") for i in range(PEOPLE)]
        grants = []
        for person in people:
            grants.append((person, cast.district, Role.SYSTEM_ADMIN, cast.secadmin))
            grants.append((person, cast.fgw, Role.REPORTER, cast.secadmin))

        outcome = race(grants)

        assert outcome == {"granted": PEOPLE, "refused": PEOPLE, "errors": []}
        for person in people:
            roles = set(Membership.objects.active().filter(user=person).values_list("role", flat=True))
            assert len(roles) == 1, (person.username, roles)
            assert not (roles & SEPARATED_ROLES and roles - SEPARATED_ROLES)
