"""Django's `flush`, able to empty audit_event despite its append-only triggers.

Emptying the whole database is an operator's (and the test runner's) act, not the application's: the
triggers are dropped for the flush and put back afterwards, whatever happens.
"""

from django.core.management.commands import flush
from django.db import connections

from jixiao.audit import guard


class Command(flush.Command):
    def handle(self, **options):
        connection = connections[options["database"]]
        lifted = "audit_event" in connection.introspection.table_names() and guard.remove(connection)
        try:
            return super().handle(**options)
        finally:
            if lifted:
                guard.install(connection)
