"""The rich text of portal items (正文): an allow-list of plain document markup, cleaned by nh3 on save and on display.

nh3 (Rust's ammonia) parses the fragment as a browser would and rebuilds it from the allowed tags only, so a
script, a style, an event handler, an SVG or a `javascript:` link never reaches a reader. Cleaning again when
the body is shown means a row written by anything but the form (an import, a hand-edited database) is safe too.
"""

import nh3
from django.utils.safestring import mark_safe

TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "h3", "h4", "table", "thead", "tbody", "tr", "th", "td", "a"}
ATTRIBUTES = {"a": {"href"}, "th": {"colspan", "rowspan", "scope"}, "td": {"colspan", "rowspan"}}
SCHEMES = {"http", "https"}  # relative links pass too (ammonia keeps them by default)
# The whole element goes, text and all: what these hold is code or drawing, never words for the reader.
DROPPED_WITH_CONTENT = {"script", "style", "svg", "math", "iframe", "object", "embed", "template", "noscript",
                        "textarea", "select", "title"}
MAX_CHARS = 100_000

_cleaner = nh3.Cleaner(tags=TAGS, attributes=ATTRIBUTES, url_schemes=SCHEMES, clean_content_tags=DROPPED_WITH_CONTENT,
                       link_rel="noopener noreferrer", strip_comments=True)


def clean(html: str) -> str:
    """The fragment with everything outside the allow-list removed."""
    return _cleaner.clean(str(html or "").replace("\x00", "")).strip()


def display(html: str) -> str:
    """The fragment cleaned again and marked safe for a template."""
    return mark_safe(clean(html))  # noqa: S308 — cleaned by nh3 on this very line


def plain_text(html: str) -> str:
    """The words of the fragment without any markup, for a summary or a feed."""
    return " ".join(nh3.clean(str(html or ""), tags=set(), clean_content_tags=DROPPED_WITH_CONTENT).split())
