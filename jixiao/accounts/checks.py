"""Deployment checks of the identity settings, run by `manage.py check --deploy` (SECURITY.md §Input and output).

Django's own deploy checks accept the built-in development key (it is long and varied) and know nothing of our
second factor, so a server started with either would pass them. Both are errors: with the public key anyone can
forge a session and open the sealed authenticator secrets; without TOTP the admin roles log in with a password.
"""

from django.conf import settings
from django.core.checks import Error, Tags, register


def _development_keys() -> list[str]:
    keys = [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]
    return [key for key in keys if key == settings.DEVELOPMENT_SECRET_KEY]


@register(Tags.security, deploy=True)
def check_secret_key(app_configs=None, **kwargs):
    if not _development_keys():
        return []
    return [Error(
        "SECRET_KEY (or one of SECRET_KEY_FALLBACKS) is the built-in development key, which is public.",
        hint="Set JIXIAO_SECRET_KEY to a random value of 50 characters or more, kept outside the repository.",
        id="jixiao.E001",
    )]


@register(Tags.security, deploy=True)
def check_second_factor(app_configs=None, **kwargs):
    if settings.REQUIRE_TOTP:
        return []
    return [Error(
        "REQUIRE_TOTP is off: the office admin and the three admin roles log in with a password alone.",
        hint="Remove JIXIAO_REQUIRE_TOTP=false (SECURITY.md requires a second factor for these roles).",
        id="jixiao.E002",
    )]
