"""A unit's pages: its periods, the entry form (one save for the whole form, or one value at a time), evidence,
submission, the Excel template. The unit's reviewer reads the same entry page (its approval is in `review`)."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jixiao.accounts import access
from jixiao.accounts.roles import Role
from jixiao.lib import refusals
from jixiao.reporting import actions, checks, due, entry_form, imports, queries
from jixiao.reporting.forms import ReasonForm
from jixiao.reporting.models import EDITABLE, DeadlineException, Evidence, Period, Status, Submission, Value
from jixiao.reporting.views import shared


@login_required
@require_GET
def home(request):
    """The periods of a cycle with the state of the user's unit (units) or links to the board (office)."""
    access.require(request.user, "reporting.view")
    picked = shared.pick_cycle(request)
    periods = list(Period.objects.filter(cycle=picked["cycle"]).select_related("cycle").order_by("ends_on", "kind"))
    district_wide = access.can(request.user, "reporting.board")
    unit = None if district_wide else shared.my_unit(request)
    rows = []
    if unit is not None:
        subs = {s.period_id: s for s in Submission.objects.filter(unit=unit, period__in=periods)}
        exceptions = {x.period_id: x for x in DeadlineException.objects.filter(unit=unit, period__in=periods)}
        rows = [(p, subs.get(p.pk), due.is_overdue(p, subs.get(p.pk), exceptions.get(p.pk)))
                for p in periods if due.items_for_unit(p, unit)]
    return render(request, "reporting/home.html", {**picked, "periods": periods, "rows": rows, "unit": unit,
                                                   "district_wide": district_wide})


@dataclass
class GridRow:
    """One line of the whole entry form: the page's row, its line number, and what the form shows in it."""

    row: queries.EntryRow
    line: int
    posted: dict | None = None  # what was typed, kept on the page when it was not written
    error: str = ""
    version: int | None = None  # the version the next save is checked against

    @property
    def grades(self):
        return checks.grades_of(self.row.item)

    @property
    def number(self):
        return self._cell("number")

    @property
    def text(self):
        return self._cell("text")

    @property
    def note(self):
        return self._cell("note")

    def _cell(self, name):
        """What the cell shows: what was typed when it was kept, else what is stored."""
        if self.posted is not None:
            return self.posted[name]
        value = self.row.value
        return getattr(value, name) if value is not None else ""


def _grid(rows, post=None, errors=None, keep=(), fresh=()) -> list[GridRow]:
    """The form's lines. With `post`, the lines of `keep` show what was typed, with its error from `errors`; a line
    of `fresh` (refused for someone else's save) takes the stored version, so that saving it again is deliberate."""
    errors = errors or {}
    grid = []
    for line, row in enumerate(rows, 1):
        item = row.item
        grid_row = GridRow(row, line, version=row.value.version if row.value is not None else 0,
                           error=errors.get(item.indicator_id, ""))
        if post is not None and item.indicator_id in keep:
            grid_row.posted = {name: post.get(entry_form.field(name, item), "") for name in ("number", "text", "note")}
            if item.indicator_id not in fresh:
                grid_row.version = entry_form.version(post.get(entry_form.field("version", item)))
        grid.append(grid_row)
    return grid


def _entry_context(request, unit, period):
    submission = Submission.objects.filter(unit=unit, period=period).select_related(
        "submitted_by", "approved_by", "returned_by").first()
    leader_view = access.role_of(request.user) == Role.LEADER
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
        "late": actions.is_late(submission, exception) if submission is not None
        else due.is_overdue(period, None, exception),
        "can_enter": can_enter, "can_enter_unlocked": access.can(request.user, "reporting.enter"),
        "can_review": access.can(request.user, "reporting.review") and status == Status.SUBMITTED,
        "can_manage": access.can(request.user, "reporting.manage"),
        "can_template": access.can(request.user, "reporting.template"),
        "leader_view": leader_view, "show_all": show_all, "reason_form": ReasonForm(),
        "filled": sum(1 for r in rows if r.value is not None and r.value.is_filled), "returned": returned,
        "grades": {r.item.pk: checks.grades_of(r.item) for r in rows},
        "grid": _grid(rows) if can_enter else [],
    }


@login_required
@require_GET
def entry(request, unit_pk, period_pk):
    """The data-entry page of a unit for a period: indicators with target, milestone, history and completion."""
    unit = shared.unit(request, unit_pk, "reporting.view")
    period = shared.period(period_pk)
    return render(request, "reporting/entry.html", _entry_context(request, unit, period))


@login_required
@require_POST
def save_values(request, unit_pk, period_pk):
    """Save the whole entry form (批量填报) at once.

    A bad cell anywhere writes nothing: every bad row is named and every typed cell stays (`entry_form`). Else
    each changed row is written (`actions.save_values`); a row someone else saved meanwhile is refused alone,
    with the figure now stored, and the other rows are saved."""
    unit = shared.unit(request, unit_pk, "reporting.enter")
    period = shared.period(period_pk)
    items = due.items_for_unit(period, unit)
    rows, problems = entry_form.read(request.POST, items)
    if problems:
        refusals.record("value.save_refused", unit, ValidationError(list(problems.values())), user=request.user,
                        period=period.code, problems=len(problems), form="whole")
        summary = f"有 {len(problems)} 行填写有误，本次全部未保存：请改正标红的行后再点“保存全部”。"
        typed = {i.indicator_id for i in items if entry_form.field("version", i) in request.POST}
        return _grid_page(request, unit, period, problems, summary, keep=typed)
    saved, refused = actions.save_values(unit, period, rows, by=request.user)
    if refused:
        errors = _refused_rows(items, refused, period, unit)
        refusals.record("value.save_refused", unit, ValidationError(list(errors.values())), user=request.user,
                        period=period.code, problems=len(errors), saved=len(saved), form="whole")
        summary = f"已保存 {len(saved)} 项；{len(errors)} 项未保存，见标红的行。"
        return _grid_page(request, unit, period, errors, summary, keep=set(refused), fresh=set(refused), status=409)
    messages.success(request, f"已保存 {len(saved)} 项。" if saved else "没有修改，无需保存。")
    return redirect("reporting:entry", unit.pk, period.pk)


def _refused_rows(items, refused, period, unit) -> dict[int, str]:
    """The Chinese message of each row `actions.save_values` refused, naming the row and, for a row someone else
    saved meanwhile, the figure now stored."""
    stored = {v.indicator_id: v for v in Value.objects.filter(submission__unit=unit, submission__period=period,
                                                              indicator_id__in=list(refused))}
    errors = {}
    for line, item in enumerate(items, 1):
        if item.indicator_id not in refused:
            continue
        message = refused[item.indicator_id]
        value = stored.get(item.indicator_id)
        if value is not None and "已被他人修改" in message:
            message = (f"该数值已被{value.updated_by.display_name if value.updated_by else '他人'}改为"
                       f"“{value.display or '（空）'}”，本行未保存。您填写的内容仍在本行，核对后再次保存即以您的为准。")
        errors[item.indicator_id] = f"{entry_form.label(line, item)}：{message}"
    return errors


def _grid_page(request, unit, period, errors, summary, *, keep, fresh=(), status=422):
    """The entry page again with the form's problems on its lines; once the form is no longer open to the unit
    (the period closed, the submission went on meanwhile), the page without the form, saying why."""
    context = _entry_context(request, unit, period)
    if not context["can_enter"]:
        for error in errors.values():
            messages.error(request, error)
        return redirect("reporting:entry", unit.pk, period.pk)
    context["grid"] = _grid(context["rows"], request.POST, errors, keep, fresh)
    context["grid_summary"] = summary
    return render(request, "reporting/entry.html", context, status=status)


def _item(period, unit, item_pk):
    item = next((i for i in due.items_for_unit(period, unit) if i.pk == item_pk), None)
    if item is None:
        raise Http404("该指标不在本期应报范围内")
    return item


@login_required
@require_POST
def save_value(request, unit_pk, period_pk, item_pk):
    """Save one value (htmx: answers the refreshed card; otherwise redirects back to the page)."""
    unit = shared.unit(request, unit_pk, "reporting.enter")
    period = shared.period(period_pk)
    item = _item(period, unit, item_pk)
    post = request.POST
    error, status = "", 200
    try:
        number = checks.parse_number(post.get("number")) if checks.is_numeric(item.indicator) else None
        actions.save_value(unit, period, item, by=request.user, number=number, text=post.get("text", ""),
                           note=post.get("note", ""), explanation=post.get("explanation", ""),
                           version=entry_form.version(post.get("version")), reason=post.get("reason", ""))
    except checks.ValueProblem as problem:
        error, status = str(problem), 422
    except actions.Refused as refused:
        error, status = "；".join(refused.messages), 409 if isinstance(refused, actions.Conflict) else 422
        refusals.record("value.save_refused", unit, refused, user=request.user, indicator=item.indicator.code,
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
    value = shared.get(request, Value, pk, "reporting.enter",
                       queryset=Value.objects.select_related("unit", "submission__period"))
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, "请选择要上传的文件。")
    else:
        try:
            actions.attach_evidence(value, upload, by=request.user)
        except actions.Refused as refused:
            shared.refuse(request, refused, "evidence.refused", value, file=upload.name[:100])
        else:
            messages.success(request, f"已上传佐证材料：{upload.name}")
    return redirect("reporting:entry", value.unit_id, value.submission.period_id)


@login_required
@require_POST
def remove_evidence(request, pk):
    """Remove an evidence file while the value is editable (htmx: answers the refreshed card)."""
    evidence = shared.get(request, Evidence, pk, "reporting.enter",
                          queryset=Evidence.objects.select_related("value__unit", "value__submission__period"))
    value, error = evidence.value, ""
    try:
        actions.remove_evidence(evidence, by=request.user)
    except actions.Refused as refused:
        error = "；".join(refused.messages)
        refusals.record("evidence.remove_refused", value, refused, user=request.user, file=evidence.original_name)
    if not request.htmx:
        if error:
            messages.error(request, error)
        else:
            messages.success(request, f"已删除佐证材料：{evidence.original_name}")
        return redirect("reporting:entry", value.unit_id, value.submission.period_id)
    return _row(request, value.unit, value.submission.period, value.indicator_id, 422 if error else 200,
                error=error, removed="" if error else evidence.original_name)


def submission(request, pk, action):
    """A submission for a view, through `shared.get` (404 and an audit event outside the user's reach)."""
    return shared.get(request, Submission, pk, action,
                      queryset=Submission.objects.select_related("unit", "period__cycle"))


def back(submission):
    return redirect("reporting:entry", submission.unit_id, submission.period_id)


@login_required
@require_POST
def submit(request, pk):
    sub = submission(request, pk, "reporting.enter")
    shared.attempt(request, lambda: actions.submit(sub, by=request.user),
                   done="已报送，等待本单位审核人审核。", code="submission.submit_refused", obj=sub)
    return back(sub)


@login_required
@require_POST
def resubmit_value(request, pk):
    """The unit sends a value returned alone, once corrected, back to the assessor."""
    value = shared.get(request, Value, pk, "reporting.enter",
                       queryset=Value.objects.select_related("unit", "submission", "indicator"))
    shared.attempt(request, lambda: actions.resubmit_value(value, by=request.user),
                   done=f"已重新报送“{value.indicator.name}”，等待考核责任单位核定。", code="value.resubmit_refused",
                   obj=value)
    return redirect("reporting:entry", value.unit_id, value.submission.period_id)


@login_required
@require_GET
def unit_template(request, unit_pk, period_pk):
    # Pre-filled with the current, possibly unverified, figures: for the people who fill in, not for leaders.
    unit = shared.unit(request, unit_pk, "reporting.template")
    period = shared.period(period_pk)
    return shared.xlsx(f"{period.cycle.year}{period.code}-{unit.code}-填报模板.xlsx",
                       lambda out: imports.export_template(out, period, unit=unit))


@login_required
@require_http_methods(["GET", "POST"])
def unit_upload(request, unit_pk, period_pk):
    unit = shared.unit(request, unit_pk, "reporting.enter")
    period = shared.period(period_pk)
    return shared.upload(request, period, unit=unit, back=reverse("reporting:entry", args=[unit.pk, period.pk]))
