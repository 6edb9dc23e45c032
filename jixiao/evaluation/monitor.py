"""Response rates while a campaign runs: per rater group and per department, in a fixed number of queries."""

from dataclasses import dataclass

from django.db.models import Count, Q

from jixiao.accounts.models import Membership
from jixiao.accounts.roles import Role
from jixiao.evaluation.models import (
    Answer,
    Ballot,
    BallotStatus,
    Campaign,
    Flag,
    InvitationCode,
    RaterKind,
    Rating,
)
from jixiao.org.models import UnitKind


@dataclass
class GroupRate:
    group: object
    invited: int  # users who may rate, or codes issued
    answered: int
    drafts: int = 0

    @property
    def rate(self) -> float | None:
        return round(100 * self.answered / self.invited, 1) if self.invited else None


def group_rates(campaign: Campaign) -> list[GroupRate]:
    groups = list(campaign.groups.all())
    codes = {row["rater_group_id"]: row for row in InvitationCode.objects.filter(campaign=campaign, voided=False)
             .values("rater_group_id").annotate(issued=Count("id"), used=Count("id", filter=Q(used_on__isnull=False)))}
    ballots = {row["rater_group_id"]: row for row in Ballot.objects.filter(campaign=campaign)
               .values("rater_group_id").annotate(done=Count("id", filter=Q(status=BallotStatus.SUBMITTED)),
                                                  drafts=Count("id", filter=Q(status=BallotStatus.DRAFT)))}
    answers = dict(Answer.objects.filter(campaign=campaign).values_list("rater_group_id").annotate(n=Count("id")))
    eligible = _internal_raters()
    rates = []
    for g in groups:
        if g.is_internal:
            b = ballots.get(g.pk, {})
            rates.append(GroupRate(g, eligible.get(g.kind, 0), answers.get(g.pk, 0), b.get("drafts", 0)))
        else:
            c = codes.get(g.pk, {})
            rates.append(GroupRate(g, c.get("issued", 0), c.get("used", 0)))
    return rates


def _internal_raters() -> dict[str, int]:
    active = Membership.objects.active().filter(user__is_active=True, unit__valid_to__isnull=True)
    return {
        RaterKind.LEADER: active.filter(role=Role.LEADER).values("user").distinct().count(),
        RaterKind.DEPARTMENT: active.filter(role=Role.RATER, unit__kind__in=[UnitKind.DEPARTMENT, UnitKind.BUREAU])
        .values("user").distinct().count(),
    }


def unit_counts(campaign: Campaign) -> dict[int, dict[int, int]]:
    """Department id → {group id: answers that rated it} (an answer rates every dimension of a department)."""
    per_dim = (Rating.objects.filter(campaign=campaign).values("unit_id", "rater_group_id", "dimension_id")
               .annotate(n=Count("id")).order_by())
    best: dict[int, dict[int, int]] = {}
    for row in per_dim:
        slot = best.setdefault(row["unit_id"], {})
        slot[row["rater_group_id"]] = max(slot.get(row["rater_group_id"], 0), row["n"])
    return best


def service_codes(campaign: Campaign) -> dict[int, tuple[int, int]]:
    """Department id → (service-recipient codes issued, used)."""
    rows = (InvitationCode.objects.filter(campaign=campaign, voided=False, rater_group__kind=RaterKind.SERVICE)
            .values("unit_id").annotate(issued=Count("id"), used=Count("id", filter=Q(used_on__isnull=False))))
    return {r["unit_id"]: (r["issued"], r["used"]) for r in rows}


def daily(campaign: Campaign) -> list[tuple]:
    """Answers per day (the only time an answer keeps)."""
    return list(Answer.objects.filter(campaign=campaign).values_list("submitted_on").annotate(n=Count("id"))
                .order_by("submitted_on"))


def flag_summary(campaign: Campaign) -> dict[str, int]:
    """Flagged answers by review status."""
    rows = Flag.objects.filter(campaign=campaign).values("status").annotate(n=Count("answer", distinct=True))
    return {r["status"]: r["n"] for r in rows}
