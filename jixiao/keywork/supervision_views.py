"""Supervision records (督查) and directives (督办单): issue, reply, accept or send back."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jixiao.accounts import access
from jixiao.analysis.pace_queries import behind_by_unit
from jixiao.keywork import actions, board, scope
from jixiao.keywork.forms import DecideForm, DirectiveForm, ReplyForm, SupervisionForm
from jixiao.keywork.models import DirectiveReply, DirectiveStatus, SupervisionKind
from jixiao.lib import refusals
from jixiao.org.models import Cycle


@login_required
@require_GET
def supervision_list(request):
    access.require(request.user, "keywork.board")
    cycle = board.pick_cycle(request.GET.get("cycle"))
    kind = request.GET.get("kind", "")
    supervisions = scope.supervisions_for(request.user).filter(cycle=cycle).select_related(
        "unit", "task", "supervisor").annotate(files=Count("evidence"))
    if kind:
        supervisions = supervisions.filter(kind=kind)
    return render(request, "keywork/supervision_list.html", {
        "cycle": cycle, "cycles": Cycle.objects.order_by("-year"), "supervisions": supervisions, "kind": kind,
        "kinds": SupervisionKind.choices, "can_supervise": access.can(request.user, "keywork.supervise"),
        "pace_behind": behind_by_unit(cycle), "can_see_pace": access.can(request.user, "analysis.view"),
    })


@login_required
@require_http_methods(["GET", "POST"])
def supervision_create(request):
    access.require(request.user, "keywork.supervise")
    cycle = board.pick_cycle(request.GET.get("cycle") or request.POST.get("cycle"))
    form = SupervisionForm(request.POST or None, cycle=cycle, initial={"task": request.GET.get("task")})
    if request.method == "POST" and form.is_valid():
        try:
            supervision = actions.record_supervision(cycle=cycle, by=request.user,
                                                     files=request.FILES.getlist("files"), **form.cleaned_data)
        except ValidationError as error:
            refusals.refuse(request, "supervision.refused", cycle, error, form=form)
        else:
            messages.success(request, "督查记录已保存。")
            return redirect("keywork:supervision_detail", pk=supervision.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "keywork/supervision_form.html", {"form": form, "cycle": cycle}, status=status)


@login_required
@require_GET
def supervision_detail(request, pk):
    supervision = scope.get_supervision(request.user, pk, "keywork.view_task")
    return render(request, "keywork/supervision_detail.html", {
        "s": supervision, "files": supervision.evidence.all(),
        "directives": supervision.directives.for_table(),
        "can_supervise": access.can(request.user, "keywork.supervise"),
    })


@login_required
@require_GET
def directive_list(request):
    access.require(request.user, "keywork.board")
    cycle = board.pick_cycle(request.GET.get("cycle"))
    status = request.GET.get("status", "")
    directives = scope.directives_for(request.user).filter(cycle=cycle).for_table()
    totals = directives.aggregate(total=Count("id"), open=Count("id", filter=~Q(status=DirectiveStatus.CLOSED)),
                                  late=Count("id", filter=Q(late_replies__gt=0)))
    if status:
        directives = directives.filter(status=status)
    return render(request, "keywork/directive_list.html", {
        "cycle": cycle, "cycles": Cycle.objects.order_by("-year"), "directives": directives, "status": status,
        "statuses": DirectiveStatus.choices, "totals": totals,
        "can_supervise": access.can(request.user, "keywork.supervise"),
    })


@login_required
@require_http_methods(["GET", "POST"])
def directive_create(request):
    access.require(request.user, "keywork.supervise")
    cycle = board.pick_cycle(request.GET.get("cycle") or request.POST.get("cycle"))
    supervision = None
    if request.GET.get("supervision") or request.POST.get("supervision"):
        supervision = scope.get_supervision(request.user, request.GET.get("supervision")
                                            or request.POST.get("supervision"), "keywork.supervise")
    initial = {"task": request.GET.get("task"), "unit": supervision.unit_id if supervision else None}
    form = DirectiveForm(request.POST or None, cycle=cycle, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            directive = actions.issue_directive(cycle=cycle, supervision=supervision, by=request.user,
                                                **form.cleaned_data)
        except ValidationError as error:
            refusals.refuse(request, "directive.refused", cycle, error, form=form)
        else:
            messages.success(request, f"已签发督办单 {directive.number}。")
            return redirect("keywork:directive_detail", pk=directive.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "keywork/directive_form.html", {"form": form, "cycle": cycle, "supervision": supervision},
                  status=status)


@login_required
@require_GET
def directive_detail(request, pk):
    directive = scope.get_directive(request.user, pk, "keywork.view_task")
    replies = directive.replies.select_related("replied_by", "decided_by").prefetch_related("evidence")
    return render(request, "keywork/directive_detail.html", {
        "d": directive, "replies": replies, "reply_form": ReplyForm(), "decide_form": DecideForm(),
        "can_reply": access.can(request.user, "keywork.reply") and directive.awaits_reply,
        "can_decide": access.can(request.user, "keywork.supervise"),
    })


@login_required
@require_POST
def directive_reply(request, pk):
    directive = scope.get_directive(request.user, pk, "keywork.reply")
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            actions.reply_directive(directive, text=form.cleaned_data["text"], by=request.user,
                                    files=request.FILES.getlist("files"))
        except ValidationError as error:
            refusals.refuse(request, "directive.reply_refused", directive, error)
            return _detail_with(request, directive, reply_form=form, status=422)
        messages.success(request, "回复已提交，等待督查室审核。")
        return redirect("keywork:directive_detail", pk=directive.pk)
    return _detail_with(request, directive, reply_form=form, status=422)


def _detail_with(request, directive, *, status, reply_form=None, decide_form=None):
    replies = directive.replies.select_related("replied_by", "decided_by").prefetch_related("evidence")
    return render(request, "keywork/directive_detail.html", {
        "d": directive, "replies": replies, "reply_form": reply_form or ReplyForm(),
        "decide_form": decide_form or DecideForm(),
        "can_reply": access.can(request.user, "keywork.reply") and directive.awaits_reply,
        "can_decide": access.can(request.user, "keywork.supervise"),
    }, status=status)


@login_required
@require_POST
def reply_decide(request, pk):
    access.require(request.user, "keywork.supervise")
    try:
        reply = DirectiveReply.objects.select_related("directive").get(pk=pk)
    except (DirectiveReply.DoesNotExist, ValueError):
        raise Http404("对象不存在或无权访问") from None
    directive = scope.get_directive(request.user, reply.directive_id, "keywork.supervise")
    form = DecideForm(request.POST)
    if form.is_valid():
        try:
            actions.decide_reply(reply, accept=form.cleaned_data["decision"] == "accept",
                                 note=form.cleaned_data["note"], by=request.user)
        except ValidationError as error:
            refusals.refuse(request, "directive.decide_refused", directive, error)
            return _detail_with(request, directive, decide_form=form, status=422)
        messages.success(request, "审核结果已保存。")
        return redirect("keywork:directive_detail", pk=directive.pk)
    return _detail_with(request, directive, decide_form=form, status=422)
