"""Database triggers that refuse UPDATE and DELETE (and on PostgreSQL TRUNCATE) of audit_event."""

from django.db import migrations

from jixiao.audit import guard


def install(apps, schema_editor):
    guard.install(schema_editor.connection)


def remove(apps, schema_editor):
    guard.remove(schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0002_event_indexes_chaincheck"),
    ]

    operations = [migrations.RunPython(install, remove, elidable=False)]
