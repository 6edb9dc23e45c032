"""The office's page for the statistics mapping table (统计指标对照表), /stats-mapping/: the table, its workbook
to download, and the edited workbook to upload (checked whole; nothing written when a row is wrong)."""

import io

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from jixiao.accounts import access
from jixiao.api.connectors import mapping
from jixiao.api.models import StatsMapping
from jixiao.indicators.models import Indicator
from jixiao.lib.excel import WorkbookError
from jixiao.lib.responses import download
from jixiao.lib.uploads import record_refusal
from jixiao.org.forms import BootstrapMixin

ACTION = "indicators.manage"  # the table is kept per indicator, by those who keep the indicators


class MappingUploadForm(BootstrapMixin, forms.Form):
    file = forms.FileField(label="统计指标对照表（.xlsx）", widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
                           error_messages={"required": "请选择要上传的文件"})
    replace = forms.BooleanField(label="删除文件中各来源已不再列出的对照", required=False)


@login_required
@require_http_methods(["GET", "POST"])
def mapping_table(request):
    access.require(request.user, ACTION)
    form = MappingUploadForm()
    context = {}
    if request.method == "POST":
        form = MappingUploadForm(request.POST, request.FILES)
        if form.is_valid() and (saved := _import(request, form, context)):
            messages.success(request, f"已导入统计指标对照表：新增 {saved['created']} 条，修改 {saved['changed']} 条，"
                                      f"未变 {saved['unchanged']} 条，删除 {saved['deleted']} 条。")
            return redirect("stats_mapping:table")
    rows = list(StatsMapping.objects.select_related("indicator").order_by("indicator__sort_order",
                                                                         "indicator__code", "source", "source_code"))
    for row in rows:
        row.factor_text = f"{row.factor.normalize():f}"
    unmapped = (Indicator.objects.filter(active=True).annotate(n=Count("stats_mappings")).filter(n=0)
                .order_by("sort_order", "code"))
    context.update({"rows": rows, "unmapped": unmapped, "form": form})
    return render(request, "api/stats_mapping.html", context, status=422 if request.method == "POST" else 200)


def _import(request, form, context) -> dict | None:
    upload = form.cleaned_data["file"]
    try:
        rows = mapping.read_workbook(upload)
    except WorkbookError as exc:
        record_refusal("api.stats_mapping_refused", None, user=request.user, error=exc, file_name=upload.name)
        context.update({"errors": exc.errors, "error": exc})
        return None
    return mapping.save(rows, by=request.user, replace=form.cleaned_data["replace"])


@login_required
@require_GET
def mapping_export(request):
    access.require(request.user, ACTION)
    buffer = io.BytesIO()
    mapping.export_workbook(buffer)
    return download(buffer.getvalue(), f"统计指标对照表-{timezone.localdate():%Y%m%d}.xlsx")
