"""Template filters of the indicator pages."""

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def num(value, empty="—"):
    """A stored decimal as people write it: 139369.0000 → 139369, 2000.0000 → 2000 (never 2E+3), 0.50 → 0.5."""
    if value is None or value == "":
        return empty
    if not isinstance(value, Decimal):
        return value
    text = format(value.normalize(), "f")
    return "0" if text == "-0" else text
