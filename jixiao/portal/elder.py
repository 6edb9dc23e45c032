"""The 长辈版 switch (senior-friendly mode): large text, high contrast, one simple column, big buttons.

A plain GET link in the header, so it works without JavaScript: `/p/elder/?mode=on&next=<the page's path>` sets
(or `mode=off` clears) a cookie and sends the reader back to the same page. `next` is followed only when it is a
path on this site (it starts with one "/", names no host or scheme); anything else goes to the portal home. The
layout reads the cookie (`portal/base.html`) and adds `portal/elder.css`.
"""

from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

COOKIE = "portal_elder"
MAX_AGE = 365 * 24 * 3600


def local_path(text: str) -> str | None:
    """`text` when it is a path on this site, else None (no scheme, no host, no “//” or backslash tricks)."""
    if not text.startswith("/") or text.startswith(("//", "/\\")) or any(c in text for c in "\\\r\n\t"):
        return None
    return text if url_has_allowed_host_and_scheme(text, allowed_hosts=set()) else None


@never_cache
@require_GET
def switch(request):
    target = local_path(request.GET.get("next", "")[:500]) or reverse("portal:index")
    response = redirect(target)
    if request.GET.get("mode") == "off":
        response.delete_cookie(COOKIE, samesite="Lax")
    else:
        response.set_cookie(COOKIE, "1", max_age=MAX_AGE, samesite="Lax", httponly=True,
                            secure=request.is_secure())
    return response


urlpatterns = [path("elder/", switch, name="elder")]
