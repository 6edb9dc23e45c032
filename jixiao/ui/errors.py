"""The Chinese error pages: 400, 403, 404, 500 and a refused CSRF check.

Each page says what happened, why when that is safe to say, and what to do next. Public URLs (the portal) get
the portal's layout and staff URLs the shell's, so a citizen is never shown the back office's navigation.
The 500 page is rendered without the request's context processors: the error may be the database itself, and
the shell's processors (navigation, unread notices) would query it and fail a second time.
"""

import re
from urllib.parse import urlsplit, urlunsplit

from django.http import HttpResponse
from django.middleware.csrf import REASON_NO_CSRF_COOKIE
from django.template import loader
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme

CHINESE = re.compile(r"[\u4e00-\u9fff]")

TITLES = {
    400: "请求无法处理",
    403: "无权访问",
    404: "页面不存在",
    500: "服务器暂时出错",
}


def portal_prefix() -> str:
    """The public site's URL prefix, read from the URL configuration rather than written twice."""
    try:
        return reverse("portal:index")
    except NoReverseMatch:
        return "/p/"


def is_public(request) -> bool:
    return request is not None and request.path.startswith(portal_prefix())


def user_reason(exception) -> str:
    """The exception's message when it was written for users (a Chinese sentence), otherwise nothing.

    The access layer and the views raise PermissionDenied and Http404 with Chinese reasons such as
    您当前的角色无权执行此操作; Django's own messages (English, or a dict of URL patterns tried) stay hidden.
    """
    message = exception.args[0] if exception is not None and exception.args else ""
    return message if isinstance(message, str) and CHINESE.search(message) else ""


def back_url(request) -> str:
    """The path (and query) of the page the user came from, when it is on this site; else nothing.

    Only the path is linked: the page never repeats the Referer's scheme and host (behind a proxy they are the
    proxy's view of the request), and a foreign Referer, or one whose path would read as another host
    ("//evil.example/"), is never linked."""
    referer = request.META.get("HTTP_REFERER", "")
    safe = url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()}, require_https=request.is_secure())
    if not referer or not safe:
        return ""
    parts = urlsplit(referer)
    path = urlunsplit(("", "", parts.path, parts.query, ""))
    return path if path.startswith("/") and url_has_allowed_host_and_scheme(path, allowed_hosts=set()) else ""


def _page(request, status: int, reason: str = "", **extra) -> HttpResponse:
    public = is_public(request)
    context = {
        "status": status,
        "title": TITLES[status],
        "reason": reason,
        "public": public,
        "layout": "portal/base.html" if public else "base.html",
        "home_url": portal_prefix() if public else "/",
        "retry_url": request.get_full_path() if request.method == "GET" else "",
        "back_url": back_url(request),
        **extra,
    }
    template = loader.get_template(f"errors/{status}.html")
    return HttpResponse(template.render(context, request), status=status)


def bad_request(request, exception=None):
    """400: a malformed request or a suspicious one (a wrong Host header); its details stay in the log."""
    return _page(request, 400)


def permission_denied(request, exception=None):
    return _page(request, 403, user_reason(exception))


def page_not_found(request, exception=None):
    return _page(request, 404, user_reason(exception))


def csrf_failure(request, reason=""):
    """403 from the CSRF check: the form was older than the session (signed in again elsewhere) or cookies are off."""
    no_cookie = reason == REASON_NO_CSRF_COOKIE
    return _page(request, 403, csrf=True, no_cookie=no_cookie, title="页面已过期，提交未成功")


def server_error(request=None):
    """500 without context processors, database or session: plain settings and the path decide the page."""
    from django.conf import settings

    public = is_public(request)
    context = {
        "district_name": settings.DISTRICT_NAME,
        "public": public,
        "home_url": portal_prefix() if public else "/",
        "retry_url": request.get_full_path() if request is not None and request.method == "GET" else "",
    }
    return HttpResponse(loader.get_template("errors/500.html").render(context), status=500)
