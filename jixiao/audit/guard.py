"""Database triggers that make audit_event append-only below the application (SECURITY.md §Audit).

The ORM already refuses updates and deletes (models.AppendOnlyError); these triggers make the database
refuse them too, so a stray raw query or a script run by hand cannot rewrite history either. Someone
with the rights to drop a trigger can still tamper: that is what the hash chain and `verify_audit`
are for.
"""

MESSAGE = "audit events are append-only"

SQLITE_INSTALL = [
    f"CREATE TRIGGER IF NOT EXISTS audit_event_no_update BEFORE UPDATE ON audit_event "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
    f"CREATE TRIGGER IF NOT EXISTS audit_event_no_delete BEFORE DELETE ON audit_event "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
]
SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS audit_event_no_update",
    "DROP TRIGGER IF EXISTS audit_event_no_delete",
]

POSTGRESQL_INSTALL = [
    f"""CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'insufficient_privilege';
    END $$""",
    "DROP TRIGGER IF EXISTS audit_event_no_change ON audit_event",
    "CREATE TRIGGER audit_event_no_change BEFORE UPDATE OR DELETE ON audit_event "
    "FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()",
    "DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_event",
    "CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()",
]
POSTGRESQL_REMOVE = [
    "DROP TRIGGER IF EXISTS audit_event_no_change ON audit_event",
    "DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_event",
]

STATEMENTS = {
    "sqlite": (SQLITE_INSTALL, SQLITE_REMOVE),
    "postgresql": (POSTGRESQL_INSTALL, POSTGRESQL_REMOVE),
}


def install(connection) -> bool:
    """Create the triggers; False on a database we have no triggers for."""
    return _run(connection, 0)


def remove(connection) -> bool:
    """Drop the triggers (only `flush` and tamper tests do this)."""
    return _run(connection, 1)


def _run(connection, which: int) -> bool:
    statements = STATEMENTS.get(connection.vendor)
    if statements is None:
        return False
    with connection.cursor() as cursor:
        for sql in statements[which]:
            cursor.execute(sql)
    return True


def installed(connection) -> bool:
    """Whether the triggers are present (shown on the chain status page)."""
    queries = {
        "sqlite": "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_event'",
        "postgresql": "SELECT count(*) FROM pg_trigger WHERE tgrelid = 'audit_event'::regclass AND NOT tgisinternal"
        " AND tgenabled <> 'D'",
    }
    sql = queries.get(connection.vendor)
    if sql is None:
        return False
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0] >= 2
