"""What an attacker with database access does: drop the append-only triggers, then edit rows with raw SQL.

Used inside a test's transaction, so the triggers come back when the test's transaction is rolled back.
"""

import hashlib

from django.db import connection

from jixiao.audit import guard, keys
from jixiao.audit.models import GENESIS_HASH, Event, canonical_text


def lift_guard() -> None:
    assert guard.remove(connection)


def sql(statement: str, params: list | None = None) -> int:
    with connection.cursor() as cursor:
        cursor.execute(statement, params or [])
        return cursor.rowcount


def forge(after: Event, pk: int, code: str = "user.created") -> Event:
    """A row that links correctly after `after` and carries a valid MAC of its own: made by someone holding the key.

    It tests the checks of the chain's structure (links, head, anchors); without the key the MAC alone fails.
    """
    fake = Event(pk=pk, at=after.at, username="intruder", code=code, object_repr="伪造", prev_hash=after.hash,
                 key_id=keys.current().id)
    fake.hash = fake.compute_hash()
    Event.objects.bulk_create([fake])  # an INSERT: the guard only refuses UPDATE and DELETE
    return fake


def recompute_without_key(from_index: int, *, legacy: bool = False) -> None:
    """Rewrite the chain from `from_index` on with plain SHA-256, as anyone who reads the code can."""
    rows = list(Event.objects.order_by("pk").values())
    previous = rows[from_index - 1]["hash"] if from_index else GENESIS_HASH
    for row in rows[from_index:]:
        fields = {name: value for name, value in row.items() if name not in ("id", "hash")}
        if legacy and "key_id" in fields:
            fields.pop("key_id")  # pretend the row predates the key: the unkeyed form of the first version
        fields["prev_hash"] = previous
        digest = hashlib.sha256(canonical_text(**fields).encode("utf-8")).hexdigest()
        assignments = {"prev_hash": previous, "hash": digest} | ({"key_id": ""} if legacy and "key_id" in row else {})
        columns = ", ".join(f"{name} = %s" for name in assignments)
        sql(f"UPDATE audit_event SET {columns} WHERE id = %s", [*assignments.values(), row["id"]])
        previous = digest
    sql("UPDATE audit_chainhead SET last_hash = %s WHERE id = 1", [previous])
