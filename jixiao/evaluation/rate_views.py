"""Pages for logged-in raters (the matrix) and for departments (the comments and follow-ups addressed to them)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jixiao.accounts import access
from jixiao.audit.models import Outcome
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
from jixiao.lib import refusals


@login_required
@require_GET
def rate_home(request):
    access.require(request.user, "evaluation.rate")
    membership = access.active_membership(request)
    campaigns = Campaign.objects.satisfaction().filter(status=CampaignStatus.OPEN).select_related("cycle").order_by("-cycle__year")
    ballots = {b.campaign_id: b for b in Ballot.objects.filter(user=request.user)}
    rows = [(c, ballots.get(c.pk), actions.group_for(c, membership)) for c in campaigns]
    return render(request, "evaluation/rate_home.html", {"rows": rows, "now": timezone.now()})


def _rating_campaign(pk) -> Campaign:
    return get_object_or_404(Campaign.objects.satisfaction().select_related("cycle"), pk=pk,
                             status__in=[CampaignStatus.OPEN, CampaignStatus.CLOSED])


@login_required
@require_http_methods(["GET", "POST"])
def rate(request, pk):
    access.require(request.user, "evaluation.rate")
    membership = access.active_membership(request)
    campaign = _rating_campaign(pk)
    try:
        ballot = actions.get_ballot(campaign, request.user, membership)
    except actions.EvaluationError as exc:
        _refused(request, campaign, exc, outcome=Outcome.DENIED)
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
            _refused(request, campaign, exc)
            status = 422
    return render(request, "evaluation/rate.html", _matrix(campaign, ballot, membership, values, comments),
                  status=status)


def _matrix(campaign, ballot, membership, values, comments) -> dict:
    """What the matrix page shows: a row per department with the rater's current values."""
    questionnaire = actions.current_questionnaire(ballot.rater_group)
    questions = list(questionnaire.questions.select_related("dimension"))
    units = actions.ballot_units(campaign, membership)
    rows = [{"unit": u, "cells": [(q, values.get((u.pk, q.dimension_id))) for q in questions],
             "comment": comments.get(u.pk, "")} for u in units]
    done = sum(1 for r in rows if all(v is not None for _, v in r["cells"]))
    five_level = campaign.scale == Scale.FIVE_LEVEL
    editable = ballot.status == BallotStatus.DRAFT and campaign.accepts_answers()
    return {
        "campaign": campaign, "ballot": ballot, "questionnaire": questionnaire, "questions": questions,
        "rows": rows, "done": done, "levels": scale.FIVE_LEVELS, "five_level": five_level,
        "matrix_levels": scale.FIVE_LEVELS if five_level else [], "satisfied": scale.SATISFIED,
        "editable": editable, "own_unit": membership.unit,
        # A draft the campaign closed on: say so, and show it, rather than let it vanish.
        "stale_draft": ballot.status == BallotStatus.DRAFT and not editable and bool(values or comments),
        "closed_note": "" if editable else actions.closed_message(campaign),
    }


@login_required
@require_POST
def rate_draft(request, pk):
    """Keep the matrix as it is being filled: the page's script posts the whole form a moment after a change."""
    access.require(request.user, "evaluation.rate")
    campaign = _rating_campaign(pk)
    values, comments, errors = parse_matrix(request.POST)
    try:
        ballot = actions.get_ballot(campaign, request.user, access.active_membership(request))
        if errors:
            raise actions.EvaluationError(errors[0], errors)
        ballot = actions.save_ballot(ballot, values, comments, by=request.user)
    except actions.EvaluationError as exc:
        return JsonResponse({"saved": False, "errors": exc.errors[:10]}, status=422)
    return JsonResponse({"saved": True, "at": timezone.localtime(ballot.saved_at).strftime("%H:%M:%S")})


def _refused(request, campaign, exc: actions.EvaluationError, *, outcome=Outcome.FAILURE) -> None:
    """Show why a ballot was refused (the first ten reasons) and audit it without the departments it names.

    An audit row carries the rater, so it must not say which departments the ballot left blank or rated out of
    range (evaluation/actions.py keeps answers unlinkable): each such reason is logged as a count."""
    refusals.show(request, exc, limit=10)
    general = [e for e in exc.errors if "“" not in e]
    named = len(exc.errors) - len(general)
    logged = general + ([f"{named}处评价内容不符合要求（所涉单位不记入日志）。"] if named else [])
    refusals.record("evaluation.ballot_refused", campaign, actions.EvaluationError(logged[0], logged),
                    user=request.user, outcome=outcome, problems=len(exc.errors))


@login_required
@require_GET
def feedback(request):
    """A department's comments and follow-up items from closed campaigns (anonymous, dated by day)."""
    access.require(request.user, "evaluation.feedback")
    unit = access.active_membership(request).unit
    return render(request, "evaluation/feedback.html", {
        "unit": unit, "items": follow_up_counts(unit),
        "comments": comment_page(unit, request.GET.get("page"))})
