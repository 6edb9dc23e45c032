"""What an attacker with database access does: drop the append-only triggers, then edit rows with raw SQL.

Used inside a test's transaction, so the triggers come back when the test's transaction is rolled back.
"""

from django.db import connection

from jixiao.audit import guard
from jixiao.audit.models import Event


def lift_guard() -> None:
    assert guard.remove(connection)


def sql(statement: str, params: list | None = None) -> int:
    with connection.cursor() as cursor:
        cursor.execute(statement, params or [])
        return cursor.rowcount


def forge(after: Event, pk: int, code: str = "user.created") -> Event:
    """A row that links correctly after `after` and carries a valid hash of its own."""
    fake = Event(pk=pk, at=after.at, username="intruder", code=code, object_repr="伪造", prev_hash=after.hash)
    fake.hash = fake.compute_hash()
    Event.objects.bulk_create([fake])  # an INSERT: the guard only refuses UPDATE and DELETE
    return fake
