"""Key-task pages: the office board, "my tasks" of a district leader, "our tasks" of a unit, a task's page,
its progress reports and its assessment. Supervision and directives live in supervision_views.py, bulletins in
bulletin_views.py."""

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jixiao.accounts import access
from jixiao.accounts.roles import Role
from jixiao.audit.models import Outcome
from jixiao.keywork import actions, board, periods, scope
from jixiao.keywork.forms import AssessForm, ProgressForm, TaskForm
from jixiao.keywork.models import Directive, KeyTask, TaskStatus, Warning
from jixiao.lib import refusals
from jixiao.lib.excel import write_workbook
from jixiao.lib.responses import download
from jixiao.org.models import Cadre, Cycle, Unit, UnitKind


@login_required
@require_GET
def task_board(request):
    access.require(request.user, "keywork.board")
    cycle = board.pick_cycle(request.GET.get("cycle"))
    f = board.read_filters(request.GET)
    rows = board.rows_for(KeyTask.objects.all(), cycle, f) if cycle else []
    return render(request, "keywork/board.html", {
        "cycle": cycle, "cycles": Cycle.objects.order_by("-year"), "rows": rows, "f": f,
        "counts": board.counts(rows), **board.choices(),
        "leaders": Cadre.objects.filter(unit__kind=UnitKind.DISTRICT).order_by("post", "id"),
        "units": Unit.objects.current().without_villages().order_by("sort_order", "code"),
        "query": request.GET.urlencode(), "can_manage": access.can(request.user, "keywork.manage"),
    })


@login_required
@require_GET
def board_export(request):
    access.require(request.user, "keywork.board")
    cycle = board.pick_cycle(request.GET.get("cycle"))
    if cycle is None:
        raise Http404("没有考核年度")
    rows = board.rows_for(KeyTask.objects.all(), cycle, board.read_filters(request.GET))
    buffer = io.BytesIO()
    write_workbook(buffer, [board.sheet(rows, cycle)])
    return download(buffer.getvalue(), f"keywork-{cycle.year}.xlsx")


@login_required
@require_GET
def my_tasks(request):
    """The tasks a district leader answers for (责任区领导), with their warnings."""
    access.require(request.user, "keywork.my_tasks")
    cycle = board.pick_cycle(request.GET.get("cycle"))
    mine = KeyTask.objects.filter(Q(leader_user=request.user))
    rows = board.rows_for(mine, cycle) if cycle else []
    warnings = (Warning.objects.filter(task__in=[r.task for r in rows]).select_related("task", "task__lead_unit")
                .order_by("-created_at")[:20])
    return render(request, "keywork/my_tasks.html", {
        "cycle": cycle, "cycles": Cycle.objects.order_by("-year"), "rows": rows, "counts": board.counts(rows),
        "warnings": warnings,
    })


@login_required
@require_GET
def unit_tasks(request):
    """Our tasks (led, cooperated on or assessed) and the directives addressed to us."""
    access.require(request.user, "keywork.unit")
    cycle = board.pick_cycle(request.GET.get("cycle"))
    rows = board.rows_for(scope.tasks_for(request.user), cycle) if cycle else []
    directives = scope.directives_for(request.user).filter(cycle=cycle).for_table() if cycle else []
    unit_ids = set(scope.unit_ids(request.user))
    return render(request, "keywork/unit_tasks.html", {
        "cycle": cycle, "cycles": Cycle.objects.order_by("-year"), "rows": rows, "counts": board.counts(rows),
        "directives": directives, "unit_ids": unit_ids,
    })


@login_required
@require_GET
def task_detail(request, pk):
    task = scope.get_task(request.user, pk, "keywork.view_task")
    judgement = board.judge(task, board.judged_on(task.cycle))
    progress = (task.progress_reports.select_related("unit", "reported_by").prefetch_related("evidence")
                .order_by("period_code", "unit__code"))
    membership = access.current_membership(request.user)
    unit_id = membership.unit_id if membership else None
    return render(request, "keywork/task_detail.html", {
        "task": task, "judgement": judgement, "badge": board.BADGES[judgement.status],
        "status_label": TaskStatus(judgement.status).label,
        "milestones": task.milestones.all(), "sub_tasks": task.sub_tasks.select_related("unit"),
        "cooperating": task.cooperating_units.all(), "progress": progress,
        "assessments": task.assessments.select_related("unit", "assessed_by").order_by("period_code"),
        "warnings": task.warnings.order_by("period_code"),
        "supervisions": task.supervisions.select_related("unit", "supervisor"),
        "directives": Directive.objects.filter(task=task).for_table(),
        "can_report": access.can(request.user, "keywork.report") and unit_id in actions.reporting_units(task),
        "can_assess": _may_assess(request.user, task), "can_manage": access.can(request.user, "keywork.manage"),
        "can_supervise": access.can(request.user, "keywork.supervise"),
    })


def _may_assess(user, task) -> bool:
    if not access.can(user, "keywork.assess"):
        return False
    if access.role_of(user) == Role.ASSESSOR:
        membership = access.current_membership(user)
        return membership is not None and membership.unit_id == task.assessor_unit_id
    return True


@login_required
@require_http_methods(["GET", "POST"])
def task_create(request):
    access.require(request.user, "keywork.manage")
    cycle = board.pick_cycle(request.GET.get("cycle") or request.POST.get("cycle"))
    if cycle is None:
        raise Http404("没有考核年度")
    return _task_form(request, KeyTask(cycle=cycle), "新建重点工作")


@login_required
@require_http_methods(["GET", "POST"])
def task_edit(request, pk):
    task = scope.get_task(request.user, pk, "keywork.manage")
    return _task_form(request, task, f"编辑 {task.code}")


def _task_form(request, task, title):
    form = TaskForm(request.POST or None, instance=task, cycle=task.cycle)
    if request.method == "POST" and form.is_valid():
        try:
            task = actions.save_task(form.save(commit=False), by=request.user,
                                     cooperating=list(form.cleaned_data["cooperating_units"]),
                                     milestones=form.milestones(), sub_tasks=form.cleaned_data["sub_tasks"])
        except ValidationError as error:
            refusals.refuse(request, "keytask.refused", task if task.pk else task.cycle, error, form=form)
        else:
            messages.success(request, f"已保存重点工作：{task}")
            return redirect("keywork:task_detail", pk=task.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "keywork/task_form.html", {"form": form, "task": task, "title": title}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def progress_create(request, pk):
    try:
        task = scope.get_task(request.user, pk, "keywork.report")
    except (Http404, PermissionDenied) as error:
        if request.method == "POST":
            refusals.record("keywork.progress_refused", None, error, user=request.user, outcome=Outcome.DENIED)
        raise
    membership = access.current_membership(request.user)
    if membership.unit_id not in actions.reporting_units(task):
        error = PermissionDenied(f"“{task.name}”不由{membership.unit.name}牵头或配合，不能报送其进展。")
        if request.method == "POST":
            refusals.record("keywork.progress_refused", task, error, user=request.user, outcome=Outcome.DENIED)
        raise error
    form = ProgressForm(request.POST or None, initial={"period_code": periods.quarter_of(timezone.localdate())})
    if request.method == "POST" and form.is_valid():
        try:
            actions.report_progress(task, unit=membership.unit, by=request.user,
                                    files=request.FILES.getlist("files"), **form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            denied = isinstance(error, PermissionDenied)
            refusals.refuse(request, "keywork.progress_refused", task, error, form=form,
                            outcome=Outcome.DENIED if denied else Outcome.FAILURE)
            return render(request, "keywork/progress_form.html", {"form": form, "task": task},
                          status=403 if denied else 422)
        messages.success(request, "进展已报送。")
        return redirect("keywork:task_detail", pk=task.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "keywork/progress_form.html", {"form": form, "task": task}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def assess(request, pk):
    task = scope.get_task(request.user, pk, "keywork.assess")
    if not _may_assess(request.user, task):
        raise PermissionDenied("只有该工作的考核责任单位、督查室或区绩效办可以评分")
    form = AssessForm(request.POST or None, task=task)
    if request.method == "POST" and form.is_valid():
        try:
            actions.assess(task, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            refusals.refuse(request, "keywork.assess_refused", task, error, form=form)
        else:
            messages.success(request, "评分已保存。")
            return redirect("keywork:task_detail", pk=task.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "keywork/assess_form.html", {"form": form, "task": task}, status=status)


@login_required
@require_POST
def warnings_raise(request):
    access.require(request.user, "keywork.manage")
    cycle = board.pick_cycle(request.POST.get("cycle"))
    code = request.POST.get("period_code", "")
    if cycle is None or not periods.is_valid(code):
        messages.error(request, "请选择考核年度和期次。")
        return redirect("keywork:board")
    if timezone.localdate() <= periods.period_end(cycle.year, code):
        messages.error(request, f"{cycle.year}年{periods.label(code)}尚未结束，不能生成预警。")
        return redirect("keywork:board")
    created = actions.raise_warnings(cycle, code, by=request.user)
    messages.success(request, f"已生成预警 {len(created)} 条（已存在的不重复生成）。")
    return redirect(f"{reverse('keywork:board')}?cycle={cycle.year}")


@login_required
@require_GET
def evidence_download(request, pk):
    evidence = scope.get_evidence(request.user, pk)
    return download(evidence.file.open("rb"), evidence.original_name, kind=evidence.kind)
