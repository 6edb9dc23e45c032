"""Committee sign-off (考核委员会审定): who sits on it, what it reads, and the rule that gates publication.

Between the final run (最终结果) and publication (发布) the office submits the run to the assessment committee
(提请审定). Each member — a user holding the 区级领导 role in the scheme's assessing unit or a unit above it when the
run is submitted — reads the results, the appeals and their decisions, and approves (同意) or objects with a
reason (有异议); the office then records the meeting's decision (会议日期, 通过 / 退回修改, the minutes .docx).
`scoring.actions.publish` asks `require_approval` first: only a run whose own review was decided 通过 may be
published, so a run computed again after the decision needs a new decision.
"""

from django.core.exceptions import ValidationError

from jixiao.accounts import access
from jixiao.accounts.models import Membership
from jixiao.accounts.roles import Role
from jixiao.results.models import CommitteeReview, ReviewStatus
from jixiao.scoring.models import Appeal


def members_for(scheme) -> list:
    """Users with an active 区级领导 membership in the scheme's assessing unit or any unit above it."""
    units, unit = [], scheme.assessing_unit
    while unit is not None:
        units.append(unit.pk)
        unit = unit.parent
    users = {m.user_id: m.user for m in Membership.objects.active().filter(role=Role.LEADER, unit_id__in=units,
                                                                              user__is_active=True)
             .select_related("user").order_by("user_id")}
    return list(users.values())


def reviews_for(user):
    """Reviews the user may open: the office every one; a leader those they sit on; anyone else none."""
    reviews = CommitteeReview.objects.select_related("run__scheme", "cycle", "submitted_by", "decision")
    if access.can(user, "results.manage"):
        return reviews
    if access.can(user, "results.committee_vote"):
        return reviews.filter(members=user)
    return reviews.none()


def appeals_of(run):
    """The appeals the units filed on the scheme's results of the run's cycle, with the office's decisions."""
    return (Appeal.objects.filter(run__scheme_id=run.scheme_id, run__cycle_id=run.cycle_id)
            .select_related("unit", "item__indicator", "decided_by").order_by("filed_at", "id"))


def open_review(run) -> CommitteeReview | None:
    """The run's review still pending or approved (a returned one is closed), if any."""
    return CommitteeReview.objects.filter(run=run).exclude(status=ReviewStatus.RETURNED).first()


def require_approval(run) -> None:
    """Raise a ValidationError, in Chinese, unless the committee approved exactly this run."""
    review = open_review(run)
    if review is not None and review.status == ReviewStatus.APPROVED:
        return
    approved_other = (CommitteeReview.objects.filter(run__scheme_id=run.scheme_id, status=ReviewStatus.APPROVED)
                      .exclude(run=run).select_related("run").first())
    if approved_other is not None:
        raise ValidationError(
            f"考核委员会审定通过的是“{approved_other.run.label}”，而要发布的“{run.label}”是另一次计算的结果，"
            "须重新提请考核委员会审定并录入审定通过的会议决定后才能发布")
    if review is not None:
        raise ValidationError("该结果已提请考核委员会审定，尚未录入审定通过的会议决定，不能发布")
    if CommitteeReview.objects.filter(run=run, status=ReviewStatus.RETURNED).exists():
        raise ValidationError("考核委员会已决定退回修改该结果，不能发布：请修改后重新计算并提请审定")
    raise ValidationError("该结果尚未经考核委员会审定，不能发布：请先提请考核委员会审定，并录入审定通过的会议决定")


def tally(review) -> dict:
    """Members' opinions of a review: who approved, who objected (with reasons), who has not yet said."""
    votes = {v.member_id: v for v in review.votes.select_related("member")}
    members = list(review.members.order_by("id"))
    return {
        "approve": [votes[m.pk] for m in members if m.pk in votes and votes[m.pk].verdict == "approve"],
        "object": [votes[m.pk] for m in members if m.pk in votes and votes[m.pk].verdict == "object"],
        "silent": [m for m in members if m.pk not in votes],
        "members": members,
    }



def waiting_for(user) -> list:
    """Pending reviews that wait for this user: a member's those without their vote; the office's every one (to
    record the decision). Shown on the home page."""
    reviews = reviews_for(user).filter(status=ReviewStatus.PENDING).order_by("submitted_at", "id")
    if not access.can(user, "results.manage"):
        reviews = reviews.exclude(votes__member=user)
    return list(reviews)
