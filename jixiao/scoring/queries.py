"""Read-only views of runs: the comparison of two snapshots and the rows the pages show."""

from dataclasses import dataclass, field
from decimal import Decimal

from jixiao.scoring.models import ScoreLine, ScoreResult, ScoreRun


@dataclass
class UnitChange:
    unit_id: int
    unit_name: str
    total: tuple[Decimal | None, Decimal | None]
    rank: tuple[int | None, int | None]
    grade: tuple[str | None, str | None]
    lines: list[dict] = field(default_factory=list)

    @property
    def total_delta(self) -> Decimal:
        a, b = self.total
        return (b or Decimal(0)) - (a or Decimal(0))


def results_of(run: ScoreRun):
    return ScoreResult.objects.filter(run=run).select_related("unit", "group").order_by("group_order", "rank",
                                                                                        "unit__code")


def diff(run_a: ScoreRun, run_b: ScoreRun) -> list[UnitChange]:
    """Units whose total, rank, grade or any line differs between the two runs (4 queries)."""
    a = {r.unit_id: r for r in results_of(run_a)}
    b = {r.unit_id: r for r in results_of(run_b)}
    lines_a = {(u, i): (p, s, e) for u, i, p, s, e in ScoreLine.objects.filter(run=run_a).values_list(
        "unit_id", "item_id", "points", "status", "explanation")}
    lines_b = {(u, i): (p, s, e, n) for u, i, p, s, e, n in ScoreLine.objects.filter(run=run_b).values_list(
        "unit_id", "item_id", "points", "status", "explanation", "name")}
    changes: dict[int, UnitChange] = {}
    for unit_id in sorted(set(a) | set(b), key=lambda u: (a.get(u) or b.get(u)).unit.code):
        ra, rb = a.get(unit_id), b.get(unit_id)
        change = UnitChange(
            unit_id, (ra or rb).unit.name,
            (ra.total if ra else None, rb.total if rb else None),
            (ra.rank if ra else None, rb.rank if rb else None),
            (ra.get_grade_display() if ra else None, rb.get_grade_display() if rb else None),
        )
        if change.total[0] != change.total[1] or change.rank[0] != change.rank[1] or change.grade[0] != change.grade[1]:
            changes[unit_id] = change
    for key in sorted(set(lines_a) | set(lines_b)):
        la, lb = lines_a.get(key), lines_b.get(key)
        if la is None or lb is None or la[0] != lb[0] or la[1] != lb[1]:
            unit_id = key[0]
            if unit_id not in changes:
                ra, rb = a.get(unit_id), b.get(unit_id)
                changes[unit_id] = UnitChange(
                    unit_id, (ra or rb).unit.name, (ra.total if ra else None, rb.total if rb else None),
                    (ra.rank if ra else None, rb.rank if rb else None),
                    (ra.get_grade_display() if ra else None, rb.get_grade_display() if rb else None))
            changes[unit_id].lines.append({
                "item": key[1], "name": lb[3] if lb else "", "before": la[0] if la else None,
                "after": lb[0] if lb else None, "explanation": lb[2] if lb else (la[2] if la else ""),
            })
    return list(changes.values())


def current_run(scheme, runs=None) -> ScoreRun | None:
    """The run that stands for a scheme: the published one, else the latest final, else the latest preliminary.

    Among `runs` — a reader's `access.visible_runs(user)` — or, without it, among all (the office's commands).
    """
    runs = ScoreRun.objects.all() if runs is None else runs
    runs = (runs.filter(scheme=scheme).exclude(status="superseded").select_related("scheme", "cycle")
            .order_by("-created_at", "-id"))
    return (runs.filter(published=True).first() or runs.filter(stage="final").first()
            or runs.filter(stage="preliminary").first())
