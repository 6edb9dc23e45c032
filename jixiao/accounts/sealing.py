"""TOTP secrets sealed at rest (SM4-GCM), so a copy of the database alone cannot mint login codes.

The key is derived from SECRET_KEY; after a key rotation the old keys in SECRET_KEY_FALLBACKS still open
secrets sealed before it (they are sealed again under the new key on the next enrolment). A secret that no
key opens reads as empty: that person's codes fail until a security admin resets the authenticator.
"""

import base64
import logging

from django.conf import settings

from jixiao.lib import crypto

logger = logging.getLogger(__name__)
PURPOSE = "accounts.totp-secret"
PREFIX = "sm4:"


def _key(secret: str) -> bytes:
    return crypto.derive_key(secret.encode(), PURPOSE)


def seal(secret: str) -> str:
    if not secret:
        return ""
    blob = crypto.sm4_gcm_encrypt(_key(settings.SECRET_KEY), secret.encode(), associated=PURPOSE.encode())
    return PREFIX + base64.b64encode(blob).decode()


def unseal(sealed: str) -> str:
    if not sealed:
        return ""
    if not sealed.startswith(PREFIX):
        return ""
    blob = base64.b64decode(sealed[len(PREFIX):])
    for secret in [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]:
        try:
            return crypto.sm4_gcm_decrypt(_key(secret), blob, associated=PURPOSE.encode()).decode()
        except crypto.CryptoError:
            continue
    logger.warning("a sealed TOTP secret opens with no configured key")
    return ""
