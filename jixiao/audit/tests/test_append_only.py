"""Audit rows cannot be changed or removed: the ORM refuses, and so does the database."""

import pytest
from django.db import DatabaseError, connection, transaction

from jixiao.audit import guard, log
from jixiao.audit.models import AppendOnlyError, Event
from jixiao.audit.tests import tamper


@pytest.fixture
def event(db):
    return log.record("unit.created", object_repr="甲")


def test_the_orm_refuses_to_save_an_existing_event(event):
    event.code = "unit.retired"
    with pytest.raises(AppendOnlyError):
        event.save()


def test_the_orm_refuses_to_delete_an_event(event):
    with pytest.raises(AppendOnlyError):
        event.delete()


@pytest.mark.parametrize("change", [
    lambda qs: qs.update(code="unit.retired"),
    lambda qs: qs.delete(),
    lambda qs: qs.bulk_update(list(qs), ["code"]),
    lambda qs: qs._raw_delete(qs.db),
])
def test_the_orm_refuses_bulk_changes(event, change):
    with pytest.raises(AppendOnlyError), transaction.atomic():
        change(Event.objects.all())
    assert Event.objects.get().code == "unit.created"


def test_the_base_manager_refuses_too(event):
    # Django's internal deletes and related managers use the base manager.
    with pytest.raises(AppendOnlyError):
        Event._base_manager.all().delete()


def test_the_triggers_exist_in_the_test_database(db):
    assert guard.installed(connection)


@pytest.mark.parametrize("statement", [
    "UPDATE audit_event SET code = 'unit.retired'",
    "UPDATE audit_event SET object_repr = object_repr",
    "DELETE FROM audit_event",
])
def test_the_database_refuses_raw_changes(event, statement):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        tamper.sql(statement)
    assert Event.objects.get().code == "unit.created"


def test_the_database_refuses_truncate_on_postgresql_and_sqlite_has_none(event):
    # SQLite has no TRUNCATE; `DELETE FROM` is covered above. PostgreSQL's TRUNCATE skips row triggers,
    # so it has a statement trigger of its own.
    statement = "TRUNCATE audit_event" if connection.vendor == "postgresql" else "DELETE FROM audit_event"
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        tamper.sql(statement)
    assert Event.objects.count() == 1


def test_inserting_stays_allowed_for_the_writer(db):
    log.record("auth.login")
    log.record("auth.logout")
    assert Event.objects.count() == 2


def test_dropping_the_triggers_is_what_tampering_takes(event):
    tamper.lift_guard()
    assert not guard.installed(connection)
    assert tamper.sql("UPDATE audit_event SET code = 'unit.retired'") == 1
    assert not log.verify_chain().intact


def test_the_guard_is_back_after_a_migrate_style_reinstall(db):
    tamper.lift_guard()
    from jixiao.audit.apps import AuditConfig, reinstall_guard

    reinstall_guard(sender=AuditConfig, using="default")
    assert guard.installed(connection)
