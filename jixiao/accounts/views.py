import time

from django.contrib import messages
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from jixiao.accounts import access, actions
from jixiao.accounts.forms import LoginForm
from jixiao.accounts.middleware import AUTH_AT_KEY
from jixiao.audit import log
from jixiao.audit.middleware import rebind_for
from jixiao.audit.models import Outcome

LOGIN_FAILED = "用户名或密码错误。连续失败 5 次将锁定账号 30 分钟。"
LOCKED_OUT = "登录失败次数过多，账号已锁定 30 分钟，请稍后再试或联系安全管理员。"


def lockout_response(request, credentials, *args, **kwargs):
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
    error = None
    if request.method == "POST" and form.is_valid():
        user = authenticate(request, username=form.cleaned_data["username"], password=form.cleaned_data["password"])
        if getattr(request, "axes_locked_out", False):
            return lockout_response(request, None)
        if user is None:
            error = LOGIN_FAILED
            log.record("auth.login_failed", outcome=Outcome.FAILURE, object_repr=form.cleaned_data["username"][:150])
        else:
            login(request, user)
            request.session[AUTH_AT_KEY] = time.time()
            rebind_for(request)
            log.record("auth.login", user)
            return redirect(safe_next(request))
    status = 200 if error is None else 401
    context = {"form": form, "error": error, "expired": request.GET.get("expired")}
    return render(request, "accounts/login.html", context, status=status)


@require_POST
def logout_view(request):
    if request.user.is_authenticated:
        log.record("auth.logout", request.user)
    logout(request)
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
    form = SetPasswordForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.set_password(request.user, form.cleaned_data["new_password1"], by=request.user)
        update_session_auth_hash(request, request.user)
        messages.success(request, "密码已修改。")
        return redirect("ui:home")
    return render(request, "accounts/password_change.html", {"form": form}, status=200 if request.method == "GET" or form.is_valid() else 422)
