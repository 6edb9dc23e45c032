"""Session policy: absolute lifetime, forced password change, second factor (SECURITY.md).

The idle timeout needs no code here: sessions live in the database, expire SESSION_COOKIE_AGE
(30 minutes) after the last request, and every request saves the session (SESSION_SAVE_EVERY_REQUEST).
"""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers

AUTH_AT_KEY = "auth_at"
# Set between a correct password and a correct one-time code. The person is not logged in yet:
# the session holds only {"user_id", "at", "next"}, so nothing but the code page is reachable.
TOTP_PENDING_KEY = "totp_pending"

# Paths a logged-in user may always reach.
OPEN_PATHS = ("/login/", "/logout/", "/healthz", "/static/")
# Paths a logged-in user may reach while a password change is due.
PASSWORD_PATHS = ("/account/password/",)


class SessionPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response = self.enforce(request, user)
            if response is not None:
                return response
        return self.get_response(request)

    def enforce(self, request, user):
        auth_at = request.session.get(AUTH_AT_KEY)
        if auth_at is None or time.time() - auth_at > settings.SESSION_ABSOLUTE_SECONDS:
            logout(request)
            return redirect(f"{reverse('accounts:login')}?expired=1")
        if user.is_demo and not settings.DEMO_MODE:
            logout(request)
            return redirect("accounts:login")
        if request.path.startswith(OPEN_PATHS):
            return None
        if request.session.get(TOTP_PENDING_KEY):
            return redirect("accounts:totp")
        if request.path.startswith(PASSWORD_PATHS):
            return None
        if needs_password_change(user):
            return redirect("accounts:password_change")
        return None


def needs_password_change(user) -> bool:
    if user.must_change_password:
        return True
    age = time.time() - user.password_changed_at.timestamp()
    return age > settings.PASSWORD_MAX_AGE_DAYS * 86400


class NoStoreWhenSignedInMiddleware:
    """Nothing answered to a signed-in person is kept by a browser or proxy cache (SECURITY.md §Production front).

    Pages and downloads of a signed-in person carry names, scores and cadre records; a shared office computer's
    disk cache or the back button after logout must not show them. Public portal pages and static files
    (answered by WhiteNoise before this runs) keep their own caching.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        # A view that already forbade storing (the invitation-code download) keeps its own header.
        if user is not None and user.is_authenticated and "no-store" not in response.get("Cache-Control", ""):
            add_never_cache_headers(response)
        return response
