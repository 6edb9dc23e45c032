"""The sheets of the scheme workbook (考核方案工作簿) and their columns: titles, kinds, choices and notes, one
`SheetSpec` per sheet. Format: docs/formats.md §2. The export and the parse (`schemebook`) and the plan
(`schemeplan`) all read them; nothing here reads or writes a workbook."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from jixiao.indicators.models import (
    PERIOD_CODES,
    AdjustmentKind,
    BlockKind,
    Grade,
    MissingData,
    NotApplicablePolicy,
    TargetSource,
    TieRule,
    VetoEffect,
)
from jixiao.indicators.rule_specs import RULES
from jixiao.lib import excel

CODE_RE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z_.\-]{0,29}$")
MAX_ROWS = excel.MAX_ROWS  # the imports' one row cap; the demo district's biggest sheet has about 9,000 rows
README = "说明"
YES, NO = "是", "否"

CODE, TEXT, AMOUNT, POINTS, PERCENT, INT, BOOL, CHOICE, PARAMS, INFO = (
    "code", "text", "amount", "points", "percent", "int", "bool", "choice", "params", "info")
PLACES = {AMOUNT: 4, POINTS: 2, PERCENT: 2}
NUMBER_KINDS = set(PLACES)
LARGEST = Decimal(10) ** 13  # DecimalField(max_digits=18, decimal_places=4) holds 14 digits before the point
LARGEST_FLOAT = float(LARGEST)


def _choices(text_choices, extra: dict | None = None) -> dict[str, str]:
    """Accept the Chinese label or the stored code; export writes the label."""
    found = {str(c.label): c.value for c in text_choices}
    found.update({c.value: c.value for c in text_choices})
    found.update(extra or {})
    return found


RULE_BY_TEXT = {**{spec.name: code for code, spec in RULES.items()}, **{code: code for code in RULES}}
NA_CHOICES = {"重新分配": NotApplicablePolicy.REDISTRIBUTE, "不计分": NotApplicablePolicy.DROP,
              **_choices(NotApplicablePolicy)}
NA_LABELS = {NotApplicablePolicy.REDISTRIBUTE: "重新分配", NotApplicablePolicy.DROP: "不计分"}


@dataclass(frozen=True)
class Col:
    field: str
    title: str
    kind: str = TEXT
    required: bool = False
    choices: dict | None = None
    max_length: int = 100
    note: str = ""


@dataclass(frozen=True)
class SheetSpec:
    key: str
    name: str
    columns: tuple[Col, ...]
    key_fields: tuple[str, ...]

    @property
    def titles(self) -> list[str]:
        return [c.title for c in self.columns]

    def col(self, field: str) -> Col:
        return next(c for c in self.columns if c.field == field)

    def title(self, field: str) -> str:
        return self.col(field).title

    @property
    def data_columns(self) -> list[Col]:
        return [c for c in self.columns if c.kind != INFO]


SCHEME_CODE = Col("scheme", "方案编码", CODE, True, note="必填；同一年度内唯一，各工作表用它指明所属方案")

SCHEMES = SheetSpec("schemes", "方案", (
    SCHEME_CODE,
    Col("name", "方案名称", TEXT, True),
    Col("year", "年度", INT, True, note="必填；一个文件只能有一个年度"),
    Col("assessing_unit", "考核主体编码", CODE, True, note="区（D01）或街道（如 S01）；已有方案不能改考核主体"),
    Col("total_points", "总分", POINTS, True),
    Col("missing_data", "缺报数据处理", CHOICE, choices=_choices(MissingData),
        note="按缺报计 0 分 / 按不适用处理；留空：新方案按缺报计 0 分，已有方案不变"),
    Col("tie_rule", "同分排名规则", CHOICE, choices=_choices(TieRule),
        note="同分同名次 / 同分依次比较各板块得分；留空：新方案同分同名次，已有方案不变"),
    Col("status", "状态", INFO),
), ("scheme",))

BLOCKS = SheetSpec("blocks", "板块", (
    SCHEME_CODE,
    Col("code", "板块编码", CODE, True),
    Col("name", "板块名称", TEXT, True, max_length=60),
    Col("weight", "分值", POINTS, True, note="各板块分值之和须等于方案总分"),
    Col("kind", "计分来源", CHOICE, True, _choices(BlockKind), note="按指标计分 / 综合评议折算"),
    Col("sort_order", "排序", INT),
), ("scheme", "code"))

GROUPS = SheetSpec("groups", "组别", (
    SCHEME_CODE,
    Col("group", "组别编码", CODE, True, note="本年度已有的考核组别编码（单位管理 → 考核组别）"),
    Col("group_name", "组别名称", INFO),
    Col("members", "成员单位数", INFO),
    Col("sort_order", "排序", INT),
), ("scheme", "group"))

ITEMS = SheetSpec("items", "方案指标", (
    SCHEME_CODE,
    Col("block", "板块编码", CODE, True),
    Col("group", "组别编码", CODE, True),
    Col("indicator", "指标编码", CODE, True, note="指标库中的指标编码"),
    Col("indicator_name", "指标名称", INFO),
    Col("points", "分值", POINTS, True, note="同一组别在同一板块的分值之和须等于板块分值"),
    Col("rule", "计分规则", CHOICE, True, RULE_BY_TEXT, note="规则名称或编码，见“计分规则”页"),
    Col("params", "计分参数", PARAMS, max_length=500, note="参数名=值，多个用分号分隔，如 封顶系数=1.2; 负增长得零分=是（英文参数名仍可读取）"),
    Col("assessor", "考核责任单位编码", CODE, note="留空则用指标口径中的默认考核责任单位"),
    Col("not_applicable", "不适用时", CHOICE, choices=NA_CHOICES, note="重新分配 / 不计分；留空为重新分配"),
    Col("sort_order", "排序", INT),
), ("scheme", "group", "indicator"))

CATEGORIES = SheetSpec("categories", "加减分项目", (
    SCHEME_CODE,
    Col("code", "编码", CODE, True),
    Col("name", "名称", TEXT, True, max_length=80),
    Col("kind", "类型", CHOICE, True, _choices(AdjustmentKind)),
    Col("cap", "上限分值", POINTS, True),
    Col("outside_total", "不计入总分", BOOL, note="是：单列，不计入总分"),
    Col("sort_order", "排序", INT),
), ("scheme", "code"))

VETOES = SheetSpec("vetoes", "一票否决", (
    SCHEME_CODE,
    Col("code", "编码", CODE, True),
    Col("name", "否决事项", TEXT, True, max_length=120),
    Col("effect", "后果", CHOICE, True, _choices(VetoEffect)),
    Col("cap_grade", "最高等次", CHOICE, choices=_choices(Grade), note="后果为“等次封顶”时必填"),
    Col("sort_order", "排序", INT),
), ("scheme", "code"))

GRADES = SheetSpec("grades", "等次", (
    SCHEME_CODE,
    Col("grade", "等次", CHOICE, True, _choices(Grade)),
    Col("min_score", "最低分", POINTS, True),
    Col("quota", "比例上限(%)", PERCENT, note="组内该等次单位数占比上限，留空为不限"),
), ("scheme", "grade"))

UNIT = Col("unit", "单位编码", CODE, True)
INDICATOR = Col("indicator", "指标编码", CODE, True)

TARGETS = SheetSpec("targets", "目标值", (
    UNIT, Col("unit_name", "单位名称", INFO),
    INDICATOR, Col("indicator_name", "指标名称", INFO), Col("measure_unit", "计量单位", INFO),
    Col("target_value", "目标值", AMOUNT, note="数量型指标必填；区间型指标为下限"),
    Col("upper_value", "区间上限", AMOUNT, note="只用于区间型指标"),
    Col("target_text", "目标描述", TEXT, max_length=200, note="定性、节点类指标填写"),
    Col("baseline", "基数（上年实际）", AMOUNT),
    Col("actual", "年度实际值", AMOUNT, note="年末核定后回填，作为下一年度的基数"),
    Col("source", "来源", CHOICE, choices=_choices(TargetSource), note="市下达 / 区定；留空为区定"),
), ("unit", "indicator"))

MILESTONES = SheetSpec("milestones", "节点目标", (
    UNIT, Col("unit_name", "单位名称", INFO), INDICATOR, Col("indicator_name", "指标名称", INFO),
    *(Col(code, code, AMOUNT) for code in PERIOD_CODES),
), ("unit", "indicator"))

DECOMPOSITIONS = SheetSpec("decompositions", "目标分解", (
    INDICATOR, Col("indicator_name", "指标名称", INFO),
    Col("parent_unit", "上级单位编码", CODE, True, note="被分解的目标所属单位，通常为区（D01）"),
    Col("parent_name", "上级单位名称", INFO),
    Col("unit", "下级单位编码", CODE, True),
    Col("unit_name", "下级单位名称", INFO),
), ("indicator", "unit"))

SPECS = [SCHEMES, BLOCKS, GROUPS, ITEMS, CATEGORIES, VETOES, GRADES, TARGETS, MILESTONES, DECOMPOSITIONS]
SPEC_BY_KEY = {s.key: s for s in SPECS}
