"""The security admin's page for API tokens (接口令牌): list, issue (the secret shown once), revoke.

Tokens are made and revoked only through `tokens.issue` and `tokens.revoke`, which check and audit; the page
never stores or shows a secret again after the answer to the POST that made it (docs/api.md).
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jixiao.accounts import access
from jixiao.accounts.forms import StyledForm
from jixiao.accounts.models import Membership, User
from jixiao.api import tokens
from jixiao.api.models import ApiToken, Scope
from jixiao.lib import refusals
from jixiao.org.models import Unit

ACTION = "api.tokens"
PAGE_SIZE = 25


class AccountChoice(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return f"{user.username}（{user.full_name}）" if user.full_name else user.username


class RoleChoice(forms.ModelChoiceField):
    def label_from_instance(self, membership):
        return f"{membership.user.username}：{membership.unit.label} · {membership.get_role_display()}"


class UnitChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, unit):
        return f"{unit.code} {unit.name}"


class TokenForm(StyledForm):
    """What a token is for: whose role it acts as, what it may do, where, and for how long."""

    name = forms.CharField(label="令牌名称", max_length=80, help_text="写明对接的系统，例如“区统计局数据对接”")
    user = AccountChoice(label="所属账号", queryset=User.objects.none(), empty_label="请选择账号",
                         help_text="令牌以该账号的身份访问接口；系统管理员、安全管理员、审计管理员的账号不能签发令牌")
    membership = RoleChoice(label="代表的角色", queryset=Membership.objects.none(), required=False,
                            empty_label="该账号的第一个角色", help_text="账号有多个角色时选择其一")
    scopes = forms.MultipleChoiceField(label="权限范围", choices=Scope.choices, widget=forms.CheckboxSelectMultiple,
                                       initial=[Scope.READ], error_messages={"required": "请至少选择一项权限。"},
                                       help_text="读取：GET 请求；写入：提交和删除数值")
    units = UnitChoice(label="限定单位（含下级）", queryset=Unit.objects.none(), required=False,
                       help_text="按住 Ctrl（Mac 为 ⌘）可多选；不选则为该角色可见的全部单位")
    days = forms.IntegerField(label="有效天数", initial=tokens.DEFAULT_DAYS, min_value=1, max_value=tokens.MAX_DAYS,
                              error_messages={"min_value": f"有效期应为 1–{tokens.MAX_DAYS} 天。",
                                              "max_value": f"有效期应为 1–{tokens.MAX_DAYS} 天。",
                                              "invalid": "有效天数应为整数。"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        live = Membership.objects.active().filter(unit__valid_to__isnull=True)
        self.fields["user"].queryset = User.objects.filter(
            is_active=True, pk__in=live.values("user_id")).order_by("username")
        self.fields["membership"].queryset = live.select_related("user", "unit").order_by("user__username", "id")
        self.fields["units"].queryset = Unit.objects.current().order_by("code")
        self.fields["units"].widget.attrs["size"] = 8
        self.fields["scopes"].widget.attrs["class"] = "form-check-input"

    def clean(self):
        data = super().clean()
        user, membership = data.get("user"), data.get("membership")
        if user is not None and membership is not None and membership.user_id != user.pk:
            self.add_error("membership", "所选角色不属于该账号。")
        return data


def _token(request, pk) -> ApiToken:
    access.require(request.user, ACTION)
    return _labelled(get_object_or_404(
        ApiToken.objects.select_related("user", "membership__unit", "created_by", "revoked_by"), pk=pk))


def _labelled(token: ApiToken) -> ApiToken:
    token.scope_text = "、".join(Scope(scope).label for scope in token.scope_list)
    return token


@login_required
@require_GET
def token_list(request):
    access.require(request.user, ACTION)
    found = (ApiToken.objects.select_related("user", "membership__unit")
             .prefetch_related("units").order_by("-created_at", "-id"))
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    for token in page:
        _labelled(token)
    return render(request, "api/token_list.html", {"page": page})


@never_cache  # the answer to a successful POST holds the secret: no cache may keep it
@login_required
@require_http_methods(["GET", "POST"])
def token_create(request):
    access.require(request.user, ACTION)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            issued = tokens.issue(user=data["user"], membership=data["membership"], scopes=data["scopes"],
                                  units=list(data["units"]), days=data["days"], name=data["name"], by=request.user)
        except tokens.TokenError as error:
            refusals.refuse(request, "api.token_create_refused", None, error, form=form,
                            user_name=data["user"].username)
        else:
            return render(request, "api/token_created.html", {"token": _labelled(issued.token), "secret": issued.secret})
    status = 422 if request.method == "POST" else 200
    return render(request, "api/token_create.html", {"form": form}, status=status)


def _detail(request, token: ApiToken, *, error: str = "", status: int = 200):
    return render(request, "api/token_detail.html",
                  {"token": token, "units": token.units.order_by("code"), "error": error}, status=status)


@login_required
@require_GET
def token_detail(request, pk):
    return _detail(request, _token(request, pk))


@login_required
@require_POST
def token_revoke(request, pk):
    token = _token(request, pk)
    if token.revoked_at is not None:
        messages.info(request, f"令牌“{token.name}”已于此前吊销。")
        return redirect("api_tokens:detail", pk=token.pk)
    if request.POST.get("confirm") != "1":
        return _detail(request, token, error="请勾选确认后再吊销。", status=422)
    tokens.revoke(token, by=request.user)
    messages.success(request, f"已吊销令牌“{token.name}”，使用它的系统将无法再访问接口。")
    return redirect("api_tokens:list")
