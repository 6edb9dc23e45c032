"""Checks on an entered value: type, range, direction-specific plausibility and the outlier test.

Pure functions over Decimals and plain values, so the page, the Excel import and the assessor grid all
apply the same rules. Messages are Chinese; they are shown to the person who typed the value.
"""

import statistics
from decimal import Decimal, InvalidOperation

from jixiao.indicators.models import NUMERIC_DIRECTIONS, Direction
from jixiao.lib import cells

COUNT_UNITS = {"个", "人", "次", "件", "家", "户", "起", "项", "座", "所", "名"}
ROBUST_LIMIT = Decimal(3)  # robust deviations from the median of the unit's past values
YEAR_ON_YEAR_LIMIT = Decimal("0.5")  # ±50 % against the same period last year
MIN_HISTORY = 3
GRADE_RULE = "qualitative_grade"  # scored from the value's text, which names a grade of the item's table


class ValueProblem(ValueError):
    """A value that cannot be saved; the message is Chinese."""


def is_numeric(indicator) -> bool:
    return indicator.direction in NUMERIC_DIRECTIONS


def parse_number(raw) -> Decimal | None:
    """A number typed on the page or read from a cell, as a clerk means it; None for empty. The one cell parser of
    every import (`lib.cells.parse_number`: "12,34", "1_000" and "٣" are refused, not read as 1234, 1000 and 3)."""
    try:
        return cells.parse_number(raw)
    except cells.CellProblem as problem:
        raise ValueProblem(str(problem)) from None


def grades_of(item) -> list[str]:
    """The grades a value of this scheme item must take (定性评级: the keys of params["grades"]), else []."""
    if item is None or item.rule != GRADE_RULE:
        return []
    table = (item.params or {}).get("grades")
    if not isinstance(table, dict):
        return []
    # Best grade first, by coefficient: PostgreSQL's jsonb does not keep the order the table was written in.
    return [str(g) for g, _c in sorted(table.items(), key=lambda row: -_coefficient(row[1]))]


def _coefficient(value) -> Decimal:
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return Decimal(0)


def plain_figure(indicator) -> bool:
    """A numeric indicator whose figures `value_problems` checks only for stray text: no sign rule (越小越好),
    no whole-number rule (counts) and no percentage floor apply to it."""
    unit = (indicator.measure_unit or "").strip()
    return (is_numeric(indicator) and indicator.direction != Direction.LOWER_BETTER and unit not in COUNT_UNITS
            and unit != "%")


def value_problems(indicator, number: Decimal | None, text: str, grades=()) -> list[str]:
    """What is wrong with a value for this indicator: the right kind of input and a plausible figure.

    `grades` (from `grades_of(item)`) is the scheme item's grade table when it is scored by 定性评级: the
    text must then be one of them, since the scoring rule reads the grade from the text.
    """
    if not is_numeric(indicator):
        if number is not None:
            return ["定性/节点类指标请填写文字情况，不填数值"]
        if len(text) > 500:
            return ["文字情况最多 500 字"]
        if grades and text and text not in grades:
            return [f"“{text[:20]}”不是评定等级，请从{'、'.join(grades)}中选择一项；工作完成情况请写在备注中"]
        return []
    if text:
        return ["该指标应填写数值"]
    if number is None:
        return []
    problems = []
    unit = (indicator.measure_unit or "").strip()
    if indicator.direction == Direction.LOWER_BETTER and number < 0:
        problems.append("越小越好类指标（如事故数、能耗）不能为负数")
    if unit in COUNT_UNITS and (number < 0 or number != number.to_integral_value()):
        problems.append(f"计量单位为“{unit}”，应为不小于 0 的整数")
    if unit == "%" and number < -100:
        problems.append("百分比不能低于 -100%")
    return problems


def outlier_reason(number: Decimal | None, history: list[Decimal], last_year: Decimal | None) -> str:
    """Why a figure looks wrong against the unit's own history, or "" when it looks ordinary.

    Two tests, both on the same period of earlier cycles (figures are cumulative for the year, so Q2 is
    compared with earlier Q2s, never with Q1): more than 3 robust deviations (1.4826 × MAD) from the median
    of at least 3 past values, or more than ±50 % against the same period last year.
    """
    if number is None:
        return ""
    if last_year is not None and last_year != 0:
        change = (number - last_year) / abs(last_year)
        if abs(change) > YEAR_ON_YEAR_LIMIT:
            return f"与上年同期（{_n(last_year)}）相比变化 {change * 100:+.0f}%，超过 ±50%"
    if len(history) >= MIN_HISTORY:
        median = Decimal(statistics.median(history))
        mad = Decimal(statistics.median([abs(h - median) for h in history])) * Decimal("1.4826")
        if mad > 0 and abs(number - median) / mad > ROBUST_LIMIT:
            return f"偏离本单位历年同期中位数（{_n(median)}）超过 3 个稳健标准差"
    return ""


def completion(direction: str, number: Decimal | None, target, upper=None) -> Decimal | None:
    """Completion so far in percent: actual/target, inverted for lower-is-better; 100 inside an interval."""
    if number is None or target is None:
        return None
    if direction == Direction.HIGHER_BETTER and target:
        return (number / target * 100).quantize(Decimal("0.1"))
    if direction == Direction.LOWER_BETTER and number:
        return (target / number * 100).quantize(Decimal("0.1"))
    if direction == Direction.INTERVAL and upper is not None:
        return Decimal(100) if target <= number <= upper else Decimal(0)
    return None


def _n(value: Decimal) -> str:
    return format(value.normalize(), "f")
