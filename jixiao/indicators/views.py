"""Pages of the indicator library and the schemes (office side). Target pages live in target_views.py."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jixiao.accounts import access
from jixiao.indicators import actions, exports
from jixiao.indicators.forms import (
    PART_FORMS,
    DefinitionForm,
    IndicatorForm,
    ReasonForm,
    SchemeForm,
    SchemeOptionsForm,
)
from jixiao.indicators.models import (
    Category,
    Direction,
    Indicator,
    IndicatorVersion,
    Scheme,
)
from jixiao.indicators.rule_specs import RULES, describe_params
from jixiao.indicators.validation import validate_scheme
from jixiao.lib import cycles, refusals
from jixiao.lib.responses import download_workbook
from jixiao.org.models import Unit


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# --- Indicator library -----------------------------------------------------------------------------


@login_required
@require_GET
def indicator_list(request):
    access.require(request.user, "indicators.view")
    rows, f = _library_rows(request)
    return render(request, "indicators/indicator_list.html", {
        "rows": rows, "f": f, "categories": Category.choices, "directions": Direction.choices,
        "assessors": Unit.objects.current().filter(is_assessor=True),
        "can_manage": access.can(request.user, "indicators.manage"), "query": request.GET.urlencode(),
    })


@login_required
@require_GET
def indicator_export(request):
    """The library as the page lists it (same filters), as an Excel workbook."""
    access.require(request.user, "indicators.view")
    rows, _f = _library_rows(request)
    return download_workbook([exports.library_sheet(rows)], "指标库.xlsx")


def _library_rows(request) -> tuple[list, dict]:
    """(indicator, its latest definition or None) rows the library page lists for the request's filters, and the
    filters."""
    f = {"category": request.GET.get("category", ""), "direction": request.GET.get("direction", ""),
         "assessor": _int(request.GET.get("assessor")), "q": request.GET.get("q", "").strip()}
    latest = IndicatorVersion.objects.select_related("default_assessor").order_by("-valid_from_year")
    indicators = Indicator.objects.prefetch_related(Prefetch("versions", queryset=latest)).order_by(
        "sort_order", "code")
    if f["category"]:
        indicators = indicators.filter(category=f["category"])
    if f["direction"]:
        indicators = indicators.filter(direction=f["direction"])
    if f["assessor"]:
        indicators = indicators.filter(versions__default_assessor_id=f["assessor"]).distinct()
    if f["q"]:
        indicators = indicators.filter(Q(name__contains=f["q"]) | Q(code__icontains=f["q"]))
    return [(ind, next(iter(ind.versions.all()), None)) for ind in indicators], f


@login_required
@require_GET
def indicator_detail(request, pk):
    access.require(request.user, "indicators.view")
    indicator = get_object_or_404(Indicator, pk=pk)
    versions = indicator.versions.select_related("default_assessor").order_by("-valid_from_year")
    uses = (indicator.scheme_items.select_related("scheme__cycle", "group", "version", "assessor")
            .order_by("-scheme__cycle__year", "group__code"))
    return render(request, "indicators/indicator_detail.html", {
        "indicator": indicator, "versions": versions, "uses": uses,
        "can_manage": access.can(request.user, "indicators.manage"),
    })


@login_required
@require_http_methods(["GET", "POST"])
def indicator_create(request):
    access.require(request.user, "indicators.manage")
    form = IndicatorForm(request.POST or None)
    definition = DefinitionForm(request.POST or None, prefix="def")
    if request.method == "POST" and form.is_valid() and definition.is_valid():
        try:
            indicator = actions.create_indicator(
                by=request.user, valid_from_year=definition.cleaned_data["valid_from_year"],
                version=definition.version_values(), **form.cleaned_data,
            )
        except ValidationError as error:
            refusals.refuse(request, "indicator.create_refused", None, error, form=form)
        else:
            messages.success(request, f"已新建指标：{indicator}")
            return redirect("indicators:indicator_detail", pk=indicator.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "indicators/indicator_form.html",
                  {"form": form, "definition": definition, "title": "新建指标"}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def indicator_edit(request, pk):
    access.require(request.user, "indicators.manage")
    indicator = get_object_or_404(Indicator, pk=pk)
    form = IndicatorForm(request.POST or None, instance=Indicator.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_indicator(indicator, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            refusals.refuse(request, "indicator.update_refused", indicator, error, form=form)
        else:
            messages.success(request, "指标已保存。")
            return redirect("indicators:indicator_detail", pk=pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "indicators/indicator_form.html",
                  {"form": form, "indicator": indicator, "title": f"编辑指标 {indicator}"}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def indicator_revise(request, pk):
    """Write the definition in force from a year on (earlier cycles keep theirs)."""
    access.require(request.user, "indicators.manage")
    indicator = get_object_or_404(Indicator, pk=pk)
    current = indicator.versions.order_by("-valid_from_year").first()
    initial = {"definition": current.definition, "data_source": current.data_source,
               "default_assessor": current.default_assessor_id, "measure_unit": current.measure_unit} if current else {}
    form = DefinitionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.revise_definition(indicator, form.cleaned_data["valid_from_year"], by=request.user,
                                      **form.version_values())
        except ValidationError as error:
            refusals.refuse(request, "indicator.revise_refused", indicator, error, form=form)
        else:
            messages.success(request, "指标口径已保存。")
            return redirect("indicators:indicator_detail", pk=pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "indicators/indicator_form.html",
                  {"definition": form, "indicator": indicator, "title": f"修订口径 {indicator}"}, status=status)


@login_required
@require_GET
def rule_list(request):
    access.require(request.user, "indicators.view")
    return render(request, "indicators/rule_list.html", {"rules": RULES.values()})


# --- Schemes ---------------------------------------------------------------------------------------


@login_required
@require_GET
def scheme_list(request):
    access.require(request.user, "indicators.view")
    pick = cycles.pick(request)
    cycle = pick.cycle
    schemes = (Scheme.objects.with_parts().filter(cycle=cycle)
               .annotate(n_items=Count("items", distinct=True), n_groups=Count("scheme_groups", distinct=True)))
    return render(request, "indicators/scheme_list.html", {
        "pick": pick, "cycle": cycle, "schemes": schemes,
        "can_manage": access.can(request.user, "indicators.manage"),
        "can_export": access.can(request.user, "targets.view_all"),
    })


@login_required
@require_http_methods(["GET", "POST"])
def scheme_create(request):
    access.require(request.user, "indicators.manage")
    form = SchemeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            scheme = actions.create_scheme(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            refusals.refuse(request, "scheme.create_refused", None, error, form=form)
        else:
            messages.success(request, f"已新建方案：{scheme}")
            return redirect("indicators:scheme_detail", pk=scheme.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "indicators/scheme_form.html", {"form": form}, status=status)


def _item_filters(request, scheme):
    f = {"group": _int(request.GET.get("group")), "block": _int(request.GET.get("block")),
         "category": request.GET.get("category", ""), "assessor": _int(request.GET.get("assessor"))}
    items = scheme.items.for_table()
    if f["group"]:
        items = items.filter(group_id=f["group"])
    if f["block"]:
        items = items.filter(block_id=f["block"])
    if f["category"]:
        items = items.filter(indicator__category=f["category"])
    if f["assessor"]:
        items = items.filter(assessor_id=f["assessor"])
    return f, items


@login_required
@require_GET
def scheme_detail(request, pk):
    """The scheme builder and review page: blocks, groups, items (filtered on the server), validation."""
    access.require(request.user, "indicators.view")
    scheme = get_object_or_404(Scheme.objects.with_parts(), pk=pk)
    f, items = _item_filters(request, scheme)
    rows = [(item, describe_params(item.rule, item.params)) for item in items]
    groups = list(scheme.scheme_groups.select_related("group").annotate(n_units=Count("group__units")))
    return render(request, "indicators/scheme_detail.html", {
        "scheme": scheme, "f": f, "rows": rows, "groups": groups,
        "blocks": list(scheme.blocks.all()),
        "categories_adj": scheme.adjustment_categories.all(), "vetoes": scheme.vetoes.all(),
        "grades": scheme.grade_rules.all(), "problems": validate_scheme(scheme),
        "categories": Category.choices, "assessors": Unit.objects.filter(assessed_items__scheme=scheme).distinct(),
        "can_manage": access.can(request.user, "indicators.manage"), "reason_form": ReasonForm(),
        "can_export": access.can(request.user, "targets.view_all"),
    })


@login_required
@require_POST
def scheme_publish(request, pk):
    access.require(request.user, "indicators.manage")
    scheme = get_object_or_404(Scheme.objects.with_parts(), pk=pk)
    try:
        actions.publish_scheme(scheme, by=request.user)
    except actions.SchemeInvalid as refused:
        refusals.refuse(request, "scheme.publish_refused", scheme,
                        f"方案未通过校验，不能发布（{len(refused.problems)} 个问题，见“校验结果”）。",
                        problems=len(refused.problems))
    except ValidationError as error:
        refusals.refuse(request, "scheme.publish_refused", scheme, error)
    else:
        messages.success(request, "方案已发布并锁定。")
    return redirect("indicators:scheme_detail", pk=pk)


@login_required
@require_POST
def scheme_copy(request, pk):
    access.require(request.user, "indicators.manage")
    scheme = get_object_or_404(Scheme.objects.with_parts(), pk=pk)
    try:
        copy = actions.copy_to_next_year(scheme, by=request.user)
    except ValidationError as error:
        refusals.refuse(request, "scheme.copy_refused", scheme, error)
        return redirect("indicators:scheme_detail", pk=pk)
    messages.success(request, f"已生成{copy.cycle.year}年度方案草稿，请修改后发布。")
    return redirect("indicators:scheme_detail", pk=copy.pk)


@login_required
@require_http_methods(["GET", "POST"])
def scheme_options(request, pk):
    """The scheme's scoring options (计分选项): what missing data scores and how ties are ranked."""
    access.require(request.user, "indicators.manage")
    scheme = get_object_or_404(Scheme.objects.with_parts(), pk=pk)
    form = SchemeOptionsForm(request.POST or None, instance=Scheme.objects.with_parts().get(pk=pk))
    if request.method == "POST" and form.is_valid():
        try:
            actions.set_scheme_options(scheme, by=request.user, reason=form.cleaned_data.get("reason", ""),
                                       **{name: form.cleaned_data[name] for name in actions.SCHEME_OPTIONS})
        except ValidationError as error:
            refusals.refuse(request, "scheme.options_refused", scheme, error, form=form)
        else:
            messages.success(request, "计分选项已保存。")
            return redirect("indicators:scheme_detail", pk=pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "indicators/part_form.html",
                  {"scheme": scheme, "form": form, "title": "计分选项", "kind": "options"}, status=status)


def _part(scheme, kind, part_pk):
    form_class, _label = PART_FORMS[kind]
    model = form_class._meta.model
    return get_object_or_404(model, pk=part_pk, scheme=scheme)


@login_required
@require_http_methods(["GET", "POST"])
def part_edit(request, pk, kind, part_pk=None):
    """Add (part_pk None) or change one part of a scheme: block, group, item, category, veto, grade."""
    access.require(request.user, "indicators.manage")
    scheme = get_object_or_404(Scheme.objects.with_parts(), pk=pk)
    if kind not in PART_FORMS:
        raise_404()
    form_class, label = PART_FORMS[kind]
    instance = _part(scheme, kind, part_pk) if part_pk else None
    if "switch_rule" in request.POST:  # show the item again with the fields of the rule chosen; save nothing
        form = form_class(initial=request.POST.dict(), instance=instance, scheme=scheme)
        return render(request, "indicators/part_form.html",
                      {"scheme": scheme, "form": form, "title": _part_title(part_pk, label), "kind": kind})
    form = form_class(request.POST or None, instance=instance, scheme=scheme)
    if request.method == "POST" and form.is_valid():
        try:
            actions.save_part(form.instance, by=request.user, reason=form.cleaned_data.get("reason", ""))
        except ValidationError as error:
            refusals.refuse(request, "scheme.part_refused", scheme, error, form=form, part=kind)
        else:
            messages.success(request, f"{label}已保存。")
            return redirect("indicators:scheme_detail", pk=pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "indicators/part_form.html",
                  {"scheme": scheme, "form": form, "title": _part_title(part_pk, label), "kind": kind}, status=status)


def _part_title(part_pk, label) -> str:
    return f"{'编辑' if part_pk else '添加'}{label}"


@login_required
@require_POST
def part_delete(request, pk, kind, part_pk):
    access.require(request.user, "indicators.manage")
    scheme = get_object_or_404(Scheme.objects.with_parts(), pk=pk)
    if kind not in PART_FORMS:
        raise_404()
    part = _part(scheme, kind, part_pk)
    try:
        actions.delete_part(part, by=request.user, reason=request.POST.get("reason", ""))
    except ValidationError as error:
        refusals.refuse(request, "scheme.part_refused", scheme, error, part=kind)
    else:
        messages.success(request, f"已删除{PART_FORMS[kind][1]}。")
    return redirect("indicators:scheme_detail", pk=pk)


def raise_404():
    raise Http404("没有这种方案组成部分")
