"""Sign the rows of the first, unkeyed chain with the audit key, once (jixiao/audit/rekey.py).

Irreversible on purpose: the keyed hashes cannot be turned back into the unkeyed ones without making the
unkeyed chain valid again, which is exactly what the key is there to prevent.
"""

from django.db import migrations

from jixiao.audit import rekey


def rekey_legacy(apps, schema_editor):
    rekey.rekey_legacy(apps.get_model("audit", "Event"), apps.get_model("audit", "ChainHead"), schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0004_event_key_id"),
    ]

    operations = [migrations.RunPython(rekey_legacy, elidable=False)]
