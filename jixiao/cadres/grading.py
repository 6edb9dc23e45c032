"""Grading of leadership teams (领导班子) and leading cadres (领导干部): pure code over plain dataclasses.

No ORM, no clock, no randomness (STYLE.md §5). `compute.py` gathers the inputs and writes what this decides. The
rules, each one function below, are tabled in docs/cadres.md:

Teams (好/较好/一般/较差):
1. score = unit result on 100 × performance weight + democratic score × democratic weight (weights sum to 100);
2. thresholds: 好 ≥ 90, 较好 ≥ 80, 一般 ≥ 70, else 较差;
3. caps: a unit vetoed (一票否决) in its performance result is at most 一般 (neither 好 nor 较好); a unit graded
   较差 in its performance result caps its team at 一般;
4. the 好 quota: at most floor(graded teams × 好 share) teams keep 好, highest score first; teams tied at the
   boundary all drop to 较好 (a quota never splits a tie).

Cadres (优秀/称职/基本称职/不称职):
1. score = unit result × unit weight + key tasks × key-task weight + democratic score × democratic weight; a cadre
   responsible for no scored key task has the key-task weight shared over the other two in their proportion;
2. thresholds: 优秀 ≥ 90, 称职 ≥ 70, 基本称职 ≥ 60, else 不称职;
3. binding rules: the main leader (主要领导) of a unit whose team is 较差, or of a unit vetoed in its performance
   result, cannot be 优秀 (称职 at most);
4. the 优秀 quota across the cycle's graded cadres: at most floor(graded cadres × 优秀 share) (share ≤ 25 %), ties
   at the boundary all drop to 称职.

A missing input (no unit result, no democratic result) leaves a team or cadre ungraded with the reason; it is
never counted as zero, and an ungraded one does not count in a quota's base.
"""

from dataclasses import dataclass, replace
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

HUNDRED = Decimal(100)
CENT = Decimal("0.01")
MAX_EXCELLENT_PERCENT = Decimal(25)

GOOD, FAIRLY_GOOD, AVERAGE, POOR = "good", "fairly_good", "average", "poor"
TEAM_LABELS = {GOOD: "好", FAIRLY_GOOD: "较好", AVERAGE: "一般", POOR: "较差"}
TEAM_ORDER = [GOOD, FAIRLY_GOOD, AVERAGE, POOR]
TEAM_THRESHOLDS = ((GOOD, Decimal(90)), (FAIRLY_GOOD, Decimal(80)), (AVERAGE, Decimal(70)))

EXCELLENT, COMPETENT, BASIC, INCOMPETENT = "excellent", "competent", "basic", "incompetent"
CADRE_LABELS = {EXCELLENT: "优秀", COMPETENT: "称职", BASIC: "基本称职", INCOMPETENT: "不称职"}
GRADE_WORDS = TEAM_LABELS | CADRE_LABELS
CADRE_ORDER = [EXCELLENT, COMPETENT, BASIC, INCOMPETENT]
CADRE_THRESHOLDS = ((EXCELLENT, Decimal(90)), (COMPETENT, Decimal(70)), (BASIC, Decimal(60)))

MAIN_LEADER = "main"  # org.CadrePost.MAIN_LEADER
PERFORMANCE_POOR = "poor"  # indicators.Grade.POOR: the unit's own result graded 较差

MISSING_DEMOCRATIC = "缺少民主测评结果，未定等次。"
MISSING_UNIT_RESULT = "缺少单位绩效考核结果（最终结果），未定等次。"


@dataclass(frozen=True)
class Rules:
    """A cycle's weights (percent, each set summing to 100) and quota shares (percent)."""

    team_performance_weight: Decimal = Decimal(60)
    team_democratic_weight: Decimal = Decimal(40)
    cadre_unit_weight: Decimal = Decimal(40)
    cadre_keytask_weight: Decimal = Decimal(20)
    cadre_democratic_weight: Decimal = Decimal(40)
    team_good_percent: Decimal = Decimal(30)
    excellent_percent: Decimal = Decimal(20)


@dataclass(frozen=True)
class UnitResult:
    """A unit's standing performance result: its total on 100, its grade (indicators.Grade) and whether vetoed."""

    score: Decimal
    grade: str
    vetoed: bool = False


@dataclass(frozen=True)
class TeamInput:
    unit: int
    result: UnitResult | None
    democratic: Decimal | None


@dataclass(frozen=True)
class TeamOutcome:
    unit: int
    performance_score: Decimal | None
    democratic_score: Decimal | None
    score: Decimal | None
    grade: str  # "" when not graded
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class CadreInput:
    cadre: int
    unit: int
    post: str
    result: UnitResult | None
    keytasks: tuple[Decimal, ...]  # each task the cadre is responsible for, scored on 100
    democratic: Decimal | None
    team_grade: str = ""  # the unit's team grade this cycle ("" when ungraded)


@dataclass(frozen=True)
class CadreOutcome:
    cadre: int
    unit_score: Decimal | None
    keytask_score: Decimal | None
    democratic_score: Decimal | None
    score: Decimal | None
    grade: str  # "" when not graded
    reasons: tuple[str, ...]


# --- Rules --------------------------------------------------------------------------------------------------


def check_rules(rules: Rules) -> list[str]:
    """The problems of a set of rules, in Chinese; empty when they can be used."""
    problems = []
    weights = [rules.team_performance_weight, rules.team_democratic_weight, rules.cadre_unit_weight,
               rules.cadre_keytask_weight, rules.cadre_democratic_weight]
    if any(w < 0 or w > HUNDRED for w in weights):
        problems.append("各项权重应在 0 至 100 之间。")
    if rules.team_performance_weight + rules.team_democratic_weight != HUNDRED:
        problems.append("领导班子的单位绩效权重与民主测评权重之和应为 100。")
    if rules.cadre_unit_weight + rules.cadre_keytask_weight + rules.cadre_democratic_weight != HUNDRED:
        problems.append("领导干部的单位绩效、分管重点工作、民主测评三项权重之和应为 100。")
    if rules.cadre_unit_weight + rules.cadre_democratic_weight == 0:
        problems.append("领导干部的单位绩效权重与民主测评权重不能同时为 0。")
    if not 0 <= rules.team_good_percent <= HUNDRED:
        problems.append("班子“好”等次比例应在 0% 至 100% 之间。")
    if not 0 <= rules.excellent_percent <= MAX_EXCELLENT_PERCENT:
        problems.append("干部“优秀”等次比例不得超过 25%。")
    return problems


def places(count: int, percent: Decimal) -> int:
    """Places of a quota: floor(count × percent ÷ 100). 7 cadres at 20 % → floor(1.4) = 1."""
    return int((Decimal(count) * percent / HUNDRED).to_integral_value(rounding=ROUND_FLOOR))


def weighted(parts: list[tuple[Decimal, Decimal]]) -> Decimal:
    """Σ score × weight ÷ Σ weight, rounded half up to 0.01 (the one rounding step)."""
    total_weight = sum((w for _s, w in parts), Decimal(0))
    value = sum((s * w for s, w in parts), Decimal(0)) / total_weight
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def by_threshold(score: Decimal, thresholds, lowest: str) -> str:
    """The first grade whose minimum the score reaches; `lowest` otherwise."""
    for grade, minimum in thresholds:
        if score >= minimum:
            return grade
    return lowest


def capped(grade: str, cap: str, order: list[str]) -> str:
    """`grade`, or `cap` when `grade` ranks above it."""
    return cap if order.index(grade) < order.index(cap) else grade


def quota_keepers(scores: dict[int, Decimal], allowed: int) -> set[int]:
    """Who keeps a top grade under a quota of `allowed` places, highest score first.

    A tie at the boundary (the last place and the first one left out share a score) drops every unit of that
    score: the quota is never split by the order of equal scores."""
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])
    if len(ranked) <= allowed:
        return {key for key, _score in ranked}
    if allowed == 0:
        return set()
    boundary = ranked[allowed][1]
    return {key for key, score in ranked[:allowed] if score > boundary}


def pct(value: Decimal) -> str:
    return f"{value.normalize():f}%"


# --- Teams --------------------------------------------------------------------------------------------------


def team_score(rules: Rules, team: TeamInput) -> Decimal:
    """unit result × performance weight + democratic × democratic weight, both on 100 (weights sum to 100)."""
    return weighted([(team.result.score, rules.team_performance_weight),
                     (team.democratic, rules.team_democratic_weight)])


def team_caps(team: TeamInput, grade: str) -> tuple[str, list[str]]:
    """The veto cap and the performance-grade cap (both at 一般), with the reasons of the caps that bit."""
    reasons = []
    if team.result.vetoed and capped(grade, AVERAGE, TEAM_ORDER) != grade:
        grade = AVERAGE
        reasons.append("单位绩效考核被一票否决，班子等次不高于“一般”。")
    if team.result.grade == PERFORMANCE_POOR and capped(grade, AVERAGE, TEAM_ORDER) != grade:
        grade = AVERAGE
        reasons.append("单位绩效考核等次为“较差”，班子等次不高于“一般”。")
    return grade, reasons


def grade_teams(rules: Rules, teams: list[TeamInput]) -> list[TeamOutcome]:
    """Every team's score, grade and reasons (module docstring, teams 1–4)."""
    return _within_quota([_team(rules, team) for team in teams], rules.team_good_percent, GOOD, FAIRLY_GOOD,
                         key=lambda o: o.unit, counted="班子", measure="个", tied="与其他单位")


def tied_score(scores: dict[int, Decimal], allowed: int) -> Decimal | None:
    """The score a quota would split (held by the last place and the first one left out), else None."""
    ranked = sorted(scores.values(), reverse=True)
    if 0 < allowed < len(ranked) and ranked[allowed - 1] == ranked[allowed]:
        return ranked[allowed]
    return None


def _team(rules: Rules, team: TeamInput) -> TeamOutcome:
    performance = team.result.score if team.result else None
    missing = ([MISSING_UNIT_RESULT] if team.result is None else []) + (
        [MISSING_DEMOCRATIC] if team.democratic is None else [])
    if missing:
        return TeamOutcome(team.unit, performance, team.democratic, None, "", tuple(missing))
    score = team_score(rules, team)
    grade = by_threshold(score, TEAM_THRESHOLDS, POOR)
    reasons = [f"综合得分 {score} = 单位绩效 {performance} × {pct(rules.team_performance_weight)} + 民主测评 "
               f"{team.democratic} × {pct(rules.team_democratic_weight)}，按分数为“{TEAM_LABELS[grade]}”。"]
    grade, caps = team_caps(team, grade)
    return TeamOutcome(team.unit, performance, team.democratic, score, grade, tuple(reasons + caps))


# --- Cadres -------------------------------------------------------------------------------------------------


def keytask_score(scores: tuple[Decimal, ...]) -> Decimal | None:
    """The mean of the cadre's key tasks on 100, rounded half up to 0.01; None when there is none."""
    if not scores:
        return None
    return (sum(scores, Decimal(0)) / len(scores)).quantize(CENT, rounding=ROUND_HALF_UP)


def cadre_score(rules: Rules, cadre: CadreInput) -> tuple[Decimal, list[str]]:
    """unit × unit weight + key tasks × key-task weight + democratic × democratic weight; without key tasks the
    key-task weight goes to the other two in proportion (Σ score × weight ÷ Σ weight)."""
    tasks = keytask_score(cadre.keytasks)
    parts = [(cadre.result.score, rules.cadre_unit_weight), (cadre.democratic, rules.cadre_democratic_weight)]
    if tasks is None:
        return weighted(parts), [f"未负责已评分的重点工作，分管重点工作权重 {pct(rules.cadre_keytask_weight)} "
                                 "按比例分配到单位绩效和民主测评。"]
    return weighted(parts + [(tasks, rules.cadre_keytask_weight)]), []


def binding_cap(cadre: CadreInput, grade: str) -> tuple[str, list[str]]:
    """A main leader of a unit whose team is 较差, or of a vetoed unit, cannot be 优秀."""
    if cadre.post != MAIN_LEADER or grade != EXCELLENT:
        return grade, []
    if cadre.team_grade == POOR:
        return COMPETENT, ["本单位领导班子等次为“较差”，主要领导不能评为“优秀”，调为“称职”。"]
    if cadre.result.vetoed:
        return COMPETENT, ["本单位绩效考核被一票否决，主要领导不能评为“优秀”，调为“称职”。"]
    return grade, []


def grade_cadres(rules: Rules, cadres: list[CadreInput]) -> list[CadreOutcome]:
    """Every cadre's score, grade and reasons (module docstring, cadres 1–4)."""
    return _within_quota([_cadre(rules, cadre) for cadre in cadres], rules.excellent_percent, EXCELLENT, COMPETENT,
                         key=lambda o: o.cadre, counted="干部", measure="名", tied="与他人")


def _within_quota(outcomes: list, percent: Decimal, top: str, lower: str, *, key, counted: str, measure: str,
                  tied: str) -> list:
    """The outcomes with the `top` grade kept to `percent` of the graded ones (rounded down); those left out, and
    all who share the score at the boundary, go to `lower` with the reason. `counted` names the graded ("班子"),
    `measure` is its measure word ("个"), `tied` who shares the score ("与他人")."""
    graded = [o for o in outcomes if o.grade]
    allowed = places(len(graded), percent)
    scores = {key(o): o.score for o in graded if o.grade == top}
    keep = quota_keepers(scores, allowed)
    boundary = tied_score(scores, allowed)
    label, lower_label = GRADE_WORDS[top], GRADE_WORDS[lower]
    result = []
    for o in outcomes:
        if o.grade == top and key(o) not in keep:
            why = f"{tied}同分并列于名额边界，同分者均" if o.score == boundary else ""
            o = replace(o, grade=lower, reasons=o.reasons + (
                f"“{label}”比例上限 {pct(percent)}（{len(graded)} {measure}{counted}中至多 {allowed} {measure}），"
                f"{why}调为“{lower_label}”。",))
        result.append(o)
    return result


def _cadre(rules: Rules, cadre: CadreInput) -> CadreOutcome:
    unit_score = cadre.result.score if cadre.result else None
    tasks = keytask_score(cadre.keytasks)
    missing = ([MISSING_UNIT_RESULT] if cadre.result is None else []) + (
        [MISSING_DEMOCRATIC] if cadre.democratic is None else [])
    if missing:
        return CadreOutcome(cadre.cadre, unit_score, tasks, cadre.democratic, None, "", tuple(missing))
    score, notes = cadre_score(rules, cadre)
    grade = by_threshold(score, CADRE_THRESHOLDS, INCOMPETENT)
    reasons = notes + [f"综合得分 {score}，按分数为“{CADRE_LABELS[grade]}”。"]
    grade, caps = binding_cap(cadre, grade)
    return CadreOutcome(cadre.cadre, unit_score, tasks, cadre.democratic, score, grade, tuple(reasons + caps))


def calibration_problem(rules: Rules, grades: dict[int, str], cadre: CadreInput, grade: str) -> str:
    """Why moving `cadre` to `grade` is refused ("" when it is allowed). A calibration is bound by the same rules as
    the computation: a main leader of a unit whose team is 较差, or of a vetoed unit, cannot be 优秀; and the 优秀
    count after the move must stay within the quota of the graded cadres (`grades`: each one's standing grade)."""
    if grade != EXCELLENT:
        return ""
    if cadre.post == MAIN_LEADER and cadre.team_grade == POOR:
        return "本单位领导班子等次为“较差”，主要领导不能校准为“优秀”。"
    if cadre.post == MAIN_LEADER and cadre.result is not None and cadre.result.vetoed:
        return "本单位绩效考核被一票否决，主要领导不能校准为“优秀”。"
    if grades.get(cadre.cadre) == EXCELLENT:
        return ""
    allowed = places(len(grades), rules.excellent_percent)
    count = sum(1 for g in grades.values() if g == EXCELLENT) + 1
    if count > allowed:
        return (f"校准后“优秀”将有 {count} 名，超过比例上限 {pct(rules.excellent_percent)}"
                f"（{len(grades)} 名干部中至多 {allowed} 名），不能校准为“优秀”。")
    return ""
