"""Invitation codes: 140 random bits from `secrets`, shown once, stored only as an SM3 digest.

A code is 28 characters of Crockford's base32 in groups of four (ABCD-EFGH-…). Reading is forgiving:
lower case, spaces and dashes are ignored and the look-alikes O/I/L read as 0/1/1.
"""

import secrets

from jixiao.lib.crypto import sm3

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford: no I, L, O, U
LENGTH = 28  # 28 × 5 = 140 bits ≥ 128
GROUP = 4
_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})


def new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return "-".join(raw[i:i + GROUP] for i in range(0, LENGTH, GROUP))


def normalize(text: str) -> str:
    """The code's 28 symbols, or '' when the text cannot be a code."""
    cleaned = "".join((text or "").split()).replace("-", "").upper().translate(_LOOKALIKES)
    if len(cleaned) != LENGTH or any(ch not in ALPHABET for ch in cleaned):
        return ""
    return cleaned


def digest(text: str) -> str:
    """What the database keeps of a code; '' for text that is not a code."""
    cleaned = normalize(text)
    return sm3(b"jixiao-invitation:" + cleaned.encode()) if cleaned else ""
