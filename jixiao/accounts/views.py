"""Login, second factor, logout, unit switch and password change."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from jixiao.accounts import access, actions, lockout, totp
from jixiao.accounts.forms import LoginForm, TotpForm
from jixiao.accounts.middleware import AUTH_AT_KEY, TOTP_PENDING_KEY
from jixiao.accounts.models import User
from jixiao.audit import log
from jixiao.audit.middleware import client_ip, rebind_for
from jixiao.audit.models import Outcome

LOGIN_FAILED = "用户名或密码错误。连续失败 5 次将锁定账号 30 分钟。"
LOCKED_OUT = "登录失败次数过多，账号已锁定 30 分钟，请稍后再试或联系安全管理员。"
ADDRESS_LOCKED = "从您所在网络地址登录失败的次数过多，该地址暂停登录 30 分钟，请稍后再试或联系安全管理员。"
DEMO_REFUSED = "示范账号仅可在示范模式下使用。"
TOTP_FAILED = "验证码错误。连续失败 5 次将锁定账号 30 分钟。"
# How long the code page waits after a correct password before asking for the password again.
TOTP_PENDING_SECONDS = 5 * 60
BACKEND = "jixiao.accounts.backends.CaseInsensitiveModelBackend"


def lockout_response(request, original_response=None, credentials=None):
    """What django-axes shows a locked-out login: the same page, a clear message, status 429."""
    form = LoginForm(request.POST or None)
    return render(request, "accounts/login.html", {"form": form, "error": LOCKED_OUT}, status=429)


def safe_next(request, fallback="ui:home"):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return fallback


@require_http_methods(["GET", "POST"])
def login_view(request):
    form = LoginForm(request.POST or None)
    error, status = None, 200
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"]
        if lockout.address_locked(request):
            return refuse_address(request, username)
        was_locked = lockout.is_locked(request, username)
        user = authenticate(request, username=username, password=form.cleaned_data["password"])
        if getattr(request, "axes_locked_out", False):
            return refuse_locked(request, username, was_locked=was_locked)
        if user is None:
            log.record("auth.login_failed", outcome=Outcome.FAILURE, object_repr=username[:150])
            if lockout.address_locked(request):
                log.record("auth.address_locked", outcome=Outcome.DENIED, object_repr=client_ip(request) or "")
                return address_locked_response(request)
            error, status = LOGIN_FAILED, 401
        elif user.is_demo and not settings.DEMO_MODE:
            log.record("auth.login_failed", user, outcome=Outcome.DENIED, after={"reason": "demo_account"})
            error, status = DEMO_REFUSED, 403
        elif totp.is_required(user):
            return start_second_factor(request, user)
        else:
            return complete_login(request, user, next_url=safe_next(request))
    context = {"form": form, "error": error, "expired": request.GET.get("expired")}
    return render(request, "accounts/login.html", context, status=status)


def refuse_locked(request, username: str, *, was_locked: bool):
    """Answer a login that django-axes refused; the attempt that set the lock also records it.

    Attempts during a lockout count too (django-axes' default), so the 30 minutes run from the last one.
    """
    if not was_locked:
        log.record("auth.login_failed", outcome=Outcome.FAILURE, object_repr=username[:150])
        log.record("auth.lockout", outcome=Outcome.DENIED, object_repr=username[:150])
    else:
        log.record("auth.login_failed", outcome=Outcome.DENIED, object_repr=username[:150],
                   after={"reason": "locked"})
    return lockout_response(request)


def refuse_address(request, username: str):
    """Refuse a login from an address that failed too often across any usernames (a login storm).

    The password is not even checked, so the storm learns nothing more; the refusal is not counted as a
    failure, so the pause ends 30 minutes after the address's last counted failure.
    """
    log.record("auth.login_failed", outcome=Outcome.DENIED, object_repr=username[:150],
               after={"reason": "address_locked"})
    return address_locked_response(request)


def address_locked_response(request):
    form = LoginForm(request.POST)
    return render(request, "accounts/login.html", {"form": form, "error": ADDRESS_LOCKED}, status=429)


def start_second_factor(request, user: User):
    """The password was right; the person is not logged in until the one-time code is right too."""
    request.session.flush()
    request.session[TOTP_PENDING_KEY] = {"user_id": user.pk, "at": time.time(), "next": safe_next(request, "")}
    return redirect("accounts:totp")


def complete_login(request, user: User, *, next_url: str, second_factor: bool = False):
    request.session.pop(TOTP_PENDING_KEY, None)
    login(request, user, backend=getattr(user, "backend", None) or BACKEND)
    request.session[AUTH_AT_KEY] = time.time()
    rebind_for(request)
    log.record("auth.login", user, after={"second_factor": "totp" if second_factor else "none"})
    return redirect(next_url or "ui:home")


def pending_user(request) -> User | None:
    """The person between password and code, if the password was given recently."""
    pending = request.session.get(TOTP_PENDING_KEY)
    if not isinstance(pending, dict) or time.time() - pending.get("at", 0) > TOTP_PENDING_SECONDS:
        return None
    user = User.objects.filter(pk=pending.get("user_id"), is_active=True).first()
    if user is None or (user.is_demo and not settings.DEMO_MODE):
        return None
    return user


def enrollment_secret(request) -> str:
    """A fresh secret kept in the pending session until the person confirms it with a code."""
    pending = dict(request.session[TOTP_PENDING_KEY])
    if not pending.get("secret"):
        pending["secret"] = totp.new_secret()
        request.session[TOTP_PENDING_KEY] = pending
    return pending["secret"]


@require_http_methods(["GET", "POST"])
def totp_view(request):
    user = pending_user(request)
    if user is None:
        request.session.pop(TOTP_PENDING_KEY, None)
        messages.warning(request, "请先输入用户名和密码。")
        return redirect("accounts:login")
    enrolling = not user.totp_confirmed
    secret = enrollment_secret(request) if enrolling else user.totp_secret
    form = TotpForm(request.POST or None)
    error, status = None, 200
    if request.method == "POST":
        if lockout.is_locked(request, user.username):
            request.session.flush()
            return lockout_response(request)
        if form.is_valid() and check_code(user, secret, form.cleaned_data["code"], enrolling):
            next_url = request.session[TOTP_PENDING_KEY].get("next", "")
            return complete_login(request, user, next_url=next_url, second_factor=True)
        log.record("auth.totp_failed", user, outcome=Outcome.FAILURE)
        if lockout.count_failure(request, user.username):
            log.record("auth.lockout", user, outcome=Outcome.DENIED)
            request.session.flush()
            return lockout_response(request)
        error, status = TOTP_FAILED, 401
    context = {"form": form, "error": error, "enrolling": enrolling, "pending_user": user}
    if enrolling:
        context["qr"] = totp.qr_data_uri(totp.provisioning_uri(user, secret))
        context["secret_grouped"] = totp.grouped(secret)
    if settings.DEMO_MODE and user.is_demo:
        context["demo_code"] = totp.current_code(secret, after_step=0 if enrolling else user.totp_last_step)
    return render(request, "accounts/totp.html", context, status=status)


def check_code(user: User, secret: str, code: str, enrolling: bool) -> bool:
    if not enrolling:
        return totp.consume(user, code)
    step = totp.matching_step(secret, code)
    if step is None:
        return False
    actions.confirm_totp(user, secret, step)
    return True


@require_POST
def logout_view(request):
    if request.user.is_authenticated:
        log.record("auth.logout", request.user)
    logout(request)  # flushes: the session row is deleted on the server, not only the cookie
    messages.info(request, "您已安全退出。")
    return redirect("accounts:login")


@login_required
@require_POST
def switch_unit(request):
    wanted = request.POST.get("membership", "")
    options = {str(m.pk): m for m in access.memberships(request.user)}
    if wanted not in options:
        messages.error(request, "无法切换到该单位：您在该单位没有有效角色。")
        return redirect("ui:home")
    request.session[access.SESSION_KEY] = options[wanted].pk
    messages.success(request, f"已切换到：{options[wanted]}")
    return redirect(safe_next(request))


@login_required
@require_http_methods(["GET", "POST"])
def password_change(request):
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.set_password(request.user, form.cleaned_data["new_password1"], by=request.user)
        update_session_auth_hash(request, request.user)
        messages.success(request, "密码已修改。")
        return redirect("ui:home")
    status = 422 if request.method == "POST" else 200
    return render(request, "accounts/password_change.html", {"form": form}, status=status)
