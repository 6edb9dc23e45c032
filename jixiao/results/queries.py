"""Read-only views of the scored results that the result pages, letters and archives use."""

from collections import defaultdict
from decimal import Decimal

from jixiao.accounts import access
from jixiao.indicators.models import Grade, Scheme
from jixiao.scoring.models import RunStatus, ScoreLine, ScoreResult, ScoreRun

AVERAGE_OR_WORSE = (Grade.AVERAGE, Grade.POOR)


def official_runs(cycle, runs=None, *, published_only: bool = False) -> list[ScoreRun]:
    """One standing run per scheme of the cycle (`current_run`) among `runs`, the reader's
    `access.visible_runs(user)`; without it among all runs (the office's own actions), or among the published
    ones with `published_only` (what the public may read)."""
    if published_only:
        runs = access.visible_runs(access.PUBLIC)
    runs = ScoreRun.objects.all() if runs is None else runs
    # One read of the cycle's runs, then `current_run`'s choice per scheme: the query count stays the same however
    # many schemes (districts) the installation holds.
    candidates = (runs.filter(scheme__in=Scheme.objects.filter(cycle=cycle)).exclude(status=RunStatus.SUPERSEDED)
                  .select_related("scheme", "cycle").order_by("-created_at", "-id"))
    by_scheme: dict[int, list[ScoreRun]] = defaultdict(list)
    for run in candidates:
        by_scheme[run.scheme_id].append(run)
    found = [standing(by_scheme[scheme_id]) for scheme_id in sorted(by_scheme)]
    return [r for r in found if r is not None]


def standing(runs: list[ScoreRun]) -> ScoreRun | None:
    """`current_run`'s choice among one scheme's runs, newest first: the published one, else the latest final,
    else the latest preliminary."""
    return (next((r for r in runs if r.published), None) or next((r for r in runs if r.stage == "final"), None)
            or next((r for r in runs if r.stage == "preliminary"), None))


def scored_years(runs) -> set[int]:
    """Years that have a standing (not superseded) run of any scheme among `runs`."""
    return set(runs.exclude(status=RunStatus.SUPERSEDED).values_list("cycle__year", flat=True).distinct())


def results_of(runs):
    return (ScoreResult.objects.filter(run__in=runs).select_related("unit", "group", "run__cycle")
            .order_by("run_id", "group_order", "rank", "unit__code"))


def by_group(results) -> list[dict]:
    """Results split by group, in group order: [{"group", "name", "rows"}]."""
    groups: dict = {}
    for r in results:
        entry = groups.setdefault((r.run_id, r.group_id), {"group": r.group, "name": r.group.name, "rows": []})
        entry["rows"].append(r)
    return list(groups.values())


def lost_lines(result) -> list[ScoreLine]:
    return [line for line in result.lines.order_by("block", "indicator", "id") if line.points < line.max_points]


def group_stats(run, group_id) -> dict[str, dict]:
    """Per indicator of one group: the average and the best points, and which unit holds the best."""
    values: dict[str, list] = defaultdict(list)
    for indicator, name, points, unit in (ScoreLine.objects.filter(run=run, result__group_id=group_id)
                                          .values_list("indicator", "name", "points", "unit__name")):
        values[indicator].append((points, unit, name))
    stats = {}
    for indicator, rows in values.items():
        best = max(rows, key=lambda r: r[0])
        stats[indicator] = {"name": rows[0][2], "average": sum(r[0] for r in rows) / Decimal(len(rows)),
                            "best": best[0], "best_unit": best[1]}
    return stats


def unit_history(unit, runs) -> list[ScoreResult]:
    """The unit's standing result of every cycle among `runs` (the reader's `access.visible_runs(user)`): per
    cycle and scheme the published run, else the latest final, else the latest preliminary; oldest first."""
    standing = {}
    for run in runs.filter(results__unit=unit).exclude(status=RunStatus.SUPERSEDED).select_related("cycle"):
        key = (run.cycle.year, run.scheme_id)
        best = standing.get(key)
        if best is None or (run.published, run.stage == "final", run.created_at) > (
                best.published, best.stage == "final", best.created_at):
            standing[key] = run
    return list(ScoreResult.objects.filter(run__in=standing.values(), unit=unit).select_related("run__cycle", "group")
                .order_by("run__cycle__year", "run_id"))
