from django import template

from jixiao.accounts.roles import Role
from jixiao.audit.labels import label_for

register = template.Library()
ROLE_LABELS = dict(Role.choices)


@register.filter
def event_label(code: str) -> str:
    """The Chinese name of an event code (the code itself when unknown)."""
    return label_for(code)


@register.filter
def role_label(role: str) -> str:
    return str(ROLE_LABELS.get(role, role))
