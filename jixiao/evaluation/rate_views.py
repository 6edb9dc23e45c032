"""Pages for logged-in raters (the matrix) and for departments (the comments and follow-ups addressed to them)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from jixiao.accounts import access
from jixiao.evaluation import actions, scale
from jixiao.evaluation.feedback import comment_page, follow_up_counts
from jixiao.evaluation.forms import parse_matrix
from jixiao.evaluation.models import (
    Ballot,
    BallotStatus,
    Campaign,
    CampaignStatus,
    Scale,
)


@login_required
@require_GET
def rate_home(request):
    access.require(request.user, "evaluation.rate")
    membership = access.active_membership(request)
    campaigns = Campaign.objects.filter(status=CampaignStatus.OPEN).select_related("cycle").order_by("-cycle__year")
    ballots = {b.campaign_id: b for b in Ballot.objects.filter(user=request.user)}
    rows = [(c, ballots.get(c.pk), actions.group_for(c, membership)) for c in campaigns]
    return render(request, "evaluation/rate_home.html", {"rows": rows, "now": timezone.now()})


@login_required
@require_http_methods(["GET", "POST"])
def rate(request, pk):
    access.require(request.user, "evaluation.rate")
    membership = access.active_membership(request)
    campaign = get_object_or_404(Campaign.objects.select_related("cycle"), pk=pk, status__in=[
        CampaignStatus.OPEN, CampaignStatus.CLOSED])
    try:
        ballot = actions.get_ballot(campaign, request.user, membership)
    except actions.EvaluationError as exc:
        _flash(request, exc)
        return redirect("evaluation:rate_home")
    values, comments = actions.ballot_values(ballot)
    status = 200
    if request.method == "POST":
        values, comments, errors = parse_matrix(request.POST)
        try:
            if errors:
                raise actions.EvaluationError(errors[0], errors)
            if request.POST.get("submit"):
                actions.submit_ballot(ballot, values, comments, by=request.user)
                messages.success(request, "评议已提交，感谢您的参与。")
                return redirect("evaluation:rate_home")
            actions.save_ballot(ballot, values, comments, by=request.user)
            messages.success(request, "已保存草稿，截止前可继续填写。")
            return redirect("evaluation:rate", pk=campaign.pk)
        except actions.EvaluationError as exc:
            _flash(request, exc)
            status = 422
    questionnaire = actions.current_questionnaire(ballot.rater_group)
    questions = list(questionnaire.questions.select_related("dimension"))
    units = actions.ballot_units(campaign, membership)
    rows = [{"unit": u, "cells": [(q, values.get((u.pk, q.dimension_id))) for q in questions],
             "comment": comments.get(u.pk, "")} for u in units]
    done = sum(1 for r in rows if all(v is not None for _, v in r["cells"]))
    return render(request, "evaluation/rate.html", {
        "campaign": campaign, "ballot": ballot, "questionnaire": questionnaire, "questions": questions,
        "rows": rows, "done": done, "levels": scale.FIVE_LEVELS, "five_level": campaign.scale == Scale.FIVE_LEVEL,
        "editable": ballot.status == BallotStatus.DRAFT and campaign.accepts_answers(),
        "own_unit": membership.unit,
    }, status=status)


def _flash(request, exc: actions.EvaluationError):
    for error in exc.errors[:10]:
        messages.error(request, error)


@login_required
@require_GET
def feedback(request):
    """A department's comments and follow-up items from closed campaigns (anonymous, dated by day)."""
    access.require(request.user, "evaluation.feedback")
    unit = access.active_membership(request).unit
    return render(request, "evaluation/feedback.html", {
        "unit": unit, "items": follow_up_counts(unit),
        "comments": comment_page(unit, request.GET.get("page"))})
