"""The audit key ring: HMAC-SM3 keys from the environment, never from the database.

`JIXIAO_AUDIT_KEY` signs new rows; keys listed in `JIXIAO_AUDIT_KEYS_OLD` still verify the rows written
under them before a rotation. A row names its key by an id derived from the key itself, so an operator
never has to keep ids and keys in step, and the id tells nothing about the key.
"""

import hashlib
import hmac
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DIGEST = "sm3"
MIN_KEY_LENGTH = 32
# A fixed message whose MAC names the key (the id stored with each row).
_ID_MESSAGE = b"jixiao.audit.key-id"


class UnknownKey(Exception):
    """A row names a key that is not configured (neither the current key nor an old one)."""


@dataclass(frozen=True)
class Key:
    id: str
    secret: bytes

    def sign(self, text: str) -> str:
        """HMAC-SM3 of the text, as 64 hex digits."""
        return hmac.new(self.secret, text.encode("utf-8"), DIGEST).hexdigest()


def key_id(secret: str | bytes) -> str:
    raw = secret.encode("utf-8") if isinstance(secret, str) else secret
    return hmac.new(raw, _ID_MESSAGE, DIGEST).hexdigest()[:12]


@cache
def _make(secret: str) -> Key:
    return Key(id=key_id(secret), secret=secret.encode("utf-8"))


def current() -> Key:
    """The key new rows are signed with; fails loudly when none is configured."""
    if not settings.AUDIT_KEY:
        raise ImproperlyConfigured("JIXIAO_AUDIT_KEY is not set: the audit log can be neither written nor verified")
    return _make(settings.AUDIT_KEY)


def ring() -> dict[str, Key]:
    """Every configured key by id: the current one and the old ones kept after rotations."""
    keys = [_make(secret) for secret in settings.AUDIT_KEYS_OLD]
    if settings.AUDIT_KEY:
        keys.append(_make(settings.AUDIT_KEY))
    return {key.id: key for key in keys}


def lookup(key_id: str, keys: dict[str, Key] | None = None) -> Key:
    key = (ring() if keys is None else keys).get(key_id)
    if key is None:
        raise UnknownKey(key_id)
    return key


def legacy_hash(text: str) -> str:
    """The unkeyed SHA-256 of the first version, used once to check rows before they are re-keyed."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
