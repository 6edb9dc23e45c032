"""State changes of the committee sign-off (考核委员会审定): submit, vote, record the decision. Atomic, audited.

A refused change raises ValidationError with a Chinese message; the view shows and audits it through `lib.refusals`.
"""

import datetime
import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from jixiao.audit import log
from jixiao.lib import evidence
from jixiao.notifications.actions import notify
from jixiao.results import committee
from jixiao.results.models import (
    CommitteeDecision,
    CommitteeReview,
    CommitteeVote,
    DecisionOutcome,
    ReviewStatus,
    VoteVerdict,
)
from jixiao.scoring.models import AppealStatus, RunStatus, ScoreRun, Stage

REASON_MIN = 5


def _check_current_final(run: ScoreRun) -> None:
    if run.stage != Stage.FINAL:
        raise ValidationError("只有最终结果可以提请考核委员会审定")
    if run.status == RunStatus.SUPERSEDED:
        raise ValidationError("该结果已被重新计算的结果替代，请对当前的最终结果提请审定")
    if run.published:
        raise ValidationError("该结果已发布，无需再提请审定")


@transaction.atomic
def submit(run: ScoreRun, *, by, note: str = "", now=None) -> CommitteeReview:
    """Put a current, unpublished final run before the committee; its members are fixed now and notified."""
    run = ScoreRun.objects.select_for_update().select_related("scheme__assessing_unit", "cycle").get(pk=run.pk)
    _check_current_final(run)
    if committee.open_review(run) is not None:
        raise ValidationError("该结果已提请考核委员会审定，不能重复提请")
    if committee.appeals_of(run).filter(status=AppealStatus.PENDING).exists():
        raise ValidationError("仍有未处理的申诉，请处理后再提请审定")
    members = committee.members_for(run.scheme)
    if not members:
        raise ValidationError("考核主体及其上级单位没有区级领导账号，无法组成考核委员会")
    review = CommitteeReview.objects.create(run=run, cycle=run.cycle, note=(note or "").strip(), submitted_by=by,
                                            submitted_at=now or timezone.now())
    review.members.set(members)
    log.record("committee.submitted", review, user=by, after={
        "run": run.pk, "scheme": run.scheme.code, "digest": run.digest, "members": [m.pk for m in members]})
    notify(members, f"请审定：{run.scheme.name}{run.get_stage_display()}",
           "绩效办已提请考核委员会审定，请查看考核结果和申诉处理情况，表示同意或提出异议。",
           url=review.get_absolute_url())
    return review


def _lock(review: CommitteeReview) -> CommitteeReview:
    return (CommitteeReview.objects.select_for_update().select_related("run__scheme", "cycle")
            .get(pk=review.pk))


@transaction.atomic
def vote(review: CommitteeReview, *, by, verdict: str, reason: str = "", now=None) -> CommitteeVote:
    """A member's 同意 or 有异议 (with a reason); a later vote replaces the earlier one until the decision."""
    review = _lock(review)
    if not review.members.filter(pk=by.pk).exists():
        raise ValidationError("您不是本次审定的考核委员会成员，不能表态")
    if review.status != ReviewStatus.PENDING:
        raise ValidationError("会议决定已录入，委员意见不能再提交或修改")
    if verdict not in VoteVerdict.values:
        raise ValidationError("请选择“同意”或“有异议”")
    reason = (reason or "").strip()
    if verdict == VoteVerdict.OBJECT and len(reason) < REASON_MIN:
        raise ValidationError(f"提出异议须填写理由，不少于 {REASON_MIN} 个字")
    if verdict == VoteVerdict.APPROVE:
        reason = ""
    now = now or timezone.now()
    existing = CommitteeVote.objects.filter(review=review, member=by).first()
    if existing is None:
        row = CommitteeVote.objects.create(review=review, member=by, verdict=verdict, reason=reason, voted_at=now)
        log.record("committee.voted", row, user=by, after=log.snapshot(row, ["review", "verdict", "reason"]))
        return row
    if existing.verdict == verdict and existing.reason == reason:
        raise ValidationError(f"您已表示“{existing.get_verdict_display()}”，意见没有变化，无需重复提交")
    before = log.snapshot(existing, ["verdict", "reason", "voted_at"])
    existing.verdict, existing.reason, existing.voted_at = verdict, reason, now
    existing.save(update_fields=["verdict", "reason", "voted_at"])
    log.record("committee.vote_changed", existing, user=by, before=before,
               after=log.snapshot(existing, ["verdict", "reason", "voted_at"]))
    return existing


def check_minutes(upload) -> tuple[str, bytes]:
    """(name, bytes) of an acceptable minutes file: a real Word (.docx) document, judged by its content."""
    if not upload:
        raise ValidationError("请上传会议纪要（Word .docx 文件）")
    try:
        name, data = evidence.read(upload, settings.UPLOAD_MAX_BYTES)
        kind = evidence.judge(name, data)
    except evidence.EvidenceProblem as problem:
        raise ValidationError(str(problem)) from problem
    if kind != "docx":
        raise ValidationError(f"“{name}”不是 Word（.docx）文件，会议纪要须上传 .docx 文件")
    return name, data


@transaction.atomic
def decide(review: CommitteeReview, *, by, meeting_date: datetime.date, outcome: str, minutes, notes: str = "",
           now=None) -> CommitteeDecision:
    """Record the meeting's decision once, with its date and the minutes; 通过 lets exactly this run be published."""
    review = _lock(review)
    if review.status != ReviewStatus.PENDING or CommitteeDecision.objects.filter(review=review).exists():
        raise ValidationError("该次审定已录入会议决定，不能重复录入")
    if outcome not in DecisionOutcome.values:
        raise ValidationError("请选择会议决定：通过或退回修改")
    now = now or timezone.now()
    if meeting_date is None:
        raise ValidationError("请填写会议日期")
    if meeting_date > timezone.localdate(now):
        raise ValidationError("会议日期不能晚于今天")
    if meeting_date < timezone.localdate(review.submitted_at):
        raise ValidationError("会议日期不能早于提请审定的日期")
    run = ScoreRun.objects.get(pk=review.run_id)
    if outcome == DecisionOutcome.APPROVED and run.status == RunStatus.SUPERSEDED:
        raise ValidationError("该结果已被重新计算的结果替代，不能审定通过：请对新的最终结果重新提请审定")
    name, data = check_minutes(minutes)
    decision = CommitteeDecision(review=review, meeting_date=meeting_date, outcome=outcome,
                                 notes=(notes or "").strip(), original_name=name,
                                 sha256=hashlib.sha256(data).hexdigest(), recorded_by=by, recorded_at=now)
    decision.minutes.save(name, ContentFile(data), save=False)
    try:
        with transaction.atomic():
            decision.save()
    except IntegrityError:
        raise ValidationError("该次审定已录入会议决定，不能重复录入") from None
    before = log.snapshot(review, ["status"])
    review.status = ReviewStatus.APPROVED if outcome == DecisionOutcome.APPROVED else ReviewStatus.RETURNED
    review.save(update_fields=["status"])
    log.record("committee.decided", review, user=by, before=before, after={
        "status": review.status, "run": review.run_id, "meeting_date": meeting_date.isoformat(),
        "outcome": outcome, "minutes": name, "sha256": decision.sha256, "notes": decision.notes})
    return decision
