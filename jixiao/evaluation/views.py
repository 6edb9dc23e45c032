"""Office pages: set up a campaign, issue codes, open and close it."""

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, OuterRef, Q, Subquery
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jixiao.accounts import access
from jixiao.cadres import democratic as democratic_tally
from jixiao.evaluation import actions, sheets
from jixiao.evaluation.forms import CampaignEditForm, CampaignForm, CodeBatchForm
from jixiao.evaluation.models import Answer, Campaign, CodeBatch, RaterGroup
from jixiao.lib import refusals
from jixiao.lib.responses import download
from jixiao.org.models import Unit, UnitKind


def _entry(campaign) -> str:
    """Where a code of this campaign is typed in: the public evaluation, or the 民主测评 page."""
    return "evaluation:democratic_code" if campaign.is_democratic else "portal:evaluate"


def _campaign(request, pk, action="evaluation.view") -> Campaign:
    access.require(request.user, action)
    return get_object_or_404(Campaign.objects.select_related("cycle", "assessing_unit"), pk=pk)


def _satisfaction_campaign(request, pk) -> Campaign:
    """A campaign whose results are satisfaction scores by department; a 民主测评 has its tally instead."""
    access.require(request.user, "evaluation.view")
    return get_object_or_404(Campaign.objects.satisfaction().select_related("cycle", "assessing_unit"), pk=pk)


@login_required
@require_GET
def campaign_list(request):
    access.require(request.user, "evaluation.view")
    # Two subqueries, not two joins: joining answers and units would multiply the rows.
    answers = Answer.objects.filter(campaign=OuterRef("pk")).order_by().values("campaign").annotate(n=Count("id"))
    units = (Campaign.units.through.objects.filter(campaign=OuterRef("pk")).order_by().values("campaign")
             .annotate(n=Count("id")))
    campaigns = (Campaign.objects.select_related("cycle")
                 .annotate(answer_count=Subquery(answers.values("n")), unit_count=Subquery(units.values("n")))
                 .order_by("-cycle__year"))
    return render(request, "evaluation/campaign_list.html", {
        "campaigns": campaigns, "can_manage": access.can(request.user, "evaluation.manage")})


@login_required
@require_http_methods(["GET", "POST"])
def campaign_create(request):
    access.require(request.user, "evaluation.manage")
    form = CampaignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        district = Unit.objects.filter(kind=UnitKind.DISTRICT, parent__isnull=True).order_by("pk").first()
        try:
            campaign = actions.create_campaign(
                cycle=form.cleaned_data["cycle"], assessing_unit=district, name=form.cleaned_data["name"],
                opens_at=form.cleaned_data["opens_at"], closes_at=form.cleaned_data["closes_at"],
                scale_kind=form.cleaned_data["scale"], purpose=form.cleaned_data["purpose"], by=request.user)
        except actions.EvaluationError as exc:
            refusals.refuse(request, "evaluation.campaign_refused", None, exc, form=form)
        else:
            messages.success(request, "评议活动已创建，已按默认设置生成评议主体、维度和问卷。")
            return redirect("evaluation:campaign_detail", pk=campaign.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "evaluation/campaign_create.html", {"form": form}, status=status)


@login_required
@require_GET
def campaign_detail(request, pk):
    campaign = _campaign(request, pk)
    groups = list(campaign.groups.annotate(answer_count=Count("answers")))
    questionnaires = {}
    for group in groups:
        questionnaires[group.pk] = actions.current_questionnaire(group)
    batches = (CodeBatch.objects.filter(campaign=campaign).select_related("rater_group", "unit", "created_by")
               .annotate(used=Count("codes", filter=Q(codes__used_on__isnull=False))))
    edit_form = CampaignEditForm(initial={
        "name": campaign.name, "opens_at": timezone.localtime(campaign.opens_at),
        "closes_at": timezone.localtime(campaign.closes_at), "contacts_keep_until": campaign.contacts_keep_until})
    codes = [d.code for d in campaign.dimensions.all()]
    tallies = democratic_tally.tally(campaign) if campaign.is_democratic and campaign.is_frozen else []
    return render(request, "evaluation/campaign_detail.html", {
        "tallies": [(t, [t.dimensions.get(c) for c in codes]) for t in tallies],
        "campaign": campaign, "groups": [(g, questionnaires[g.pk]) for g in groups],
        "weight_sum": sum(g.weight for g in groups), "dimensions": campaign.dimensions.all(),
        "units": campaign.units.order_by("sort_order", "code"), "batches": batches,
        "batch_form": CodeBatchForm(campaign), "edit_form": edit_form,
        "can_manage": access.can(request.user, "evaluation.manage"),
        "public_url": request.build_absolute_uri(reverse(_entry(campaign))),
    })


@login_required
@require_POST
def campaign_edit(request, pk):
    campaign = _campaign(request, pk, "evaluation.manage")
    form = CampaignEditForm(request.POST)
    if not form.is_valid():
        for field_errors in form.errors.values():
            for error in field_errors:
                messages.error(request, error)
        return redirect("evaluation:campaign_detail", pk=pk)
    try:
        actions.update_campaign(campaign, by=request.user, **form.cleaned_data)
        messages.success(request, "已保存。")
    except actions.EvaluationError as exc:
        refusals.refuse(request, "evaluation.campaign_refused", campaign, exc)
    return redirect("evaluation:campaign_detail", pk=pk)


@login_required
@require_POST
def campaign_weights(request, pk):
    campaign = _campaign(request, pk, "evaluation.manage")
    weights = {}
    try:
        for group in campaign.groups.all():
            weights[group.pk] = Decimal(request.POST.get(f"weight-{group.pk}", "").strip())
        actions.set_weights(campaign, weights, by=request.user)
        messages.success(request, "权重已保存。")
    except (InvalidOperation, ValueError):
        messages.error(request, "权重须为数字。")
    except actions.EvaluationError as exc:
        refusals.refuse(request, "evaluation.campaign_refused", campaign, exc)
    return redirect("evaluation:campaign_detail", pk=pk)


@login_required
@require_POST
def campaign_open(request, pk):
    campaign = _campaign(request, pk, "evaluation.manage")
    try:
        actions.open_campaign(campaign, by=request.user)
        messages.success(request, "评议已开启，问卷已冻结。")
    except actions.EvaluationError as exc:
        refusals.refuse(request, "evaluation.open_refused", campaign, exc)
    return redirect("evaluation:campaign_detail", pk=pk)


@login_required
@require_POST
def campaign_close(request, pk):
    campaign = _campaign(request, pk, "evaluation.manage")
    try:
        actions.close_campaign(campaign, by=request.user)
        messages.success(request, "评议已结束，未使用的邀请码随之失效。")
    except actions.EvaluationError as exc:
        refusals.refuse(request, "evaluation.close_refused", campaign, exc)
    return redirect("evaluation:campaign_detail", pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def questionnaire_edit(request, pk):
    access.require(request.user, "evaluation.manage")
    group = get_object_or_404(RaterGroup.objects.select_related("campaign"), pk=pk)
    current = actions.current_questionnaire(group)
    dimensions = list(group.campaign.dimensions.all())
    texts = {q.dimension_id: q.text for q in current.questions.all()}
    status = 200
    if request.method == "POST":
        posted = {d.pk: request.POST.get(f"q-{d.pk}", "") for d in dimensions}
        try:
            actions.save_questionnaire(group, intro=request.POST.get("intro", "")[:1000],
                                       allow_comments=request.POST.get("allow_comments") == "on",
                                       texts=posted, by=request.user)
        except actions.EvaluationError as exc:
            refusals.refuse(request, "evaluation.questionnaire_refused", group.campaign, exc)
            texts, status = posted, 422
        else:
            note = "已生成新版本问卷（已开启的问卷不能修改）。" if current.frozen_at else "问卷已保存。"
            messages.success(request, note)
            return redirect("evaluation:campaign_detail", pk=group.campaign_id)
    return render(request, "evaluation/questionnaire_edit.html", {
        "group": group, "campaign": group.campaign, "questionnaire": current,
        "rows": [(d, texts.get(d.pk, "")) for d in dimensions],
    }, status=status)


@login_required
@require_POST
def codes_issue(request, pk):
    campaign = _campaign(request, pk, "evaluation.manage")
    form = CodeBatchForm(campaign, request.POST)
    if not form.is_valid():
        for field_errors in form.errors.values():
            for error in field_errors:
                messages.error(request, error)
        return redirect("evaluation:campaign_detail", pk=pk)
    group = get_object_or_404(RaterGroup, pk=form.cleaned_data["group"], campaign=campaign)
    unit = campaign.units.filter(pk=form.cleaned_data["unit"]).first() if form.cleaned_data["unit"] else None
    try:
        batch, codes = actions.issue_codes(campaign, group, size=form.cleaned_data["size"], unit=unit,
                                           by=request.user, note=form.cleaned_data["note"])
    except actions.EvaluationError as exc:
        refusals.refuse(request, "evaluation.codes_refused", campaign, exc)
        return redirect("evaluation:campaign_detail", pk=pk)
    base = request.build_absolute_uri(reverse(_entry(campaign)))
    data = sheets.bundle(campaign.name, group.name, unit.name if unit else "", codes, base)
    return download(data, f"invitation-codes-{batch.pk}.zip")


@login_required
@require_POST
def codes_void(request, pk):
    access.require(request.user, "evaluation.manage")
    batch = get_object_or_404(CodeBatch, pk=pk)
    try:
        actions.void_batch(batch, by=request.user)
        messages.success(request, "该批邀请码已作废，未使用的邀请码立即失效。")
    except actions.EvaluationError as exc:
        refusals.refuse(request, "evaluation.codes_refused", batch, exc)
    return redirect("evaluation:campaign_detail", pk=batch.campaign_id)


@login_required
@require_POST
def democratic_record(request, pk):
    """写入民主测评结果: the closed campaign's tally becomes the cycle's DemocraticResult rows."""
    campaign = _campaign(request, pk, "evaluation.manage")
    try:
        written = democratic_tally.record_online_results(campaign, request.user)
    except actions.EvaluationError as exc:
        refusals.refuse(request, "evaluation.democratic_refused", campaign, exc)
    else:
        messages.success(request, f"已写入{len(written)}条民主测评结果。")
    return redirect("evaluation:campaign_detail", pk=pk)
