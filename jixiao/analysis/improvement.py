"""Improvement targets and benchmarks (绩效改进目标和工作标杆): the pure computation of a proposal.

Like stats.py: plain numbers in and out, no ORM, no clock. A proposal closes a chosen share of the gap between
the unit's figure of this year and a reference figure that is better:

* QUARTILE — the peer group's better quartile cut (stats.quantile, type 7): P75 when higher is better
  (组内上四分位), P25 when lower is better (组内下四分位);
* BENCHMARK — the 标杆: the best figure of the group (every unit sharing rank 1 is named);
* BEST_YEAR — the unit's own best whole year before this one, under the same definition (口径).

proposed = current + share ÷ 100 × (reference − current), rounded half up to 2 places. A unit at or beyond its
reference keeps its figure (已是标杆，保持 / 已达…，保持). Interval, qualitative and milestone indicators get no
proposal, with the reason; so does a unit without a figure this year. Never NaN, never an exception for data.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from jixiao.analysis import stats

QUARTILE, BENCHMARK, BEST_YEAR = "quartile", "benchmark", "best_year"
METHODS = {QUARTILE: "缩小与组内四分位的差距", BENCHMARK: "缩小与标杆单位的差距", BEST_YEAR: "缩小与本单位最好年份的差距"}
PLACES = Decimal("0.01")
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Proposal:
    """A proposed target of next year, or None with the reason; the figures it came from, and how (in Chinese)."""

    value: Decimal | None
    current: Decimal | None = None
    reference: Decimal | None = None
    explanation: str = ""
    keep: bool = False  # the unit is at or beyond its reference: it keeps its figure


def show(value: Decimal) -> str:
    """A figure as people write it: no trailing zeros, never an exponent (92.50 → 92.5, 1E+2 → 100)."""
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "") else text


def quartile_label(direction: str) -> str:
    return "组内上四分位" if direction == stats.HIGHER_BETTER else "组内下四分位"


def better_quartile(values, direction: str) -> Decimal | None:
    """P75 of the values when higher is better, P25 when lower is better (type 7 cuts); None when empty."""
    cuts = stats.quartile_cuts(list(values))
    if cuts is None:
        return None
    return cuts[2] if direction == stats.HIGHER_BETTER else cuts[0]


def benchmarks(values: Mapping[Hashable, Decimal | None], direction: str) -> tuple[tuple, Decimal | None]:
    """(the keys sharing rank 1, their figure) of a group (key → figure or None); ((), None) when none has one."""
    comparison = stats.compare(values, direction)
    return comparison.best, comparison.best_value


def best_year(years: Mapping[int, Decimal | None], direction: str) -> tuple[int | None, Decimal | None]:
    """The unit's best year and its figure among `years` (year → figure; None left out); the latest on a tie."""
    best = (None, None)
    for year, value in sorted(years.items()):
        if value is not None and (best[1] is None or not stats.is_better(best[1], value, direction)):
            best = (year, value)
    return best


def close_gap(current: Decimal, reference: Decimal, share: Decimal, direction: str) -> Decimal:
    """current + share ÷ 100 × (reference − current) when the reference is better, else current; 2 places."""
    if not stats.is_better(reference, current, direction):
        return current
    return (current + share / HUNDRED * (reference - current)).quantize(PLACES, rounding=ROUND_HALF_UP)


def _check(method: str, share: Decimal) -> None:
    if method not in METHODS:
        raise ValueError(f"method must be one of {tuple(METHODS)}, not {method!r}")
    if not Decimal(0) < share <= HUNDRED:
        raise ValueError(f"share must be in (0, 100], not {share}")


def propose(method: str, share: Decimal, direction: str, current: Decimal | None, *,
            group: Mapping[Hashable, Decimal | None] | None = None, names: Mapping[Hashable, str] | None = None,
            years: Mapping[int, Decimal | None] | None = None, key: Hashable = None) -> Proposal:
    """The proposal for one unit (`key` in `group`, named by `names`) on one indicator.

    `group`: key → this year's figure of every unit of the peer group (the unit included); `years`: the unit's
    earlier whole years (year → figure). `share` in percent, 0 < share ≤ 100."""
    _check(method, share)
    if direction not in stats.DIRECTIONS:
        return Proposal(None, current, explanation="区间、定性或节点类指标没有“越大越好 / 越小越好”之分，"
                                                   "不按差距提出目标，请另行确定")
    if current is None:
        return Proposal(None, explanation="本单位该年度无已核定数值，无法提出目标")
    if method == BEST_YEAR:
        return _from_best_year(share, direction, current, years or {})
    others = stats.present(group or {})
    if len(others) < 2:
        return Proposal(None, current, explanation="组内只有 1 个有数值的单位，没有可比的同组单位，"
                                                   "请改用“本单位最好年份”")
    if method == QUARTILE:
        reference = better_quartile(others.values(), direction)
        label = f"{quartile_label(direction)} {show(reference)}"
        kept = f"已达{quartile_label(direction)}（{show(reference)}），保持"
    else:
        best, reference = benchmarks(others, direction)
        label = f"标杆 {'、'.join((names or {}).get(k, str(k)) for k in best)} {show(reference)}"
        kept = "已是标杆，保持"
    return _proposal(share, direction, current, reference, label, kept)


def _from_best_year(share, direction, current, years) -> Proposal:
    year, reference = best_year(years, direction)
    if year is None:
        return Proposal(None, current, explanation="无往年全年数值（可能当时尚未设立、未报送或口径不同），"
                                                   "无法按本单位最好年份提出目标")
    return _proposal(share, direction, current, reference, f"本单位最好年份（{year} 年）{show(reference)}",
                     "本年已是本单位最好水平，保持")


def _proposal(share, direction, current, reference, label, kept) -> Proposal:
    if not stats.is_better(reference, current, direction):
        return Proposal(current, current, reference, f"{kept} {show(current)}", keep=True)
    value = close_gap(current, reference, share, direction)
    return Proposal(value, current, reference,
                    f"{label}，本单位 {show(current)}，缩小差距 {show(share)}% → {show(value)}")
