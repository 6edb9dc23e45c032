"""Demo team and cadre assessment (stage 11): rules, democratic results and the computed grades of every year
with final unit results (2020–2025).

The democratic results (纸质测评录入) are high, as they are in practice, and follow the unit's result, so teams and
cadres follow their units: a team's score is 88 plus 0.3 × (its unit's total on 100 − the year's median), give or
take a few points; each cadre's is the team's, give or take a few more. In the last finished year the main leader of the unit with the lowest result has a poor
democratic result (40), so the district has one cadre graded 不称职. Results written online by a democratic
campaign (the evaluation step) are kept; only the teams and cadres without one get a paper result.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from jixiao.accounts.models import User
from jixiao.accounts.roles import Role
from jixiao.cadres import actions, compute
from jixiao.cadres.ballots import CADRE_DIMENSIONS, TEAM_DIMENSIONS
from jixiao.cadres.models import CadreAssessment, DemocraticResult, DemocraticSource, TeamAssessment
from jixiao.org.models import CadrePost, Cycle

CENT = Decimal("0.01")
POOR_DEMOCRATIC = Decimal(40)


def build(rng) -> str:
    office = User.objects.filter(memberships__role=Role.OFFICE_ADMIN).order_by("pk").first()
    cycles = [c for c in Cycle.objects.order_by("year") if compute.final_results(c)]
    written = 0
    for cycle in cycles:
        written += _democratic(rng, cycle, office, poor_leader=cycle is cycles[-1])
        actions.assess(cycle, by=office)
    teams = TeamAssessment.objects.filter(cycle__in=cycles).count()
    cadres = CadreAssessment.objects.filter(cycle__in=cycles).count()
    years = f"{cycles[0].year}–{cycles[-1].year} " if cycles else ""
    return f"班子和干部考核 {years}年度：民主测评结果 {written} 条，领导班子 {teams} 个次，领导干部 {cadres} 人次"


def _clamp(value: float) -> Decimal:
    return Decimal(str(min(max(value, 0.0), 100.0))).quantize(CENT, rounding=ROUND_HALF_UP)


def _dimensions(rng, score: Decimal, names) -> dict:
    return {name: str(_clamp(float(score) + rng.uniform(-3, 3))) for name in names}


def _democratic(rng, cycle, office, *, poor_leader: bool) -> int:
    """A paper result for every assessed team and cadre of the cycle that has none yet."""
    results = compute.final_results(cycle)
    cadres = compute.cadres_of(cycle, list(results))
    have = set(DemocraticResult.objects.filter(cycle=cycle).values_list("unit_id", "cadre_id"))
    at = timezone.make_aware(datetime.datetime(cycle.year + 1, 1, 15, 10, 0))
    lowest = min(results.values(), key=lambda r: (r.total, r.unit.code)).unit_id
    on_hundred = {unit_id: float(compute.on_hundred(r).score) for unit_id, r in results.items()}
    median = sorted(on_hundred.values())[len(on_hundred) // 2]
    team_scores, rows = {}, []
    for unit_id in sorted(results, key=lambda pk: results[pk].unit.code):
        team_scores[unit_id] = _clamp(88 + 0.3 * (on_hundred[unit_id] - median) + rng.gauss(0, 2.5))
        if (unit_id, None) not in have:
            rows.append(DemocraticResult(cycle=cycle, unit_id=unit_id, score=team_scores[unit_id],
                                         dimensions=_dimensions(rng, team_scores[unit_id], TEAM_DIMENSIONS),
                                         raters=rng.randint(25, 60), source=DemocraticSource.IMPORT,
                                         recorded_by=office, recorded_at=at))
    poor_done = False
    for cadre in cadres:
        score = _clamp(float(team_scores[cadre.unit_id]) + rng.gauss(0, 2.5))
        if poor_leader and not poor_done and cadre.unit_id == lowest and cadre.post == CadrePost.MAIN_LEADER:
            score, poor_done = POOR_DEMOCRATIC, True
        if (cadre.unit_id, cadre.pk) not in have:
            rows.append(DemocraticResult(cycle=cycle, unit_id=cadre.unit_id, cadre=cadre, score=score,
                                         dimensions=_dimensions(rng, score, CADRE_DIMENSIONS),
                                         raters=rng.randint(20, 50), source=DemocraticSource.IMPORT,
                                         recorded_by=office, recorded_at=at))
    DemocraticResult.objects.bulk_create(rows)
    return len(rows)
