"""Reporting pages: the unit's data entry and review, the assessor's grid, the office's periods and board."""

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jixiao.accounts import access
from jixiao.audit import log
from jixiao.audit.models import Outcome
from jixiao.lib.excel import Sheet, WorkbookError, write_workbook
from jixiao.org.models import Cycle, Unit
from jixiao.reporting import actions, checks, due, imports, queries
from jixiao.reporting.forms import ExceptionForm, PeriodForm, ReasonForm, UploadForm
from jixiao.reporting.models import (
    EDITABLE,
    DeadlineException,
    Evidence,
    ImportJob,
    Period,
    Status,
    Submission,
    Value,
)
from jixiao.reporting.tasks import import_values_task

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Uploads larger than this go to the background worker, with a progress page.
BACKGROUND_BYTES = 150 * 1024


# --- Helpers ----------------------------------------------------------------------------------------


def _refused_access(request, what: str, pk) -> None:
    log.record("reporting.access_refused", outcome=Outcome.DENIED, user=request.user,
               object_repr=f"{what} #{pk}", after={"path": request.path})


def _get(request, model, pk, action, queryset=None):
    """access.get_for_user, with an audit event when the object lies outside the user's reach."""
    try:
        return access.get_for_user(request.user, model, pk, action, queryset=queryset)
    except Http404:
        _refused_access(request, model._meta.label, pk)
        raise


def _unit(request, unit_pk, action):
    return _get(request, Unit, unit_pk, action)


def _my_unit(request):
    membership = access.current_membership(request.user)
    return membership.unit if membership else None


def _assessed_submission(request, pk):
    """A submission the user's assessor unit verifies (some of its indicators are due in it), else 404."""
    access.require(request.user, "reporting.verify")
    sub = get_object_or_404(Submission.objects.select_related("unit", "period__cycle"), pk=pk)
    mine = _my_unit(request)
    if not any(due.assessor_id_of(i) == mine.pk for i in due.items_for_unit(sub.period, sub.unit)):
        _refused_access(request, "reporting.Submission", pk)
        raise Http404("对象不存在或无权访问")
    return sub, mine


def _period(pk):
    return get_object_or_404(Period.objects.select_related("cycle"), pk=pk)


def _cycles_and_cycle(request):
    cycles = list(Cycle.objects.order_by("-year"))
    year = request.GET.get("cycle", "")
    chosen = next((c for c in cycles if str(c.year) == year), None)
    if chosen is None:
        chosen = next((c for c in cycles if c.status == "running"), cycles[0] if cycles else None)
    return cycles, chosen


def _hidden_from_leader(request, value) -> bool:
    """A leader sees unverified figures only after choosing “查看含未核定的全部数据” (?all=1)."""
    return (access.role_of(request.user) == "leader" and request.GET.get("all") != "1"
            and value.verified_at is None)


def _refuse(request, error, code, obj, **details):
    message = "；".join(error.messages)
    actions.refusal(code, obj, request.user, message, **details)
    messages.error(request, message)
    return message


# --- Unit side --------------------------------------------------------------------------------------


@login_required
@require_GET
def home(request):
    """The periods of a cycle with the state of the user's unit (units) or links to the board (office)."""
    access.require(request.user, "reporting.view")
    cycles, cycle = _cycles_and_cycle(request)
    periods = list(Period.objects.filter(cycle=cycle).select_related("cycle").order_by("ends_on", "kind"))
    district_wide = access.can(request.user, "reporting.board")
    unit = None if district_wide else _my_unit(request)
    rows = []
    if unit is not None:
        subs = {s.period_id: s for s in Submission.objects.filter(unit=unit, period__in=periods)}
        exceptions = {x.period_id: x for x in DeadlineException.objects.filter(unit=unit, period__in=periods)}
        rows = [(p, subs.get(p.pk), due.is_overdue(p, subs.get(p.pk), exceptions.get(p.pk)))
                for p in periods if due.items_for_unit(p, unit)]
    return render(request, "reporting/home.html", {"cycles": cycles, "cycle": cycle, "periods": periods, "rows": rows,
                                                   "unit": unit, "district_wide": district_wide})


def _entry_context(request, unit, period):
    submission = Submission.objects.filter(unit=unit, period=period).select_related(
        "submitted_by", "approved_by", "returned_by").first()
    leader_view = access.role_of(request.user) == "leader"
    show_all = not leader_view or request.GET.get("all") == "1"
    rows = queries.entry_rows(unit, period, submission, verified_only=not show_all)
    exception = actions.exception_for(period, unit)
    status = submission.status if submission else Status.DRAFT
    closed = actions.entry_closed(submission, period, exception)
    can_enter = access.can(request.user, "reporting.enter") and status in EDITABLE and not closed
    returned = [r for r in rows if r.value is not None and r.value.is_returned]
    return {
        "unit": unit, "period": period, "submission": submission, "rows": rows, "status": status,
        "exception": exception, "deadline": actions.deadline_for(period, exception), "closed": closed,
        "late": submission is not None and actions.is_late(submission, exception)
        or submission is None and actions.today() > period.late_after(actions.deadline_for(period, exception)),
        "can_enter": can_enter, "can_enter_unlocked": access.can(request.user, "reporting.enter"),
        "can_review": access.can(request.user, "reporting.review") and status == Status.SUBMITTED,
        "can_manage": access.can(request.user, "reporting.manage"),
        "can_template": access.can(request.user, "reporting.template"),
        "leader_view": leader_view, "show_all": show_all, "reason_form": ReasonForm(),
        "filled": sum(1 for r in rows if r.value is not None and r.value.is_filled), "returned": returned,
        "grades": {r.item.pk: checks.grades_of(r.item) for r in rows},
    }


@login_required
@require_GET
def entry(request, unit_pk, period_pk):
    """The data-entry page of a unit for a period: indicators with target, milestone, history and completion."""
    unit = _unit(request, unit_pk, "reporting.view")
    period = _period(period_pk)
    return render(request, "reporting/entry.html", _entry_context(request, unit, period))


def _item(period, unit, item_pk):
    item = next((i for i in due.items_for_unit(period, unit) if i.pk == item_pk), None)
    if item is None:
        raise Http404("该指标不在本期应报范围内")
    return item


def _version(raw):
    try:
        return int(raw)
    except (TypeError, ValueError):
        return None


@login_required
@require_POST
def save_value(request, unit_pk, period_pk, item_pk):
    """Save one value (htmx: answers the refreshed card; otherwise redirects back to the page)."""
    unit = _unit(request, unit_pk, "reporting.enter")
    period = _period(period_pk)
    item = _item(period, unit, item_pk)
    post = request.POST
    error, status = "", 200
    try:
        number = checks.parse_number(post.get("number")) if checks.is_numeric(item.indicator) else None
        actions.save_value(unit, period, item, by=request.user, number=number, text=post.get("text", ""),
                           note=post.get("note", ""), explanation=post.get("explanation", ""),
                           version=_version(post.get("version")), reason=post.get("reason", ""))
    except checks.ValueProblem as problem:
        error, status = str(problem), 422
    except actions.Refused as refused:
        error, status = "；".join(refused.messages), 409 if isinstance(refused, actions.Conflict) else 422
        actions.refusal("value.save_refused", unit, request.user, error, indicator=item.indicator.code,
                        period=period.code)
    if not request.htmx:
        if error:
            messages.error(request, f"{item.indicator.name}：{error}")
        else:
            messages.success(request, f"已保存：{item.indicator.name}")
        return redirect("reporting:entry", unit.pk, period.pk)
    return _row(request, unit, period, item.indicator_id, status, error=error, saved=not error,
                posted=post if error else None)


def _row(request, unit, period, indicator_id, status=200, **extra):
    """One refreshed value card of the entry page (the htmx answer of the actions on a value)."""
    context = _entry_context(request, unit, period)
    row = next(r for r in context["rows"] if r.item.indicator_id == indicator_id)
    context.update(row=row, **extra)
    return render(request, "reporting/_row.html", context, status=status)


@login_required
@require_POST
def upload_evidence(request, pk):
    value = _get(request, Value, pk, "reporting.enter",
                 queryset=Value.objects.select_related("unit", "submission__period"))
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, "请选择要上传的文件。")
    else:
        try:
            actions.attach_evidence(value, upload, by=request.user)
        except actions.Refused as refused:
            _refuse(request, refused, "evidence.refused", value, file=upload.name[:100])
        else:
            messages.success(request, f"已上传佐证材料：{upload.name}")
    return redirect("reporting:entry", value.unit_id, value.submission.period_id)


@login_required
@require_POST
def remove_evidence(request, pk):
    """Remove an evidence file while the value is editable (htmx: answers the refreshed card)."""
    evidence = _get(request, Evidence, pk, "reporting.enter",
                    queryset=Evidence.objects.select_related("value__unit", "value__submission__period"))
    value, error = evidence.value, ""
    try:
        actions.remove_evidence(evidence, by=request.user)
    except actions.Refused as refused:
        error = "；".join(refused.messages)
        actions.refusal("evidence.remove_refused", value, request.user, error, file=evidence.original_name)
    if not request.htmx:
        if error:
            messages.error(request, error)
        else:
            messages.success(request, f"已删除佐证材料：{evidence.original_name}")
        return redirect("reporting:entry", value.unit_id, value.submission.period_id)
    return _row(request, value.unit, value.submission.period, value.indicator_id, 422 if error else 200,
                error=error, removed="" if error else evidence.original_name)


@login_required
@require_GET
def evidence_file(request, pk):
    evidence = get_object_or_404(Evidence.objects.select_related("value__unit", "value__item__version"), pk=pk)
    if access.can(request.user, "reporting.verify"):
        if evidence.value.item is None or due.assessor_id_of(evidence.value.item) != _my_unit(request).pk:
            _refused_access(request, "reporting.Evidence", pk)
            raise Http404("对象不存在或无权访问")
    else:
        _get(request, Evidence, pk, "reporting.view", queryset=Evidence.objects.select_related("value__unit"))
    # A removed file stays on record for the office; the pages no longer offer it to anyone else.
    if evidence.removed_at is not None and not access.can(request.user, "reporting.manage"):
        raise Http404("对象不存在或无权访问")
    # A leader sees a file of an unverified value only after choosing “查看含未核定的全部数据”, as on the page.
    if _hidden_from_leader(request, evidence.value):
        _refused_access(request, "reporting.Evidence", pk)
        raise Http404("该佐证材料所属数值尚未核定")
    handle = evidence.file.open("rb")
    return FileResponse(handle, as_attachment=True, filename=evidence.original_name)


@login_required
@require_GET
def value_history(request, pk):
    value = _get(request, Value, pk, "reporting.view",
                 queryset=Value.objects.select_related("unit", "indicator", "submission__period__cycle",
                                                      "entered_by"))
    template = "reporting/_history.html" if request.htmx else "reporting/history.html"
    if _hidden_from_leader(request, value):  # the figures of an unverified value stay out of a leader's view
        return render(request, template, {"value": value, "hidden": True})
    revisions = list(value.revisions.select_related("by"))
    first = revisions[-1].old_display if revisions else value.display
    return render(request, template, {"value": value, "revisions": revisions, "first": first,
                                      "entered_by": value.entered_by})


def _submission(request, pk, action):
    return _get(request, Submission, pk, action, queryset=Submission.objects.select_related("unit", "period__cycle"))


def _back(submission):
    return redirect("reporting:entry", submission.unit_id, submission.period_id)


@login_required
@require_POST
def submit(request, pk):
    submission = _submission(request, pk, "reporting.enter")
    try:
        actions.submit(submission, by=request.user)
    except actions.Refused as refused:
        _refuse(request, refused, "submission.submit_refused", submission)
    else:
        messages.success(request, "已报送，等待本单位审核人审核。")
    return _back(submission)


@login_required
@require_POST
def approve(request, pk):
    submission = _submission(request, pk, "reporting.review")
    try:
        actions.approve(submission, by=request.user)
    except actions.Refused as refused:
        _refuse(request, refused, "submission.approve_refused", submission)
    else:
        messages.success(request, "已审核通过，报送考核责任单位核定。")
    return _back(submission)


@login_required
@require_POST
def return_submission(request, pk):
    """Return with a mandatory reason: the unit's reviewer, an assessor of its indicators, or the office."""
    if access.can(request.user, "reporting.verify"):
        submission, _mine = _assessed_submission(request, pk)
        stage, back = "verify", redirect("reporting:assessor", submission.period_id)
    elif access.can(request.user, "reporting.manage"):
        submission, stage = _submission(request, pk, "reporting.manage"), "office"
        back = _back(submission)
    else:
        submission, stage = _submission(request, pk, "reporting.review"), "review"
        back = _back(submission)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, "退回时必须填写退回理由。")
        return back
    try:
        actions.return_submission(submission, by=request.user, reason=form.cleaned_data["reason"], stage=stage)
    except actions.Refused as refused:
        _refuse(request, refused, "submission.return_refused", submission)
    else:
        messages.success(request, f"已退回{submission.unit.name}，单位将收到通知。")
    return back


@login_required
@require_POST
def verify(request, pk):
    submission, mine = _assessed_submission(request, pk)
    try:
        actions.verify(submission, by=request.user, assessor=mine)
    except actions.Refused as refused:
        _refuse(request, refused, "submission.verify_refused", submission)
    else:
        messages.success(request, f"已核定{submission.unit.name}的本单位指标。")
    return redirect("reporting:assessor", submission.period_id)


@login_required
@require_POST
def verify_value(request, pk):
    access.require(request.user, "reporting.verify")
    value = get_object_or_404(Value.objects.select_related("submission", "unit"), pk=pk)
    submission, mine = _assessed_submission(request, value.submission_id)
    try:
        actions.verify_value(value, by=request.user, assessor=mine)
    except actions.Refused as refused:
        _refuse(request, refused, "value.verify_refused", value)
    else:
        messages.success(request, f"已核定：{value}")
    return redirect("reporting:assessor", submission.period_id)


@login_required
@require_POST
def return_value(request, pk):
    """The assessor returns one value of an approved submission with a mandatory reason."""
    access.require(request.user, "reporting.verify")
    value = get_object_or_404(Value.objects.select_related("submission", "unit", "indicator"), pk=pk)
    submission, mine = _assessed_submission(request, value.submission_id)
    form = ReasonForm(request.POST)
    try:
        if not form.is_valid():
            raise actions.Refused("退回时必须填写退回理由。")
        actions.return_value(value, by=request.user, assessor=mine, reason=form.cleaned_data["reason"])
    except actions.Refused as refused:
        _refuse(request, refused, "value.return_refused", value)
    else:
        messages.success(request, f"已退回{value.unit.name}的“{value.indicator.name}”，单位将收到通知。")
    return redirect("reporting:assessor", submission.period_id)


@login_required
@require_POST
def resubmit_value(request, pk):
    """The unit sends a value returned alone, once corrected, back to the assessor."""
    value = _get(request, Value, pk, "reporting.enter",
                 queryset=Value.objects.select_related("unit", "submission", "indicator"))
    try:
        actions.resubmit_value(value, by=request.user)
    except actions.Refused as refused:
        _refuse(request, refused, "value.resubmit_refused", value)
    else:
        messages.success(request, f"已重新报送“{value.indicator.name}”，等待考核责任单位核定。")
    return redirect("reporting:entry", value.unit_id, value.submission.period_id)


@login_required
@require_POST
def unlock_submission(request, pk):
    submission = _submission(request, pk, "reporting.manage")
    form = ReasonForm(request.POST)
    try:
        if not form.is_valid():
            raise actions.Refused("解锁时必须填写理由。")
        actions.unlock_submission(submission, by=request.user, reason=form.cleaned_data["reason"])
    except actions.Refused as refused:
        _refuse(request, refused, "submission.unlock_refused", submission)
    else:
        messages.success(request, "报件已解锁，单位可更正后重新报送。")
    return _back(submission)


@login_required
@require_POST
def unlock_value(request, pk):
    value = _get(request, Value, pk, "reporting.manage", queryset=Value.objects.select_related("unit", "submission"))
    form = ReasonForm(request.POST)
    try:
        if not form.is_valid():
            raise actions.Refused("解锁时必须填写理由。")
        actions.unlock_value(value, by=request.user, reason=form.cleaned_data["reason"])
    except actions.Refused as refused:
        _refuse(request, refused, "value.unlock_refused", value)
    else:
        messages.success(request, f"已单独解锁：{value}")
    return redirect("reporting:entry", value.unit_id, value.submission.period_id)


# --- Excel ------------------------------------------------------------------------------------------


def _xlsx(name: str, write) -> HttpResponse:
    buffer = io.BytesIO()
    write(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(name)}"
    return response


def _quote(name):
    from urllib.parse import quote

    return quote(name)


@login_required
@require_GET
def unit_template(request, unit_pk, period_pk):
    # Pre-filled with the current, possibly unverified, figures: for the people who fill in, not for leaders.
    unit = _unit(request, unit_pk, "reporting.template")
    period = _period(period_pk)
    return _xlsx(f"{period.cycle.year}{period.code}-{unit.code}-填报模板.xlsx",
                 lambda out: imports.export_template(out, period, unit=unit))


def _upload(request, period, *, unit=None, assessor=None, back):
    """Handle a template upload: small files inline, big ones as a background job with a progress page."""
    form = UploadForm(request.POST or None, request.FILES or None)
    context = {"form": form, "period": period, "unit": unit, "assessor": assessor, "back": back}
    if request.method != "POST" or not form.is_valid():
        return render(request, "reporting/upload.html", context, status=422 if request.method == "POST" else 200)
    upload = form.cleaned_data["file"]
    expect = {"expect_unit": unit} if unit is not None else {"expect_assessor": assessor}
    if upload.size > BACKGROUND_BYTES:
        return _start_job(request, upload, period, unit or assessor, as_assessor=assessor is not None)
    try:
        summary = imports.import_file(upload, by=request.user, expect_period=period, **expect)
    except WorkbookError as error:
        problems = [str(e) for e in error.errors]
        actions.refusal("values.import_refused", period, request.user, problems[0], file=upload.name[:100],
                        problems=error.total)
        context.update(problems=problems, refusal=error)
        return render(request, "reporting/upload.html", context, status=422)
    wrote = summary["created"] or summary["changed"]
    (messages.success if wrote else messages.info)(request, imports.describe(summary))
    return redirect(back)


def _start_job(request, upload, period, unit, *, as_assessor):
    job = ImportJob(original_name=upload.name[:200], unit=unit, period=period, as_assessor=as_assessor,
                    created_by=request.user, created_at=timezone.now(), total=0)
    upload.seek(0)
    job.file.save("upload.xlsx", ContentFile(upload.read()), save=False)
    job.save()
    transaction.on_commit(lambda: import_values_task.enqueue(job.pk))
    return redirect("reporting:job", job.pk)


@login_required
@require_http_methods(["GET", "POST"])
def unit_upload(request, unit_pk, period_pk):
    unit = _unit(request, unit_pk, "reporting.enter")
    period = _period(period_pk)
    return _upload(request, period, unit=unit, back=reverse("reporting:entry", args=[unit.pk, period.pk]))


@login_required
@require_GET
def job(request, pk):
    """Progress of a background import; htmx polls the status part until it is finished."""
    job = get_object_or_404(ImportJob.objects.select_related("period__cycle", "unit"), pk=pk,
                            created_by=request.user)
    if job.as_assessor:
        back = reverse("reporting:assessor", args=[job.period_id])
    else:
        back = reverse("reporting:entry", args=[job.unit_id, job.period_id])
    template = "reporting/_job_status.html" if request.htmx else "reporting/job.html"
    return render(request, template, {"job": job, "back": back})


# --- Assessor side ----------------------------------------------------------------------------------


@login_required
@require_GET
def assessor_home(request):
    access.require(request.user, "reporting.verify")
    cycles, cycle = _cycles_and_cycle(request)
    mine = _my_unit(request)
    periods = [p for p in Period.objects.filter(cycle=cycle).select_related("cycle").order_by("ends_on", "kind")
               if due.items_for_assessor(p, mine)]
    return render(request, "reporting/assessor_home.html", {"cycles": cycles, "cycle": cycle, "periods": periods,
                                                            "unit": mine})


def _grid(period, assessor):
    """Rows = units, columns = the assessor's indicators due in the period; cells hold the current values."""
    items = due.items_for_assessor(period, assessor)
    ids = {i.indicator_id for i in items}
    by_unit = due.scope_by_unit(period)
    unit_ids = [u for u, inds in by_unit.items() if ids & set(inds)]
    units = list(Unit.objects.filter(pk__in=unit_ids).order_by("sort_order", "code"))
    values = {(v.unit_id, v.indicator_id): v for v in Value.objects.filter(
        submission__period=period, indicator_id__in=ids).select_related("unit", "indicator")
        .prefetch_related(queries.current_evidence())}
    subs = {s.unit_id: s for s in Submission.objects.filter(period=period, unit_id__in=unit_ids)}
    rows = [{"unit": u, "submission": subs.get(u.pk),
             "cells": [{"item": i, "due": i.indicator_id in by_unit[u.pk], "value": values.get((u.pk, i.indicator_id))}
                       for i in items]} for u in units]
    return items, rows


@login_required
@require_http_methods(["GET", "POST"])
def assessor(request, period_pk):
    """Verification queue and direct-entry grid of the user's assessor unit for one period."""
    access.require(request.user, "reporting.verify")
    period = _period(period_pk)
    mine = _my_unit(request)
    problems = []
    if request.method == "POST":
        problems = _save_grid(request, period, mine)
        if not problems:
            return redirect("reporting:assessor", period.pk)
    items, rows = _grid(period, mine)
    queue = [r for r in rows if r["submission"] is not None and r["submission"].status == Status.APPROVED
             and any(c["due"] and c["value"] is not None and c["value"].verified_at is None
                     and not c["value"].is_returned for c in r["cells"])]
    returned = [c["value"] for r in rows for c in r["cells"] if c["value"] is not None and c["value"].is_returned]
    changed = [c["value"] for r in rows for c in r["cells"] if c["value"] is not None and c["value"].verified_at is None
               and r["submission"] is not None and r["submission"].status in (Status.VERIFIED, Status.LOCKED)]
    return render(request, "reporting/assessor.html", {
        "period": period, "unit": mine, "items": items, "rows": rows, "queue": queue, "changed": changed,
        "returned": returned, "grades": {i.pk: checks.grades_of(i) for i in items},
        "problems": problems, "reason_form": ReasonForm(), "posted": request.POST if problems else None,
    }, status=422 if problems else 200)


def _save_grid(request, period, mine) -> list[str]:
    items = {i.indicator_id: i for i in due.items_for_assessor(period, mine)}
    by_unit = due.scope_by_unit(period)
    entries, problems = [], []
    units = Unit.objects.in_bulk(list(by_unit))
    for key, raw in request.POST.items():
        if not key.startswith("v-") or not raw.strip():
            continue
        try:
            unit_id, indicator_id = (int(x) for x in key[2:].split("-"))
        except ValueError:
            continue
        item = items.get(indicator_id)
        if item is None or indicator_id not in by_unit.get(unit_id, {}):
            problems.append("提交的单元格不属于本单位考核的指标。")
            continue
        where = f"{units[unit_id].name} · {item.indicator.name}"
        try:
            numeric = checks.is_numeric(item.indicator)
            number = checks.parse_number(raw) if numeric else None
            text = "" if numeric else raw.strip()
            bad = checks.value_problems(item.indicator, number, text, checks.grades_of(item))
            if bad:
                raise checks.ValueProblem("；".join(bad))
        except checks.ValueProblem as problem:
            problems.append(f"{where}：{problem}")
            continue
        entries.append(imports.Entry(unit_id, item, number, text, "", "",
                                     _version(request.POST.get(f"ver-{unit_id}-{indicator_id}")), 0))
    if not problems and entries:
        entries = _only_changed(period, entries)
    if problems or not entries:
        if problems:
            actions.refusal("values.assessor_entry_refused", period, request.user, problems[0])
        return problems
    try:
        summary = imports.bulk_save(period, entries, by=request.user, as_assessor=True, source="assessor")
    except WorkbookError as error:
        problems = [e.message for e in error.errors]
        actions.refusal("values.assessor_entry_refused", period, request.user, problems[0])
        return problems
    messages.success(request, f"已保存并核定：新增 {summary['created']} 项，修改 {summary['changed']} 项。")
    return []


def _only_changed(period, entries):
    current = {(v.unit_id, v.indicator_id): v for v in Value.objects.filter(
        submission__period=period, indicator_id__in={e.item.indicator_id for e in entries})}
    kept = []
    for e in entries:
        v = current.get((e.unit_id, e.item.indicator_id))
        if v is None or v.number != e.number or v.text != e.text or v.verified_at is None:
            e.note, e.explanation = (v.note, v.explanation) if v is not None else ("", "")
            kept.append(e)
    return kept


@login_required
@require_GET
def assessor_template(request, period_pk):
    access.require(request.user, "reporting.verify")
    period = _period(period_pk)
    mine = _my_unit(request)
    return _xlsx(f"{period.cycle.year}{period.code}-{mine.code}-直报模板.xlsx",
                 lambda out: imports.export_template(out, period, assessor=mine))


@login_required
@require_http_methods(["GET", "POST"])
def assessor_upload(request, period_pk):
    access.require(request.user, "reporting.verify")
    period = _period(period_pk)
    return _upload(request, period, assessor=_my_unit(request), back=reverse("reporting:assessor", args=[period.pk]))


# --- Office -----------------------------------------------------------------------------------------


def _board_period(request):
    cycles, cycle = _cycles_and_cycle(request)
    periods = list(Period.objects.filter(cycle=cycle).select_related("cycle").order_by("ends_on", "kind"))
    chosen = next((p for p in periods if str(p.pk) == request.GET.get("period", "")), None)
    if chosen is None and periods:
        today = actions.today()
        started = [p for p in periods if p.opens_on <= today]
        chosen = started[-1] if started else periods[0]
    return cycles, cycle, periods, chosen


def _filtered(request, rows):
    f = {"state": request.GET.get("state", ""), "kind": request.GET.get("kind", ""),
         "q": request.GET.get("q", "").strip()}
    if f["state"] == "late":
        rows = [r for r in rows if r.late]
    elif f["state"]:
        rows = [r for r in rows if r.state == f["state"]]
    if f["kind"]:
        rows = [r for r in rows if r.unit.kind == f["kind"]]
    if f["q"]:
        rows = [r for r in rows if f["q"] in r.unit.name or f["q"].upper() in r.unit.code]
    return f, rows


@login_required
@require_GET
def board(request):
    """Completeness and timeliness of one period, per unit and per assessor unit."""
    access.require(request.user, "reporting.board")
    cycles, cycle, periods, period = _board_period(request)
    by_unit = due.scope_by_unit(period) if period else {}
    rows = queries.board(period, due=by_unit) if period else []
    counts = queries.board_counts(rows)
    f, shown = _filtered(request, rows)
    query = request.GET.copy()
    return render(request, "reporting/board.html", {
        "cycles": cycles, "cycle": cycle, "periods": periods, "period": period, "rows": shown, "counts": counts,
        "f": f, "states": queries.STATES, "assessors": queries.by_assessor(period, due=by_unit) if period else [],
        "kinds": sorted({(r.unit.kind, r.unit.get_kind_display()) for r in rows}), "query": query.urlencode(),
    })


@login_required
@require_GET
def board_export(request):
    access.require(request.user, "reporting.board")
    _cycles, _cycle, _periods, period = _board_period(request)
    if period is None:
        raise Http404("没有报送期")
    _f, rows = _filtered(request, queries.board(period))
    units = [[r.unit.code, r.unit.name, r.state_label, "是" if r.late else "否", r.deadline, r.filled, r.due,
              timezone.localtime(r.submission.first_submitted_at).replace(tzinfo=None)
              if r.submission and r.submission.first_submitted_at else None,
              r.submission.return_reason if r.submission else ""] for r in rows]
    assessors = [[a.assessor.code, a.assessor.name, a.expected, a.not_yet, a.awaiting, a.verified]
                 for a in queries.by_assessor(period)]
    sheets = [Sheet("按单位", ["单位编码", "单位名称", "状态", "逾期", "截止日期", "已填", "应填", "首次报送时间", "退回理由"],
                    units),
              Sheet("按考核责任单位", ["单位编码", "考核责任单位", "应核定", "未到核定环节", "待核定", "已核定"], assessors)]
    log.record("reporting.board_exported", period, user=request.user, after={"rows": len(units)})
    return _xlsx(f"{period.cycle.year}{period.code}-报送情况.xlsx", lambda out: write_workbook(out, sheets))


@login_required
@require_GET
def timeliness(request):
    access.require(request.user, "reporting.board")
    cycles, cycle = _cycles_and_cycle(request)
    rows = queries.on_time_rates(cycle) if cycle else []
    return render(request, "reporting/timeliness.html", {"cycles": cycles, "cycle": cycle, "rows": rows})


@login_required
@require_GET
def periods(request):
    access.require(request.user, "reporting.manage")
    cycles, cycle = _cycles_and_cycle(request)
    rows = list(Period.objects.filter(cycle=cycle).select_related("cycle").prefetch_related("exceptions__unit")
                .order_by("ends_on", "kind"))
    return render(request, "reporting/periods.html", {"cycles": cycles, "cycle": cycle, "periods": rows,
                                                      "frequencies": sorted(actions.frequencies_in_use(cycle))
                                                      if cycle else []})


@login_required
@require_POST
def generate_periods(request):
    access.require(request.user, "reporting.manage")
    cycle = get_object_or_404(Cycle, year=request.POST.get("cycle") or 0)
    created = actions.generate_periods(cycle, by=request.user)
    if created:
        messages.success(request, f"已生成 {len(created)} 个报送期：{'、'.join(p.code for p in created)}。")
    else:
        messages.info(request, "没有需要新增的报送期（按已发布方案中指标的报送频次生成）。")
    return redirect(f"{reverse('reporting:periods')}?cycle={cycle.year}")


def _units_in(period):
    return Unit.objects.filter(pk__in=list(due.scope_by_unit(period))).order_by("sort_order", "code")


@login_required
@require_http_methods(["GET", "POST"])
def period_edit(request, pk):
    access.require(request.user, "reporting.manage")
    period = _period(pk)
    initial = {"opens_on": period.opens_on, "deadline": period.deadline, "grace_days": period.grace_days,
               "verify_deadline": period.verify_deadline}
    form = PeriodForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_period(period, by=request.user, **form.cleaned_data)
        except actions.Refused as refused:
            form.add_error(None, "；".join(refused.messages))
        else:
            messages.success(request, f"{period}的日期已保存。")
            return redirect(f"{reverse('reporting:periods')}?cycle={period.cycle.year}")
    return render(request, "reporting/period_form.html", {
        "period": period, "form": form, "exception_form": ExceptionForm(units=_units_in(period)),
        "exceptions": period.exceptions.select_related("unit", "granted_by"),
    }, status=422 if request.method == "POST" else 200)


@login_required
@require_POST
def grant_exception(request, pk):
    access.require(request.user, "reporting.manage")
    period = _period(pk)
    form = ExceptionForm(request.POST, units=_units_in(period))
    if not form.is_valid():
        messages.error(request, "请选择单位并填写延期日期和理由。")
    else:
        try:
            actions.grant_exception(period, form.cleaned_data["unit"], deadline=form.cleaned_data["deadline"],
                                    reason=form.cleaned_data["reason"], by=request.user)
        except actions.Refused as refused:
            messages.error(request, "；".join(refused.messages))
        else:
            messages.success(request, f"已为{form.cleaned_data['unit'].name}延期。")
    return redirect("reporting:period_edit", period.pk)

