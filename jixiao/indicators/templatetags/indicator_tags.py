"""Template filters of the indicator pages."""

from decimal import Decimal

from django import template

from jixiao.indicators.rule_specs import show_value

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


@register.filter
def param_value(value):
    """A rule parameter's value as the form and the workbook write it: 是/否, k:v,k:v, or the number."""
    return "" if value is None else show_value(value)
