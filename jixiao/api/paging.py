"""Paging by cursor for the API's lists (游标分页).

A list is read in the order of its rows' ids, `limit` rows at a time; the answer is {"items": [...], "next": cursor}
where `next` is null on the last page. The cursor is opaque to the caller: URL-safe base64 of "v1:<last id>", the
keyset of the page it follows. A keyset, not an offset, so that a page costs the same at the end of a million rows
as at the start, and rows written meanwhile neither repeat nor vanish between pages. A cursor that does not decode
is the caller's mistake: 400 in Chinese, never a 500.
"""

import base64
import binascii

from ninja import Schema
from ninja.errors import HttpError

MAX_LIMIT = 1000
DEFAULT_LIMIT = 100
PREFIX = "v1:"
BAD_CURSOR = "分页游标（cursor）无效：请使用上一页返回的 next 值，不要自行拼写或修改。"


class Page(Schema):
    """One page: its items, and the cursor of the next page (null on the last)."""

    items: list
    next: str | None = None


def encode(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"{PREFIX}{last_id}".encode()).decode().rstrip("=")


def decode(cursor: str) -> int:
    """The id a cursor continues after; HttpError 400 for anything `encode` did not write."""
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
    except (binascii.Error, ValueError):
        raise HttpError(400, BAD_CURSOR) from None
    number = text.removeprefix(PREFIX)
    if not text.startswith(PREFIX) or not number.isdigit() or len(number) > 18:
        raise HttpError(400, BAD_CURSOR)
    return int(number)


def page(queryset, cursor: str | None, limit: int, row) -> dict:
    """The page of `queryset` after `cursor`, each object turned into an item by `row`: limit + 1 rows are read to
    know whether another page follows, in one query (plus whatever `queryset` prefetches)."""
    if cursor:
        queryset = queryset.filter(pk__gt=decode(cursor))
    found = list(queryset.order_by("pk")[:limit + 1])
    more = len(found) > limit
    found = found[:limit]
    return {"items": [row(obj) for obj in found], "next": encode(found[-1].pk) if more else None}
