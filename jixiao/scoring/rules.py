"""One function per scoring rule of `indicators.rule_specs.RULES` (DESIGN.md §5).

Each function takes a `RuleInput` and returns a `RuleOutcome`: the points of the line (ROUND_HALF_UP to
2 decimals, computed from exact Decimals — nothing is rounded before the last step) and a Chinese explanation
naming the value, the target, the rule and the points. A rule never raises on bad data and never returns a
silent zero: when the data it needs is missing or unusable (no actual, a target of 0 where it divides …) it
returns status `missing` with the reason, and the engine applies the scheme's missing-data option
(0 points, or not applicable); when the item cannot apply to the unit by definition (growth against a
baseline of 0, no milestones) it returns status `not_applicable`.

`points` in the input is the line's maximum after redistribution of not-applicable items; rules that take
a score on the scheme's scale (manual) rescale from `base_points`. Sources: the formulas are those written
in the rule catalogue (`rule_specs.RULES[code].description`), which follows DESIGN.md §5 and the common
practice of Chinese district performance schemes (完成率、逆向指标、功效系数法、差额扣分、按次扣分).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_FLOOR, ROUND_HALF_UP, Decimal

from jixiao.scoring.types import MISSING, NOT_APPLICABLE, SCORED

CENT = Decimal("0.01")
ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)

LOWER_BETTER = "lower_better"
INTERVAL = "interval"


@dataclass(frozen=True)
class Peer:
    """A unit of the same group with a usable actual value, for rank_based and relative_to_best."""

    unit_code: str
    value: Decimal


@dataclass(frozen=True)
class RuleInput:
    """What a rule sees: the line's maximum, the item's params, the unit's data and its peers."""

    points: Decimal
    params: dict
    base_points: Decimal | None = None
    unit_code: str = ""
    direction: str = "higher_better"
    actual: Decimal | None = None
    target: Decimal | None = None
    baseline: Decimal | None = None
    upper: Decimal | None = None
    text: str = ""
    events: int | None = None
    milestones_due: int | None = None
    milestones_on_time: int | None = None
    milestones_late: int | None = None
    manual_score: Decimal | None = None
    justification: str = ""
    peers: tuple[Peer, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class RuleOutcome:
    status: str  # scored | missing | not_applicable
    points: Decimal
    explanation: str


# --- Helpers ------------------------------------------------------------------------------------------


def round_points(value: Decimal) -> Decimal:
    """The single rounding step of a line: ROUND_HALF_UP to 0.01 point."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def num(value) -> str:
    """A number as a person writes it: 120, 0.5, -3 (no exponent, no trailing zeros)."""
    if value is None:
        return "—"
    if not isinstance(value, Decimal):
        value = Decimal(value)
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "") else text


def pts(value: Decimal) -> str:
    """Points with two decimals: 9.50."""
    return format(round_points(value), "f")


def pct(ratio: Decimal) -> str:
    """A ratio as a percentage with two decimals: 0.905 → 90.50%."""
    return format((ratio * HUNDRED).quantize(CENT, rounding=ROUND_HALF_UP), "f") + "%"


def dec(params: dict, name: str, default: str | None = None) -> Decimal | None:
    """A decimal parameter (stored as a string by rule_specs.clean_params)."""
    value = params.get(name, default)
    if value is None or value == "":
        return None
    return Decimal(str(value))


def table(params: dict, name: str) -> dict[str, Decimal]:
    """A name → coefficient table, highest first (PostgreSQL's jsonb does not keep the order it was given)."""
    rows = [(str(k), Decimal(str(v))) for k, v in (params.get(name) or {}).items()]
    return dict(sorted(rows, key=lambda row: -row[1]))


def scored(points: Decimal, explanation: str) -> RuleOutcome:
    points = round_points(points)
    return RuleOutcome(SCORED, points, f"{explanation}，得 {pts(points)} 分")


def missing(reason: str) -> RuleOutcome:
    return RuleOutcome(MISSING, ZERO, reason)


def not_applicable(reason: str) -> RuleOutcome:
    return RuleOutcome(NOT_APPLICABLE, ZERO, reason)


def clamp(value: Decimal, low: Decimal, high: Decimal) -> Decimal:
    return max(low, min(value, high))


def _needs_actual(ri: RuleInput) -> RuleOutcome | None:
    return missing("未报送实际值") if ri.actual is None else None


def _needs_positive_target(ri: RuleInput) -> RuleOutcome | None:
    if ri.target is None:
        return missing("未设定目标值")
    if ri.target <= 0:
        return missing(f"目标值为 {num(ri.target)}，不大于 0，无法计算完成率")
    return None


# --- The rules ----------------------------------------------------------------------------------------


def completion_ratio(ri: RuleInput) -> RuleOutcome:
    """完成率计分: points × min(actual ÷ target, cap), never below 0.

    Negative growth (`negative_growth_zero`, default on): an actual below the baseline (上年基数), or a
    negative actual, scores 0. Needs target > 0. Example: points 10, target 200, actual 180 → 10 × 0.9 = 9.00.
    """
    problem = _needs_actual(ri) or _needs_positive_target(ri)
    if problem:
        return problem
    cap = dec(ri.params, "cap", "1")
    head = f"实际值 {num(ri.actual)}，目标值 {num(ri.target)}"
    if ri.params.get("negative_growth_zero", True):
        if ri.actual < 0:
            return scored(ZERO, f"{head}，实际值为负（负增长），按完成率计分规定不得分")
        if ri.baseline is not None and ri.actual < ri.baseline:
            return scored(ZERO, f"{head}，低于上年基数 {num(ri.baseline)}（负增长），按完成率计分规定不得分")
    ratio = ri.actual / ri.target
    used = clamp(ratio, ZERO, cap)
    note = f"，封顶按 {pct(used)} 计" if used != ratio else ""
    return scored(ri.points * used, f"{head}，完成率 {pct(ratio)}{note}；完成率计分 {pts(ri.points)} × {pct(used)}")


def reverse_control(ri: RuleInput) -> RuleOutcome:
    """逆向控制计分 (lower is better): points × (2 − actual ÷ target), between 0 and points × cap.

    actual ≥ 2 × target → 0. A target of 0 (零事故) gives full points for an actual of 0 and 0 otherwise.
    Example: points 10, target 50, actual 60 → 10 × (2 − 1.2) = 8.00.
    """
    problem = _needs_actual(ri)
    if problem:
        return problem
    if ri.target is None:
        return missing("未设定控制目标值")
    if ri.target < 0:
        return missing(f"控制目标值为 {num(ri.target)}，为负数，无法计分")
    head = f"实际值 {num(ri.actual)}，控制目标 {num(ri.target)}"
    if ri.target == 0:
        full = ri.actual <= 0
        verdict = "实际未发生，得满分" if full else "目标为 0 而实际发生，不得分"
        return scored(ri.points if full else ZERO, f"{head}，{verdict}（逆向控制计分）")
    cap = dec(ri.params, "cap", "1")
    factor = 2 - ri.actual / ri.target
    used = clamp(factor, ZERO, cap)
    note = "，达到目标 2 倍及以上不得分" if factor <= 0 else (f"，封顶按 {num(cap)} 计" if used != factor else "")
    return scored(ri.points * used,
                  f"{head}，逆向控制计分 {pts(ri.points)} × (2 − {num(ri.actual)} ÷ {num(ri.target)}) = "
                  f"{pts(ri.points)} × {num(factor.quantize(Decimal('0.0001'), ROUND_HALF_UP))}{note}")


def all_or_nothing(ri: RuleInput) -> RuleOutcome:
    """达标计分: points if the target is reached, else points × partial_fraction (default 0).

    Reached means actual ≥ target (higher is better), actual ≤ target (lower is better), or
    target ≤ actual ≤ upper (interval). Example: points 5, target 100, actual 99 → 5 × 0 = 0.00.
    """
    problem = _needs_actual(ri)
    if problem:
        return problem
    if ri.target is None:
        return missing("未设定目标值")
    if ri.direction == LOWER_BETTER:
        reached, goal = ri.actual <= ri.target, f"不高于 {num(ri.target)}"
    elif ri.direction == INTERVAL and ri.upper is not None:
        reached, goal = ri.target <= ri.actual <= ri.upper, f"在 {num(ri.target)}～{num(ri.upper)} 之间"
    else:
        reached, goal = ri.actual >= ri.target, f"不低于 {num(ri.target)}"
    head = f"实际值 {num(ri.actual)}，目标{goal}"
    if reached:
        return scored(ri.points, f"{head}，已达标，达标计分得全部分值")
    fraction = dec(ri.params, "partial_fraction", "0")
    return scored(ri.points * fraction, f"{head}，未达标，按 {pct(fraction)} 计：{pts(ri.points)} × {pct(fraction)}")


def competition_rank(value: Decimal, values: list[Decimal], lower_better: bool = False) -> int:
    """Rank with ties sharing a place and the next place skipped (1, 1, 3): 1 + number strictly better."""
    better = [v for v in values if (v < value if lower_better else v > value)]
    return 1 + len(better)


def rank_based(ri: RuleInput) -> RuleOutcome:
    """排名计分 within the group: points × max(first_pct − (rank − 1) × step_pct, floor_pct) ÷ 100.

    Ranks are by actual (higher is better unless the indicator is lower-is-better) among the units of the
    group with a usable actual; equal values share a rank and the next is skipped (1, 1, 3).
    Example: points 10, 2nd of 6, first 100 %, step 5 % → 10 × 95 % = 9.50.
    """
    problem = _needs_actual(ri)
    if problem:
        return problem
    values = [p.value for p in ri.peers] or [ri.actual]
    rank = competition_rank(ri.actual, values, ri.direction == LOWER_BETTER)
    first, step = dec(ri.params, "first_pct", "100"), dec(ri.params, "step_pct", "5")
    floor = dec(ri.params, "floor_pct", "0")
    share = max(first - (rank - 1) * step, floor)
    return scored(ri.points * share / HUNDRED,
                  f"实际值 {num(ri.actual)}，组内 {len(values)} 个单位中排第 {rank} 名；排名计分 "
                  f"{pts(ri.points)} × max({num(first)}% − {rank - 1} × {num(step)}%, {num(floor)}%) = "
                  f"{pts(ri.points)} × {num(share)}%")


def _adjusted(value: Decimal, coefficient: Decimal, lower_better: bool) -> Decimal:
    # A harder unit (coefficient > 1) counts as having done more, or (lower is better) less.
    return value / coefficient if lower_better else value * coefficient


def relative_to_best(ri: RuleInput) -> RuleOutcome:
    """对标最优计分: points × (own × difficulty) ÷ best, best = the group's highest adjusted value; ≤ points × cap.

    Difficulty coefficients come from the `difficulty` table by unit code (default 1). Lower-is-better
    indicators use best ÷ own with own ÷ difficulty. A best ≤ 0 (higher is better) cannot be compared with:
    every unit then gets 0 and the explanation says so. Example: points 10, own 80 × 1.1 = 88, best 110 → 8.00.
    """
    problem = _needs_actual(ri)
    if problem:
        return problem
    coefficients = table(ri.params, "difficulty")
    lower = ri.direction == LOWER_BETTER
    peers = ri.peers or (Peer(ri.unit_code, ri.actual),)
    adjusted = [_adjusted(p.value, coefficients.get(p.unit_code, ONE), lower) for p in peers]
    coefficient = coefficients.get(ri.unit_code, ONE)
    own = _adjusted(ri.actual, coefficient, lower)
    cap = dec(ri.params, "cap", "1")
    head = f"实际值 {num(ri.actual)}，难度系数 {num(coefficient)}，折算值 {num(own)}"
    if lower:
        best = min(adjusted)
        if own <= 0:
            return scored(ri.points, f"{head}，为组内最优，对标最优计分得全部分值")
        ratio = clamp(best / own, ZERO, cap) if best >= 0 else ZERO
        return scored(ri.points * ratio, f"{head}，组内最优 {num(best)}；对标最优计分 {pts(ri.points)} × "
                                         f"{num(best)} ÷ {num(own)} = {pts(ri.points)} × {pct(ratio)}")
    best = max(adjusted)
    if best <= 0:
        return scored(ZERO, f"{head}，组内最优值 {num(best)} 不大于 0，无法对标，不得分")
    ratio = clamp(own / best, ZERO, cap)
    return scored(ri.points * ratio, f"{head}，组内最优 {num(best)}；对标最优计分 {pts(ri.points)} × "
                                     f"{num(own)} ÷ {num(best)} = {pts(ri.points)} × {pct(ratio)}")


def efficacy_coefficient(ri: RuleInput) -> RuleOutcome:
    """功效系数法: e = base + span × (x − x_bad) ÷ (x_good − x_bad), kept in 0…base+span; points × e ÷ 100.

    x_good < x_bad means lower is better; the formula handles it as written. Example: points 10,
    x_good 100, x_bad 50, x = 80, base 60, span 40 → e = 60 + 40 × 30 ÷ 50 = 84 → 8.40.
    """
    problem = _needs_actual(ri)
    if problem:
        return problem
    good, bad = dec(ri.params, "x_good"), dec(ri.params, "x_bad")
    base, span = dec(ri.params, "base", "60"), dec(ri.params, "span", "40")
    if good is None or bad is None or good == bad:
        return missing("功效系数法的满意值与不允许值缺失或相等，无法计分")
    raw = base + span * (ri.actual - bad) / (good - bad)
    efficacy = clamp(raw, ZERO, base + span)
    note = f"，限定为 {num(efficacy)}" if efficacy != raw else ""
    return scored(ri.points * efficacy / HUNDRED,
                  f"实际值 {num(ri.actual)}，满意值 {num(good)}，不允许值 {num(bad)}；功效分 {num(base)} + "
                  f"{num(span)} × ({num(ri.actual)} − {num(bad)}) ÷ ({num(good)} − {num(bad)}) = "
                  f"{num(raw.quantize(CENT, ROUND_HALF_UP))}{note}；折算 {pts(ri.points)} × {num(efficacy.quantize(CENT, ROUND_HALF_UP))} ÷ 100")


def step_deduction(ri: RuleInput) -> RuleOutcome:
    """差额扣分: max(points − steps × k, floor), steps = (target − actual) ÷ target ÷ d %; at or above target: points.

    A part of a step counts as a whole step (⌈steps⌉) unless `partial_step` is 否, when only whole steps count
    (⌊steps⌋): schemes word it either way ("每低 d% 扣 k 分，不足 d% 按 d% 计" or not). Needs target > 0.
    Example: points 10, target 100, actual 87, d 5 %, k 2 → shortfall 13 % → 2.6 steps → ⌈2.6⌉ = 3 →
    10 − 6 = 4.00; whole steps only → ⌊2.6⌋ = 2 → 10 − 4 = 6.00.
    """
    problem = _needs_actual(ri) or _needs_positive_target(ri)
    if problem:
        return problem
    k, d = dec(ri.params, "k"), dec(ri.params, "d")
    floor = min(dec(ri.params, "floor", "0"), ri.points)
    head = f"实际值 {num(ri.actual)}，目标值 {num(ri.target)}"
    if ri.actual >= ri.target:
        return scored(ri.points, f"{head}，已完成目标，差额扣分不扣分")
    shortfall = (ri.target - ri.actual) / ri.target
    exact = shortfall * HUNDRED / d
    steps, counted = _steps(exact, ri.params.get("partial_step", True), f"{pct(shortfall)} ÷ {num(d)}%")
    result = max(ri.points - steps * k, floor)
    note = f"，不低于保底分 {num(floor)}" if result == floor else ""
    return scored(result, f"{head}，差额 {pct(shortfall)}，每 {num(d)}% 扣 {num(k)} 分，{counted}计 {num(steps)} 档；"
                          f"差额扣分 {pts(ri.points)} − {num(steps)} × {num(k)}{note}")


def _steps(exact: Decimal, partial_counts: bool, division: str) -> tuple[Decimal, str]:
    """The steps counted for a shortfall, and the words for a fractional one ("13.00% ÷ 5% = 2.6 档，…，")."""
    whole = exact.to_integral_value(rounding=ROUND_FLOOR)
    if whole == exact:
        return whole, ""
    # Shown cut (not rounded) to two decimals, so 2.999 never reads as a whole step.
    shown = f"{division} = {num(exact.quantize(CENT, rounding=ROUND_DOWN))} 档"
    if partial_counts:
        return whole + 1, f"{shown}，不足一档按一档计，"
    return whole, f"{shown}，不足一档的部分不扣分，"


def per_event_deduction(ri: RuleInput) -> RuleOutcome:
    """按次扣分: max(points − events × points_per_event, floor).

    Example: points 10, 3 events, 2 points each, floor 2 → max(10 − 6, 2) = 4.00; 5 events → 2.00.
    """
    if ri.events is None:
        return missing("未报送事件次数")
    if ri.events < 0:
        return missing(f"事件次数为 {ri.events}，不能为负数")
    each = dec(ri.params, "points_per_event")
    floor = min(dec(ri.params, "floor", "0"), ri.points)
    result = max(ri.points - ri.events * each, floor)
    note = f"，不低于保底分 {num(floor)}" if result == floor and ri.events else ""
    return scored(result, f"发生 {ri.events} 次，每次扣 {num(each)} 分；按次扣分 {pts(ri.points)} − "
                          f"{ri.events} × {num(each)}{note}")


def growth_vs_baseline(ri: RuleInput) -> RuleOutcome:
    """自身增长计分 (自己和自己比): g = (actual − baseline) ÷ |baseline|; points × min(max(g ÷ target_growth, 0), cap).

    A baseline of 0 or none makes the item not applicable (there is nothing to grow from).
    Example: points 10, baseline 200, actual 220, target growth 8 % → g = 10 % → 10 × min(1.25, 1) = 10.00.
    """
    if ri.baseline is None or ri.baseline == 0:
        return not_applicable(f"上年基数为{'缺失' if ri.baseline is None else ' 0'}，自身增长计分不适用")
    problem = _needs_actual(ri)
    if problem:
        return problem
    goal = dec(ri.params, "target_growth_pct") / HUNDRED
    cap = dec(ri.params, "cap", "1")
    growth = (ri.actual - ri.baseline) / abs(ri.baseline)
    used = clamp(growth / goal, ZERO, cap)
    return scored(ri.points * used,
                  f"实际值 {num(ri.actual)}，上年基数 {num(ri.baseline)}，增长 {pct(growth)}，目标增长 {pct(goal)}；"
                  f"自身增长计分 {pts(ri.points)} × {pct(used)}")


def milestone_prorate(ri: RuleInput) -> RuleOutcome:
    """节点进度折算: points × (on_time + late × late_fraction) ÷ due.

    No milestones due makes the item not applicable. Example: points 10, 4 due, 2 on time, 1 late,
    late fraction 0.5 → 10 × 2.5 ÷ 4 = 6.25.
    """
    if ri.milestones_due == 0:
        return not_applicable("本年度无到期节点，节点进度折算不适用")
    if None in (ri.milestones_due, ri.milestones_on_time, ri.milestones_late):
        return missing("未报送节点完成情况")
    due, on_time, late = ri.milestones_due, ri.milestones_on_time, ri.milestones_late
    if due < 0 or on_time < 0 or late < 0 or on_time + late > due:
        return missing(f"节点数不一致（应完成 {due}，按期 {on_time}，逾期 {late}）")
    fraction = dec(ri.params, "late_fraction", "0.5")
    done = on_time + late * fraction
    return scored(ri.points * done / due,
                  f"节点 {due} 个，按期完成 {on_time} 个，逾期完成 {late} 个（按 {num(fraction)} 折算）；"
                  f"节点进度折算 {pts(ri.points)} × {num(done)} ÷ {due}")


def qualitative_grade(ri: RuleInput) -> RuleOutcome:
    """定性评级: points × the coefficient of the grade given by the assessor (grades table).

    Example: points 10, grades 好:1,较好:0.8,一般:0.6, grade 较好 → 8.00.
    """
    grade = (ri.text or "").strip()
    if not grade:
        return missing("考核责任单位未评定等级")
    grades = table(ri.params, "grades")
    if grade not in grades:
        return missing(f"评定等级「{grade}」不在等级系数表（{'、'.join(grades)}）中")
    coefficient = grades[grade]
    return scored(ri.points * coefficient, f"评定等级「{grade}」，系数 {num(coefficient)}；定性评级 "
                                           f"{pts(ri.points)} × {num(coefficient)}")


def manual(ri: RuleInput) -> RuleOutcome:
    """人工评分: the assessor's score in 0…base points with a justification of min_justification_chars.

    When redistribution raised the line's maximum the score is rescaled: score × points ÷ base points.
    A score outside the range or a short justification is not used (status missing, reason given).
    Example: base 10, score 8.5, no redistribution → 8.50; with the line raised to 12 → 8.5 × 12 ÷ 10 = 10.20.
    """
    base = ri.base_points if ri.base_points is not None else ri.points
    if ri.manual_score is None:
        return missing("考核责任单位未打分")
    if not ZERO <= ri.manual_score <= base:
        return missing(f"人工评分 {num(ri.manual_score)} 不在 0～{num(base)} 之间，不予采用")
    least = int(ri.params.get("min_justification_chars", 10))
    reason = (ri.justification or "").strip()
    if len(reason) < least:
        return missing(f"人工评分理由不足 {least} 字，分数不予采用")
    if base and ri.points != base:
        return scored(ri.manual_score * ri.points / base,
                      f"人工评分 {num(ri.manual_score)}（满分 {num(base)}），理由：{reason}；按调整后分值折算 "
                      f"{num(ri.manual_score)} × {pts(ri.points)} ÷ {num(base)}")
    return scored(ri.manual_score, f"人工评分 {num(ri.manual_score)}（满分 {num(base)}），理由：{reason}")


RULE_FUNCTIONS: dict[str, Callable[[RuleInput], RuleOutcome]] = {
    "completion_ratio": completion_ratio,
    "reverse_control": reverse_control,
    "all_or_nothing": all_or_nothing,
    "rank_based": rank_based,
    "relative_to_best": relative_to_best,
    "efficacy_coefficient": efficacy_coefficient,
    "step_deduction": step_deduction,
    "per_event_deduction": per_event_deduction,
    "growth_vs_baseline": growth_vs_baseline,
    "milestone_prorate": milestone_prorate,
    "qualitative_grade": qualitative_grade,
    "manual": manual,
}

PEER_RULES = frozenset({"rank_based", "relative_to_best"})
