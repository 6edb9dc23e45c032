"""The checking side of reporting: the unit's reviewer signs its submission off or returns it; the assessor unit
verifies the values of the indicators it owns, returns one, or enters them itself (grid and template)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jixiao.accounts import access
from jixiao.analysis import quality_queries
from jixiao.lib import refusals
from jixiao.lib.excel import WorkbookError
from jixiao.org.models import Unit
from jixiao.reporting import actions, checks, due, entry_form, imports, queries
from jixiao.reporting.forms import ReasonForm
from jixiao.reporting.models import Period, Status, Submission, Value
from jixiao.reporting.views import reporter, shared


@login_required
@require_POST
def approve(request, pk):
    submission = reporter.submission(request, pk, "reporting.review")
    shared.attempt(request, lambda: actions.approve(submission, by=request.user),
                   done="已审核通过，报送考核责任单位核定。", code="submission.approve_refused", obj=submission)
    return reporter.back(submission)


@login_required
@require_POST
def return_submission(request, pk):
    """Return with a mandatory reason: the unit's reviewer, an assessor of its indicators, or the office."""
    if access.can(request.user, "reporting.verify"):
        submission = shared.assessed_submission(request, pk)
        stage, back = "verify", redirect("reporting:assessor", submission.period_id)
    elif access.can(request.user, "reporting.manage"):
        submission, stage = reporter.submission(request, pk, "reporting.manage"), "office"
        back = reporter.back(submission)
    else:
        submission, stage = reporter.submission(request, pk, "reporting.review"), "review"
        back = reporter.back(submission)
    shared.attempt(request, lambda: actions.return_submission(
                       submission, by=request.user, stage=stage,
                       reason=shared.reason(request, "退回时必须填写退回理由。")),
                   done=f"已退回{submission.unit.name}，单位将收到通知。", code="submission.return_refused",
                   obj=submission)
    return back


@login_required
@require_POST
def verify(request, pk):
    submission, mine = shared.assessed_submission(request, pk), shared.my_unit(request)
    shared.attempt(request, lambda: actions.verify(submission, by=request.user, assessor=mine),
                   done=f"已核定{submission.unit.name}的本单位指标。", code="submission.verify_refused", obj=submission)
    return redirect("reporting:assessor", submission.period_id)


def _assessed_value(request, pk):
    """A value the user's assessor unit checks, and that unit (404 and an audit event outside its reach)."""
    access.require(request.user, "reporting.verify")
    value = get_object_or_404(Value.objects.select_related("submission", "unit", "indicator"), pk=pk)
    shared.assessed_submission(request, value.submission_id)
    return value, shared.my_unit(request)


def said(value) -> str:
    """A value as a person says it: the figure with its unit of measure (12.5 万元), or the text."""
    if value.number is None:
        return value.text or "（空）"
    unit = value.indicator.measure_unit.strip()
    return f"{value.display}{unit}" if unit in ("%", "‰") else f"{value.display} {unit}".rstrip()


@login_required
@require_POST
def verify_value(request, pk):
    value, mine = _assessed_value(request, pk)
    shared.attempt(request, lambda: actions.verify_value(value, by=request.user, assessor=mine),
                   done=f"已核定{value.unit.name}的“{value.indicator.name}”：{said(value)}。",
                   code="value.verify_refused", obj=value)
    return redirect("reporting:assessor", value.submission.period_id)


@login_required
@require_POST
def return_value(request, pk):
    """The assessor returns one value of an approved submission with a mandatory reason."""
    value, mine = _assessed_value(request, pk)
    shared.attempt(request, lambda: actions.return_value(value, by=request.user, assessor=mine,
                                                         reason=shared.reason(request, "退回时必须填写退回理由。")),
                   done=f"已退回{value.unit.name}的“{value.indicator.name}”，单位将收到通知。",
                   code="value.return_refused", obj=value)
    return redirect("reporting:assessor", value.submission.period_id)


@login_required
@require_GET
def assessor_home(request):
    access.require(request.user, "reporting.verify")
    picked = shared.pick_cycle(request)
    mine = shared.my_unit(request)
    periods = [p for p in Period.objects.filter(cycle=picked["cycle"]).select_related("cycle")
               .order_by("ends_on", "kind") if due.items_for_assessor(p, mine)]
    return render(request, "reporting/assessor_home.html", {**picked, "periods": periods, "unit": mine})


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
    period = shared.period(period_pk)
    mine = shared.my_unit(request)
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
    # 数据质量预警: each figure awaiting verification against its history and its group, before it is verified.
    flags = quality_queries.assess_values(period, [c["value"] for r in queue for c in r["cells"] if c["due"]] + changed)
    return render(request, "reporting/assessor.html", {
        "period": period, "unit": mine, "items": items, "rows": rows, "queue": queue, "changed": changed,
        "returned": returned, "grades": {i.pk: checks.grades_of(i) for i in items}, "flags": flags,
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
                                     entry_form.version(request.POST.get(f"ver-{unit_id}-{indicator_id}")), 0))
    if not problems and entries:
        entries = _only_changed(period, entries)
    if problems or not entries:
        if problems:
            refusals.record("values.assessor_entry_refused", period, problems[0], user=request.user)
        return problems
    try:
        summary = imports.bulk_save(period, entries, by=request.user, as_assessor=True, source="assessor")
    except WorkbookError as error:
        problems = [e.message for e in error.errors]
        refusals.record("values.assessor_entry_refused", period, problems[0], user=request.user)
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
    period = shared.period(period_pk)
    mine = shared.my_unit(request)
    return shared.xlsx(f"{period.cycle.year}{period.code}-{mine.code}-直报模板.xlsx",
                 lambda out: imports.export_template(out, period, assessor=mine))


@login_required
@require_http_methods(["GET", "POST"])
def assessor_upload(request, period_pk):
    access.require(request.user, "reporting.verify")
    period = shared.period(period_pk)
    return shared.upload(request, period, assessor=shared.my_unit(request), back=reverse("reporting:assessor", args=[period.pk]))
