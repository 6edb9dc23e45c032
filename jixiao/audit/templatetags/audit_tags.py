from django import template
from django.apps import apps

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


@register.filter
def object_type_label(label: str) -> str:
    """The Chinese name of a model label ("reporting.Submission" → 报件), the label itself when unknown."""
    try:
        return str(apps.get_model(label)._meta.verbose_name)
    except (LookupError, ValueError):
        return label
