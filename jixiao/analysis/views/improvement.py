"""绩效改进目标与标杆 pages: the office's list (propose a batch, adjust, approve one or many, carry approved targets
into the next year, Excel export), leaders read it; a unit's people read their own proposals and 标杆."""

import io
from decimal import Decimal
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from jixiao.accounts import access
from jixiao.analysis import improvement, improvement_actions, improvement_queries
from jixiao.analysis.models import ImprovementMethod, ImprovementStatus, ImprovementTarget
from jixiao.indicators.models import Indicator
from jixiao.lib import cycles, refusals
from jixiao.lib.excel import Sheet, write_workbook
from jixiao.lib.responses import download
from jixiao.org.models import Group

KEPT = ("cycle", "group", "indicator", "status")
COMPLETE, CURRENT = "complete", "current"
DATA_CHOICES = [(COMPLETE, "最近的完整年度（全年数值）"), (CURRENT, "本年度已核定的最新累计值")]


class ProposeForm(forms.Form):
    method = forms.ChoiceField(label="测算方法", choices=ImprovementMethod.choices,
                               error_messages={"required": "请选择测算方法。", "invalid_choice": "请选择列出的测算方法。"})
    share = forms.DecimalField(label="缩小差距比例（%）", min_value=Decimal(1), max_value=Decimal(100), decimal_places=2,
                               initial=Decimal(50), error_messages={
                                   "required": "请填写缩小差距的比例。", "invalid": "缩小差距比例须为数字，例如 50。",
                                   "min_value": "缩小差距比例不能小于 1%%。", "max_value": "缩小差距比例不能大于 100%%。",
                                   "max_decimal_places": "缩小差距比例最多保留 2 位小数。"})
    data = forms.ChoiceField(label="测算所用数值", choices=DATA_CHOICES, initial=COMPLETE, error_messages={
        "required": "请选择测算所用的数值。", "invalid_choice": "请选择列出的数值来源。"})
    indicator = forms.ModelChoiceField(label="指标", queryset=Indicator.objects.none(), required=False,
                                       error_messages={"invalid_choice": "所选指标不在本年度考核方案中。"})

    def __init__(self, cycle, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = Indicator.objects.filter(scheme_items__scheme__cycle=cycle).distinct()


class AdjustForm(forms.Form):
    value = forms.DecimalField(label="调整后目标", max_digits=18, decimal_places=4, error_messages={
        "required": "请填写调整后的目标值。", "invalid": "调整后目标须为数字。",
        "max_decimal_places": "调整后目标最多保留 4 位小数。", "max_digits": "调整后目标的数字太长。"})


def _int(value) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isdigit() else None


def _filters(params) -> dict:
    status = params.get("status", "")
    return {"group": _int(params.get("group")), "indicator": _int(params.get("indicator")),
            "status": status if status in ImprovementStatus.values else ""}


def _rows(cycle, f: dict):
    rows = (ImprovementTarget.objects.filter(cycle=cycle)
            .select_related("unit", "indicator", "group", "approved_by")
            .order_by("group__sort_order", "group__code", "indicator__sort_order", "indicator__code",
                      "unit__sort_order", "unit__code"))
    for name in ("group", "indicator", "status"):
        if f[name]:
            rows = rows.filter(**{name: f[name]})
    return rows


def _groups(cycle):
    """The groups of the cycle's rows: those of the data year, which may be the year before."""
    return Group.objects.filter(pk__in=ImprovementTarget.objects.filter(cycle=cycle).values("group_id")).order_by(
        "sort_order", "code")


def _back(request, cycle) -> str:
    """The list with the filters the person came from (only the known ones, so never an outside address)."""
    query = {k: request.POST.get(k) for k in KEPT if (request.POST.get(k) or "").strip()}
    if "group" in request.POST and "group" not in query:
        query["group"] = ""  # 全部组别 chosen: the list must not fall back to its first group
    query["cycle"] = cycle.year
    return f"{reverse('analysis:improvement')}?{urlencode(query)}"


@login_required
@require_GET
def improvement_list(request):
    access.require(request.user, "analysis.view")
    pick = cycles.pick(request, open_work=ImprovementTarget.objects.all(), work="有改进目标")
    cycle = pick.cycle
    context = {"pick": pick, "cycle": cycle, "can_manage": access.can(request.user, "analysis.manage")}
    if cycle is not None:
        f = _filters(request.GET)
        groups = list(_groups(cycle))
        if not f["group"] and groups and "group" not in request.GET:
            f["group"] = groups[0].pk  # one group at a time by default: the district has hundreds of rows
        following = improvement_actions.next_cycle(cycle)
        rows = list(_rows(cycle, f))
        context.update(
            f=f, rows=rows, groups=groups, statuses=ImprovementStatus.choices,
            indicators=Indicator.objects.filter(improvement_targets__cycle=cycle).distinct()
            .order_by("sort_order", "code"),
            form=ProposeForm(cycle), next_year=cycle.year + 1, next_cycle=following,
            data_years=sorted(set(ImprovementTarget.objects.filter(cycle=cycle).values_list("data_year", flat=True))),
            complete=improvement_queries.complete_cycle(cycle),
            waiting=ImprovementTarget.objects.filter(cycle=cycle, status=ImprovementStatus.APPROVED).count(),
            approvable=sum(1 for r in rows if r.status == ImprovementStatus.PROPOSED and r.final is not None),
            query=urlencode({k: v for k, v in (("cycle", cycle.year), *f.items()) if v}))
    return render(request, "analysis/improvement.html", context)


def _managed_cycle(request):
    access.require(request.user, "analysis.manage")
    cycle = cycles.pick_or_404(request).cycle
    if cycle is None:
        raise Http404("尚未设立考核年度。")
    return cycle


@login_required
@require_POST
def improvement_propose(request):
    cycle = _managed_cycle(request)
    form = ProposeForm(cycle, request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(_back(request, cycle))
    data = form.cleaned_data
    try:
        counts = improvement_actions.propose(
            cycle, method=data["method"], share=data["share"], by=request.user,
            data_cycle=cycle if data["data"] == CURRENT else None,
            indicator_id=data["indicator"].pk if data["indicator"] else None)
    except ValidationError as error:
        refusals.refuse(request, "improvement.propose_refused", cycle, error)
        return redirect(_back(request, cycle))
    if not counts.written and not counts.kept:
        messages.warning(request, "所选范围内没有可测算的单位和指标（需有数量型指标的考核组别）。")
    else:
        kept = f"；已批准的 {counts.kept} 项保持不变" if counts.kept else ""
        source = "本年度最新累计值" if data["data"] == CURRENT else "最近完整年度数值"
        messages.success(request, f"已按“{ImprovementMethod(data['method']).label}”（{improvement.show(data['share'])}%）"
                                  f"、用{source}测算 {counts.written} 项，其中 {counts.with_value} 项有建议目标{kept}。")
    return redirect(_back(request, cycle))


@login_required
@require_POST
def improvement_adjust(request):
    cycle = _managed_cycle(request)
    target = get_object_or_404(ImprovementTarget, cycle=cycle, pk=_int(request.POST.get("id")) or 0)
    form = AdjustForm(request.POST)
    if not form.is_valid():
        for error in form.errors["value"]:
            messages.error(request, f"{target.unit.name}“{target.indicator.name}”：{error}")
        return redirect(_back(request, cycle))
    try:
        improvement_actions.adjust(target, form.cleaned_data["value"], by=request.user)
    except ValidationError as error:
        refusals.refuse(request, "improvement.adjust_refused", target, error)
    else:
        messages.success(request, f"{target.unit.name}“{target.indicator.name}”的目标已调整为 "
                                  f"{improvement.show(form.cleaned_data['value'])}。")
    return redirect(_back(request, cycle))


@login_required
@require_POST
def improvement_approve(request):
    cycle = _managed_cycle(request)
    ids = [i for i in (_int(v) for v in request.POST.getlist("ids")) if i]
    if not ids:
        messages.error(request, "请先勾选要批准的改进目标。")
        return redirect(_back(request, cycle))
    counts = improvement_actions.approve(cycle, ids, by=request.user)
    if counts.problems:
        refusals.refuse(request, "improvement.approve_refused", cycle, ValidationError(counts.problems), limit=10,
                        count=len(counts.problems))
    if counts.approved:
        messages.success(request, f"已批准 {counts.approved} 项。" + _applied_text(cycle, counts))
    if counts.already:
        messages.info(request, f"{counts.already} 项此前已批准，未重复处理。")
    return redirect(_back(request, cycle))


def _applied_text(cycle, counts) -> str:
    if counts.applied:
        return f"{counts.applied} 项已写入 {cycle.year + 1} 年度目标值。"
    if improvement_actions.next_cycle(cycle) is None:
        return f"{cycle.year + 1} 年度尚未设立，已批准的目标保留，待该年度设立后点击“转入下一年度目标”。"
    return ""


@login_required
@require_POST
def improvement_apply(request):
    cycle = _managed_cycle(request)
    try:
        counts = improvement_actions.apply_approved(cycle, by=request.user)
    except ValidationError as error:
        refusals.refuse(request, "improvement.apply_refused", cycle, error)
        return redirect(_back(request, cycle))
    if counts.problems:
        refusals.refuse(request, "improvement.apply_refused", cycle, ValidationError(counts.problems), limit=10)
    if counts.applied:
        messages.success(request, f"已将 {counts.applied} 项改进目标写入 {cycle.year + 1} 年度目标值。")
    return redirect(_back(request, cycle))


HEADER = ["组别", "单位编码", "单位", "指标编码", "指标", "方向", "计量单位", "数据年度", "数值", "标杆单位", "测算方法",
          "缩小差距比例（%）", "参照值", "建议目标", "调整后目标", "测算说明", "状态", "批准人", "批准时间"]


def _number(value):
    return None if value is None else float(value)


def _sheet(cycle, rows) -> Sheet:
    data = [[r.group.name if r.group else "", r.unit.code, r.unit.name, r.indicator.code, r.indicator.name,
             r.indicator.get_direction_display(), r.indicator.measure_unit, r.data_year, _number(r.current), r.benchmark,
             r.get_method_display(), _number(r.share), _number(r.reference), _number(r.proposed),
             _number(r.adjusted), r.explanation, r.get_status_display(),
             str(r.approved_by or ""),
             timezone.localtime(r.approved_at).strftime("%Y-%m-%d %H:%M") if r.approved_at else ""] for r in rows]
    return Sheet(f"{cycle.year + 1}年度改进目标", HEADER, data)


@login_required
@require_GET
def improvement_export(request):
    access.require(request.user, "analysis.view")
    cycle = cycles.pick_or_404(request, open_work=ImprovementTarget.objects.all()).cycle
    if cycle is None:
        raise Http404("尚未设立考核年度。")
    rows = _rows(cycle, _filters(request.GET))
    buffer = io.BytesIO()
    write_workbook(buffer, [_sheet(cycle, rows)])
    return download(buffer.getvalue(), f"{cycle.year + 1}年度绩效改进目标（据{cycle.year}年度数据）.xlsx")


@login_required
@require_GET
def my_improvement(request):
    access.require(request.user, "analysis.view_own")
    unit = access.current_membership(request.user).unit
    mine = ImprovementTarget.objects.filter(unit=unit)
    pick = cycles.pick(request, open_work=mine, work="有本单位改进目标")
    rows = (mine.filter(cycle=pick.cycle).select_related("indicator", "group")
            .order_by("indicator__sort_order", "indicator__code") if pick.cycle else [])
    return render(request, "analysis/improvement_my.html", {"pick": pick, "cycle": pick.cycle, "unit": unit,
                                                             "rows": rows})


urlpatterns = [
    path("improvement/", improvement_list, name="improvement"),
    path("improvement/propose/", improvement_propose, name="improvement_propose"),
    path("improvement/adjust/", improvement_adjust, name="improvement_adjust"),
    path("improvement/approve/", improvement_approve, name="improvement_approve"),
    path("improvement/apply/", improvement_apply, name="improvement_apply"),
    path("improvement/export/", improvement_export, name="improvement_export"),
    path("my/improvement/", my_improvement, name="my_improvement"),
]
