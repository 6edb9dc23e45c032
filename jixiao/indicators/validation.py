"""Checks on schemes and targets. Each returns Chinese messages for the office; nothing here writes."""

from collections import defaultdict
from decimal import Decimal

from jixiao.indicators.models import (
    GRADE_ORDER,
    NUMERIC_DIRECTIONS,
    Aggregation,
    BlockKind,
    Direction,
    Grade,
    Scheme,
    Target,
)
from jixiao.indicators.rule_specs import validate_params

TOLERANCE = Decimal("0.0001")


def validate_scheme(scheme: Scheme) -> list[str]:
    """Every problem that keeps a scheme from being published, in a fixed number of queries."""
    blocks = list(scheme.blocks.all())
    groups = [link.group for link in scheme.scheme_groups.select_related("group")]
    items = list(scheme.items.for_table())
    problems = _structure_problems(scheme, blocks, groups)
    problems += _item_problems(scheme, items, {g.pk for g in groups})
    problems += _sum_problems(blocks, groups, items)
    problems += _grade_problems(scheme, list(scheme.grade_rules.all()))
    return problems


def _structure_problems(scheme, blocks, groups) -> list[str]:
    problems = []
    if not blocks:
        problems.append("方案尚未设置板块")
    else:
        total = sum((b.weight for b in blocks), Decimal(0))
        if total != scheme.total_points:
            problems.append(f"各板块分值合计 {_n(total)}，应等于方案总分 {_n(scheme.total_points)}")
    if not groups:
        problems.append("方案尚未设置考核组别")
    for group in groups:
        if group.cycle_id != scheme.cycle_id:
            problems.append(f"组别「{group.name}」不属于{scheme.cycle.year}年度")
    return problems


def _item_problems(scheme, items, group_ids) -> list[str]:
    problems = []
    year = scheme.cycle.year
    for item in items:
        where = f"组别「{item.group.name}」指标「{item.indicator.code} {item.indicator.name}」"
        if item.group_id not in group_ids:
            problems.append(f"{where}：该组别未列入本方案")
        if item.block.kind == BlockKind.EVALUATION:
            problems.append(f"{where}：板块「{item.block.name}」按综合评议折算，不应包含指标")
        if item.version.indicator_id != item.indicator_id or item.version.valid_from_year > year:
            problems.append(f"{where}：指标口径版本与{year}年度不符")
        if item.assessor_id is None:
            problems.append(f"{where}：未设置考核责任单位")
        problems += [f"{where}：{message}" for message in validate_params(item.rule, item.params)]
    return problems


def _sum_problems(blocks, groups, items) -> list[str]:
    sums = defaultdict(Decimal)
    for item in items:
        sums[(item.group_id, item.block_id)] += item.points
    problems = []
    for block in blocks:
        if block.kind != BlockKind.ITEMS:
            continue
        for group in groups:
            got = sums.get((group.pk, block.pk), Decimal(0))
            if got != block.weight:
                problems.append(
                    f"组别「{group.name}」在板块「{block.name}」的指标分值合计 {_n(got)}，应为 {_n(block.weight)}"
                )
    return problems


def _grade_problems(scheme, rules) -> list[str]:
    if not rules:
        return ["尚未设置等次规则"]
    problems = []
    by_grade = {rule.grade: rule for rule in rules}
    present = [by_grade[g] for g in GRADE_ORDER if g in by_grade]
    for higher, lower in zip(present, present[1:], strict=False):
        if higher.min_score <= lower.min_score:
            problems.append(
                f"等次最低分须逐级递减：{Grade(higher.grade).label} {_n(higher.min_score)} 不高于 "
                f"{Grade(lower.grade).label} {_n(lower.min_score)}"
            )
    for rule in present:
        if rule.min_score > scheme.total_points:
            problems.append(f"等次「{Grade(rule.grade).label}」最低分 {_n(rule.min_score)} 超过方案总分")
        if rule.quota_percent is not None and not 0 <= rule.quota_percent <= 100:
            problems.append(f"等次「{Grade(rule.grade).label}」比例须在 0～100 之间")
    return problems


def _n(value: Decimal) -> str:
    text = format(value.normalize(), "f") if isinstance(value, Decimal) else str(value)
    return "0" if text == "-0" else text


# --- Targets ---------------------------------------------------------------------------------------


def target_value_problems(direction: str, target_value, upper_value=None, target_text: str = "") -> list[str]:
    """What the indicator's direction forbids in a target (Chinese messages)."""
    if direction in NUMERIC_DIRECTIONS and target_value is None:
        return ["该指标为数量型指标，须填写目标值"]
    if direction == Direction.HIGHER_BETTER and target_value <= 0:
        return ["越大越好的指标，目标值须大于 0"]
    if direction == Direction.LOWER_BETTER and target_value < 0:
        return ["越小越好的指标，目标值不能为负数（可以为 0）"]
    if direction == Direction.INTERVAL:
        if upper_value is None:
            return ["区间型指标须同时填写下限（目标值）和上限"]
        if upper_value < target_value:
            return ["区间上限不能小于下限"]
    elif upper_value is not None:
        return ["只有区间型指标可以填写区间上限"]
    if direction in (Direction.QUALITATIVE, Direction.MILESTONE):
        if target_value is None and not (target_text or "").strip():
            return ["定性或节点类指标须填写目标描述"]
        if target_value is not None and target_value < 0:
            return ["目标值不能为负数"]
    return []


def aggregate(values: list[Decimal], how: str) -> Decimal:
    if how == Aggregation.MAX:
        return max(values)
    if how == Aggregation.MIN:
        return min(values)
    if how == Aggregation.AVERAGE:
        return sum(values, Decimal(0)) / len(values)
    return sum(values, Decimal(0))


def check_decomposition(parent: Target) -> str | None:
    """None when the children cover the parent under the indicator's aggregation, else a Chinese message."""
    children = list(parent.children.select_related("unit"))
    return coverage_message(parent.indicator, parent.target_value, [(c.unit.name, c.target_value) for c in children])


def coverage_message(indicator, parent_value, parts: list[tuple[str, Decimal | None]]) -> str | None:
    """Whether parts (name, value) cover the parent's value; None when they do, else a Chinese message.

    "Cover" follows the direction: for higher-is-better the parts may add up to more than the whole
    (the district over-fulfils), for lower-is-better (a ceiling) to less; otherwise they must match.
    """
    if not parts:
        return "该目标尚未分解到单位"
    if parent_value is None:
        return "上级目标没有数值，无法校验分解"
    missing = [name for name, value in parts if value is None]
    if missing:
        return f"以下单位的分解目标没有数值：{'、'.join(missing)}"
    how = indicator.aggregation
    got = aggregate([value for _name, value in parts], how)
    label = Aggregation(how).label
    gap = got - parent_value
    if abs(gap) <= TOLERANCE:
        return None
    if indicator.direction == Direction.HIGHER_BETTER and gap > 0:
        return None
    if indicator.direction == Direction.LOWER_BETTER and gap < 0:
        return None
    return (
        f"分解未覆盖上级目标：下级目标{label}为 {_n(got)}，上级目标为 {_n(parent_value)}"
        f"（相差 {_n(gap)}）"
    )
