"""The online 民主测评 turned into `DemocraticResult` rows: the tally of a campaign and the action that records it.

The arithmetic is the satisfaction score's (evaluation/satisfaction.py), applied per subject instead of per
department: a subject is the unit's team (班子民主测评) or one cadre (干部民主测评). For each subject a group's
dimension score is the mean of its ratings (0–100 on either scale: the five levels are stored as 100 … 20),
a group's score the mean of its dimension scores, a group with fewer than MIN_RATERS answers for the subject is
neither counted nor shown and its weight is shared by the others, and the subject's score is the weighted mean of
the counted groups. Excluded answers never count. A subject with no counted group has no score and is not
recorded (too few raters).
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone

from jixiao.audit.log import record
from jixiao.cadres.models import DemocraticResult, DemocraticSource
from jixiao.evaluation import campaign_results, satisfaction
from jixiao.evaluation.actions import EvaluationError
from jixiao.evaluation.models import Campaign, CampaignStatus, Purpose, Rating
from jixiao.org.models import Cadre, Unit


@dataclass(frozen=True)
class Tally:
    """One subject's democratic result: the team of `unit` (cadre None) or one of its cadres."""

    unit: Unit
    cadre: Cadre | None
    score: Decimal | None  # None: no rater group reached MIN_RATERS answers
    dimensions: dict[str, Decimal]  # dimension code -> 0–100
    raters: int
    explanation: str


def tally(campaign: Campaign) -> list[Tally]:
    """Every rated subject of a democratic campaign with its weighted score, by unit and then by cadre."""
    if not campaign.is_democratic:
        raise EvaluationError("只有班子民主测评或干部民主测评可以统计民主测评结果。")
    per_cadre = campaign.purpose == Purpose.CADRE
    rows = (Rating.objects.filter(campaign=campaign, answer__excluded=False)
            .values_list("unit_id", "cadre_id", "rater_group_id", "dimension_id")
            .annotate(total=Sum("value"), n=Count("id")).order_by())
    unit_of, cells = {}, []
    for unit_id, cadre_id, group_id, dimension_id, total, n in rows:
        subject = cadre_id if per_cadre else unit_id
        unit_of[subject] = unit_id
        cells.append(satisfaction.Cell(subject, group_id, dimension_id, int(total), int(n)))
    scores = satisfaction.compute(cells, campaign_results.specs(campaign.groups.all()))
    codes = dict(campaign.dimensions.values_list("pk", "code"))
    units = Unit.objects.in_bulk(set(unit_of.values()))
    cadres = Cadre.objects.in_bulk(scores) if per_cadre else {}
    out = [Tally(unit=units[unit_of[subject]], cadre=cadres.get(subject), score=result.score,
                 dimensions={codes[d]: v for d, v in result.dimensions.items()}, raters=result.raters,
                 explanation=result.explanation)
           for subject, result in scores.items()]
    return sorted(out, key=lambda t: (t.unit.sort_order, t.unit.code, t.cadre.post if t.cadre else "",
                                      t.cadre.pk if t.cadre else 0))


@transaction.atomic
def record_online_results(campaign: Campaign, user) -> list[DemocraticResult]:
    """Write the closed campaign's tally as the cycle's DemocraticResult rows of its subjects, replacing any
    earlier row of the same team or cadre in that cycle (online or from paper). Subjects without a score are
    left as they are. Audited with counts only: the scores are personal data."""
    campaign = Campaign.objects.select_for_update().select_related("cycle").get(pk=campaign.pk)
    if not campaign.is_democratic:
        raise EvaluationError("只有班子民主测评或干部民主测评可以写入民主测评结果。")
    if campaign.status != CampaignStatus.CLOSED:
        raise EvaluationError("测评结束后才能写入民主测评结果。")
    rows = tally(campaign)
    scored = [t for t in rows if t.score is not None]
    if not scored:
        raise EvaluationError("没有达到最低有效票数的测评对象，未写入任何结果。")
    earlier = DemocraticResult.objects.filter(cycle=campaign.cycle)
    if campaign.purpose == Purpose.CADRE:
        earlier = earlier.filter(cadre__in=[t.cadre for t in scored])
    else:
        earlier = earlier.filter(Q(cadre__isnull=True), unit__in=[t.unit for t in scored])
    replaced = earlier.count()
    earlier.delete()
    now = timezone.now()
    # Keyed by the dimension's name (德, 政治思想建设 …) with the score as text, as the paper ballots' import writes
    # them (cadres/ballots.py), so a result reads the same whichever way it came in.
    names = dict(campaign.dimensions.values_list("code", "name"))
    written = DemocraticResult.objects.bulk_create([
        DemocraticResult(cycle=campaign.cycle, unit=t.unit, cadre=t.cadre, score=t.score,
                         dimensions={names[code]: str(v) for code, v in t.dimensions.items()}, raters=t.raters,
                         source=DemocraticSource.ONLINE, campaign=campaign, recorded_by=user, recorded_at=now)
        for t in scored])
    record("cadres.democratic_recorded", campaign, user=user, before={"rows": replaced},
           after={"purpose": campaign.purpose, "rows": len(written), "too_few_raters": len(rows) - len(scored)})
    return written
