"""The access decision of every audit URL for the cast's roles.

Merged into the project-wide matrix (tests/test_access_matrix.py); this app's own matrix test is
test_views.py. Only the audit admin reads the log (三权分立): everyone else gets 403 before any event is
looked up.
"""

from jixiao.audit import log

AUDIT = {"auditor"}


def _event(cast):
    if getattr(cast, "_audit_event", None) is None:
        cast._audit_event = log.record("unit.updated", cast.fgw, before={"name": "旧"}, after={"name": "新"})
    return {"pk": cast._audit_event.pk}


CASES = {
    "audit:event_list": {"allowed": AUDIT},
    "audit:event_detail": {"allowed": AUDIT, "kwargs": _event},
    "audit:chain_status": {"allowed": AUDIT},
    "audit:event_export": {"allowed": AUDIT, "method": "post", "data": {"code": "unit."}},
}
