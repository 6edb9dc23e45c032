"""Target pages: the district table, a unit's own targets, an assessor's indicators, adjustments."""

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jixiao.accounts import access
from jixiao.analysis import target_comparison
from jixiao.indicators import actions, exports
from jixiao.indicators.forms import AdjustmentRequestForm, DeadlineForm, DecisionForm, TargetForm
from jixiao.indicators.models import (
    AdjustmentStatus,
    Category,
    SchemeItem,
    Target,
    TargetAdjustment,
    TargetMilestone,
    adjustment_deadline,
)
from jixiao.indicators.validation import check_decomposition
from jixiao.indicators.views import _int
from jixiao.lib import cycles, refusals
from jixiao.lib.responses import download_workbook
from jixiao.org.models import Cycle, Group, Unit

PAGE_SIZE = 200


@login_required
@require_GET
def target_list(request):
    """All targets of a cycle, filtered on the server and paginated (≈ 110 units × 80 indicators)."""
    access.require(request.user, "targets.view_all")
    pick = cycles.pick(request)
    cycle = pick.cycle
    f = {"group": _int(request.GET.get("group")), "unit": _int(request.GET.get("unit")),
         "category": request.GET.get("category", ""), "assessor": _int(request.GET.get("assessor")),
         "q": request.GET.get("q", "").strip()}
    targets = Target.objects.for_table().filter(cycle=cycle)
    if f["group"]:
        targets = targets.filter(unit__peer_groups=f["group"])
    if f["unit"]:
        targets = targets.filter(unit_id=f["unit"])
    if f["category"]:
        targets = targets.filter(indicator__category=f["category"])
    if f["assessor"]:
        assessed = SchemeItem.objects.filter(scheme__cycle=cycle, assessor_id=f["assessor"]).values("indicator")
        targets = targets.filter(indicator__in=assessed)
    if f["q"]:
        targets = targets.filter(Q(indicator__name__contains=f["q"]) | Q(indicator__code__icontains=f["q"]))
    page = Paginator(targets, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "indicators/target_list.html", {
        "pick": pick, "cycle": cycle, "page": page, "f": f, "query": query.urlencode(),
        "groups": Group.objects.filter(cycle=cycle), "units": Unit.objects.current().without_villages(),
        "categories": Category.choices, "assessors": Unit.objects.current().filter(is_assessor=True),
        "can_manage": access.can(request.user, "indicators.manage"),
    })


def target_matrix_of(cycle, group) -> tuple[list, list]:
    """A 考核组别's targets as a table: the indicators of its scheme items (in the scheme's order) and, per member
    unit, its target of each (None where it has none); three queries whatever its size."""
    items = (SchemeItem.objects.filter(scheme__cycle=cycle, group=group).select_related("indicator", "block")
             .order_by("block__sort_order", "block__code", "sort_order", "indicator__sort_order", "indicator__code"))
    indicators = list({item.indicator_id: item.indicator for item in items}.values())
    units = sorted(group.units.all(), key=lambda unit: (unit.sort_order, unit.code))
    targets = {(t.unit_id, t.indicator_id): t for t in Target.objects.filter(
        cycle=cycle, unit__in=units, indicator__in=indicators)}
    return indicators, [(unit, [targets.get((unit.pk, ind.pk)) for ind in indicators]) for unit in units]


def _matrix_request(request, picker=cycles.pick):
    """The cycle picked, its groups with scheme items and the picked group (the first by default)."""
    access.require(request.user, "targets.view_all")
    pick = picker(request)
    cycle = pick.cycle
    groups = list(Group.objects.filter(cycle=cycle, scheme_items__isnull=False).distinct().order_by(
        "sort_order", "code")) if cycle else []
    wanted = _int(request.GET.get("group"))
    group = next((g for g in groups if g.pk == wanted), groups[0] if groups else None)
    return pick, groups, group


@login_required
@require_GET
def target_matrix(request):
    """One 考核组别's targets as units × indicators, the way offices lay them out in a spreadsheet."""
    pick, groups, group = _matrix_request(request)
    cycle = pick.cycle
    indicators, rows = target_matrix_of(cycle, group) if group else ([], [])
    missing = sum(target is None for _unit, targets in rows for target in targets)
    return render(request, "indicators/target_matrix.html", {
        "pick": pick, "cycle": cycle, "groups": groups, "group": group, "indicators": indicators, "rows": rows,
        "missing": missing})


@login_required
@require_GET
def target_matrix_export(request):
    pick, _groups, group = _matrix_request(request, cycles.pick_or_404)
    cycle = pick.cycle
    if group is None:
        raise Http404("没有考核组别")
    indicators, rows = target_matrix_of(cycle, group)
    return download_workbook([exports.matrix_sheet(cycle, group, indicators, rows)],
                             f"{cycle.year}年度目标值-{group.name}.xlsx")


def _target_action(user) -> str:
    return "targets.view_all" if access.can(user, "targets.view_all") else "targets.view_own"


@login_required
@require_GET
def target_detail(request, pk):
    target = access.get_for_user(request.user, Target, pk, _target_action(request.user),
                                 queryset=Target.objects.for_table())
    children = target.children.select_related("unit").order_by("unit__sort_order", "unit__code")
    years = target_comparison.history(target)
    return render(request, "indicators/target_detail.html", {
        "years": years, "history_chart": target_comparison.history_chart(years, target.indicator.measure_unit),
        "peer_groups": target_comparison.peer_groups(target), "sees_peers": access.can(request.user, "targets.view_all"),
        "target": target, "children": children, "milestones": target.milestones.all(),
        "check": check_decomposition(target) if children else None,
        "adjustments": target.adjustments.for_table(),
        "deadline": adjustment_deadline(target.cycle),
        "can_manage": access.can(request.user, "indicators.manage"),
        "can_request": access.can(request.user, "targets.request_adjustment")
        and actions.adjustment_open(target.cycle),
    })


@login_required
@require_http_methods(["GET", "POST"])
def target_edit(request, pk):
    target = access.get_for_user(request.user, Target, pk, "indicators.manage", queryset=Target.objects.for_table())
    form = TargetForm(request.POST or None, instance=Target.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        try:
            actions.set_target(cycle=target.cycle, unit=target.unit, indicator=target.indicator, by=request.user,
                               **form.cleaned_data)
        except ValidationError as error:
            refusals.refuse(request, "target.update_refused", target, error, form=form)
        else:
            messages.success(request, "目标值已保存。")
            return redirect("indicators:target_detail", pk=pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "indicators/target_form.html", {"target": target, "form": form}, status=status)


def _unit_rows(cycle, unit):
    """The scheme items that apply to `unit` in `cycle`, with its targets, in a fixed number of queries."""
    items = list(SchemeItem.objects.for_table().select_related("scheme")
                 .filter(scheme__cycle=cycle, group__units=unit))
    targets = {t.indicator_id: t for t in Target.objects.filter(cycle=cycle, unit=unit)}
    pending = set(TargetAdjustment.objects.filter(target__cycle=cycle, target__unit=unit,
                                                  status=AdjustmentStatus.PENDING).values_list("target_id", flat=True))
    return [(item, targets.get(item.indicator_id)) for item in items], pending


def _own(request, action: str, picker=cycles.pick):
    """The active membership's unit, after checking `action`, and the cycle the request picks."""
    access.require(request.user, action)
    return access.current_membership(request.user).unit, picker(request)


def _own_for_export(request, action: str):
    """As `_own`, for an export: the unit and the picked cycle (404 when there is none or ?cycle= names none)."""
    unit, pick = _own(request, action, cycles.pick_or_404)
    cycle = pick.cycle
    if cycle is None:
        raise Http404("没有考核年度")
    return unit, cycle


@login_required
@require_GET
def my_targets(request):
    """My unit's indicators and targets (the active membership's unit)."""
    unit, pick = _own(request, "targets.view_own")
    cycle = pick.cycle
    rows, pending = _unit_rows(cycle, unit) if cycle else ([], set())
    requests = TargetAdjustment.objects.for_table().filter(target__unit=unit, target__cycle=cycle)
    return render(request, "indicators/my_targets.html", {
        "unit": unit, "pick": pick, "cycle": cycle, "rows": rows, "pending": pending,
        "requests": requests, "deadline": adjustment_deadline(cycle) if cycle else None,
        "can_request": cycle is not None and access.can(request.user, "targets.request_adjustment")
        and actions.adjustment_open(cycle),
    })


@login_required
@require_GET
def my_targets_export(request):
    """My unit's indicators and targets of the chosen cycle, as an Excel workbook (what `my_targets` shows, with
    milestones)."""
    unit, cycle = _own_for_export(request, "targets.view_own")
    rows, pending = _unit_rows(cycle, unit)
    milestones = defaultdict(dict)
    for target_id, period, value in TargetMilestone.objects.filter(
            target__cycle=cycle, target__unit=unit).values_list("target_id", "period", "value"):
        milestones[target_id][period] = value
    return download_workbook([exports.my_targets_sheet(cycle, unit, rows, pending, milestones)],
                             f"{unit.name}{cycle.year}年度指标与目标.xlsx")


def _assessed_rows(cycle, unit) -> tuple[list, int]:
    """(scheme item, assessed unit, its target or None) for every item `unit` assesses in `cycle`, and the number
    of items, in a fixed number of queries."""
    items = list(SchemeItem.objects.for_table().filter(scheme__cycle=cycle, assessor=unit)
                 .prefetch_related("group__units"))
    indicator_ids = {item.indicator_id for item in items}
    targets = {(t.unit_id, t.indicator_id): t
               for t in Target.objects.filter(cycle=cycle, indicator_id__in=indicator_ids)}
    rows = [(item, member, targets.get((member.pk, item.indicator_id)))
            for item in items for member in item.group.units.all()]
    return rows, len(items)


@login_required
@require_GET
def assessed(request):
    """The indicators my (assessor) unit owns, with every assessed unit's target."""
    unit, pick = _own(request, "indicators.view_assessed")
    cycle = pick.cycle
    rows, n_items = _assessed_rows(cycle, unit)
    return render(request, "indicators/assessed.html",
                  {"unit": unit, "pick": pick, "cycle": cycle, "rows": rows, "n_items": n_items})


@login_required
@require_GET
def assessed_export(request):
    unit, cycle = _own_for_export(request, "indicators.view_assessed")
    rows, _n_items = _assessed_rows(cycle, unit)
    return download_workbook([exports.assessed_sheet(cycle, rows)], f"{unit.name}{cycle.year}年度考核指标.xlsx")


@login_required
@require_http_methods(["GET", "POST"])
def adjustment_request(request, pk):
    target = access.get_for_user(request.user, Target, pk, "targets.request_adjustment",
                                 queryset=Target.objects.for_table())
    form = AdjustmentRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.request_adjustment(target, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            refusals.refuse(request, "adjustment.request_refused", target, error, form=form)
        else:
            messages.success(request, "调整申请已提交，等待绩效办审批。")
            return redirect("indicators:my_targets")
    status = 422 if request.method == "POST" else 200
    return render(request, "indicators/adjustment_form.html", {
        "target": target, "form": form, "deadline": adjustment_deadline(target.cycle),
        "open": actions.adjustment_open(target.cycle),
    }, status=status)


@login_required
@require_GET
def adjustment_queue(request):
    access.require(request.user, "targets.decide_adjustment")
    pick = cycles.pick(request)
    cycle = pick.cycle
    adjustments = TargetAdjustment.objects.for_table().filter(target__cycle=cycle)
    return render(request, "indicators/adjustment_queue.html", {
        "pick": pick, "cycle": cycle,
        "pending": [a for a in adjustments if a.status == AdjustmentStatus.PENDING],
        "decided": [a for a in adjustments if a.status != AdjustmentStatus.PENDING],
        "decision_form": DecisionForm(), "deadline": adjustment_deadline(cycle) if cycle else None,
        "deadline_form": DeadlineForm(initial={"deadline": adjustment_deadline(cycle)}) if cycle else None,
    })


@login_required
@require_POST
def adjustment_decide(request, pk):
    access.require(request.user, "targets.decide_adjustment")
    adjustment = get_object_or_404(TargetAdjustment.objects.for_table(), pk=pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
        return redirect("indicators:adjustment_queue")
    try:
        if form.cleaned_data["decision"] == "approve":
            actions.approve_adjustment(adjustment, by=request.user, reason=form.cleaned_data["reason"])
            messages.success(request, "已同意，目标值已调整。")
        else:
            actions.refuse_adjustment(adjustment, by=request.user, reason=form.cleaned_data["reason"])
            messages.success(request, "已驳回该申请。")
    except ValidationError as error:
        refusals.refuse(request, "adjustment.decide_refused", adjustment, error)
    return redirect(f"{_queue_url()}?cycle={adjustment.target.cycle.year}")


@login_required
@require_GET
def adjustment_export(request):
    access.require(request.user, "targets.decide_adjustment")
    cycle = cycles.pick_or_404(request).cycle
    if cycle is None:
        raise Http404("没有考核年度")
    adjustments = TargetAdjustment.objects.for_table().filter(target__cycle=cycle)
    ordered = sorted(adjustments, key=lambda a: a.status != AdjustmentStatus.PENDING)  # stable: newest first in each
    return download_workbook([exports.adjustments_sheet(cycle, ordered)], f"{cycle.year}年度目标调整申请.xlsx")


def _queue_url():
    return reverse("indicators:adjustment_queue")


@login_required
@require_POST
def deadline_set(request, year):
    access.require(request.user, "indicators.manage")
    cycle = get_object_or_404(Cycle, year=year)
    form = DeadlineForm(request.POST)
    if form.is_valid():
        actions.set_adjustment_deadline(cycle, form.cleaned_data["deadline"], by=request.user)
        messages.success(request, "截止日期已保存。")
    else:
        messages.error(request, "请填写有效的日期。")
    return redirect(f"{_queue_url()}?cycle={year}")
