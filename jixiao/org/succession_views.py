"""The office's page of reorganisations (机构调整): the recorded successions and the form to record one."""

import io

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jixiao.accounts import access
from jixiao.lib import refusals
from jixiao.lib.excel import WorkbookError
from jixiao.lib.responses import download
from jixiao.lib.uploads import record_refusal
from jixiao.org import forms, succession_actions, successionbook
from jixiao.org.models import Succession


def _page(request, form, status=200, *, import_form=None, error=None):
    rows = Succession.objects.select_related("predecessor", "successor").order_by("-on", "successor__code", "id")
    return render(request, "org/successions.html", {
        "form": form, "successions": rows, "can_manage": access.can(request.user, "org.manage"),
        "import_form": import_form or forms.SuccessionImportForm(), "error": error,
        "errors": error.errors if error else []}, status=status)


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


@login_required
@require_GET
def succession_export(request):
    access.require(request.user, "org.view")
    buffer = io.BytesIO()
    successionbook.write(buffer)
    return download(buffer.getvalue(), f"机构调整-{timezone.localdate():%Y%m%d}.xlsx")


@login_required
@require_POST
def succession_import(request):
    """Record every row of an uploaded workbook, or none with every problem listed (no preview: a few rows)."""
    access.require(request.user, "org.manage")
    form = forms.SuccessionImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, forms.SuccessionForm(), 422, import_form=form)
    upload = form.cleaned_data["file"]
    try:
        made = succession_actions.import_successions(successionbook.read(upload, settings.UPLOAD_MAX_BYTES),
                                                     by=request.user)
    except WorkbookError as exc:
        record_refusal("unit.succession_import_refused", None, user=request.user, error=exc, file_name=upload.name)
        return _page(request, forms.SuccessionForm(), 422, error=exc)
    messages.success(request, f"导入完成：记录机构调整 {len(made)} 条。")
    return redirect("org:succession_list")
