"""Office pages while and after a campaign runs: response rates, the review queue, results, follow-ups."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from jixiao.accounts import access
from jixiao.evaluation import actions, campaign_results, charts, monitor
from jixiao.evaluation.forms import DecisionForm
from jixiao.evaluation.models import Answer, Contact, Flag, FlagStatus, FollowUp
from jixiao.evaluation.views import _campaign, _satisfaction_campaign
from jixiao.lib import refusals
from jixiao.lib.responses import download

TOP_CHART = 15  # departments in the results chart; the table below lists all


@login_required
@require_GET
def monitor_page(request, pk):
    campaign = _campaign(request, pk)
    counts = monitor.unit_counts(campaign)
    service = monitor.service_codes(campaign)
    groups = list(campaign.groups.all())
    rows = []
    for unit in campaign.units.order_by("sort_order", "code"):
        per_group = counts.get(unit.pk, {})
        issued, used = service.get(unit.pk, (0, 0))
        rows.append({"unit": unit, "counts": [per_group.get(g.pk, 0) for g in groups],
                     "total": sum(per_group.values()), "service_issued": issued, "service_used": used})
    daily = monitor.daily(campaign)
    chart = charts.horizontal_bars([d.isoformat() for d, _ in daily], [n for _, n in daily], name="答卷数",
                                   value_axis={"minInterval": 1})
    return render(request, "evaluation/monitor.html", {
        "campaign": campaign, "rates": monitor.group_rates(campaign), "groups": groups, "rows": rows,
        "daily": daily, "chart": chart, "flags": monitor.flag_summary(campaign),
    })


@login_required
@require_GET
def review(request, pk):
    campaign = _campaign(request, pk)
    status = request.GET.get("status", FlagStatus.PENDING)
    if status not in FlagStatus.values:
        status = FlagStatus.PENDING
    answer_ids = (Flag.objects.filter(campaign=campaign, status=status).values_list("answer_id", flat=True)
                  .distinct().order_by("answer_id"))
    page = Paginator(answer_ids, 50).get_page(request.GET.get("page"))
    answers = (Answer.objects.filter(pk__in=list(page.object_list)).select_related("rater_group")
               .prefetch_related("flags", "ratings").order_by("submitted_on", "id"))
    return render(request, "evaluation/review.html", {
        "campaign": campaign, "answers": answers, "page": page, "status": status,
        "statuses": FlagStatus.choices, "can_manage": access.can(request.user, "evaluation.manage"),
        "summary": monitor.flag_summary(campaign),
    })


@login_required
@require_POST
def review_decide(request, pk):
    access.require(request.user, "evaluation.manage")
    answer = get_object_or_404(Answer, pk=pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择保留或剔除，并填写审核理由（2至200字）。")
    else:
        try:
            actions.decide_answer(answer, exclude=form.cleaned_data["decision"] == "exclude",
                                  reason=form.cleaned_data["reason"], by=request.user)
            messages.success(request, "审核结果已记录。")
        except actions.EvaluationError as exc:
            refusals.refuse(request, "evaluation.review_refused", answer, exc)
    return redirect("evaluation:review", pk=answer.campaign_id)


@login_required
@require_GET
def results(request, pk):
    campaign = _satisfaction_campaign(request, pk)
    outcome = campaign_results.campaign_results(campaign)
    rows = outcome.rows()
    top = [r for r in rows if r[2] is not None and r[2].score is not None]
    top = top[:TOP_CHART]
    chart = charts.horizontal_bars([u.label for _, u, _, _ in top], [float(s.score) for _, _, s, _ in top],
                                   name="满意度", value_axis={"min": 0, "max": 100})
    return render(request, "evaluation/results.html", {
        "campaign": campaign, "results": outcome, "rows": rows, "chart": chart,
    })


@login_required
@require_GET
def results_export(request, pk):
    campaign = _satisfaction_campaign(request, pk)
    data = campaign_results.workbook(campaign_results.campaign_results(campaign))
    return download(data, f"evaluation-{campaign.cycle.year}.xlsx")


@login_required
@require_GET
def follow_ups(request, pk):
    campaign = _satisfaction_campaign(request, pk)
    items = (FollowUp.objects.filter(campaign=campaign, answer__excluded=False)
             .select_related("campaign", "unit", "dimension", "rater_group", "answer__contact")
             .order_by("unit__sort_order", "dimension__sort_order", "created_on", "id"))
    page = Paginator(items, 100).get_page(request.GET.get("page"))
    return render(request, "evaluation/follow_ups.html", {
        "campaign": campaign, "page": page, "can_manage": access.can(request.user, "evaluation.manage"),
    })


@login_required
@require_POST
def contact_reveal(request, pk):
    access.require(request.user, "evaluation.manage")
    contact = get_object_or_404(Contact.objects.select_related("answer"), pk=pk)
    phone = actions.reveal_contact(contact, by=request.user)
    messages.info(request, f"回访电话：{phone}（本次查看已记入审计日志）")
    return redirect("evaluation:follow_ups", pk=contact.campaign_id)
