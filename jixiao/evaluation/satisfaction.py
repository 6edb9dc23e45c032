"""Satisfaction scores from aggregated ratings. Pure: plain data in, dataclasses out, Decimal arithmetic.

For one department:
- a group's dimension score = mean of that group's ratings on the dimension (0–100);
- a group's score = mean of its dimension scores;
- a group counts only with at least MIN_RATERS answers for the department: fewer are neither shown
  separately nor counted (otherwise a hidden group could be recomputed from the total and the shown
  groups), and their weight is shared by the groups that count;
- the department's score = Σ weight × group score / Σ weight over the groups that count;
- a dimension's overall score is weighted the same way.
Rounded half-up to two decimals at the end only.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

MIN_RATERS = 5
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Cell:
    """The sum and count of one group's ratings of one department on one dimension."""

    unit_id: int
    group_id: int
    dimension_id: int
    total: int
    count: int


@dataclass(frozen=True)
class GroupSpec:
    id: int
    name: str
    weight: Decimal


@dataclass
class GroupScore:
    group_id: int
    raters: int
    counted: bool
    score: Decimal | None = None  # None when not counted
    dimensions: dict[int, Decimal] = field(default_factory=dict)


@dataclass
class UnitScore:
    unit_id: int
    score: Decimal | None
    dimensions: dict[int, Decimal]
    groups: dict[int, GroupScore]
    raters: int
    explanation: str


def _round(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def compute(cells: list[Cell], groups: list[GroupSpec], min_raters: int = MIN_RATERS) -> dict[int, UnitScore]:
    """Scores per department from the aggregated cells."""
    by_unit: dict[int, dict[int, dict[int, Cell]]] = {}
    for cell in cells:
        if cell.count:
            by_unit.setdefault(cell.unit_id, {}).setdefault(cell.group_id, {})[cell.dimension_id] = cell
    return {unit_id: _unit_score(unit_id, per_group, groups, min_raters) for unit_id, per_group in by_unit.items()}


def _unit_score(unit_id: int, per_group: dict[int, dict[int, Cell]], groups: list[GroupSpec], min_raters: int):
    scores: dict[int, GroupScore] = {}
    parts, dropped = [], []
    for spec in groups:
        dims = per_group.get(spec.id)
        if not dims:
            continue
        raters = max(c.count for c in dims.values())  # every answer rates all dimensions of a department
        counted = raters >= min_raters and spec.weight > 0
        gs = GroupScore(group_id=spec.id, raters=raters, counted=counted)
        if counted:
            gs.dimensions = {d: Decimal(c.total) / Decimal(c.count) for d, c in dims.items()}
            gs.score = sum(gs.dimensions.values()) / Decimal(len(gs.dimensions))
            parts.append((spec, gs))
        else:
            dropped.append(f"{spec.name}{raters}份")
        scores[spec.id] = gs
    weight_sum = sum((spec.weight for spec, _ in parts), Decimal(0))
    total = sum((spec.weight * gs.score for spec, gs in parts), Decimal(0)) / weight_sum if weight_sum else None
    dims = _dimension_scores(parts)
    for gs in scores.values():
        gs.score = _round(gs.score) if gs.score is not None else None
        gs.dimensions = {d: _round(v) for d, v in gs.dimensions.items()}
    explanation = "；".join(f"{spec.name}{gs.score}分×权重{spec.weight}" for spec, gs in parts)
    if dropped:
        explanation += f"（不足{min_raters}份未计入：{'、'.join(dropped)}）"
    return UnitScore(unit_id=unit_id, score=_round(total) if total is not None else None, dimensions=dims,
                     groups=scores, raters=sum(gs.raters for gs in scores.values()), explanation=explanation)


def _dimension_scores(parts) -> dict[int, Decimal]:
    sums: dict[int, list[Decimal]] = {}
    for spec, gs in parts:
        for dim, value in gs.dimensions.items():
            acc = sums.setdefault(dim, [Decimal(0), Decimal(0)])
            acc[0] += spec.weight * value
            acc[1] += spec.weight
    return {dim: _round(s / w) for dim, (s, w) in sums.items() if w}
