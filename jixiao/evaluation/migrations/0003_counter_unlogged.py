"""On PostgreSQL the rate-limit counters need no WAL: a crash only forgets the current windows (guards.py)."""

from django.db import migrations


def unlogged(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        table = schema_editor.quote_name(apps.get_model("evaluation", "Counter")._meta.db_table)
        schema_editor.execute(f"ALTER TABLE {table} SET UNLOGGED")


def logged(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        table = schema_editor.quote_name(apps.get_model("evaluation", "Counter")._meta.db_table)
        schema_editor.execute(f"ALTER TABLE {table} SET LOGGED")


class Migration(migrations.Migration):
    dependencies = [("evaluation", "0002_rating_lean_indexes")]
    operations = [migrations.RunPython(unlogged, logged, elidable=False)]
