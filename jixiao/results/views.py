"""Rectification pages (整改): the office's list and overdue list, the unit's list, one item's page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from jixiao.accounts import access
from jixiao.lib import cycles, refusals, responses
from jixiao.results import actions
from jixiao.results.forms import MeasuresForm, ReasonForm, RectificationForm, ReportForm
from jixiao.results.models import Rectification, RectificationReport, RectificationStatus

LIST_LIMIT = 500


@login_required
def rectification_list(request):
    """Every item of a cycle (office, leaders) or the own unit's items (units), with filters. Without ?cycle= it
    opens on the latest year that still has an unfinished item the user sees (an item of last year may be due
    this year)."""
    access.require(request.user, "results.rectification")
    visible = Rectification.objects.all()
    if not access.can(request.user, "results.view"):
        visible = visible.for_units(access.visible_units(request.user))
    pick = cycles.pick(request, open_work=visible.unfinished(), work="有未完成整改事项")
    cycle = pick.cycle
    today = timezone.localdate()
    items = visible.filter(cycle=cycle).select_related("unit")
    status = request.GET.get("status", "")
    if status == "overdue":
        items = items.overdue(today)
    elif status in RectificationStatus.values:
        items = items.filter(status=status)
    rows = list(items.order_by("deadline", "id")[:LIST_LIMIT])
    return render(request, "results/rectification_list.html", {
        "pick": pick, "cycle": cycle, "rows": rows, "today": today, "status": status,
        "statuses": RectificationStatus.choices, "can_manage": access.can(request.user, "results.manage"),
        "truncated": len(rows) >= LIST_LIMIT})


@login_required
def rectification_create(request):
    access.require(request.user, "results.manage")
    cycle = cycles.pick_or_404(request).cycle
    form = RectificationForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and cycle is not None:
        data = form.cleaned_data
        try:
            item = actions.create_rectification(cycle=cycle, by=request.user, **data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "整改事项已交办。")
            return redirect(item)
    status = 422 if request.method == "POST" else 200
    return render(request, "results/rectification_form.html", {"form": form, "cycle": cycle}, status=status)


@login_required
def rectification_detail(request, pk):
    item = access.get_for_user(request.user, Rectification, pk, "results.rectification",
                               queryset=Rectification.objects.select_related("unit", "cycle", "created_by"))
    return _detail(request, item)


def _detail(request, item, status=200, **forms):
    can_rectify = access.can(request.user, "results.rectify")
    return render(request, "results/rectification_detail.html", {
        "item": item, "reports": item.reports.select_related("reported_by"), "today": timezone.localdate(),
        "can_rectify": can_rectify, "can_manage": access.can(request.user, "results.manage"),
        "measures_form": forms.get("measures_form") or MeasuresForm(initial={
            "measures": item.measures, "unit_deadline": item.unit_deadline or item.deadline}),
        "report_form": forms.get("report_form") or ReportForm(),
        "reason_form": forms.get("reason_form") or ReasonForm(),
        "error": forms.get("error", "")}, status=status)


def _refused(request, item, code, exc, **forms):
    """The item's page again with why the change was refused, audited as every refusal is (`lib.refusals`)."""
    refusals.record(code, item, exc, user=request.user)
    return _detail(request, item, status=422, error=refusals.SEPARATOR.join(refusals.messages_of(exc)), **forms)


@login_required
@require_POST
def submit_measures(request, pk):
    item = access.get_for_user(request.user, Rectification, pk, "results.rectify")
    form = MeasuresForm(request.POST)
    if not form.is_valid():
        return _detail(request, item, status=422, measures_form=form)
    try:
        actions.submit_measures(item, by=request.user, **form.cleaned_data)
    except ValidationError as exc:
        return _refused(request, item, "rectification.measures", exc, measures_form=form)
    messages.success(request, "整改措施已提交。")
    return redirect(item)


@login_required
@require_POST
def report_progress(request, pk):
    item = access.get_for_user(request.user, Rectification, pk, "results.rectify")
    form = ReportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _detail(request, item, status=422, report_form=form)
    data = form.cleaned_data
    try:
        actions.report_progress(item, text=data["text"], completed=data["completed"], upload=data["file"],
                                by=request.user)
    except ValidationError as exc:
        return _refused(request, item, "rectification.reported", exc, report_form=form)
    messages.success(request, "整改进展已报告。")
    return redirect(item)


@login_required
@require_POST
def verify(request, pk):
    item = access.get_for_user(request.user, Rectification, pk, "results.manage")
    try:
        actions.verify(item, by=request.user)
    except ValidationError as exc:
        return _refused(request, item, "rectification.closed", exc)
    messages.success(request, "已核验销号。")
    return redirect(item)


@login_required
@require_POST
def send_back(request, pk):
    item = access.get_for_user(request.user, Rectification, pk, "results.manage")
    form = ReasonForm(request.POST)
    if not form.is_valid():
        return _detail(request, item, status=422, reason_form=form)
    try:
        actions.send_back(item, reason=form.cleaned_data["reason"], by=request.user)
    except ValidationError as exc:
        return _refused(request, item, "rectification.returned", exc, reason_form=form)
    messages.success(request, "已退回整改。")
    return redirect(item)


@login_required
@require_POST
def set_disclosure(request, pk):
    item = access.get_for_user(request.user, Rectification, pk, "results.manage")
    actions.set_disclosure(item, disclose=request.POST.get("disclose") == "1", by=request.user)
    return redirect(item)


@login_required
def report_file(request, pk):
    report = access.get_for_user(request.user, RectificationReport, pk, "results.rectification",
                                 queryset=RectificationReport.objects.select_related("rectification__unit"))
    if not report.file:
        raise Http404("没有佐证材料")
    return responses.download(report.file.open("rb"), report.original_name or "佐证材料")
