"""National-algorithm helpers for citizens' data: SM3 digests and HMAC keys, SM4-GCM encryption, masking.

Pure helpers: no Django, no database. Keys are passed in by the caller (see jixiao/evaluation/privacy.py).
SM3 and SM4 come from OpenSSL through hashlib and `cryptography` (GB/T 39786 密评 expects them); a machine
whose OpenSSL lacks them fails loudly here instead of silently falling back to another algorithm, because
stored digests must be the same on every machine.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

NONCE_BYTES = 12
TAG_BYTES = 16
KEY_BYTES = 16  # SM4 has a 128-bit key
VERSION = b"\x01"  # first byte of every ciphertext, so the format can change later

PHONE_PATTERN = re.compile(r"1[3-9]\d{9}")


class CryptoError(Exception):
    """A ciphertext that cannot be decrypted (wrong key, tampered or truncated)."""


def sm3(data: bytes) -> str:
    """The SM3 digest of `data` as 64 hex characters."""
    return hashlib.new("sm3", data).hexdigest()


def hmac_sm3(key: bytes, data: bytes) -> str:
    """HMAC-SM3 of `data` under `key`, 64 hex characters."""
    return hmac.new(key, data, "sm3").hexdigest()


def derive_key(secret: bytes, purpose: str, length: int = KEY_BYTES) -> bytes:
    """A sub-key for one purpose from a master secret (HMAC-SM3 as a PRF, counter mode)."""
    out = b""
    counter = 1
    while len(out) < length:
        out += hmac.new(secret, counter.to_bytes(4, "big") + purpose.encode(), "sm3").digest()
        counter += 1
    return out[:length]


def sm4_gcm_encrypt(key: bytes, plaintext: bytes, associated: bytes = b"") -> bytes:
    """Encrypt with SM4 in GCM mode: version byte + 12-byte random nonce + ciphertext + 16-byte tag."""
    if len(key) != KEY_BYTES:
        raise ValueError("SM4 needs a 16-byte key")
    nonce = os.urandom(NONCE_BYTES)
    encryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
    if associated:
        encryptor.authenticate_additional_data(associated)
    body = encryptor.update(plaintext) + encryptor.finalize()
    return VERSION + nonce + body + encryptor.tag


def sm4_gcm_decrypt(key: bytes, blob: bytes, associated: bytes = b"") -> bytes:
    """Reverse `sm4_gcm_encrypt`; raise CryptoError when the key is wrong or the data was changed."""
    if len(blob) < 1 + NONCE_BYTES + TAG_BYTES or blob[:1] != VERSION:
        raise CryptoError("ciphertext too short or of an unknown version")
    nonce, body, tag = blob[1:1 + NONCE_BYTES], blob[1 + NONCE_BYTES:-TAG_BYTES], blob[-TAG_BYTES:]
    decryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce, tag)).decryptor()
    if associated:
        decryptor.authenticate_additional_data(associated)
    try:
        return decryptor.update(body) + decryptor.finalize()
    except Exception as exc:  # cryptography raises InvalidTag; callers need one error type
        raise CryptoError("ciphertext does not authenticate") from exc


def normalize_phone(text: str) -> str:
    """A mainland mobile number as 11 digits ('+86 138-1234-5678' → '13812345678'), or '' if it is not one."""
    digits = re.sub(r"[\s\-()]", "", text or "")
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    return digits if PHONE_PATTERN.fullmatch(digits) else ""


def mask_phone(phone: str) -> str:
    """138****1234: the first three and last four digits, as the office may see them."""
    if len(phone) < 8:
        return "*" * len(phone)
    return f"{phone[:3]}****{phone[-4:]}"
