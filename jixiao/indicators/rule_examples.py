"""An example calculation of a scheme item's rule with the item's own numbers, shown beside its parameters.

The office sets a rule's parameters to get a score it can predict; a worked example with the item's 分值 and
a real 目标值 says what the numbers mean better than the formula does. The example runs the scoring engine's
own rule function (`scoring.rules`), so it can never drift from how the item is really scored; only the
unit's data in it (the 实际值, the peers, the events …) is invented, and the text says which.
"""

from decimal import Decimal

from jixiao.indicators.models import Target
from jixiao.indicators.rule_specs import RULES, clean_params, validate_params
from jixiao.scoring.rules import RULE_FUNCTIONS, Peer, RuleInput, num

SAMPLE_POINTS = Decimal(10)
SAMPLE_TARGET = Decimal(100)
SAMPLE_REASON = "对照年度工作要点逐项核实，完成情况良好。"
USES_TARGET = {"completion_ratio", "reverse_control", "all_or_nothing", "step_deduction"}


def sample_target(cycle_id, indicator_id) -> tuple[Decimal, str]:
    """A real 目标值 of the indicator in the cycle (the first unit's), or 100 when none is set yet."""
    target = (Target.objects.filter(cycle_id=cycle_id, indicator_id=indicator_id, target_value__gt=0)
              .select_related("unit").order_by("unit__sort_order", "unit__code").first())
    if target is None:
        return SAMPLE_TARGET, "尚未下达目标值，按目标值 100 示例"
    return target.target_value, f"目标值取{target.unit.name}的 {num(target.target_value)}"


def example(rule: str, params: dict, points: Decimal | None, target: Decimal, target_note: str) -> str:
    """One Chinese sentence: the assumed data, then the engine's explanation of the score; "" when the
    parameters are not valid yet (the form shows those errors instead)."""
    if rule not in RULES or validate_params(rule, params):
        return ""
    points = points if points is not None and points > 0 else SAMPLE_POINTS
    cleaned = clean_params(rule, params)
    assumed, data = _SAMPLES[rule](target, cleaned, points)
    outcome = RULE_FUNCTIONS[rule](RuleInput(points=points, base_points=points, params=cleaned, **data))
    given = f"分值 {num(points)} 分；{target_note}" if rule in USES_TARGET else f"分值 {num(points)} 分"
    return f"示例（{given}；假设{assumed}）：{outcome.explanation}"


def _completion(target, params, points):
    actual = target * Decimal("1.1")
    return f"实际值 {num(actual)}", {"target": target, "actual": actual}


def _reverse(target, params, points):
    actual = target * Decimal("0.9")
    return f"实际值 {num(actual)}", {"target": target, "actual": actual}


def _all_or_nothing(target, params, points):
    actual = target * Decimal("0.9")
    return f"实际值 {num(actual)}，未达标", {"target": target, "actual": actual}


def _peers(target):
    values = [target * Decimal(share) for share in ("1.2", "1.1", "1", "0.9", "0.8")]
    return tuple(Peer(f"U{i}", value) for i, value in enumerate(values, start=1))


def _rank(target, params, points):
    peers = _peers(target)
    return (f"组内 5 个单位，本单位实际值 {num(peers[2].value)} 排第 3",
            {"unit_code": "U3", "actual": peers[2].value, "peers": peers})


def _relative(target, params, points):
    peers = _peers(target)
    return (f"组内最优值 {num(peers[0].value)}，本单位实际值 {num(peers[2].value)}",
            {"unit_code": "U3", "actual": peers[2].value, "peers": peers})


def _efficacy(target, params, points):
    good, bad = Decimal(params["x_good"]), Decimal(params["x_bad"])
    actual = (good + bad) / 2
    return f"实际值 {num(actual)}，在满意值与不允许值正中", {"actual": actual}


def _step(target, params, points):
    actual = target * Decimal("0.87")
    return f"实际值 {num(actual)}，比目标值低 13%", {"target": target, "actual": actual}


def _per_event(target, params, points):
    return "发生 2 次", {"events": 2}


def _growth(target, params, points):
    actual = target * Decimal("1.05")
    return f"上年基数 {num(target)}，实际值 {num(actual)}", {"baseline": target, "actual": actual}


def _milestones(target, params, points):
    return ("4 个节点中按期完成 2 个、逾期完成 1 个",
            {"milestones_due": 4, "milestones_on_time": 2, "milestones_late": 1})


def _grade(target, params, points):
    grade = list(params["grades"])[min(1, len(params["grades"]) - 1)]
    return f"评定等级「{grade}」", {"text": grade}


def _manual(target, params, points):
    score = points * Decimal("0.9")
    least = int(params["min_justification_chars"])
    reason = SAMPLE_REASON * (least // len(SAMPLE_REASON) + 1)
    return f"打分 {num(score)} 并附理由", {"manual_score": score, "justification": reason[: max(least, len(SAMPLE_REASON))]}


_SAMPLES = {
    "completion_ratio": _completion,
    "reverse_control": _reverse,
    "all_or_nothing": _all_or_nothing,
    "rank_based": _rank,
    "relative_to_best": _relative,
    "efficacy_coefficient": _efficacy,
    "step_deduction": _step,
    "per_event_deduction": _per_event,
    "growth_vs_baseline": _growth,
    "milestone_prorate": _milestones,
    "qualitative_grade": _grade,
    "manual": _manual,
}
