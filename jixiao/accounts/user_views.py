"""The security admin's pages: users, their roles, passwords, lockouts (SECURITY.md §三权分立)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jixiao.accounts import access, actions, lockout
from jixiao.accounts.forms import GrantForm, PasswordResetForm, UserCreateForm
from jixiao.accounts.middleware import needs_password_change
from jixiao.accounts.models import Membership, User
from jixiao.lib import refusals

ACTION = "accounts.manage"
PAGE_SIZE = 25


def _target(request, pk) -> User:
    access.require(request.user, ACTION)
    return get_object_or_404(User, pk=pk)


@login_required
@require_GET
def user_list(request):
    access.require(request.user, ACTION)
    q = request.GET.get("q", "").strip()
    users = User.objects.order_by("username")
    if q:
        in_unit = Q(memberships__revoked_at__isnull=True) & (
            Q(memberships__unit__name__icontains=q) | Q(memberships__unit__short_name__icontains=q)
        )
        users = users.filter(Q(username__icontains=q) | Q(full_name__icontains=q) | in_unit).distinct()
    active = Membership.objects.active().select_related("unit").order_by("id")
    users = users.prefetch_related(Prefetch("memberships", queryset=active, to_attr="active_memberships"))
    page = Paginator(users, PAGE_SIZE).get_page(request.GET.get("page"))
    locked = lockout.locked_usernames([u.username for u in page])
    rows = [{"user": u, "locked": u.username.lower() in locked} for u in page]
    return render(request, "accounts/user_list.html", {"page": page, "rows": rows, "q": q})


@login_required
@require_http_methods(["GET", "POST"])
def user_create(request):
    access.require(request.user, ACTION)
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = actions.create_user(**form.cleaned_data, by=request.user)
        messages.success(request, f"已创建用户 {user.username}，首次登录须修改初始密码。")
        return redirect("accounts:user_detail", pk=user.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "accounts/user_create.html", {"form": form}, status=status)


def _detail(request, user: User, *, grant_form=None, reset_form=None, status=200):
    failures = lockout.failures(user.username)
    memberships = user.memberships.select_related("unit", "granted_by").order_by("revoked_at", "id")
    context = {
        "target": user,
        "memberships": memberships,
        "is_self": user.pk == request.user.pk,
        "failures": failures,
        "locked": failures >= settings.AXES_FAILURE_LIMIT,
        "password_due": needs_password_change(user),
        "grant_form": grant_form or GrantForm(),
        "reset_form": reset_form or PasswordResetForm(user),
    }
    return render(request, "accounts/user_detail.html", context, status=status)


@login_required
@require_GET
def user_detail(request, pk):
    return _detail(request, _target(request, pk))


@login_required
@require_POST
def user_grant(request, pk):
    user = _target(request, pk)
    form = GrantForm(request.POST)
    if not form.is_valid():
        return _detail(request, user, grant_form=form, status=422)
    try:
        membership = actions.grant_role(user, form.cleaned_data["unit"], form.cleaned_data["role"], by=request.user)
    except ValidationError as error:
        refusals.refuse(request, "membership.grant_refused", user, error)
    else:
        messages.success(request, f"已授予：{membership}")
    return redirect("accounts:user_detail", pk=user.pk)


@login_required
@require_POST
def user_revoke(request, pk, membership_pk):
    user = _target(request, pk)
    membership = get_object_or_404(Membership.objects.select_related("unit", "user"), pk=membership_pk, user=user)
    try:
        actions.revoke_role(membership, by=request.user)
    except ValidationError as error:
        refusals.refuse(request, "membership.revoke_refused", membership, error)
    else:
        messages.success(request, f"已撤销：{membership}")
    return redirect("accounts:user_detail", pk=user.pk)


@login_required
@require_POST
def user_reset_password(request, pk):
    user = _target(request, pk)
    form = PasswordResetForm(user, request.POST)
    if not form.is_valid():
        return _detail(request, user, reset_form=form, status=422)
    try:
        actions.reset_password(user, form.cleaned_data["password"], by=request.user)
    except ValidationError as error:
        refusals.refuse(request, "user.password_reset_refused", user, error)
    else:
        messages.success(request, "已重置密码，用户下次登录须修改密码。")
    return redirect("accounts:user_detail", pk=user.pk)


@login_required
@require_POST
def user_unlock(request, pk):
    user = _target(request, pk)
    actions.unlock(user, by=request.user)
    messages.success(request, "已解除登录锁定。")
    return redirect("accounts:user_detail", pk=user.pk)


@login_required
@require_POST
def user_set_active(request, pk):
    user = _target(request, pk)
    active = request.POST.get("active") == "1"
    try:
        actions.set_active(user, active, by=request.user)
    except ValidationError as error:
        refusals.refuse(request, "user.active_refused", user, error)
    else:
        messages.success(request, "账号已启用。" if active else "账号已停用，其会话立即失效。")
    return redirect("accounts:user_detail", pk=user.pk)


@login_required
@require_POST
def user_reset_totp(request, pk):
    user = _target(request, pk)
    try:
        actions.reset_totp(user, by=request.user)
    except ValidationError as error:
        refusals.refuse(request, "user.totp_reset_refused", user, error)
    else:
        messages.success(request, "已重置动态口令，用户下次登录时重新绑定。")
    return redirect("accounts:user_detail", pk=user.pk)
