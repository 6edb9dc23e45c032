"""The second factor: time-based one-time codes (RFC 6238) with pyotp, QR codes with segno.

Everything about the algorithm sits in this module, so a national algorithm (an SM3-based OTP per
GM/T 0021) can replace it later without touching the views.
"""

import time

import pyotp
import segno
from django.conf import settings

from jixiao.accounts import access
from jixiao.accounts.models import User
from jixiao.accounts.roles import TOTP_ROLES

STEP_SECONDS = 30
# Accept the previous and the next 30-second step too: phone clocks drift.
VALID_WINDOW = 1


def is_required(user: User) -> bool:
    """Whether this user must pass the second factor: any current membership in a TOTP role."""
    if not settings.REQUIRE_TOTP:
        return False
    return any(m.role in TOTP_ROLES for m in access.memberships(user))


def new_secret() -> str:
    return pyotp.random_base32()


def current_step(at: float | None = None) -> int:
    return int((time.time() if at is None else at) // STEP_SECONDS)


def current_code(secret: str, *, after_step: int = 0) -> str:
    """The code to type now; if this step's code was already spent, the next step's (still accepted)."""
    step = max(current_step(), after_step + 1)
    return pyotp.TOTP(secret).at(step * STEP_SECONDS)


def matching_step(secret: str, code: str, *, after_step: int = 0) -> int | None:
    """The time step `code` is valid for (within the window), or None. Steps up to `after_step` are spent."""
    code = (code or "").strip()
    if not (len(code) == 6 and code.isdigit()):
        return None
    otp = pyotp.TOTP(secret)
    now_step = current_step()
    for step in range(now_step - VALID_WINDOW, now_step + VALID_WINDOW + 1):
        if step > after_step and otp.at(step * STEP_SECONDS) == code:
            return step
    return None


def consume(user: User, code: str) -> bool:
    """Check a code of a confirmed secret and spend its time step atomically, so it works only once."""
    step = matching_step(user.totp_secret, code, after_step=user.totp_last_step)
    if step is None:
        return False
    spent = User.objects.filter(pk=user.pk, totp_last_step__lt=step).update(totp_last_step=step)
    if spent:
        user.totp_last_step = step
    return bool(spent)


def provisioning_uri(user: User, secret: str) -> str:
    issuer = f"{settings.DISTRICT_NAME}绩效管理平台"
    return pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=issuer)


def qr_data_uri(uri: str) -> str:
    """The enrollment QR code as an SVG data: URI (served inline, no external URL)."""
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=2)


def grouped(secret: str) -> str:
    """The secret in groups of four, for typing it into an authenticator app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
