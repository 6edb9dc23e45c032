"""The office's page of reorganisations (机构调整): the recorded successions and the form to record one."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from jixiao.accounts import access
from jixiao.lib import refusals
from jixiao.org import forms, succession_actions
from jixiao.org.models import Succession


def _page(request, form, status=200):
    rows = Succession.objects.select_related("predecessor", "successor").order_by("-on", "successor__code", "id")
    return render(request, "org/successions.html", {
        "form": form, "successions": rows, "can_manage": access.can(request.user, "org.manage")}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def succession_list(request):
    if request.method == "GET":
        access.require(request.user, "org.view")
        return _page(request, forms.SuccessionForm())
    access.require(request.user, "org.manage")
    form = forms.SuccessionForm(request.POST)
    if form.is_valid():
        try:
            made = succession_actions.record_succession(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            refusals.refuse(request, "unit.succession_refused", form.cleaned_data["successor"], exc, form=form)
        else:
            messages.success(request, f"已记录机构调整：{made.predecessor.name} → {made.successor.name}"
                                      f"（{made.get_kind_display()}，{made.on:%Y-%m-%d}）")
            return redirect("org:succession_list")
    return _page(request, form, status=422)


@login_required
@require_POST
def succession_remove(request, pk):
    access.require(request.user, "org.manage")
    succession = get_object_or_404(Succession.objects.select_related("predecessor", "successor"), pk=pk)
    succession_actions.remove_succession(succession, by=request.user)
    messages.success(request, f"已删除机构调整记录：{succession.predecessor.name} → {succession.successor.name}")
    return redirect("org:succession_list")
