"""Who may change a locked scheme (published, or its year under way) and when a reason is owed: the scheme
pages, the scoring options and the workbook import ask the same two questions here."""

from django.core.exceptions import PermissionDenied, ValidationError

from jixiao.accounts import access
from jixiao.accounts.roles import Role


def is_office_admin(user) -> bool:
    return access.role_of(user) == Role.OFFICE_ADMIN


def guard_change(scheme, by, reason: str) -> bool:
    """Whether the change hits a locked scheme; refuses when the office admin or the reason is missing."""
    if not scheme.is_locked:
        return False
    if not is_office_admin(by):
        raise PermissionDenied("方案已锁定，只有绩效办管理员可以修改。")
    if not (reason or "").strip():
        raise ValidationError("方案已锁定，修改须填写修改理由。")
    return True
