"""The inputs of a cycle's team and cadre grading, read from the database in a fixed number of queries.

Who is assessed: the units scored by the cycle's standing *final* runs (the published run of a scheme, else its
latest final run; a preliminary result is no basis for a personal grade) and the cadres who held a post in one of
them at any time of the cycle (a cadre who moved mid-year has two posts, each assessed on its own, marked as a
partial year). The assessing unit's own leaders (the district's) are assessed by the level above, not here.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q

from jixiao.cadres import grading
from jixiao.cadres.models import CadreRules, DemocraticResult
from jixiao.keywork.models import KeyTask
from jixiao.keywork.scores import scores_for
from jixiao.org.models import Cadre
from jixiao.results import queries
from jixiao.scoring.models import ScoreRun

CENT = Decimal("0.01")


@dataclass
class Inputs:
    """Everything `grading` needs for one cycle, with the rows the pages name."""

    rules: grading.Rules
    results: dict  # unit id -> ScoreResult
    units: dict  # unit id -> Unit
    cadres: list  # Cadre rows, in the order of the tables
    teams: list[grading.TeamInput]
    democratic_cadres: dict  # cadre id -> Decimal
    keytasks: dict  # cadre id -> tuple of Decimal on 100


def rules_of(cycle) -> CadreRules:
    """The cycle's saved rules, else the defaults (unsaved)."""
    return CadreRules.objects.filter(cycle=cycle).first() or CadreRules(cycle=cycle)


def as_rules(row: CadreRules) -> grading.Rules:
    return grading.Rules(
        team_performance_weight=Decimal(row.team_performance_weight),
        team_democratic_weight=Decimal(row.team_democratic_weight),
        cadre_unit_weight=Decimal(row.cadre_unit_weight), cadre_keytask_weight=Decimal(row.cadre_keytask_weight),
        cadre_democratic_weight=Decimal(row.cadre_democratic_weight),
        team_good_percent=Decimal(row.team_good_percent), excellent_percent=Decimal(row.excellent_percent))


def final_results(cycle) -> dict:
    """unit id -> the unit's ScoreResult in the cycle's standing final runs."""
    runs = queries.official_runs(cycle, ScoreRun.objects.filter(stage="final"))
    found = {}
    for result in queries.results_of(runs).select_related("run__scheme"):
        found.setdefault(result.unit_id, result)
    return found


def on_hundred(result) -> grading.UnitResult:
    """The unit's total on 100 (total ÷ the scheme's total points × 100, within 0–100), grade and veto."""
    score = Decimal(result.total) * 100 / Decimal(result.run.scheme.total_points)
    score = min(max(score, Decimal(0)), Decimal(100)).quantize(CENT, rounding=ROUND_HALF_UP)
    return grading.UnitResult(score, result.grade, bool(result.vetoes))


def cadres_of(cycle, unit_ids) -> list:
    """Cadres holding a post in one of the units at any time of the cycle."""
    return list(Cadre.objects.filter(unit_id__in=unit_ids, tenure_from__lte=cycle.ends_on)
                .filter(Q(tenure_to__isnull=True) | Q(tenure_to__gte=cycle.starts_on))
                .select_related("unit").order_by("unit__sort_order", "unit__code", "post", "tenure_from", "id"))


def keytask_scores(cycle, cadre_ids) -> dict:
    """cadre id -> the scores on 100 of the key tasks naming the cadre as responsible leader (责任区领导), each
    the lead unit's score ÷ the task's points × 100; a task not yet scored, or worth 0 points, is left out."""
    earned = scores_for(cycle)
    found: dict = {}
    for task in KeyTask.objects.filter(cycle=cycle, leader_cadre_id__in=cadre_ids).order_by("code"):
        points = earned.get((task.lead_unit_id, task.pk))
        if points is None or not task.points:
            continue
        score = (Decimal(points) * 100 / Decimal(task.points)).quantize(CENT, rounding=ROUND_HALF_UP)
        found.setdefault(task.leader_cadre_id, []).append(score)
    return {pk: tuple(scores) for pk, scores in found.items()}


def gather(cycle) -> Inputs:
    results = final_results(cycle)
    cadres = cadres_of(cycle, list(results))
    democratic = DemocraticResult.objects.filter(cycle=cycle).values_list("unit_id", "cadre_id", "score")
    teams_dem = {unit: score for unit, cadre, score in democratic if cadre is None}
    cadres_dem = {cadre: score for _unit, cadre, score in democratic if cadre is not None}
    units = {r.unit_id: r.unit for r in results.values()}
    ordered = sorted(units.values(), key=lambda u: (u.sort_order, u.code))
    teams = [grading.TeamInput(u.pk, on_hundred(results[u.pk]), teams_dem.get(u.pk)) for u in ordered]
    return Inputs(as_rules(rules_of(cycle)), results, units, cadres, teams, cadres_dem,
                  keytask_scores(cycle, [c.pk for c in cadres]))


def cadre_inputs(inputs: Inputs, team_grades: dict) -> list[grading.CadreInput]:
    return [grading.CadreInput(c.pk, c.unit_id, c.post, on_hundred(inputs.results[c.unit_id]),
                               inputs.keytasks.get(c.pk, ()), inputs.democratic_cadres.get(c.pk),
                               team_grades.get(c.unit_id, "")) for c in inputs.cadres]


def tenure_note(cycle, cadre) -> str:
    """The reason line of a post held for part of the cycle only (a move or an appointment mid-year)."""
    start = max(cadre.tenure_from, cycle.starts_on)
    end = min(cadre.tenure_to or cycle.ends_on, cycle.ends_on)
    if start == cycle.starts_on and end == cycle.ends_on:
        return ""
    return f"本年度在本单位任职 {start:%Y-%m-%d} 至 {end:%Y-%m-%d}，未满全年，按本岗位分别考核。"
