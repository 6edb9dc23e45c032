"""数据质量预警: is a reported figure far from the unit's own history, or from its peers? Pure functions.

Both tests are the modified z-score of Iglewicz & Hoaglin (1993), `stats.modified_z`:
M = 0.6745 · (x − median) ÷ MAD, MAD the median absolute deviation from the median. A figure is flagged when
|M| exceeds the cycle's threshold (3.5 by default, their recommendation).

* history (纵向): x against the unit's verified figures of the *same period* in up to `HISTORY_YEARS` earlier
  years (figures are year-to-date, so Q3 is set against earlier Q3s). The history does not contain x.
* peers (横向): x against the figures of the same period reported by the other units of its group; the sample
  is the group with x in it, as in Iglewicz & Hoaglin's own use.

A test that cannot be made is never NaN and never raises: it is `UNTESTED` with the reason in Chinese — too
few points, every point equal (MAD = 0), no figure at all. Zero and negative figures are ordinary numbers here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from jixiao.analysis import stats

HISTORY, PEERS = "history", "peers"
FLAGGED, ORDINARY, UNTESTED = "flagged", "ordinary", "untested"
HISTORY_YEARS = 5
DEFAULT_THRESHOLD = Decimal("3.5")
DEFAULT_MIN_POINTS = 3
GROUP = "组内同类单位"


@dataclass(frozen=True)
class Rule:
    """The cycle's thresholds as plain numbers (the office keeps them in `models.QualityRule`)."""

    threshold: Decimal = DEFAULT_THRESHOLD
    min_history: int = DEFAULT_MIN_POINTS
    min_peers: int = DEFAULT_MIN_POINTS


@dataclass(frozen=True)
class Check:
    """One test of one figure: flagged, ordinary or untested, and why (in Chinese)."""

    kind: str  # HISTORY or PEERS
    status: str  # FLAGGED, ORDINARY or UNTESTED
    reason: str
    m: Decimal | None = None  # the modified z-score, signed like x − median
    median: Decimal | None = None
    n: int = 0  # points compared with (history years, or other units of the group)

    @property
    def flagged(self) -> bool:
        return self.status == FLAGGED


@dataclass(frozen=True)
class Assessment:
    """Both tests of one figure."""

    history: Check
    peers: Check

    @property
    def checks(self) -> tuple[Check, Check]:
        return self.history, self.peers

    @property
    def flagged(self) -> bool:
        return any(c.flagged for c in self.checks)

    @property
    def reason(self) -> str:
        """The reasons of the flags, joined; "" when nothing is flagged."""
        return "；".join(c.reason for c in self.checks if c.flagged)

    @property
    def notes(self) -> str:
        """Why a test was not made (shown beside a flag, and on the office's page)."""
        return "；".join(c.reason for c in self.checks if c.status == UNTESTED)


def number(value: Decimal) -> str:
    """A figure as people write it: no trailing zeros, at most 2 decimals (1200, 35.5, -3.25)."""
    rounded = value.quantize(Decimal("0.01")).normalize()
    return format(rounded, "f")


def _test(x: Decimal, center: Decimal, spread: Decimal, rule: Rule) -> tuple[str, Decimal]:
    m = stats.IGLEWICZ_HOAGLIN * (x - center) / spread
    return (FLAGGED if abs(m) > rule.threshold else ORDINARY), m


def _far(m: Decimal, x: Decimal, center: Decimal, spread: Decimal, rule: Rule) -> str:
    """"偏高 6.2 个 MAD（修正 z 值 4.2 > 3.5）": the distance in MADs and the score against the threshold."""
    side = "偏高" if x > center else "偏低"
    mads = abs(x - center) / spread
    compare = ">" if abs(m) > rule.threshold else "≤"
    return f"{side} {mads:.1f} 个 MAD（修正 z 值 {m:.1f}，|M| {compare} {number(rule.threshold)}）"


def against_history(x: Decimal | None, history: Sequence[Decimal], rule: Rule, *, since_year: int | None = None,
                    left_out: int = 0) -> Check:
    """x against the unit's figures of the same period in earlier years (x itself not among them).

    `since_year`: the unit began in that year (set up or reorganised), said when history is short; `left_out`:
    earlier years measured under another definition (口径), not compared and said in the reason.
    """
    if x is None:
        return Check(HISTORY, UNTESTED, "未填数值，未检验")
    history = list(history)
    n = len(history)
    aside = f"（另有 {left_out} 个年份口径不同，未纳入）" if left_out else ""
    if n < rule.min_history:
        began = f"本单位 {since_year} 年起设立，" if since_year is not None else ""
        return Check(HISTORY, UNTESTED, f"历史数据不足，未检验（{began}近 {HISTORY_YEARS} 年同期只有 {n} 个"
                                        f"已核定数值，至少需要 {rule.min_history} 个）{aside}", n=n)
    center, spread = stats.median(history), stats.mad(history)
    if spread == 0:
        return Check(HISTORY, UNTESTED, _no_spread("历史值", history, x), median=center, n=n)
    status, m = _test(x, center, spread, rule)
    text = (f"较本单位近 {n} 年同期中位数 {number(center)} {_far(m, x, center, spread, rule)}{aside}")
    return Check(HISTORY, status, text, m, center, n)


def against_peers(x: Decimal | None, others: Sequence[Decimal], rule: Rule, *, group: str = GROUP) -> Check:
    """x against the same period's figures of the other units of its group (`others`, x not among them); `group`
    names the group ("考核组别“街道”")."""
    if x is None:
        return Check(PEERS, UNTESTED, "未填数值，未检验")
    others = list(others)
    n = len(others)
    if n == 0:
        return Check(PEERS, UNTESTED, f"{group}只有本单位报送，没有可比的单位，未检验")
    if n < rule.min_peers:
        return Check(PEERS, UNTESTED, f"{group}数据不足，未检验（另有 {n} 个单位报送，"
                                      f"至少需要 {rule.min_peers} 个）", n=n)
    sample = [*others, x]
    center, spread = stats.median(sample), stats.mad(sample)
    if spread == 0:
        return Check(PEERS, UNTESTED, _no_spread("同组其他单位数值", others, x), median=center, n=n)
    status, m = _test(x, center, spread, rule)
    return Check(PEERS, status, f"较{group}（{n + 1} 个单位）中位数 {number(center)} "
                                f"{_far(m, x, center, spread, rule)}", m, center, n)


def _no_spread(what: str, reference: Sequence[Decimal], x: Decimal) -> str:
    """MAD = 0: every point equal, or more than half of them: no spread to measure a distance by.

    `reference`: the points x is compared with, x not among them."""
    if len(set(reference)) == 1:
        only = reference[0]
        differs = "" if x == only else f"；本期 {number(x)} 与之不同，请人工核对"
        return f"{what}完全相同（均为 {number(only)}），无法计算离散度，未检验{differs}"
    return f"{what}半数以上相同（MAD 为 0），无法计算离散度，未检验"


def assess(x: Decimal | None, history: Sequence[Decimal], others: Sequence[Decimal], rule: Rule, *,
           group: str = GROUP, since_year: int | None = None, left_out: int = 0) -> Assessment:
    """Both tests of one figure (see `against_history` and `against_peers`)."""
    return Assessment(against_history(x, history, rule, since_year=since_year, left_out=left_out),
                      against_peers(x, others, rule, group=group))
