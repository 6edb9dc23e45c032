"""Committee sign-off pages (考核委员会审定): the office submits a final run and records the meeting's decision;
each member (区级领导) reads the results and appeals and votes. Thin views: access first, changes in
committee_actions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from jixiao.accounts import access
from jixiao.audit import log
from jixiao.lib import cycles, refusals
from jixiao.lib.responses import download
from jixiao.results import committee, committee_actions, committee_documents, queries
from jixiao.results.committee_forms import DecisionForm, SubmitForm, VoteForm
from jixiao.results.models import CommitteeReview, CommitteeVote, ReviewStatus
from jixiao.scoring.models import RunStatus, Stage


@login_required
@require_GET
def committee_list(request):
    """The office: the cycle's final runs, each to submit or with its review; a leader: the reviews they sit on."""
    access.require(request.user, "results.committee")
    reviews = committee.reviews_for(request.user)
    can_manage = access.can(request.user, "results.manage")
    pick = _pick(request, reviews, can_manage)
    cycle = pick.cycle
    runs = []
    if can_manage and cycle is not None:
        runs = list(access.visible_runs(request.user).filter(cycle=cycle, stage=Stage.FINAL)
                    .exclude(status=RunStatus.SUPERSEDED).select_related("scheme").order_by("scheme__code"))
        open_ids = set(reviews.filter(run__in=runs).exclude(status=ReviewStatus.RETURNED)
                       .values_list("run_id", flat=True))
        runs = [r for r in runs if r.pk not in open_ids and not r.published]
    mine = dict(CommitteeVote.objects.filter(member=request.user).values_list("review_id", "verdict"))
    rows = list(reviews.filter(cycle=cycle).order_by("-submitted_at", "-id")) if cycle else []
    for review in rows:
        review.my_verdict = mine.get(review.pk, "")
    return render(request, "results/committee_list.html", {
        "pick": pick, "cycle": cycle, "reviews": rows, "runs": runs, "can_manage": can_manage,
        "form": SubmitForm()})


def _pick(request, reviews, can_manage) -> cycles.CyclePick:
    """Without ?cycle=: the latest year with work waiting (a pending review; for the office also a final run not
    yet submitted or published), else the latest year with any review, else the current year."""
    waiting = set(reviews.filter(status=ReviewStatus.PENDING).values_list("cycle__year", flat=True))
    if can_manage:
        waiting |= set(access.visible_runs(request.user).filter(stage=Stage.FINAL, published=False)
                       .exclude(status=RunStatus.SUPERSEDED).exclude(committee_reviews__status__in=[
                           ReviewStatus.PENDING, ReviewStatus.APPROVED]).values_list("cycle__year", flat=True))
    years = waiting or set(reviews.values_list("cycle__year", flat=True))
    return cycles.pick(request, open_work=lambda cycle: cycle.year in years,
                       work="有待审定的结果" if waiting else "有审定记录")


@login_required
@require_POST
def committee_submit(request, run_pk):
    access.require(request.user, "results.manage")
    run = get_object_or_404(access.visible_runs(request.user).select_related("scheme", "cycle"), pk=run_pk)
    form = SubmitForm(request.POST)
    back = redirect(f"{reverse('results:committee_list')}?cycle={run.cycle.year}")
    if not form.is_valid():
        messages.error(request, "提请说明不超过 2000 字。")
        return back
    try:
        review = committee_actions.submit(run, by=request.user, note=form.cleaned_data["note"])
    except ValidationError as error:
        refusals.refuse(request, "committee.submit_refused", run, error)
        return back
    messages.success(request, f"已提请考核委员会审定：{run.scheme.name}，已通知委员会成员 {review.members.count()} 名。")
    return redirect(review)


def _review_for(request, pk, action="results.committee") -> CommitteeReview:
    """A review the user may open (404 beyond their reach), for an action their role allows (else 403)."""
    access.require(request.user, action)
    return get_object_or_404(committee.reviews_for(request.user), pk=pk)


def _detail(request, review, *, vote_form=None, decision_form=None, status=200):
    run = review.run
    is_member = review.members.filter(pk=request.user.pk).exists()
    mine = review.votes.filter(member=request.user).first()
    return render(request, "results/committee_detail.html", {
        "review": review, "run": run, "groups": queries.by_group(queries.results_of([run])),
        "appeals": list(committee.appeals_of(run)), "tally": committee.tally(review),
        "decision": getattr(review, "decision", None), "mine": mine,
        "can_vote": is_member and access.can(request.user, "results.committee_vote")
        and review.status == ReviewStatus.PENDING,
        "can_manage": access.can(request.user, "results.manage"),
        "vote_form": vote_form or VoteForm(initial={"verdict": mine.verdict, "reason": mine.reason} if mine else None),
        "decision_form": decision_form or DecisionForm(),
    }, status=status)


@login_required
@require_GET
def committee_detail(request, pk):
    return _detail(request, _review_for(request, pk))


@login_required
@require_POST
def committee_vote(request, pk):
    review = _review_for(request, pk, "results.committee_vote")
    form = VoteForm(request.POST)
    if not form.is_valid():
        refusals.refuse(request, "committee.vote_refused", review, ValidationError("请选择“同意”或“有异议”"),
                        form=form)
        return _detail(request, review, vote_form=form, status=422)
    try:
        vote = committee_actions.vote(review, by=request.user, **form.cleaned_data)
    except ValidationError as error:
        refusals.refuse(request, "committee.vote_refused", review, error, form=form)
        return _detail(request, review, vote_form=form, status=422)
    messages.success(request, f"已提交您的意见：{vote.get_verdict_display()}。")
    return redirect(review)


@login_required
@require_POST
def committee_decide(request, pk):
    review = _review_for(request, pk, "results.manage")
    form = DecisionForm(request.POST, request.FILES)
    if not form.is_valid():
        refusals.refuse(request, "committee.decide_refused", review,
                        ValidationError("请填写会议日期并选择会议决定"), form=form)
        return _detail(request, review, decision_form=form, status=422)
    try:
        decision = committee_actions.decide(review, by=request.user, **form.cleaned_data)
    except ValidationError as error:
        refusals.refuse(request, "committee.decide_refused", review, error, form=form)
        return _detail(request, review, decision_form=form, status=422)
    messages.success(request, f"已录入会议决定：{decision.get_outcome_display()}。")
    return redirect(review)


@login_required
@require_GET
def committee_draft(request, pk):
    """The generated draft minutes (.docx) for the office to complete; audited, as it lists members' opinions."""
    review = _review_for(request, pk, "results.manage")
    log.record("committee.draft_exported", review, user=request.user, after={"run": review.run_id})
    return download(committee_documents.minutes_draft(review),
                    f"{review.cycle.year}年度绩效考核结果审定会议纪要（草稿）-{review.run.scheme.name}.docx")


@login_required
@require_GET
def committee_minutes(request, pk):
    """The minutes the office uploaded with the decision: the office and the committee's members read them."""
    review = _review_for(request, pk)
    decision = getattr(review, "decision", None)
    if decision is None:
        raise Http404("尚未录入会议纪要")
    return download(decision.minutes.open("rb"), decision.original_name)
