"""Office pages for the organisation (units, cadres, cycles) and the unit roles' own-unit page."""

import io

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jixiao.accounts import access
from jixiao.accounts.models import Membership
from jixiao.lib import refusals
from jixiao.lib.excel import Sheet, WorkbookError, write_workbook
from jixiao.lib.responses import download
from jixiao.lib.uploads import record_refusal
from jixiao.org import actions, forms, history, tree, unitbook
from jixiao.org.models import Cadre, CadrePost, Cycle, CycleStatus, Succession, Unit, UnitKind

IMPORT_SALT = "jixiao.org.unit_import"
IMPORT_MAX_AGE = 3600


def _posted(request):
    """The POST data to bind a form to, even when empty; None on GET."""
    return request.POST if request.method == "POST" else None


# --- Unit tree, detail, export ----------------------------------------------------------------------


@login_required
@require_GET
def unit_tree(request):
    access.require(request.user, "org.view")
    form = forms.UnitFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    units = tree.all_units()
    roots = tree.prune(tree.build(units), kind=filters.get("kind", ""), query=filters.get("q", ""),
                       show_retired=filters.get("show_retired", False))
    filtering = bool(filters.get("kind") or filters.get("q"))
    counts = {kind: 0 for kind in UnitKind.values}
    for unit in units:
        if not unit.is_retired:
            counts[unit.kind] += 1
    context = {
        "form": form, "entries": tree.flatten(roots, open_depth=99 if filtering else 1, url_of=_detail_url()),
        "filtering": filtering, "shown": sum(1 for _ in tree.walk(roots)),
        "kind_counts": [(UnitKind(k).label, n) for k, n in counts.items() if n],
        "retired_count": sum(1 for u in units if u.is_retired),
        "can_manage": access.can(request.user, "org.manage"),
    }
    return render(request, "org/unit_tree.html", context)


def _detail_url():
    """pk -> detail URL without a reverse() per unit (the tree lists thousands)."""
    prefix, suffix = reverse("org:unit_detail", args=[987654321]).split("987654321")
    return lambda pk: f"{prefix}{pk}{suffix}"


@login_required
@require_GET
def unit_detail(request, pk):
    access.require(request.user, "org.view")
    unit = access.get_for_user(request.user, Unit, pk, "org.view", Unit.objects.select_related("parent"))
    return render(request, "org/unit_detail.html", _detail_context(request, unit))


def _detail_context(request, unit, cadre_form=None):
    units = tree.all_units()
    by_id = {u.pk: u for u in units}
    ancestors, cursor = [], by_id.get(unit.parent_id)
    while cursor is not None and cursor not in ancestors:
        ancestors.insert(0, cursor)
        cursor = by_id.get(cursor.parent_id)
    cadres = list(unit.cadres.order_by("tenure_to", "post", "tenure_from", "id"))
    return {
        "unit": unit, "ancestors": ancestors,
        "children": sorted((u for u in units if u.parent_id == unit.pk), key=tree.sort_key),
        "cadres": cadres,
        "accepts_children": unit.kind in forms.PARENT_KINDS,
        "membership_count": Membership.objects.active().filter(unit=unit).count(),
        "history": history.for_unit(unit, cadres),
        "successions": list(Succession.objects.filter(Q(predecessor=unit) | Q(successor=unit))
                            .select_related("predecessor", "successor").order_by("on", "id")),
        "can_manage": access.can(request.user, "org.manage"),
        "cadre_form": cadre_form or forms.CadreForm(initial={"post": CadrePost.TEAM_MEMBER}),
        "end_form": forms.CadreEndForm(),
    }


@login_required
@require_GET
def unit_export(request):
    access.require(request.user, "org.view")
    buffer = io.BytesIO()
    unitbook.write(buffer)
    return download(buffer.getvalue(), f"units-{timezone.localdate():%Y%m%d}.xlsx")


# --- Unit changes -----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def unit_create(request):
    access.require(request.user, "org.manage")
    initial = {"parent": request.GET.get("parent"), "valid_from": timezone.localdate()}
    form = forms.UnitForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            unit = actions.create_unit(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            refusals.refuse(request, "unit.create_refused", None, exc, form=form)
        else:
            messages.success(request, f"已新增单位：{unit.name}")
            return redirect("org:unit_detail", pk=unit.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "org/unit_form.html", {"form": form, "unit": None}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def unit_edit(request, pk):
    access.require(request.user, "org.manage")
    unit = access.get_for_user(request.user, Unit, pk, "org.manage")
    form = forms.UnitForm(_posted(request), instance=Unit.objects.get(pk=unit.pk))
    if request.method == "POST" and form.is_valid():
        changed = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            if changed:
                actions.update_unit(unit, by=request.user, **changed)
        except ValidationError as exc:
            refusals.refuse(request, "unit.update_refused", unit, exc, form=form)
        else:
            messages.success(request, "单位信息已保存。" if changed else "没有修改任何内容。")
            return redirect("org:unit_detail", pk=unit.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "org/unit_form.html", {"form": form, "unit": unit}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def unit_move(request, pk):
    access.require(request.user, "org.manage")
    unit = access.get_for_user(request.user, Unit, pk, "org.manage", Unit.objects.select_related("parent"))
    below = tree.descendants_of(unit, tree.all_units())
    form = forms.UnitMoveForm(unit, _posted(request), excluded=below)
    if request.method == "POST":
        # The action, not the list of offered choices, decides: a refused parent gets its reason.
        raw = request.POST.get("parent", "")
        new_parent = Unit.objects.filter(pk=raw).first() if raw.isdigit() else None
        try:
            if raw and new_parent is None:
                raise ValidationError("所选上级单位不存在")
            actions.move_unit(unit, new_parent, by=request.user)
        except ValidationError as exc:
            refusals.refuse(request, "unit.move_refused", unit, exc, form=form)
        else:
            messages.success(request, f"已将“{unit.name}”调整到“{new_parent or '（无上级）'}”之下。")
            return redirect("org:unit_detail", pk=unit.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "org/unit_move.html", {"form": form, "unit": unit}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def unit_retire(request, pk):
    access.require(request.user, "org.manage")
    unit = access.get_for_user(request.user, Unit, pk, "org.manage")
    form = forms.RetireForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            actions.retire_unit(unit, form.cleaned_data["valid_to"], by=request.user)
        except ValidationError as exc:
            refusals.refuse(request, "unit.retire_refused", unit, exc, form=form)
        else:
            messages.success(request, f"已撤销单位：{unit.name}（历史数据保留）")
            return redirect("org:unit_detail", pk=unit.pk)
    context = {
        "form": form, "unit": unit,
        "current_children": list(unit.children.current()),
        "membership_count": Membership.objects.active().filter(unit=unit).count(),
    }
    return render(request, "org/unit_retire.html", context, status=422 if request.method == "POST" else 200)


# --- Unit import ------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def unit_import(request):
    access.require(request.user, "org.manage")
    if request.method == "GET":
        return render(request, "org/unit_import.html", {"form": forms.ImportForm()})
    if "token" in request.POST:
        return _import_confirm(request)
    form = forms.ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "org/unit_import.html", {"form": form}, status=422)
    upload = form.cleaned_data["file"]
    try:
        rows, plan = unitbook.read_plan(upload, settings.UPLOAD_MAX_BYTES)
    except WorkbookError as exc:
        record_refusal("unit.import_refused", None, user=request.user, error=exc, file_name=upload.name)
        context = {"form": forms.ImportForm(), "errors": exc.errors, "error": exc}
        return render(request, "org/unit_import.html", context, status=422)
    token = signing.dumps({"u": request.user.pk, "rows": [r.to_json() for r in rows]}, salt=IMPORT_SALT,
                          compress=True)
    context = {"plan": plan, "token": token, "file_name": form.cleaned_data["file"].name}
    return render(request, "org/unit_import_preview.html", context)


def _import_confirm(request):
    try:
        payload = signing.loads(request.POST["token"], salt=IMPORT_SALT, max_age=IMPORT_MAX_AGE)
    except signing.BadSignature:
        messages.error(request, "导入预览已过期或无效，请重新上传文件。")
        return redirect("org:unit_import")
    if payload.get("u") != request.user.pk:
        messages.error(request, "导入预览不属于当前用户，请重新上传文件。")
        return redirect("org:unit_import")
    rows = [unitbook.UnitRow.from_json(item) for item in payload["rows"]]
    try:
        plan = actions.import_units(rows, by=request.user)
    except WorkbookError as exc:
        record_refusal("unit.import_refused", None, user=request.user, error=exc)
        context = {"form": forms.ImportForm(), "errors": exc.errors, "error": exc, "stale": True}
        return render(request, "org/unit_import.html", context, status=422)
    counts = plan.counts
    messages.success(request, f"导入完成：新增 {counts['new']} 个，修改 {counts['changed']} 个，"
                              f"未变 {counts['unchanged']} 个。")
    return redirect("org:unit_tree")


# --- Cadres -----------------------------------------------------------------------------------------


def _cadres(filters: dict):
    qs = Cadre.objects.select_related("unit").order_by("unit__sort_order", "unit__code", "post", "tenure_from", "id")
    if filters.get("q"):
        q = filters["q"]
        qs = qs.filter(Q(name__icontains=q) | Q(unit__name__icontains=q) | Q(unit__code__iexact=q)
                       | Q(unit__short_name__icontains=q))
    if filters.get("post"):
        qs = qs.filter(post=filters["post"])
    if filters.get("in_office") == "yes":
        qs = qs.filter(tenure_to__isnull=True)
    elif filters.get("in_office") == "no":
        qs = qs.filter(tenure_to__isnull=False)
    return qs


def _cadre_filters(request):
    data = request.GET.copy()
    data.setdefault("in_office", "yes")
    form = forms.CadreFilterForm(data)
    return form, (form.cleaned_data if form.is_valid() else {"in_office": "yes"})


@login_required
@require_GET
def cadre_list(request):
    access.require(request.user, "org.view")
    form, filters = _cadre_filters(request)
    page = Paginator(_cadres(filters), 100).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    return render(request, "org/cadre_list.html", context)


CADRE_HEADER = ["单位编码", "单位名称", "姓名", "岗位类别", "职务", "任职起始", "任职截止"]


@login_required
@require_GET
def cadre_export(request):
    access.require(request.user, "org.view")
    _, filters = _cadre_filters(request)
    rows = [[c.unit.code, c.unit.name, c.name, c.get_post_display(), c.title, c.tenure_from, c.tenure_to]
            for c in _cadres(filters)]
    actions.note_cadre_export(len(rows), {k: v for k, v in filters.items() if v}, by=request.user)
    buffer = io.BytesIO()
    write_workbook(buffer, [Sheet("干部", CADRE_HEADER, rows, widths=[12, 30, 10, 10, 24, 12, 12])])
    return download(buffer.getvalue(), f"cadres-{timezone.localdate():%Y%m%d}.xlsx")


@login_required
@require_POST
def cadre_create(request, pk):
    access.require(request.user, "org.manage")
    unit = access.get_for_user(request.user, Unit, pk, "org.manage", Unit.objects.select_related("parent"))
    form = forms.CadreForm(request.POST)
    if form.is_valid():
        try:
            cadre = actions.create_cadre(unit, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            refusals.refuse(request, "cadre.create_refused", unit, exc, form=form)
        else:
            messages.success(request, f"已新增干部：{cadre}")
            return redirect("org:unit_detail", pk=unit.pk)
    context = _detail_context(request, unit, cadre_form=form)
    context["show_cadre_form"] = True
    return render(request, "org/unit_detail.html", context, status=422)


@login_required
@require_http_methods(["GET", "POST"])
def cadre_edit(request, pk):
    access.require(request.user, "org.manage")
    cadre = access.get_for_user(request.user, Cadre, pk, "org.manage", Cadre.objects.select_related("unit"))
    form = forms.CadreForm(_posted(request), instance=Cadre.objects.get(pk=cadre.pk))
    if request.method == "POST" and form.is_valid():
        changed = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            if changed:
                actions.update_cadre(cadre, by=request.user, **changed)
        except ValidationError as exc:
            refusals.refuse(request, "cadre.update_refused", cadre, exc, form=form)
        else:
            messages.success(request, "干部信息已保存。" if changed else "没有修改任何内容。")
            return redirect("org:unit_detail", pk=cadre.unit_id)
    status = 422 if request.method == "POST" else 200
    return render(request, "org/cadre_form.html", {"form": form, "cadre": cadre, "unit": cadre.unit}, status=status)


@login_required
@require_POST
def cadre_end(request, pk):
    access.require(request.user, "org.manage")
    cadre = access.get_for_user(request.user, Cadre, pk, "org.manage", Cadre.objects.select_related("unit"))
    form = forms.CadreEndForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写正确的离任日期。")
        return redirect("org:unit_detail", pk=cadre.unit_id)
    try:
        actions.end_tenure(cadre, form.cleaned_data["tenure_to"], by=request.user)
    except ValidationError as exc:
        refusals.refuse(request, "cadre.end_refused", cadre, exc)
    else:
        messages.success(request, f"{cadre.name}已离任。")
    return redirect("org:unit_detail", pk=cadre.unit_id)


# --- Cycles -----------------------------------------------------------------------------------------


@login_required
@require_GET
def cycle_list(request):
    access.require(request.user, "cycle.view")
    return render(request, "org/cycle_list.html", _cycle_context(request))


def _cycle_context(request, form=None):
    cycles = list(Cycle.objects.order_by("-year"))
    for cycle in cycles:
        following = actions.next_status(cycle)
        cycle.next_status = following
        cycle.next_status_label = CycleStatus(following).label if following else ""
    can_manage = access.can(request.user, "cycle.manage")
    return {"cycles": cycles, "can_manage": can_manage, "statuses": CycleStatus.choices,
            "form": form or (forms.CycleForm() if can_manage else None)}


@login_required
@require_POST
def cycle_create(request):
    access.require(request.user, "cycle.manage")
    form = forms.CycleForm(request.POST)
    if form.is_valid():
        try:
            cycle = actions.create_cycle(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            refusals.refuse(request, "cycle.create_refused", None, exc, form=form)
        else:
            messages.success(request, f"已新建考核年度：{cycle.name}")
            return redirect("org:cycle_list")
    context = _cycle_context(request, form)
    context["show_form"] = True
    return render(request, "org/cycle_list.html", context, status=422)


@login_required
@require_http_methods(["GET", "POST"])
def cycle_status(request, pk):
    access.require(request.user, "cycle.manage")
    cycle = access.get_for_user(request.user, Cycle, pk, "cycle.manage")
    following = actions.next_status(cycle)
    if request.method == "POST":
        try:
            actions.change_cycle_status(cycle, request.POST.get("status", ""), by=request.user)
        except ValidationError as exc:
            refusals.refuse(request, "cycle.status_refused", cycle, exc)
        else:
            messages.success(request, f"{cycle.name}已改为“{CycleStatus(request.POST['status']).label}”。")
        return redirect("org:cycle_list")
    context = {"cycle": cycle, "next_status": following,
               "next_label": CycleStatus(following).label if following else ""}
    return render(request, "org/cycle_status.html", context)


# --- The unit roles' own page -----------------------------------------------------------------------


@login_required
@require_GET
def my_unit(request):
    access.require(request.user, "org.view_own_unit")
    membership = access.active_membership(request)
    unit = access.get_for_user(request.user, Unit, membership.unit_id, "org.view_own_unit",
                               Unit.objects.select_related("parent"))
    people: dict[int, dict] = {}
    for m in Membership.objects.active().filter(unit=unit).select_related("user").order_by("user__username", "role"):
        entry = people.setdefault(m.user_id, {"user": m.user, "roles": []})
        entry["roles"].append(m.get_role_display())
    context = {
        "unit": unit, "membership": membership,
        "cadres": unit.cadres.filter(tenure_to__isnull=True).order_by("post", "tenure_from", "id"),
        "people": list(people.values()),
        "villages": unit.children.current().filter(kind=UnitKind.VILLAGE) if unit.kind == UnitKind.STREET else None,
    }
    return render(request, "org/my_unit.html", context)
