"""Session policy: absolute lifetime, forced password change, second factor (SECURITY.md)."""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse

AUTH_AT_KEY = "auth_at"
TOTP_PENDING_KEY = "totp_pending"

# Paths a logged-in user may reach before finishing the second factor or a forced password change.
OPEN_PATHS = ("/login/", "/logout/", "/healthz", "/static/", "/account/password/")


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
        if request.path.startswith(OPEN_PATHS):
            return None
        if request.session.get(TOTP_PENDING_KEY):
            return redirect("accounts:totp")
        if needs_password_change(user):
            return redirect("accounts:password_change")
        return None


def needs_password_change(user) -> bool:
    if user.must_change_password:
        return True
    age = time.time() - user.password_changed_at.timestamp()
    return age > settings.PASSWORD_MAX_AGE_DAYS * 86400
