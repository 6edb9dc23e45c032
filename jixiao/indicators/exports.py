"""Excel exports of the indicator and target pages: each sheet holds what its page shows, in the page's order,
with amounts as numbers and every code beside its name, so that a unit or the office can file, sort and forward
it. (The whole cycle's scheme workbook, which also imports, is `schemebook`.)"""

from django.utils.timezone import localtime

from jixiao.indicators.models import PERIOD_CODES, TargetSource
from jixiao.indicators.schemebook import NA_LABELS, number
from jixiao.indicators.schemeplan import show
from jixiao.lib.excel import Sheet


def _milestones_text(milestones: dict) -> str:
    return "；".join(f"{period}={show(milestones[period])}" for period in PERIOD_CODES if period in milestones)


def _target_cells(target) -> list:
    """目标值, 区间上限, 目标描述, 基数, 来源 of a target (empty cells without one)."""
    if target is None:
        return [None, None, "", None, ""]
    return [number(target.target_value), number(target.upper_value), target.target_text, number(target.baseline),
            str(TargetSource(target.source).label)]


TARGET_TITLES = ["目标值", "区间上限", "目标描述", "基数（上年实际）", "来源"]


def my_targets_sheet(cycle, unit, rows, pending: set, milestones: dict) -> Sheet:
    """本单位指标与目标: `rows` as `target_views._unit_rows` gives them, `milestones` by target id."""
    data = []
    for item, target in rows:
        status = "调整待审批" if target is not None and target.pk in pending else ""
        data.append([
            item.scheme.name, item.block.name, item.group.name, item.indicator.code, item.indicator.name,
            item.indicator.measure_unit, item.indicator.get_direction_display(), number(item.points),
            item.get_rule_display(), item.assessor.name if item.assessor else "", NA_LABELS.get(item.not_applicable_policy, ""),
            *_target_cells(target), _milestones_text(milestones.get(target.pk, {})) if target else "", status,
        ])
    return Sheet(f"{cycle.year}年度指标与目标", [
        "考核方案", "板块", "组别", "指标编码", "指标名称", "计量单位", "指标方向", "分值", "计分规则", "考核责任单位",
        "不适用时", *TARGET_TITLES, "节点目标（累计）", "调整申请"], data)


def assessed_sheet(cycle, rows) -> Sheet:
    """我考核的指标: (scheme item, assessed unit, its target or None) rows, as `target_views.assessed` builds them."""
    data = [[item.indicator.code, item.indicator.name, item.indicator.measure_unit, item.group.name, member.code,
             member.name, number(item.points), item.get_rule_display(), *_target_cells(target)]
            for item, member, target in rows]
    return Sheet(f"{cycle.year}年度考核指标", [
        "指标编码", "指标名称", "计量单位", "组别", "单位编码", "单位名称", "分值", "计分规则", *TARGET_TITLES], data)


def library_sheet(rows) -> Sheet:
    """指标库: (indicator, its latest definition or None) rows, as the library page lists them."""
    data = []
    for indicator, version in rows:
        data.append([
            indicator.code, indicator.name, indicator.get_category_display(), indicator.measure_unit,
            indicator.get_direction_display(), indicator.get_frequency_display(), indicator.get_aggregation_display(),
            "是" if indicator.active else "否", version.valid_from_year if version else None,
            version.definition if version else "", version.data_source if version else "",
            version.default_assessor.name if version and version.default_assessor else "",
        ])
    return Sheet("指标库", ["指标编码", "指标名称", "指标类别", "计量单位", "指标方向", "报送频次", "汇总方式", "启用",
                         "现行口径起用年度", "指标口径", "数据来源", "默认考核责任单位"], data)


def adjustments_sheet(cycle, adjustments) -> Sheet:
    """目标调整申请 of a cycle, pending ones first, each with its decision."""
    data = [[a.target.unit.code, a.target.unit.name, a.target.indicator.code, a.target.indicator.name,
             number(a.previous_value), number(a.requested_value), a.reason, str(a.requested_by),
             localtime(a.requested_at), a.get_status_display(), str(a.decided_by) if a.decided_by else "",
             localtime(a.decided_at) if a.decided_at else None, a.decision_reason]
            for a in adjustments]
    return Sheet(f"{cycle.year}年度目标调整", [
        "单位编码", "单位名称", "指标编码", "指标名称", "原目标值", "申请调整为", "申请理由", "申请人", "申请时间", "状态",
        "审批人", "审批时间", "审批意见"], data)


def matrix_sheet(cycle, group, indicators, rows) -> Sheet:
    """A 考核组别's targets, units down and indicators across (`target_views.target_matrix_of`): an interval target
    as its text (下限～上限), a qualitative one as its description, a missing one empty."""

    def cell(target):
        if target is None:
            return None
        if target.upper_value is None and target.target_value is not None:
            return number(target.target_value)
        return target.display_value()

    return Sheet(f"{cycle.year}年度目标值", [
        "单位编码", "单位名称", *(f"{ind.code} {ind.name}（{ind.measure_unit}）" if ind.measure_unit
                              else f"{ind.code} {ind.name}" for ind in indicators)],
        [[unit.code, unit.name, *map(cell, targets)] for unit, targets in rows])
