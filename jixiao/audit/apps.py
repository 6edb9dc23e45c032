from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AuditConfig(AppConfig):
    name = "jixiao.audit"
    label = "audit"
    verbose_name = "审计日志"

    def ready(self):
        from jixiao.audit import checks  # noqa: F401 - registers the deploy check of the audit key

        post_migrate.connect(reinstall_guard, sender=self, dispatch_uid="audit_reinstall_guard")


def reinstall_guard(sender, using="default", **kwargs):
    """Put the append-only triggers back after every migrate and flush.

    SQLite rebuilds a table (dropping its triggers) whenever a later migration alters it, and `flush`
    lifts the guard to empty the tables; both end here.
    """
    from django.db import connections

    from jixiao.audit import guard

    connection = connections[using]
    if "audit_event" in connection.introspection.table_names():
        guard.install(connection)
