"""Scoring pages: runs per cycle, a run's results by group, a unit's lines, comparison, "our result" with
appeals, and the office's appeal queue. Thin views: access first, state changes in actions.py."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from jixiao.accounts import access
from jixiao.indicators.models import Scheme, SchemeItem
from jixiao.lib import cycles, refusals
from jixiao.scoring import actions, queries
from jixiao.scoring.models import Appeal, AppealStatus, RunStatus, ScoreLine, ScoreResult, Stage
from jixiao.scoring.types import NOT_DUE


@login_required
@require_GET
def run_list(request):
    access.require(request.user, "scoring.view")
    can_manage = access.can(request.user, "scoring.manage")
    # The office's work is a scheme to compute; a leader's is a run to read.
    if can_manage:
        pick = cycles.pick(request, open_work=Scheme.objects.all(), work="有考核方案")
    else:
        pick = cycles.pick(request, open_work=access.visible_runs(request.user), work="有考核结果")
    cycle = pick.cycle
    schemes = list(Scheme.objects.filter(cycle=cycle).order_by("code")) if cycle else []
    runs = (access.visible_runs(request.user).filter(cycle=cycle).select_related("scheme", "created_by")
            .order_by("scheme__code", "-created_at", "-id"))
    return render(request, "scoring/run_list.html", {
        "pick": pick, "cycle": cycle, "schemes": schemes, "runs": runs,
        "can_manage": can_manage, "stages": Stage.choices,
    })


@login_required
@require_POST
def compute(request):
    access.require(request.user, "scoring.manage")
    scheme = Scheme.objects.select_related("cycle").filter(pk=request.POST.get("scheme") or 0).first() \
        if str(request.POST.get("scheme", "")).isdigit() else None
    if scheme is None:
        messages.error(request, "请选择考核方案")
        return redirect("scoring:run_list")
    try:
        run = actions.compute(scheme, request.POST.get("stage", ""), by=request.user)
    except ValidationError as error:
        refusals.refuse(request, "scoring.compute_refused", scheme, error)
        return redirect(f"/scoring/?cycle={scheme.cycle.year}")
    messages.success(request, f"已完成计算：{run.scheme.name} {run.get_stage_display()}")
    return redirect("scoring:run_detail", pk=run.pk)


def _run_for(request, pk, action="scoring.view"):
    access.require(request.user, action)
    runs = access.visible_runs(request.user).select_related("scheme", "cycle", "created_by", "supersedes")
    return get_object_or_404(runs, pk=pk)


@login_required
@require_GET
def run_detail(request, pk):
    run = _run_for(request, pk)
    groups: dict = {}
    for row in queries.results_of(run):
        groups.setdefault(row.group, []).append(row)
    others = access.visible_runs(request.user).filter(scheme=run.scheme).exclude(pk=run.pk).order_by("-created_at")
    return render(request, "scoring/run_detail.html", {
        "run": run, "groups": groups, "others": others, "can_manage": access.can(request.user, "scoring.manage"),
        "pending": run.appeals.filter(status=AppealStatus.PENDING).count(),
        "default_deadline": (timezone.localtime() + datetime.timedelta(days=7)).strftime("%Y-%m-%dT%H:%M"),
    })


@login_required
@require_POST
def open_appeals(request, pk):
    run = _run_for(request, pk, "scoring.manage")
    try:
        deadline = datetime.datetime.fromisoformat(request.POST.get("deadline", ""))
        if timezone.is_naive(deadline):
            deadline = timezone.make_aware(deadline)
        actions.open_appeals(run, deadline, by=request.user)
        messages.success(request, "已开启反馈申诉期，各单位可查看初步结果并提出申诉")
    except ValueError:
        messages.error(request, "请填写有效的申诉截止时间")
    except ValidationError as error:
        refusals.refuse(request, "scoring.appeals_open_refused", run, error)
    return redirect("scoring:run_detail", pk=run.pk)


@login_required
@require_POST
def publish(request, pk):
    run = _run_for(request, pk, "scoring.manage")
    try:
        actions.publish(run, by=request.user)
        messages.success(request, "考核结果已发布")
    except ValidationError as error:
        refusals.refuse(request, "scoring.publish_refused", run, error)
    return redirect("scoring:run_detail", pk=run.pk)


def _result_for(request, pk) -> ScoreResult:
    """A unit's result: the office and leaders see any; a unit its own once the run was released to it."""
    qs = access.visible_results(request.user).select_related("run", "run__scheme", "unit", "group")
    action = "scoring.view" if access.can(request.user, "scoring.view") else "scoring.view_own"
    return access.get_for_user(request.user, ScoreResult, pk, action, queryset=qs)


@login_required
@require_GET
def result_detail(request, pk):
    result = _result_for(request, pk)
    lines = ScoreLine.objects.filter(result=result).order_by("id")
    return render(request, "scoring/result_detail.html", {
        "result": result, "run": result.run, "lines": lines,
        "lost": [line for line in lines if line.lost > 0],
        "office": access.can(request.user, "scoring.view"),
    })


@login_required
@require_GET
def compare(request):
    access.require(request.user, "scoring.view")
    runs = access.visible_runs(request.user).select_related("scheme")
    ids = [request.GET.get(key, "") for key in ("a", "b")]
    a, b = (runs.filter(pk=pk).first() if pk.isdigit() else None for pk in ids)
    if a is None or b is None:
        messages.error(request, "请选择要比较的两次计算")
        return redirect("scoring:run_list")
    if a.scheme_id != b.scheme_id:
        messages.error(request, "只能比较同一考核方案的两次计算")
        return redirect("scoring:run_detail", pk=a.pk)
    return render(request, "scoring/compare.html", {"a": a, "b": b, "changes": queries.diff(a, b)})


@login_required
@require_GET
def our_result(request):
    access.require(request.user, "scoring.view_own")
    membership = access.current_membership(request.user)
    results = list(access.visible_results(request.user).filter(unit=membership.unit)
                   .select_related("run", "run__scheme", "group").order_by("-run__cycle__year", "-run__created_at"))
    current = results[0] if results else None
    lines = list(ScoreLine.objects.filter(result=current).order_by("id")) if current else []
    appeals = Appeal.objects.filter(unit=membership.unit).select_related("run", "item__indicator").order_by(
        "-filed_at")
    window_open = bool(current and current.run.status == RunStatus.APPEAL and current.run.appeal_deadline
                       and timezone.now() <= current.run.appeal_deadline)
    return render(request, "scoring/our_result.html", {
        "current": current, "history": results[1:], "lines": lines, "lost": [x for x in lines if x.lost > 0],
        "not_due": [x for x in lines if x.status == NOT_DUE],
        "appeals": appeals, "window_open": window_open,
        "can_appeal": window_open and access.can(request.user, "scoring.appeal"),
    })


@login_required
@require_POST
def appeal_create(request, pk):
    """File an appeal against the unit's own result `pk` (a ScoreResult)."""
    result = access.get_for_user(request.user, ScoreResult, pk, "scoring.appeal",
                                 queryset=access.visible_results(request.user).select_related("run", "unit"))
    item = None
    if request.POST.get("item"):
        item = SchemeItem.objects.filter(pk=request.POST["item"], scheme_id=result.run.scheme_id).first()
    try:
        actions.file_appeal(result.run, result.unit, by=request.user, reason=request.POST.get("reason", ""),
                            evidence=request.POST.get("evidence", ""), item=item)
        messages.success(request, "申诉已提交，请等待绩效办处理")
    except ValidationError as error:
        refusals.refuse(request, "scoring.appeal_refused", result, error)
    return redirect("scoring:our_result")


@login_required
@require_GET
def appeal_queue(request):
    access.require(request.user, "scoring.manage")
    appeals = Appeal.objects.select_related("run", "run__scheme", "unit", "item__indicator", "filed_by",
                                            "decided_by").order_by("status", "-filed_at")
    return render(request, "scoring/appeal_queue.html", {"appeals": appeals})


@login_required
@require_POST
def appeal_decide(request, pk):
    access.require(request.user, "scoring.manage")
    appeal = get_object_or_404(Appeal, pk=pk)
    try:
        actions.decide_appeal(appeal, request.POST.get("decision") == "accept", request.POST.get("reason", ""),
                              by=request.user)
        messages.success(request, "申诉已处理")
    except ValidationError as error:
        refusals.refuse(request, "scoring.appeal_decide_refused", appeal, error)
    return redirect("scoring:appeal_queue")
