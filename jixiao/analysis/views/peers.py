"""Pages of the analysis app: peers (近邻单位). The office keeps each cycle's unit attributes (workbook in and
out, weights) and reads each unit's proposed nearest neighbours; one button keeps a unit's neighbours as a
comparison group (比较组) for the comparison pages. Leaders read the same page without the office's controls."""

import io

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jixiao.accounts import access
from jixiao.analysis import attributes, attributes_actions, neighbours_inputs
from jixiao.analysis.attributes_forms import AttributeImportForm, NeighbourCountForm, WeightsForm
from jixiao.analysis.neighbours import DEFAULT_K
from jixiao.lib import cycles, refusals
from jixiao.lib.excel import WorkbookError
from jixiao.lib.responses import download
from jixiao.lib.uploads import record_refusal
from jixiao.org.models import Unit

IMPORT_SALT = "jixiao.analysis.attribute_import"
IMPORT_MAX_AGE = 3600


def _page(cycle, k: int | None = None) -> str:
    url = reverse("analysis:peers") + (f"?cycle={cycle.year}" if cycle else "")
    return url + (f"&k={k}" if cycle and k and k != DEFAULT_K else "")


def _k(request) -> int:
    form = NeighbourCountForm(request.GET if request.method == "GET" else request.POST)
    return (form.cleaned_data.get("k") if form.is_valid() else None) or DEFAULT_K


@login_required
@require_GET
def peers(request):
    access.require(request.user, "analysis.view")
    pick = cycles.pick(request)
    cycle = pick.cycle
    k = _k(request)
    context = {"pick": pick, "cycle": cycle, "k": k, "k_form": NeighbourCountForm(initial={"k": k}),
               "can_manage": access.can(request.user, "analysis.manage")}
    if cycle is not None:
        attribute_rows = list(cycle.unit_attributes.annotate(value_count=Count("values")))
        context.update(attributes=attribute_rows, weights_form=WeightsForm(attribute_rows),
                       proposal=neighbours_inputs.propose(cycle, k))
    return render(request, "analysis/peers.html", context)


@login_required
@require_GET
def peers_export(request):
    access.require(request.user, "analysis.view")
    cycle = cycles.pick_or_404(request).cycle
    if cycle is None:
        messages.error(request, "尚未设立考核年度，无法下载单位属性工作簿。")
        return redirect("analysis:peers")
    buffer = io.BytesIO()
    attributes.write(buffer, cycle)
    return download(buffer.getvalue(), f"单位属性-{cycle.year}.xlsx")


@login_required
@require_http_methods(["GET", "POST"])
def peers_import(request):
    access.require(request.user, "analysis.manage")
    cycle = cycles.pick_or_404(request).cycle
    context = {"cycle": cycle, "form": AttributeImportForm()}
    if cycle is None:
        messages.error(request, "尚未设立考核年度，无法导入单位属性。")
        return redirect("analysis:peers")
    if request.method == "GET":
        return render(request, "analysis/peers_import.html", context)
    if "token" in request.POST:
        return _import_confirm(request, cycle)
    form = AttributeImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "analysis/peers_import.html", {**context, "form": form}, status=422)
    upload = form.cleaned_data["file"]
    try:
        parsed, plan = attributes.read(upload, settings.UPLOAD_MAX_BYTES, cycle)
    except WorkbookError as exc:
        record_refusal("unit.attributes_import_refused", cycle, user=request.user, error=exc, file_name=upload.name)
        return render(request, "analysis/peers_import.html", {**context, "errors": exc.errors, "error": exc},
                      status=422)
    token = signing.dumps({"u": request.user.pk, "c": cycle.pk, "p": parsed.to_json()}, salt=IMPORT_SALT,
                          compress=True)
    return render(request, "analysis/peers_import_preview.html",
                  {"cycle": cycle, "plan": plan, "token": token, "file_name": upload.name})


def _import_confirm(request, cycle):
    back = reverse("analysis:peers_import") + f"?cycle={cycle.year}"
    try:
        payload = signing.loads(request.POST["token"], salt=IMPORT_SALT, max_age=IMPORT_MAX_AGE)
    except signing.BadSignature:
        messages.error(request, "导入预览已过期或无效，请重新上传文件。")
        return redirect(back)
    if payload.get("u") != request.user.pk or payload.get("c") != cycle.pk:
        messages.error(request, "导入预览不属于当前用户或本年度，请重新上传文件。")
        return redirect(back)
    try:
        plan = attributes_actions.import_attributes(cycle, attributes.Parsed.from_json(payload["p"]), by=request.user)
    except WorkbookError as exc:
        record_refusal("unit.attributes_import_refused", cycle, user=request.user, error=exc)
        context = {"cycle": cycle, "form": AttributeImportForm(), "errors": exc.errors, "error": exc, "stale": True}
        return render(request, "analysis/peers_import.html", context, status=422)
    counts = plan.counts
    messages.success(request, f"单位属性已导入：{plan.units} 个单位，新增 {counts['new']} 个值，修改 {counts['changed']} 个，"
                              f"删除 {counts['removed']} 个，未变 {counts['unchanged']} 个。")
    return redirect(_page(cycle))


@login_required
@require_POST
def peers_weights(request):
    access.require(request.user, "analysis.manage")
    cycle = cycles.pick_or_404(request).cycle
    if cycle is None:
        messages.error(request, "尚未设立考核年度。")
        return redirect("analysis:peers")
    form = WeightsForm(list(cycle.unit_attributes.all()), request.POST)
    if not form.attributes:
        messages.error(request, "本年度还没有单位属性，请先导入单位属性工作簿。")
        return redirect(_page(cycle))
    if not form.is_valid():
        for field, errors in form.errors.items():
            messages.error(request, f"{form.fields[field].label}：{'；'.join(errors)}")
        return redirect(_page(cycle))
    try:
        changed = attributes_actions.set_weights(cycle, form.choices(), by=request.user)
    except ValidationError as exc:
        refusals.refuse(request, "unit.attribute_weight_refused", cycle, exc)
        return redirect(_page(cycle))
    messages.success(request, f"已保存权重：{'、'.join(changed)}。" if changed else "权重没有变化。")
    return redirect(_page(cycle))


@login_required
@require_POST
def peers_save_group(request):
    access.require(request.user, "analysis.manage")
    cycle = cycles.pick_or_404(request).cycle
    k = _k(request)
    if cycle is None:
        messages.error(request, "尚未设立考核年度。")
        return redirect("analysis:peers")
    code = request.POST.get("unit", "").strip()
    row = neighbours_inputs.propose(cycle, k).of(code)
    if row is None or not row.neighbours:
        messages.error(request, f"单位“{code[:20]}”在本年度没有提出近邻单位，未保存比较组。")
        return redirect(_page(cycle, k))
    by_code = Unit.objects.in_bulk([code, *(n.code for n in row.neighbours)], field_name="code")
    try:
        group = attributes_actions.save_neighbour_group(
            cycle, by_code[code], [by_code[n.code] for n in row.neighbours], by=request.user)
    except ValidationError as exc:
        refusals.refuse(request, "unit.neighbour_group_refused", cycle, exc)
        return redirect(_page(cycle, k))
    messages.success(request, f"已保存比较组“{group.name}”（{group.code}），共 {len(row.neighbours) + 1} 个单位，"
                              "可在横比页面选用。")
    return redirect(_page(cycle, k))


urlpatterns = [
    path("peers/", peers, name="peers"),
    path("peers/export/", peers_export, name="peers_export"),
    path("peers/import/", peers_import, name="peers_import"),
    path("peers/weights/", peers_weights, name="peers_weights"),
    path("peers/save-group/", peers_save_group, name="peers_save_group"),
]
