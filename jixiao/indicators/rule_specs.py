"""The catalogue of scoring rules a scheme item may use (DESIGN.md §5), with their parameters.

Pure Python, no ORM: the scheme pages, the Excel import and the scoring engine (stage 6) all read it.
Here a rule is *configured and validated*; `scoring/rules.py` will implement each formula below.
Parameters are stored on the scheme item as a JSON object; numbers are kept as strings of decimals
("1.2") so that nothing is lost to binary floats (`clean_params` writes that canonical form).
"""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

DECIMAL = "decimal"
INT = "int"
BOOL = "bool"
TABLE = "table"  # text key -> decimal, e.g. grade -> fraction, unit code -> coefficient

TYPE_LABELS = {DECIMAL: "数字", INT: "整数", BOOL: "是/否", TABLE: "对照表"}


@dataclass(frozen=True)
class Param:
    name: str
    label: str
    type: str = DECIMAL
    required: bool = False
    min: Decimal | None = None
    max: Decimal | None = None
    default: object = None
    help: str = ""
    unit: str = ""  # shown beside the field when the label does not already carry it, e.g. 倍, 分

    @property
    def keys(self) -> tuple[str, ...]:
        """The names a person may write for this parameter: the Chinese label as the form shows it (with its unit,
        half- or full-width brackets), and the English name of older workbooks."""
        labels = [self.label] + ([f"{self.label}({self.unit})"] if self.unit else [])
        return (*labels, *(label.replace("(", "（").replace(")", "）") for label in labels), self.name)


@dataclass(frozen=True)
class RuleSpec:
    code: str
    name: str
    description: str
    params: tuple[Param, ...] = field(default_factory=tuple)
    needs_target: bool = True

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)

    def param_by_key(self, key: str) -> Param | None:
        """The parameter written as `key`: its Chinese label or its English name."""
        return next((p for p in self.params if key in p.keys), None)


def D(text: str) -> Decimal:
    return Decimal(text)


RULES: dict[str, RuleSpec] = {}


def _add(spec: RuleSpec) -> None:
    RULES[spec.code] = spec


_add(RuleSpec(
    "completion_ratio", "完成率计分",
    "按目标完成率计分：得分 = 分值 × min(实际值 ÷ 目标值, 封顶系数)。实际值为负增长（低于上年基数且为负数）"
    "时得 0 分。适用于越大越好的数量型指标，如财政收入、招商引资。",
    (
        Param("cap", "封顶系数", DECIMAL, default=D("1"), min=D("1"), max=D("2"), unit="倍",
              help="完成率超过目标时最多按此倍数计分，1 表示不超过满分"),
        Param("negative_growth_zero", "负增长得零分", BOOL, default=True),
    ),
))
_add(RuleSpec(
    "reverse_control", "逆向控制计分",
    "越小越好的控制类指标：得分 = 分值 × (2 − 实际值 ÷ 目标值)，结果不超过 分值 × 封顶系数；"
    "实际值达到目标值 2 倍及以上时得 0 分。适用于安全生产事故、信访量等控制指标。",
    (Param("cap", "封顶系数", DECIMAL, default=D("1"), min=D("1"), max=D("2"), unit="倍"),),
))
_add(RuleSpec(
    "all_or_nothing", "达标计分",
    "达到目标即得全部分值，否则按比例得分：得分 = 分值（实际值达到目标值时），否则 = 分值 × 未达标比例（默认 0）。"
    "适用于“是否完成”类指标。",
    (Param("partial_fraction", "未达标得分比例", DECIMAL, default=D("0"), min=D("0"), max=D("1"),
           help="未达到目标值时得分值的几成：0 表示不得分，0.5 表示得一半"),),
))
_add(RuleSpec(
    "rank_based", "排名计分",
    "在本组别内按实际值排名：第 1 名得 分值 × 首名比例%，此后每下降一个名次减少 步长% ，最低为 保底比例%。"
    "得分 = 分值 × max(首名比例 − (名次 − 1) × 步长, 保底比例) ÷ 100。并列名次得分相同。",
    (
        Param("first_pct", "首名比例(%)", DECIMAL, default=D("100"), min=D("0"), max=D("100"),
              help="第 1 名得分值的百分之几"),
        Param("step_pct", "每名次递减(%)", DECIMAL, default=D("5"), min=D("0"), max=D("100"),
              help="名次每下降一位少得分值的百分之几"),
        Param("floor_pct", "保底比例(%)", DECIMAL, default=D("0"), min=D("0"), max=D("100"),
              help="排名再靠后也至少得分值的百分之几，不能大于首名比例"),
    ),
    needs_target=False,
))
_add(RuleSpec(
    "relative_to_best", "对标最优计分",
    "与本组别最优值相比：得分 = 分值 × (本单位实际值 × 难度系数) ÷ 组内最优值（各单位按难度系数折算后比较），"
    "不超过 分值 × 封顶系数。难度系数可按单位编码设定，未设定的单位按 1 计。",
    (
        Param("difficulty", "难度系数", TABLE, min=D("0.5"), max=D("2"),
              help="单位编码:系数，多个用逗号分隔，如 S01:1.1,S02:0.9"),
        Param("cap", "封顶系数", DECIMAL, default=D("1"), min=D("1"), max=D("2"), unit="倍"),
    ),
    needs_target=False,
))
_add(RuleSpec(
    "efficacy_coefficient", "功效系数法",
    "单项功效分 = 基础分 + 浮动分 × (实际值 − 不允许值) ÷ (满意值 − 不允许值)，限定在 0～(基础分 + 浮动分)；"
    "折算得分 = 分值 × 单项功效分 ÷ 100。满意值小于不允许值时即为越小越好。",
    (
        Param("x_good", "满意值", DECIMAL, required=True, help="按指标的计量单位填写，达到此值得满分"),
        Param("x_bad", "不允许值", DECIMAL, required=True, help="按指标的计量单位填写，达到此值只得基础分；小于满意值表示越大越好"),
        Param("base", "基础分", DECIMAL, default=D("60"), min=D("0"), max=D("100"), unit="分"),
        Param("span", "浮动分", DECIMAL, default=D("40"), min=D("0"), max=D("100"), unit="分"),
    ),
    needs_target=False,
))
_add(RuleSpec(
    "step_deduction", "差额扣分",
    "实际值每低于目标值 d% 扣 k 分，扣完为止但不低于保底分：档数 = (目标值 − 实际值) ÷ 目标值 ÷ d%，"
    "得分 = max(分值 − 档数 × k, 保底分)。不足一档的部分默认按一档计（档数向上取整），"
    "也可设为只按完整的档数扣分（档数向下取整）。",
    (
        Param("k", "每档扣分", DECIMAL, required=True, min=D("0.01"), unit="分", help="差额每满一档扣的分数"),
        Param("d", "每档差额(%)", DECIMAL, required=True, min=D("0.01"), max=D("100"),
              help="实际值比目标值每低百分之几为一档"),
        Param("floor", "保底分", DECIMAL, default=D("0"), min=D("0"), unit="分"),
        Param("partial_step", "不足一档按一档扣分", BOOL, default=True,
              help="是：差额不足一档的部分也扣一档（如每 5% 扣 2 分，差 13% 计 3 档）；"
                   "否：只按完整的档数扣分，不足一档的部分不扣（差 13% 计 2 档）"),
    ),
))
_add(RuleSpec(
    "per_event_deduction", "按次扣分",
    "从满分起每发生一次事件扣固定分值，最低扣至保底分：得分 = max(分值 − 次数 × 每次扣分, 保底分)。"
    "适用于安全事故、被通报批评、督办超期等。",
    (
        Param("points_per_event", "每次扣分", DECIMAL, required=True, min=D("0.01"), unit="分"),
        Param("floor", "保底分", DECIMAL, default=D("0"), min=D("0"), unit="分"),
    ),
    needs_target=False,
))
_add(RuleSpec(
    "growth_vs_baseline", "自身增长计分",
    "自己和自己比：增长率 = (实际值 − 上年基数) ÷ |上年基数|；得分 = 分值 × min(max(增长率 ÷ 目标增长率, 0), 封顶系数)。"
    "上年基数为 0 或缺失时该项按“不适用”处理。",
    (
        Param("target_growth_pct", "目标增长率(%)", DECIMAL, required=True, min=D("0.01"), max=D("1000"),
              help="比上年基数增长到此百分比得满分"),
        Param("cap", "封顶系数", DECIMAL, default=D("1"), min=D("1"), max=D("2"), unit="倍"),
    ),
    needs_target=False,
))
_add(RuleSpec(
    "milestone_prorate", "节点进度折算",
    "按节点目标完成情况折算：得分 = 分值 × (按期完成节点数 + 逾期完成节点数 × 逾期折算比例) ÷ 节点总数。"
    "适用于重点工作、重大项目。",
    (Param("late_fraction", "逾期折算比例", DECIMAL, default=D("0.5"), min=D("0"), max=D("1"),
           help="逾期完成的节点按几成计入：0.5 表示算半个节点"),),
    needs_target=False,
))
_add(RuleSpec(
    "qualitative_grade", "定性评级",
    "考核责任单位评定等级，按等级系数计分：得分 = 分值 × 等级系数。等级及系数在参数中列出，如 好:1,较好:0.8,一般:0.6,差:0.3。",
    (Param("grades", "等级系数表", TABLE, required=True, min=D("0"), max=D("1"),
           help="等级:系数，多个用逗号分隔，系数在 0～1 之间"),),
    needs_target=False,
))
_add(RuleSpec(
    "manual", "人工评分",
    "考核责任单位在 0～分值之间直接打分，每个分数必须附评分理由（不少于规定字数），理由随得分明细保存。",
    (Param("min_justification_chars", "理由最少字数", INT, default=10, min=D("1"), max=D("500"), unit="字",
           help="人工评分须附的评分理由至少多少字"),),
    needs_target=False,
))

RULE_CHOICES = [(spec.code, spec.name) for spec in RULES.values()]


def _to_decimal(value) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, Decimal)):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(str(value))
    if isinstance(value, str):
        try:
            result = Decimal(value.strip())
        except InvalidOperation:
            return None
        return result if result.is_finite() else None
    return None


def _check_range(param: Param, number: Decimal, where: str) -> list[str]:
    problems = []
    if param.min is not None and number < param.min:
        problems.append(f"{where}不能小于 {param.min}")
    if param.max is not None and number > param.max:
        problems.append(f"{where}不能大于 {param.max}")
    return problems


def check_value(param: Param, value, where: str = "") -> list[str]:
    """Chinese messages for one parameter's value; `where` names it (by default 参数「封顶系数」(cap))."""
    where = where or f"参数「{param.label}」({param.name})"
    if param.type == BOOL:
        return [] if isinstance(value, bool) else [f"{where}须为“是”或“否”"]
    if param.type == TABLE:
        if not isinstance(value, dict) or not value:
            return [f"{where}须为非空对照表，如 键:值,键:值"]
        problems = []
        for key, raw in value.items():
            number = _to_decimal(raw)
            if number is None:
                problems.append(f"{where}中「{key}」的值须为数字")
            else:
                problems += _check_range(param, number, f"{where}中「{key}」的值")
        return problems
    number = _to_decimal(value)
    if number is None:
        return [f"{where}须为{TYPE_LABELS[param.type]}"]
    if param.type == INT and number != number.to_integral_value():
        return [f"{where}须为整数"]
    return _check_range(param, number, where)


def cross_checks(rule: str, values: dict) -> list[str]:
    """Checks that involve several parameters of one rule."""
    if rule == "efficacy_coefficient":
        good, bad = _to_decimal(values.get("x_good")), _to_decimal(values.get("x_bad"))
        base, span = _to_decimal(values.get("base", 60)), _to_decimal(values.get("span", 40))
        problems = []
        if good is not None and bad is not None and good == bad:
            problems.append("满意值与不允许值不能相等（公式的分母为零）")
        if base is not None and span is not None and base + span > 100:
            problems.append("基础分与浮动分之和不能超过 100")
        return problems
    if rule == "rank_based":
        first, floor = _to_decimal(values.get("first_pct", 100)), _to_decimal(values.get("floor_pct", 0))
        if first is not None and floor is not None and floor > first:
            return ["保底比例不能大于首名比例"]
    return []


def validate_params(rule: str, params) -> list[str]:
    """Chinese messages for everything wrong with `params` for `rule`; an empty list means valid."""
    spec = RULES.get(rule)
    if spec is None:
        return [f"未知的计分规则「{rule}」"]
    if params is None:
        params = {}
    if not isinstance(params, dict):
        return ["计分参数须为“参数名=值”的列表"]
    problems = [f"未知参数「{name}」（{spec.name}可用参数：{_names(spec)}）" for name in params if spec.param(name) is None]
    for param in spec.params:
        if param.name not in params or params[param.name] in (None, ""):
            if param.required:
                problems.append(f"缺少参数「{param.label}」({param.name})")
            continue
        problems += check_value(param, params[param.name])
    if not problems:
        problems += cross_checks(rule, params)
    return problems


def _names(spec: RuleSpec) -> str:
    return "、".join(p.label for p in spec.params) or "无"


def clean_params(rule: str, params: dict) -> dict:
    """The canonical stored form of valid params: defaults filled, decimals as strings, ints as ints."""
    spec = RULES[rule]
    cleaned = {}
    for param in spec.params:
        value = params.get(param.name, param.default)
        if value in (None, ""):
            continue
        if param.type == DECIMAL:
            value = _canonical(_to_decimal(value))
        elif param.type == INT:
            value = int(_to_decimal(value))
        elif param.type == TABLE:
            value = {str(k): _canonical(_to_decimal(v)) for k, v in value.items()}
        cleaned[param.name] = value
    return cleaned


def _canonical(number: Decimal) -> str:
    text = format(number.normalize(), "f")
    return "0" if text in ("-0", "") else text


# --- Text form used by the workbook: "封顶系数=1.2；负增长得零分=是" ------------------------------------
# A parameter is written by its Chinese label; the English name of older workbooks is still read.

TRUE_WORDS = {"是", "true", "1", "yes", "y"}
FALSE_WORDS = {"否", "false", "0", "no", "n"}


def parse_params_text(rule: str, text: str) -> tuple[dict, list[str]]:
    """Parse "封顶系数=1.2" (or "cap=1.2") lines, or ；/; separated, into a params dict keyed by the English
    names; tables are "k:v,k:v". A name the rule does not know is kept as written, for `validate_params`."""
    spec = RULES.get(rule)
    params, problems = {}, []
    for raw in (text or "").replace("；", "\n").replace(";", "\n").splitlines():
        line = raw.strip()
        if not line:
            continue
        key, sep, value = line.partition("=")
        key, value = key.strip(), value.strip()
        if not sep or not key:
            problems.append(f"无法识别“{line}”，应写成 参数名=值")
            continue
        param = spec.param_by_key(key) if spec else None
        name = param.name if param else key
        if name in params:
            problems.append(f"参数「{param.label if param else key}」写了两次")
            continue
        params[name], value_problems = read_value(param, value) if param else (value, [])
        problems += value_problems
    return params, problems


def read_value(param: Param, text: str):
    """A value as a person types it: 是/否 for yes-no, "k:v,k:v" for a table, else the text itself."""
    if param.type == BOOL:
        lowered = text.strip().lower()
        return (True if lowered in TRUE_WORDS else False if lowered in FALSE_WORDS else text), []
    if param.type == TABLE:
        return _parse_table(param, text)
    return text.strip(), []


def _parse_table(param: Param, text: str) -> tuple[dict, list[str]]:
    table, problems = {}, []
    for part in text.replace("，", ",").split(","):
        if not part.strip():
            continue
        key, sep, value = part.replace("：", ":").partition(":")
        if not sep or not key.strip():
            problems.append(f"参数「{param.label}」中“{part.strip()}”应写成 键:值")
            continue
        table[key.strip()] = value.strip()
    return table, problems


def show_value(value) -> str:
    """A stored value as a person writes it: 是/否, "k:v,k:v", or the number."""
    if isinstance(value, dict):
        return ",".join(f"{k}:{v}" for k, v in value.items())
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def format_params_text(rule: str, params: dict) -> str:
    """The text form of `params`, one "中文参数名=值" per line (English names the rule does not know stay)."""
    spec = RULES.get(rule)
    lines = []
    for name, value in (params or {}).items():
        param = spec.param(name) if spec else None
        lines.append(f"{param.label if param else name}={show_value(value)}")
    return "\n".join(lines)


def describe_params(rule: str, params: dict) -> str:
    """A short Chinese reading of the params for tables: 封顶系数 1.2；负增长得零分 是."""
    spec = RULES.get(rule)
    if spec is None:
        return ""
    parts = []
    for param in spec.params:
        if param.name not in (params or {}):
            continue
        value = params[param.name]
        shown = "，".join(f"{k}:{v}" for k, v in value.items()) if isinstance(value, dict) else show_value(value)
        parts.append(f"{param.label} {shown}")
    return "；".join(parts)
