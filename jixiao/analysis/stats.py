"""The statistics of 横比纵比: pure functions over plain numbers, like the scoring engine (scoring/engine.py).

No ORM, no clock, no randomness. Numbers are `Decimal` in and out (exact means, medians and gaps); only the
Mann–Kendall statistic and its p-value are floats, because they go through a square root and the normal curve.
A statistic that cannot be computed is never NaN and never raises: it is `None` beside a Chinese reason
(`Outcome`, or the `reason` fields of the result dataclasses). Missing values (None) are listed apart, never
ranked and never counted as zero.

Definitions, each named where it is computed:

* rank — competition ranking ("1224"): equal values share the better rank, the next rank skips;
* percentile rank — the share of the *other* units of the group the unit does better than, a tie counting
  as half: (B + ½·T) ÷ (n − 1) × 100; the best alone 100, the worst alone 0, everyone tied 50;
* quartiles — cut points by linear interpolation between order statistics (Hyndman & Fan type 7, the
  method of Excel's QUARTILE.INC and numpy's default); position Q1 is the best quarter (as Scotland's LGBF);
* standard deviation — the *population* SD (divide by n): a group holds every unit compared, not a sample
  of them; `sd(..., sample=True)` gives the sample SD (n − 1);
* z-score — (x − mean) ÷ population SD, signed so that positive is better;
* modified z-score — 0.6745 · (x − median) ÷ MAD (Iglewicz & Hoaglin 1993), signed like the value;
* growth — (current − base) ÷ base × 100, only for a positive base;
* trend — the Mann–Kendall test with tie correction and Sen's slope, two-sided p from the normal approximation.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

HIGHER_BETTER = "higher_better"
LOWER_BETTER = "lower_better"
DIRECTIONS = (HIGHER_BETTER, LOWER_BETTER)
DIRECTION_LABELS = {HIGHER_BETTER: "越大越好", LOWER_BETTER: "越小越好"}
HUNDRED = Decimal(100)
IGLEWICZ_HOAGLIN = Decimal("0.6745")
MIN_TREND_YEARS = 5
UP, DOWN, FLAT = "上升", "下降", "无明显趋势"


@dataclass(frozen=True)
class Outcome:
    """A statistic, or None with the reason it could not be computed (in Chinese)."""

    value: Decimal | None
    reason: str = ""


def _check(direction: str) -> None:
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be one of {DIRECTIONS}, not {direction!r}")


def present(values: Mapping[Hashable, Decimal | None]) -> dict:
    """The entries that have a value (missing ones are listed apart, never ranked or counted as zero)."""
    return {key: value for key, value in values.items() if value is not None}


def is_better(a: Decimal, b: Decimal, direction: str) -> bool:
    """Whether `a` is strictly better than `b`: larger for higher-better, smaller for lower-better."""
    _check(direction)
    return a > b if direction == HIGHER_BETTER else a < b


def competition_ranks(values: Mapping[Hashable, Decimal | None], direction: str) -> dict:
    """key → rank among the present values: 1 + the number of values strictly better ("1224" ranking)."""
    _check(direction)
    numbers = present(values)
    ordered = sorted(numbers.values(), reverse=direction == HIGHER_BETTER)
    first_place = {}
    for place, value in enumerate(ordered, start=1):
        first_place.setdefault(value, place)
    return {key: first_place[value] for key, value in numbers.items()}


def percentile_rank(value: Decimal, values: Iterable[Decimal], direction: str) -> Outcome:
    """(B + ½·T) ÷ (n − 1) × 100: B other units strictly worse, T other units tied, n the group's present values.

    `values` includes `value` itself once. A group of one has no one to be compared with: None with the reason.
    """
    _check(direction)
    values = list(values)
    n = len(values)
    if n < 2:
        return Outcome(None, "组内只有 1 个有数值的单位，无法计算百分位")
    worse = sum(1 for other in values if is_better(value, other, direction))
    tied = sum(1 for other in values if other == value) - 1
    return Outcome((Decimal(worse) + Decimal(tied) / 2) / (n - 1) * HUNDRED)


def quantile(values: Iterable[Decimal], p: Decimal) -> Decimal | None:
    """The p-quantile (0 ≤ p ≤ 1) by linear interpolation, Hyndman & Fan type 7 (Excel QUARTILE.INC).

    h = (n − 1)·p; Q = x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋]) over the sorted values (0-based). None when empty.
    """
    ordered = sorted(values)
    if not ordered:
        return None
    h = (len(ordered) - 1) * Decimal(p)
    low = int(h)
    if low + 1 >= len(ordered):
        return ordered[-1]
    return ordered[low] + (h - low) * (ordered[low + 1] - ordered[low])


def quartile_cuts(values: Iterable[Decimal]) -> tuple[Decimal, Decimal, Decimal] | None:
    """(P25, P50, P75) by `quantile` (type 7); None when there are no values."""
    values = list(values)
    if not values:
        return None
    return quantile(values, Decimal("0.25")), quantile(values, Decimal("0.5")), quantile(values, Decimal("0.75"))


def quartile_position(value: Decimal, values: Iterable[Decimal], direction: str) -> int | None:
    """1–4, 1 the best quarter: for higher-better 1 from P75 up, 2 from P50, 3 from P25, else 4 (type 7 cuts);
    for lower-better the mirror (1 up to P25 …). A value on a cut belongs to the better quarter. None for no values."""
    _check(direction)
    cuts = quartile_cuts(values)
    return None if cuts is None else _position(value, cuts, direction)


def _position(value: Decimal, cuts: tuple[Decimal, Decimal, Decimal], direction: str) -> int:
    p25, p50, p75 = cuts
    if direction == HIGHER_BETTER:
        return 1 if value >= p75 else 2 if value >= p50 else 3 if value >= p25 else 4
    return 1 if value <= p25 else 2 if value <= p50 else 3 if value <= p75 else 4


def median(values: Iterable[Decimal]) -> Decimal | None:
    """The middle value, or the mean of the two middle ones; None when empty."""
    return quantile(values, Decimal("0.5"))


def mean(values: Iterable[Decimal]) -> Decimal | None:
    values = list(values)
    return sum(values, Decimal(0)) / len(values) if values else None


def sd(values: Iterable[Decimal], *, sample: bool = False) -> Outcome:
    """Population SD √(Σ(x − x̄)² ÷ n) by default; the sample SD (÷ (n − 1)) with `sample=True`."""
    values = list(values)
    needed = 2 if sample else 1
    if len(values) < needed:
        return Outcome(None, f"有数值的单位不足 {needed} 个，无法计算标准差")
    average = mean(values)
    squares = sum(((x - average) ** 2 for x in values), Decimal(0))
    return Outcome((squares / (len(values) - (1 if sample else 0))).sqrt())


def z_score(value: Decimal, values: Iterable[Decimal], direction: str = HIGHER_BETTER) -> Outcome:
    """(x − mean) ÷ population SD, negated for lower-better so that a positive z is always better than average."""
    _check(direction)
    values = list(values)
    if len(values) < 2:
        return Outcome(None, "组内有数值的单位不足 2 个，无法计算 z 值")
    spread = sd(values).value
    if spread == 0:
        return Outcome(None, "组内数值全部相同（标准差为 0），无法计算 z 值")
    z = (value - mean(values)) / spread
    return Outcome(z if direction == HIGHER_BETTER else -z)


def mad(values: Iterable[Decimal]) -> Decimal | None:
    """The median absolute deviation from the median (unscaled); None when empty."""
    values = list(values)
    middle = median(values)
    return None if middle is None else median(abs(x - middle) for x in values)


def modified_z(value: Decimal, values: Iterable[Decimal]) -> Outcome:
    """0.6745 · (x − median) ÷ MAD (Iglewicz & Hoaglin 1993; |M| > 3.5 is their outlier mark). Not direction-signed:
    it flags a value far from the others, whichever way."""
    values = list(values)
    if len(values) < 3:
        return Outcome(None, "有数值的单位或年份不足 3 个，无法判断是否异常")
    spread = mad(values)
    if spread == 0:
        return Outcome(None, "半数以上数值相同（绝对中位差为 0），无法计算修正 z 值")
    return Outcome(IGLEWICZ_HOAGLIN * (value - median(values)) / spread)


def growth(current: Decimal | None, base: Decimal | None) -> Outcome:
    """(current − base) ÷ base × 100, in percent; None with the reason for a missing, zero or negative base."""
    if current is None:
        return Outcome(None, "本期无数值")
    if base is None:
        return Outcome(None, "无上期数值（可能当时尚未设立或未报送）")
    if base == 0:
        return Outcome(None, "上期数值为 0，增长率无意义")
    if base < 0:
        return Outcome(None, "上期数值为负数，增长率无意义，请看增减量")
    return Outcome((current - base) / base * HUNDRED)


def gap_to(value: Decimal, best: Decimal, direction: str) -> Decimal:
    """How far `value` is behind `best`, as a non-negative amount (0 for the best itself)."""
    _check(direction)
    return best - value if direction == HIGHER_BETTER else value - best


# --- One comparison (横比) -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Standing:
    """One unit's place in a comparison."""

    key: Hashable
    value: Decimal
    rank: int
    percentile: Decimal | None
    quartile: int
    z: Decimal | None
    modified_z: Decimal | None
    gap: Decimal  # behind the best, ≥ 0


@dataclass(frozen=True)
class Comparison:
    """A peer set compared on one measure: every present value placed, the missing ones listed apart."""

    direction: str
    standings: tuple[Standing, ...]  # best first; ties by the caller's key order
    missing: tuple[Hashable, ...]
    median: Decimal | None
    mean: Decimal | None
    sd: Decimal | None
    best: tuple[Hashable, ...]  # the 标杆: every unit sharing rank 1
    best_value: Decimal | None
    notes: tuple[str, ...] = field(default_factory=tuple)  # why a statistic is absent, in Chinese
    _by_key: dict | None = field(default=None, repr=False, compare=False)

    @property
    def size(self) -> int:
        """The group size that ranks are out of: units with a value."""
        return len(self.standings)

    def of(self, key) -> Standing | None:
        if self._by_key is None:
            object.__setattr__(self, "_by_key", {s.key: s for s in self.standings})
        return self._by_key.get(key)


def compare(values: Mapping[Hashable, Decimal | None], direction: str) -> Comparison:
    """Place every present value of `values` (key → value or None) against the others (see the module docstring).

    The same figures as `percentile_rank`, `quartile_position`, `z_score` and `modified_z` one by one, but the
    group's statistics are computed once and each unit is placed by binary search: O(n log n), not O(n²).
    """
    _check(direction)
    numbers = present(values)
    missing = tuple(key for key, value in values.items() if value is None)
    pool = list(numbers.values())
    notes = _notes(pool, missing)
    if not pool:
        return Comparison(direction, (), missing, None, None, None, (), None, notes)
    ordered, n = sorted(pool), len(pool)
    cuts, middle, average, spread, deviation = quartile_cuts(pool), median(pool), mean(pool), sd(pool).value, mad(pool)
    best_value = ordered[0] if direction == LOWER_BETTER else ordered[-1]
    sign = 1 if direction == HIGHER_BETTER else -1
    place = {key: i for i, key in enumerate(values)}
    standings = []
    for key, value in numbers.items():
        below, above = bisect.bisect_left(ordered, value), n - bisect.bisect_right(ordered, value)
        worse, better = (below, above) if direction == HIGHER_BETTER else (above, below)
        tied = n - below - above - 1
        percentile = (Decimal(worse) + Decimal(tied) / 2) / (n - 1) * HUNDRED if n >= 2 else None
        z = sign * (value - average) / spread if n >= 2 and spread else None
        m = IGLEWICZ_HOAGLIN * (value - middle) / deviation if n >= 3 and deviation else None
        standings.append(Standing(key, value, better + 1, percentile, _position(value, cuts, direction), z, m,
                                  gap_to(value, best_value, direction)))
    standings.sort(key=lambda s: (s.rank, place[s.key]))
    best = tuple(s.key for s in standings if s.rank == 1)
    return Comparison(direction, tuple(standings), missing, middle, average, spread, best, best_value, notes)


def _notes(pool: list[Decimal], missing: tuple) -> tuple[str, ...]:
    notes = []
    if not pool:
        notes.append("所有单位均无数值，无法比较")
    elif len(pool) == 1:
        notes.append("只有 1 个单位有数值：排名第 1，但没有可比较的同组单位，不计算百分位和 z 值")
    elif len(set(pool)) == 1:
        notes.append("所有有数值的单位数值相同：并列第 1，不计算 z 值")
    if missing:
        notes.append(f"{len(missing)} 个单位无数值，单列于后，不参与排名，也不按 0 计")
    return tuple(notes)


def window(comparison: Comparison, key, *, top: int = 3, around: int = 2) -> list[Standing]:
    """The "top 3 + you ± 2" rows: the first `top` standings and those within `around` places of `key`'s
    (places in the ordered list, not ranks), best first without repeats; only the top when `key` has no value."""
    rows = list(comparison.standings)
    chosen = set(range(min(top, len(rows))))
    place = next((i for i, s in enumerate(rows) if s.key == key), None)
    if place is not None:
        chosen |= set(range(max(0, place - around), min(len(rows), place + around + 1)))
    return [rows[i] for i in sorted(chosen)]


# --- Self comparison (纵比) ----------------------------------------------------------------------------


SUM, LAST, AVERAGE = "sum", "last", "average"


@dataclass(frozen=True)
class SamePeriod:
    """January–N of one year against January–N of the year before (同期累计)."""

    through: int
    current: Decimal | None
    previous: Decimal | None
    change: Decimal | None
    growth: Decimal | None
    reason: str = ""


def cumulate(periods: Mapping[int, Decimal | None], through: int, how: str) -> Outcome:
    """Periods 1..`through` of one year (months or quarters, numbered from 1) reduced to one figure.

    `how`: "sum" (flows such as revenue reported per period), "average" (rates), "last" (stocks, or figures
    already reported year-to-date, the platform's reporting values). Sum and average need every period
    1..through, "last" needs period `through`; otherwise None with the reason, never a part year.
    """
    if how not in (SUM, LAST, AVERAGE):
        raise ValueError(f"how must be sum, last or average, not {how!r}")
    if how == LAST:
        value = periods.get(through)
        return Outcome(value, "" if value is not None else f"缺第 {through} 期数值")
    lacking = [p for p in range(1, through + 1) if periods.get(p) is None]
    if lacking:
        return Outcome(None, f"缺第 {'、'.join(map(str, lacking))} 期数值，不能以部分期数累计")
    values = [periods[p] for p in range(1, through + 1)]
    total = sum(values, Decimal(0))
    return Outcome(total if how == SUM else total / through)


def same_period(current: Mapping[int, Decimal | None], previous: Mapping[int, Decimal | None], through: int,
                how: str) -> SamePeriod:
    """Periods 1..through this year against periods 1..through last year, the same reduction on both sides."""
    now = cumulate(current, through, how)
    before = cumulate(previous, through, how)
    if now.value is None or before.value is None:
        side = "本年" if now.value is None else "上年同期"
        return SamePeriod(through, now.value, before.value, None, None,
                          f"{side}{(now if now.value is None else before).reason}")
    rate = growth(now.value, before.value)
    return SamePeriod(through, now.value, before.value, now.value - before.value, rate.value, rate.reason)


@dataclass(frozen=True)
class Trend:
    """The Mann–Kendall test over a series of years, with Sen's slope (per year)."""

    n: int
    s: int | None = None
    variance: float | None = None
    z: float | None = None
    p: float | None = None
    slope: Decimal | None = None
    direction: str = FLAT  # 上升 / 下降 / 无明显趋势 (in the value's own terms, not better or worse)
    alpha: float = 0.05
    reason: str = ""


def _sign(x) -> int:
    return (x > 0) - (x < 0)


def mann_kendall(series: Mapping[int, Decimal | None], *, alpha: float = 0.05) -> Trend:
    """Mann–Kendall trend test over year → value (missing years left out), for 5 or more years.

    S = Σ_{i<j} sgn(x_j − x_i); Var(S) = [n(n−1)(2n+5) − Σ_t t(t−1)(2t+5)] ÷ 18 over tie groups of size t;
    Z = (S − 1)/√Var for S > 0, (S + 1)/√Var for S < 0, else 0; p = 2·(1 − Φ(|Z|)) = erfc(|Z|/√2).
    A trend is 上升 / 下降 when p < α, else 无明显趋势. Sen's slope: the median of (x_j − x_i) ÷ (year_j − year_i).
    """
    points = sorted((year, value) for year, value in series.items() if value is not None)
    n = len(points)
    if n < MIN_TREND_YEARS:
        return Trend(n, alpha=alpha, reason=f"只有 {n} 个年份有数值，趋势检验至少需要 {MIN_TREND_YEARS} 个年份")
    values = [value for _year, value in points]
    s = sum(_sign(values[j] - values[i]) for i in range(n) for j in range(i + 1, n))
    ties = [values.count(v) for v in set(values)]
    variance = (n * (n - 1) * (2 * n + 5) - sum(t * (t - 1) * (2 * t + 5) for t in ties)) / 18
    slope = median((points[j][1] - points[i][1]) / (points[j][0] - points[i][0])
                   for i in range(n) for j in range(i + 1, n))
    if variance == 0:
        return Trend(n, s, 0.0, 0.0, 1.0, slope, FLAT, alpha, "各年份数值全部相同")
    z = (s - _sign(s)) / math.sqrt(variance)
    p = math.erfc(abs(z) / math.sqrt(2))
    direction = FLAT if p >= alpha else (UP if s > 0 else DOWN)
    return Trend(n, s, variance, z, p, slope, direction, alpha)
