"""Keys for citizens' data, derived from one master secret (JIXIAO_EVALUATION_KEY, else SECRET_KEY).

- phone key: HMAC-SM3 of the normalised number, for one-answer-per-person; cannot be turned back into a
  number without the key.
- phone cipher: SM4-GCM, only when the citizen agrees to a follow-up call; the campaign id is bound in as
  associated data, so a ciphertext copied to another campaign does not decrypt.
- address buckets: HMAC-SM3 under a random salt of the day that is deleted after two days, so yesterday's
  buckets can no longer be linked to any address, not even by us.
"""

import datetime
import os
import secrets

from django.conf import settings
from django.db import IntegrityError, transaction

from jixiao.lib import crypto


def _master() -> bytes:
    secret = os.environ.get("JIXIAO_EVALUATION_KEY") or settings.SECRET_KEY
    return secret.encode()


def phone_key(phone: str) -> str:
    return crypto.hmac_sm3(crypto.derive_key(_master(), "evaluation.phone-key", 32), phone.encode())


def encrypt_phone(phone: str, campaign_id: int) -> bytes:
    key = crypto.derive_key(_master(), "evaluation.phone-cipher")
    return crypto.sm4_gcm_encrypt(key, phone.encode(), associated=f"campaign:{campaign_id}".encode())


def decrypt_phone(blob: bytes, campaign_id: int) -> str:
    key = crypto.derive_key(_master(), "evaluation.phone-cipher")
    return crypto.sm4_gcm_decrypt(key, bytes(blob), associated=f"campaign:{campaign_id}".encode()).decode()


_salts: dict[datetime.date, str] = {}  # per process; the row in the database is the truth


def salt_of(day: datetime.date) -> str:
    """The random salt for `day`, created on first use; salts older than yesterday are deleted."""
    from jixiao.evaluation.models import DailySalt

    if day in _salts:
        return _salts[day]
    found = DailySalt.objects.filter(day=day).values_list("salt", flat=True).first()
    if not found:
        try:
            with transaction.atomic():
                DailySalt.objects.create(day=day, salt=secrets.token_hex(32))
        except IntegrityError:
            pass  # another request created it first
        DailySalt.objects.filter(day__lt=day - datetime.timedelta(days=1)).delete()
        found = DailySalt.objects.get(day=day).salt
    _salts.clear()  # keep only today's in memory
    _salts[day] = found
    return found


def forget_salts() -> None:
    """Drop the in-memory copy (tests roll the rows back)."""
    _salts.clear()


def address_bucket(ip: str | None, day: datetime.date) -> str:
    """A 16-hex bucket of the client address for today; never stored with an answer."""
    return crypto.hmac_sm3(salt_of(day).encode(), (ip or "unknown").encode())[:16]
