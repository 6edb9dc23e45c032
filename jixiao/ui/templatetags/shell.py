"""Small filters for the page shell."""

from django import template

register = template.Library()


@register.filter
def title_part(value: str) -> str:
    """A page's own title followed by the separator, or nothing when the page has no title of its own."""
    value = " ".join(str(value).split())
    return f"{value} · " if value else ""
