from decimal import Decimal

from django import template

register = template.Library()

BADGES = {"not_started": "secondary", "draft": "light text-dark border", "returned": "danger", "submitted": "info",
          "approved": "primary", "verified": "success", "locked": "dark"}


@register.filter
def num(value):
    """A Decimal without trailing zeros ("" for None)."""
    if value is None or value == "":
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return value


@register.filter
def badge(state):
    return BADGES.get(str(state), "secondary")


@register.filter
def get_item(mapping, key):
    return mapping.get(key, "")
