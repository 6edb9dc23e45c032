"""Nearest neighbours (近邻单位): each unit's k most similar units by the cycle's weighted attributes.

Pure and deterministic, like the scoring engine: plain data in, plain data out; no ORM, no clock, no randomness;
the order of the input does not matter. Modelled on the statistical nearest neighbours of the UK's CIPFA model
(LG Inform): standardised attributes, weights chosen by the office, a weighted Euclidean distance. The steps
(docs/analysis_peers.md says why each is so):

1. **Standardise** each attribute over every unit that has a value: z = (x − mean) ÷ sd (population sd). A
   size measure marked 取对数 (population, area, GDP) is log-transformed first, so a street of 20,000 people is
   as far from one of 40,000 as one of 100,000 is from one of 200,000, and one very large unit does not squash
   the rest together. A log-scale value that is not positive cannot be logged: it is left out as missing. An
   attribute with weight 0, with fewer than two values, or with the same value for every unit tells no unit
   apart: it is dropped, with a note.
2. **Distance** of two units, over the attributes both have (an attribute one of them lacks is skipped for that
   pair and named in `Neighbour.skipped`):

       d(i, j) = sqrt( Σ_a w_a (z_ia − z_ja)² ÷ Σ_a w_a )

   the weighted root mean square of the standardised differences, in standard deviations, so pairs compared on
   different attributes are on one scale. A pair whose shared attributes carry less than half the total
   weight is not compared; a unit whose own attributes carry less than half is left out with the reason.
3. **Each unit's k nearest**: smallest distance first, equal distances in unit-code order.
4. **最相近的属性**: of a pair's shared attributes, those within half a standard deviation of each other, the
   ones adding least to the distance first (at most three).
5. **Closeness in plain words** from the distance (two units drawn at random differ by about 1.4 sd):
   below 0.25 极为相近, 0.5 非常相近, 0.75 较为相近, 1 一般, else 差异较大.

Speed: 2,000 units × 6 attributes in about half a second of CPU (bench/neighbours.py): the weights are folded
into the coordinates (√w_a · z_a) so each distance is one `math.dist` call in C, a unit's distances to a whole
group of units are one `map`, and the k smallest are picked from plain floats by `heapq.nsmallest`.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from itertools import repeat

DEFAULT_K = 5
MAX_K = 20
MIN_WEIGHT_SHARE = 0.5  # a unit, and a pair, is compared on attributes carrying at least this share of the weight
CLOSE_SD = 0.5  # an attribute within half a standard deviation is one that makes two units alike
MAX_CLOSEST = 3
# (upper bound of the distance, words), in standard deviations of the average attribute.
CLOSENESS = [(0.25, "极为相近"), (0.5, "非常相近"), (0.75, "较为相近"), (1.0, "一般")]
FAR = "差异较大"
ROUND = 9  # distances equal to this many places are equal: ties go to the unit code, not to float noise


@dataclass(frozen=True)
class Attribute:
    """One attribute as the computation sees it: its weight (≥ 0) and whether it is logged first."""

    code: str
    name: str
    weight: float | Decimal = 1
    log_scale: bool = False


@dataclass(frozen=True)
class UnitValues:
    """One unit's attribute values by attribute code (a missing code, or None, is a missing value)."""

    code: str
    name: str
    values: Mapping[str, float | Decimal | None]


@dataclass(frozen=True)
class Neighbour:
    code: str
    name: str
    distance: float  # standard deviations (step 2)
    closest: tuple[str, ...]  # names of the attributes that make the pair alike (step 4)
    skipped: tuple[str, ...] = ()  # names of the attributes one of the two lacks

    @property
    def closeness(self) -> str:
        return closeness(round(self.distance, 2))  # as the page shows it: 0.9996 is "1.00", 差异较大


@dataclass(frozen=True)
class UnitNeighbours:
    code: str
    name: str
    neighbours: tuple[Neighbour, ...]
    missing: tuple[str, ...] = ()  # names of the used attributes this unit has no (usable) value of


@dataclass(frozen=True)
class Excluded:
    code: str
    name: str
    reason: str


@dataclass(frozen=True)
class Proposal:
    k: int
    used: tuple[str, ...]  # names of the attributes the distances use
    units: tuple[UnitNeighbours, ...]  # in unit-code order
    excluded: tuple[Excluded, ...] = ()
    notes: tuple[str, ...] = ()  # attributes dropped and why; too few units

    def of(self, code: str) -> UnitNeighbours | None:
        return next((u for u in self.units if u.code == code), None)


def closeness(distance: float) -> str:
    """The distance in plain words (step 5)."""
    return next((words for bound, words in CLOSENESS if distance < bound), FAR)


# --- 1. Standardise -------------------------------------------------------------------------------------------


def _usable(value, log_scale: bool) -> float | None:
    """A value as a float on the attribute's scale, or None when it is missing or cannot be used."""
    if value is None:
        return None
    number = float(value)
    if not math.isfinite(number):
        return None
    if log_scale:
        return math.log(number) if number > 0 else None
    return number


def _mean_sd(numbers: list[float]) -> tuple[float, float]:
    mean = math.fsum(numbers) / len(numbers)
    return mean, math.sqrt(math.fsum((x - mean) ** 2 for x in numbers) / len(numbers))


def _drop_reason(attribute: Attribute, numbers: list[float], sd: float, mean: float) -> str:
    if float(attribute.weight) <= 0:
        return "权重为 0"
    if len(numbers) < 2:
        return "录入该属性的单位不足两个"
    if sd <= 1e-12 * max(1.0, abs(mean)):
        return "各单位取值相同，无法区分单位"
    return ""


@dataclass
class _Scaled:
    """The used attributes and every unit's √w·z coordinates (None where the value is missing)."""

    attributes: list[Attribute]
    coords: dict[str, list[float | None]]  # unit code -> one entry per used attribute
    notes: list[str]


def standardise(attributes: Iterable[Attribute], units: list[UnitValues]) -> _Scaled:
    """Step 1: z-scores (after the log for a log-scale attribute), weighted by √w; dropped attributes noted."""
    used, columns, notes, non_positive = [], [], [], []
    for attribute in attributes:
        column = [_usable(u.values.get(attribute.code), attribute.log_scale) for u in units]
        numbers = [x for x in column if x is not None]
        mean, sd = _mean_sd(numbers) if numbers else (0.0, 0.0)
        reason = _drop_reason(attribute, numbers, sd, mean)
        if reason:
            notes.append(f"“{attribute.name}”未参与计算：{reason}。")
            continue
        if attribute.log_scale and any(_is_non_positive(u.values.get(attribute.code)) for u in units):
            non_positive.append(attribute.name)
        root = math.sqrt(float(attribute.weight))
        used.append(attribute)
        columns.append([None if x is None else root * (x - mean) / sd for x in column])
    if non_positive:
        notes.append(f"“{'”“'.join(non_positive)}”取对数，须为正数：为 0 或负数的值按缺失处理。")
    coords = {u.code: [column[i] for column in columns] for i, u in enumerate(units)}
    return _Scaled(used, coords, notes)


def _is_non_positive(value) -> bool:
    return value is not None and math.isfinite(float(value)) and float(value) <= 0


# --- 2–3. Distances and the k nearest -------------------------------------------------------------------------


def nearest(attributes: Iterable[Attribute], units: Iterable[UnitValues], k: int = DEFAULT_K) -> Proposal:
    """Each unit's `k` nearest neighbours by the weighted attributes (module docstring, steps 1–5)."""
    k = max(1, min(int(k), MAX_K))
    units = sorted(units, key=lambda u: u.code)
    scaled = standardise(list(attributes), units)
    if not scaled.attributes:
        return Proposal(k, (), (), (), (*scaled.notes, "没有可参与计算的属性，无法提出近邻单位。"))
    weights = [float(a.weight) for a in scaled.attributes]
    total = math.fsum(weights)
    kept, excluded = _included(units, scaled, weights, total)
    notes = list(scaled.notes)
    if len(kept) == 1:
        notes.append(f"只有“{kept[0].name}”一个单位可参与计算，没有可比较的单位。")
    table = _Table(kept, scaled, weights, total)
    rows = tuple(table.row(i, k) for i in range(len(kept)))
    return Proposal(k, tuple(a.name for a in scaled.attributes), rows, tuple(excluded), tuple(notes))


def _mask(coords: list[float | None]) -> int:
    return sum(1 << a for a, x in enumerate(coords) if x is not None)


def _weight_of(mask: int, weights: list[float]) -> float:
    return math.fsum(w for a, w in enumerate(weights) if mask >> a & 1)


def _included(units, scaled: _Scaled, weights, total) -> tuple[list[UnitValues], list[Excluded]]:
    """The units with values of at least half the weight; the others, each with the reason."""
    kept, excluded = [], []
    for unit in units:
        mask = _mask(scaled.coords[unit.code])
        if mask == 0:
            excluded.append(Excluded(unit.code, unit.name, "没有可参与计算的属性值"))
        elif _weight_of(mask, weights) < MIN_WEIGHT_SHARE * total:
            lacking = [a.name for a, x in zip(scaled.attributes, scaled.coords[unit.code], strict=True) if x is None]
            excluded.append(Excluded(unit.code, unit.name,
                                     f"缺少{'、'.join(lacking)}，已有属性的权重不足总权重的一半"))
        else:
            kept.append(unit)
    return kept, excluded


class _Table:
    """The kept units grouped by which attributes they have; distances are taken group by group, so a pair is
    always compared on exactly the attributes both have, and a whole group is one `map` of `math.dist`."""

    def __init__(self, units: list[UnitValues], scaled: _Scaled, weights: list[float], total: float):
        self.units = units
        self.attributes = scaled.attributes
        self.coords = [scaled.coords[u.code] for u in units]
        self.masks = [_mask(c) for c in self.coords]
        self.weights, self.total = weights, total
        self.groups: dict[int, list[int]] = {}
        for i, mask in enumerate(self.masks):
            self.groups.setdefault(mask, []).append(i)  # ascending: unit-code order
        self._projected: dict[tuple[int, int], list[tuple[float, ...]]] = {}
        self._weights: dict[int, float] = {}

    def _weight(self, mask: int) -> float:
        if mask not in self._weights:
            self._weights[mask] = _weight_of(mask, self.weights)
        return self._weights[mask]

    def _project(self, group: int, shared: int) -> list[tuple[float, ...]]:
        key = (group, shared)
        if key not in self._projected:
            self._projected[key] = [self._point(i, shared) for i in self.groups[group]]
        return self._projected[key]

    def _point(self, i: int, shared: int) -> tuple[float, ...]:
        return tuple(x for a, x in enumerate(self.coords[i]) if shared >> a & 1)

    def candidates(self, i: int, k: int) -> list[tuple[float, int]]:
        """(distance, index) of the k + 1 nearest of each group to unit i, i itself included."""
        found = []
        for group, members in self.groups.items():
            shared = self.masks[i] & group
            weight = self._weight(shared)
            if weight < MIN_WEIGHT_SHARE * self.total:
                continue  # too little in common to compare
            raw = list(map(math.dist, repeat(self._point(i, shared), len(members)), self._project(group, shared)))
            scale = 1 / math.sqrt(weight)
            nearest = _smallest(raw, k + 1) if len(raw) > k + 1 else zip(raw, range(len(raw)), strict=True)
            found += [(round(d * scale, ROUND), members[j]) for d, j in nearest]
        return found

    def row(self, i: int, k: int) -> UnitNeighbours:
        unit = self.units[i]
        chosen = sorted(c for c in self.candidates(i, k) if c[1] != i)[:k]
        missing = tuple(a.name for a, x in zip(self.attributes, self.coords[i], strict=True) if x is None)
        return UnitNeighbours(unit.code, unit.name, tuple(self.neighbour(i, j, d) for d, j in chosen), missing)

    def neighbour(self, i: int, j: int, distance: float) -> Neighbour:
        """Step 4: the attributes within half a sd, adding least to the distance first; and those skipped."""
        gaps, skipped = [], []
        for a, (attribute, x, y) in enumerate(zip(self.attributes, self.coords[i], self.coords[j], strict=True)):
            if x is None or y is None:
                skipped.append(attribute.name)
            elif abs(x - y) < CLOSE_SD * math.sqrt(self.weights[a]):
                gaps.append(((x - y) ** 2, a, attribute.name))
        closest = tuple(name for _gap, _a, name in sorted(gaps)[:MAX_CLOSEST])
        other = self.units[j]
        return Neighbour(other.code, other.name, distance, closest, tuple(skipped))


def _smallest(values: list[float], count: int) -> list[tuple[float, int]]:
    """(value, index) of the `count` smallest values, equal values by index: picked among plain floats (faster
    than comparing tuples), then each value's index found by `list.index` in C."""
    found, last, at = [], None, -1
    for value in heapq.nsmallest(count, values):
        at = values.index(value, at + 1 if value == last else 0)
        found.append((value, at))
        last = value
    return found
