"""The office's reporting pages: periods and deadline exceptions, the board of every unit, timeliness, and the
unlocking of a submission or a value; leaders read the board and timeliness."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jixiao.accounts import access
from jixiao.audit import log
from jixiao.indicators.models import Frequency
from jixiao.lib.excel import Sheet, write_workbook
from jixiao.org.models import Cycle, Unit
from jixiao.reporting import actions, due, queries
from jixiao.reporting.forms import ExceptionForm, PeriodForm
from jixiao.reporting.models import Period, Value
from jixiao.reporting.views import reporter, shared


def _board_period(request):
    """The cycle picker's context and the period shown: the one named, else the latest opened, else the first."""
    picked = shared.pick_cycle(request)
    periods = list(Period.objects.filter(cycle=picked["cycle"]).select_related("cycle").order_by("ends_on", "kind"))
    chosen = next((p for p in periods if str(p.pk) == request.GET.get("period", "")), None)
    if chosen is None and periods:
        today = actions.today()
        started = [p for p in periods if p.opens_on <= today]
        chosen = started[-1] if started else periods[0]
    return picked, periods, chosen


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
    picked, periods, period = _board_period(request)
    by_unit = due.scope_by_unit(period) if period else {}
    rows = queries.board(period, due=by_unit) if period else []
    counts = queries.board_counts(rows)
    f, shown = _filtered(request, rows)
    query = request.GET.copy()
    return render(request, "reporting/board.html", {
        **picked, "periods": periods, "period": period, "rows": shown, "counts": counts,
        "f": f, "states": queries.STATES, "assessors": queries.by_assessor(period, due=by_unit) if period else [],
        "kinds": sorted({(r.unit.kind, r.unit.get_kind_display()) for r in rows}), "query": query.urlencode(),
    })


@login_required
@require_GET
def board_export(request):
    access.require(request.user, "reporting.board")
    _picked, _periods, period = _board_period(request)
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
    return shared.xlsx(f"{period.cycle.year}{period.code}-报送情况.xlsx", lambda out: write_workbook(out, sheets))


@login_required
@require_GET
def timeliness(request):
    access.require(request.user, "reporting.board")
    picked = shared.pick_cycle(request)
    rows = queries.on_time_rates(picked["cycle"]) if picked["cycle"] else []
    return render(request, "reporting/timeliness.html", {**picked, "rows": rows})


@login_required
@require_GET
def periods(request):
    access.require(request.user, "reporting.manage")
    picked = shared.pick_cycle(request)
    cycle = picked["cycle"]
    rows = list(Period.objects.filter(cycle=cycle).select_related("cycle").prefetch_related("exceptions__unit")
                .order_by("ends_on", "kind"))
    in_use = actions.frequencies_in_use(cycle) if cycle else set()
    return render(request, "reporting/periods.html", {**picked, "periods": rows,
                                                      "frequencies": [f.label for f in Frequency if f in in_use]})


@login_required
@require_POST
def generate_periods(request):
    access.require(request.user, "reporting.manage")
    cycle = get_object_or_404(Cycle, year=request.POST.get("cycle") or 0)
    created = actions.generate_periods(cycle, by=request.user)
    if created:
        messages.success(request, f"已生成 {len(created)} 个报送期：{'、'.join(p.label for p in created)}。")
    else:
        messages.info(request, "没有需要新增的报送期（按已发布方案中指标的报送频次生成）。")
    return redirect(f"{reverse('reporting:periods')}?cycle={cycle.year}")


def _units_in(period):
    return Unit.objects.filter(pk__in=list(due.scope_by_unit(period))).order_by("sort_order", "code")


@login_required
@require_http_methods(["GET", "POST"])
def period_edit(request, pk):
    access.require(request.user, "reporting.manage")
    period = shared.period(pk)
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
    period = shared.period(pk)
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


@login_required
@require_POST
def unlock_submission(request, pk):
    submission = reporter.submission(request, pk, "reporting.manage")
    shared.attempt(request, lambda: actions.unlock_submission(submission, by=request.user,
                                                              reason=shared.reason(request, "解锁时必须填写理由。")),
                   done="报件已解锁，单位可更正后重新报送。", code="submission.unlock_refused", obj=submission)
    return reporter.back(submission)


@login_required
@require_POST
def unlock_value(request, pk):
    value = shared.get(request, Value, pk, "reporting.manage",
                       queryset=Value.objects.select_related("unit", "submission", "indicator"))
    shared.attempt(request, lambda: actions.unlock_value(value, by=request.user,
                                                         reason=shared.reason(request, "解锁时必须填写理由。")),
                   done=f"已单独解锁{value.unit.name}的“{value.indicator.name}”，单位可更正后重新报送。",
                   code="value.unlock_refused", obj=value)
    return redirect("reporting:entry", value.unit_id, value.submission.period_id)
