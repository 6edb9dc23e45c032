"""When a public form was shown: a signed, timestamped token in a hidden field, read back on submit.

The public evaluation, the 互动交流 message and the rectification re-rating refuse an answer sent too soon after
its form was shown (a robot) or with a forged or stale token. Each signs what the form is for (`value`: a code's
digest, an item's id) under its own salt, so a token of one form never passes another.
"""

from django.core import signing
from django.utils import timezone


def start(salt: str, value: str) -> str:
    return signing.TimestampSigner(salt=salt).sign(value)


def dwell_seconds(token: str, *, salt: str, value: str, max_age: int) -> int | None:
    """Seconds since the form was shown, or None when the token is forged, stale or for another form."""
    try:
        signed = signing.TimestampSigner(salt=salt).unsign(token, max_age=max_age)
    except signing.BadSignature:
        return None
    if signed != value:
        return None
    issued = signing.b62_decode(token.rsplit(":", 2)[1])
    return max(0, int(timezone.now().timestamp()) - issued)
