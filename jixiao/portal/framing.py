"""The 专栏: the district's site may show the portal's public pages in a frame; nothing else may frame anything.

The site-wide policy forbids every frame (`frame-ancestors 'none'` and `X-Frame-Options: DENY`, settings.py).
Under the portal's prefix (`/p/`) this middleware answers instead `frame-ancestors 'self' <origins>`, the origins
listed in JIXIAO_PORTAL_FRAME_ANCESTORS (space- or comma-separated, e.g. `https://www.example.gov.cn`), and drops
X-Frame-Options, which cannot name a parent site. The back office keeps refusing every frame. Listed in MIDDLEWARE
after CSPMiddleware and XFrameOptionsMiddleware, so it marks the response before they write their headers.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.urls import reverse

from jixiao.lib.env import SettingError

# A scheme, a host (its leftmost label may be *), an optional port; no path, no quotes, no bare *.
ORIGIN = re.compile(r"^https?://(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:\d{1,5})?$")


def origins(raw: str | None) -> list[str]:
    """The parent sites from the variable's text: each an origin such as https://www.example.gov.cn; anything else
    (a path, `*`, `'none'`, a bare host) stops the server from starting, naming the bad entry."""
    found = []
    for item in (raw or "").replace(",", " ").split():
        origin = item.rstrip("/").lower()
        if not ORIGIN.match(origin):
            raise SettingError(f"JIXIAO_PORTAL_FRAME_ANCESTORS: {item!r} is not an origin such as "
                               "https://www.example.gov.cn (scheme and host, an optional port, no path)")
        if origin not in found:
            found.append(origin)
    return found


def portal_policy() -> list[str]:
    return ["'self'", *settings.PORTAL_FRAME_ANCESTORS]


class PortalFramingMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith(reverse("portal:index")):
            response._csp_replace = {**(getattr(response, "_csp_replace", None) or {}),
                                     "frame-ancestors": portal_policy()}
            response.xframe_options_exempt = True
        return response
