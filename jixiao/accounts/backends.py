from django.contrib.auth.backends import ModelBackend


class CaseInsensitiveModelBackend(ModelBackend):
    """Usernames are unique regardless of case (SECURITY.md), so login ignores case too."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is not None:
            username = username.strip()
        return super().authenticate(request, username=username, password=password, **kwargs)


def axes_username(request, credentials) -> str:
    """Lockout keys on the lower-cased username so 'Office' and 'office' share one counter."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    return username.strip().lower()
