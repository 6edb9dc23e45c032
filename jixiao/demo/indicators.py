"""Demo indicator system (示范数据): the library, the schemes 2020–2026, targets with actuals, milestones,
decompositions of the city indicators and a few 2026 adjustment requests. docs/demo.md §Indicators.

The district scheme of every cycle has three blocks — 指标考核 60 / 重点工作 20 / 综合评议 20 — and three
peer groups: G01 (7 streets + 3 parks: 16 economic core + 8 city key + 2 common indicators), G02 (15 bureaus:
40 harmonious-society + 6 economic + 12 city key + 2 common) and G03 (the other departments: 5 common indicators; this
step adds the group to every cycle). 华明街道 (S01) runs a street-level scheme for its villages (S01G01):
one block, 指标考核 100.
Numbers are drawn from the step's rng: every unit has a trend (improving, steady or declining) so the
multi-year comparison has something to show; each year's baseline is the previous year's actual.
"""

import datetime
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from jixiao.accounts.models import User
from jixiao.demo.org import DISTRICT_CODE, STREET_SCHEME_STREET, assessed_on
from jixiao.indicators.models import (
    AdjustmentCategory,
    AdjustmentStatus,
    Aggregation,
    BlockKind,
    Category,
    Direction,
    Frequency,
    GradeRule,
    Indicator,
    IndicatorVersion,
    Scheme,
    SchemeBlock,
    SchemeGroup,
    SchemeItem,
    SchemeStatus,
    Target,
    TargetAdjustment,
    TargetMilestone,
    TargetSource,
    VetoCondition,
)
from jixiao.indicators.rule_specs import clean_params
from jixiao.org.models import Cycle, Group, GroupPurpose, Unit, UnitKind

H, L, IV, Q, MS = (Direction.HIGHER_BETTER, Direction.LOWER_BETTER, Direction.INTERVAL, Direction.QUALITATIVE,
                   Direction.MILESTONE)
QT, YR, MO, HF = Frequency.QUARTER, Frequency.YEAR, Frequency.MONTH, Frequency.HALF
SUM, AVG = Aggregation.SUM, Aggregation.AVERAGE

# code, name, measure unit, direction, frequency, default assessor, aggregation, (low, high) of the 2019 actual
ECONOMIC = [
    ("E01", "一般公共预算收入", "万元", H, QT, "B03", SUM, (18000, 90000)),
    ("E02", "特色园区新增入驻企业", "个", H, QT, "M35", SUM, (8, 40)),
    ("E03", "招商引资到位额", "万元", H, QT, "M38", SUM, (30000, 160000)),
    ("E04", "固定资产投资", "万元", H, QT, "B01", SUM, (50000, 300000)),
    ("E05", "规模以上工业总产值", "万元", H, MO, "M35", SUM, (80000, 600000)),
    ("E06", "社会消费品零售总额", "万元", H, QT, "B10", SUM, (20000, 120000)),
    ("E07", "实际利用外资", "万美元", H, QT, "B10", SUM, (500, 6000)),
    ("E08", "国家高新技术企业数", "个", H, YR, "B11", SUM, (5, 60)),
    ("E09", "农村居民人均可支配收入", "元", H, HF, "M32", AVG, (24000, 33000)),
    ("E10", "村级集体经济收入", "万元", H, YR, "B09", SUM, (300, 2500)),
    ("E11", "税收收入", "万元", H, QT, "M34", SUM, (15000, 80000)),
    ("E12", "新增市场主体", "户", H, QT, "B14", SUM, (300, 2000)),
    ("E13", "重点项目开工率", "%", H, QT, "B01", AVG, (70, 92)),
    ("E14", "单位地区生产总值能耗", "吨标准煤/万元", L, YR, "B01", AVG, (0.35, 0.62)),
    ("E15", "土地节约集约利用", "", Q, YR, "M40", SUM, None),
    ("E16", "政务服务事项网上可办率", "%", H, QT, "M39", AVG, (75, 93)),
]
HARMONIOUS = [
    ("H01", "城镇新增就业人数", "人", H, QT, "B02", SUM, (300, 1500)),
    ("H02", "失业人员再就业人数", "人", H, QT, "B02", SUM, (100, 600)),
    ("H03", "职业技能培训人次", "人次", H, QT, "B02", SUM, (500, 3000)),
    ("H04", "劳动保障监察结案率", "%", H, QT, "B02", AVG, (85, 97)),
    ("H05", "城乡居民养老保险参保率", "%", H, HF, "B02", AVG, (88, 97)),
    ("H06", "最低生活保障按时发放率", "%", H, QT, "B06", AVG, (92, 99)),
    ("H07", "养老机构床位数", "张", H, YR, "B06", SUM, (200, 1200)),
    ("H08", "社区居家养老服务覆盖率", "%", H, HF, "B06", AVG, (60, 88)),
    ("H09", "城镇居民人均可支配收入", "元", H, HF, "M32", AVG, (38000, 52000)),
    ("H10", "居民收入增长与经济增长同步", "", Q, YR, "M32", SUM, None),
    ("H11", "义务教育巩固率", "%", H, YR, "B04", AVG, (95, 99)),
    ("H12", "学前教育毛入园率", "%", H, YR, "B04", AVG, (85, 97)),
    ("H13", "新建改扩建学校", "所", H, YR, "B04", SUM, (1, 6)),
    ("H14", "每千人口执业（助理）医师数", "人", H, YR, "B05", AVG, (2.2, 3.4)),
    ("H15", "家庭医生签约服务覆盖率", "%", H, HF, "B05", AVG, (35, 60)),
    ("H16", "传染病报告及时率", "%", H, QT, "B05", AVG, (95, 99.5)),
    ("H17", "空气质量优良天数", "天", H, MO, "B08", AVG, (220, 290)),
    ("H18", "细颗粒物（PM2.5）年均浓度", "微克/立方米", L, MO, "B08", AVG, (38, 62)),
    ("H19", "地表水优良水体比例", "%", H, QT, "B08", AVG, (40, 75)),
    ("H20", "环境信访案件办结率", "%", H, QT, "B08", AVG, (88, 98)),
    ("H21", "保障性住房建设套数", "套", H, QT, "B07", SUM, (100, 900)),
    ("H22", "老旧小区改造户数", "户", H, QT, "B07", SUM, (300, 2500)),
    ("H23", "建筑施工安全事故起数", "起", L, QT, "B15", SUM, (0, 4)),
    ("H24", "生活垃圾分类覆盖率", "%", H, QT, "B12", AVG, (50, 85)),
    ("H25", "城市道路清扫保洁达标率", "%", H, MO, "B12", AVG, (85, 97)),
    ("H26", "违法建设拆除面积", "平方米", H, QT, "B12", SUM, (5000, 40000)),
    ("H27", "公交线网覆盖率", "%", H, YR, "B13", AVG, (70, 92)),
    ("H28", "农村公路优良路率", "%", H, YR, "B13", AVG, (65, 88)),
    ("H29", "道路交通事故死亡人数", "人", L, QT, "M23", SUM, (2, 12)),
    ("H30", "食品安全抽检合格率", "%", H, QT, "B14", AVG, (96, 99.5)),
    ("H31", "药品安全抽检合格率", "%", H, QT, "B14", AVG, (97, 99.8)),
    ("H32", "消费者投诉按时办结率", "%", H, QT, "B14", AVG, (90, 99)),
    ("H33", "生产安全事故死亡人数", "人", L, QT, "B15", SUM, (0, 6)),
    ("H34", "安全隐患整改率", "%", H, QT, "B15", AVG, (88, 98)),
    ("H35", "农村人居环境整治达标村比例", "%", H, HF, "B09", AVG, (60, 90)),
    ("H36", "高标准农田建设面积", "亩", H, YR, "B09", SUM, (2000, 12000)),
    ("H37", "科技型中小企业评价入库数", "家", H, HF, "B11", SUM, (20, 150)),
    ("H38", "外贸进出口总额", "万美元", H, QT, "B10", SUM, (3000, 20000)),
    ("H39", "重点项目前期手续办结率", "%", H, QT, "B01", AVG, (75, 95)),
    ("H40", "社会组织规范化建设", "", Q, YR, "B06", SUM, None),
]
CITY_KEY = [
    ("K01", "地区生产总值", "亿元", H, QT, "M32", SUM, (25, 120)),
    ("K02", "居民人均可支配收入", "元", H, HF, "M32", AVG, (30000, 45000)),
    ("K03", "固定资产投资增速", "%", H, QT, "B01", AVG, (4, 12)),
    ("K04", "社会消费品零售总额增速", "%", H, QT, "B10", AVG, (4, 10)),
    ("K05", "一般公共预算收入增速", "%", H, QT, "B03", AVG, (3, 10)),
    ("K06", "规模以上工业增加值增速", "%", H, MO, "M35", AVG, (4, 11)),
    ("K07", "科技型企业数量", "家", H, HF, "B11", SUM, (20, 120)),
    ("K08", "农村人居环境整治村庄数", "个", H, YR, "B09", SUM, (3, 10)),
    ("K09", "安全生产事故起数", "起", L, QT, "B15", SUM, (0, 5)),
    ("K10", "城镇登记失业率", "%", IV, QT, "B02", AVG, None),
    ("K11", "公共服务满意度", "%", H, YR, "M32", AVG, (80, 92)),
    ("K12", "基本养老保险参保人数", "人", H, HF, "B02", SUM, (5000, 40000)),
    ("K13", "空气质量综合指数", "", L, MO, "B08", AVG, (4.5, 6.5)),
    ("K14", "义务教育学位新增数", "个", H, YR, "B04", SUM, (100, 900)),
    ("K15", "每万人口全科医生数", "人", H, YR, "B05", AVG, (2.5, 4.5)),
    ("K16", "信访积案化解率", "%", H, QT, "M27", AVG, (70, 92)),
    ("K17", "食品评价性抽检合格率", "%", H, QT, "B14", AVG, (97, 99.5)),
    ("K18", "城市生活垃圾无害化处理率", "%", H, QT, "B12", AVG, (92, 99.5)),
    ("K19", "保障性租赁住房筹集套数", "套", H, YR, "B07", SUM, (50, 600)),
    ("K20", "城市公共交通出行分担率", "%", H, YR, "B13", AVG, (25, 45)),
]
COMMON = [
    ("C01", "党风廉政建设", "", Q, YR, "M06", SUM, None),
    ("C02", "依法行政", "", Q, YR, "M26", SUM, None),
    ("C03", "信访稳定", "件", L, QT, "M27", SUM, (0, 8)),
    ("C04", "安全生产责任制落实", "", Q, HF, "B15", SUM, None),
    ("C05", "政务公开", "%", H, QT, "M39", AVG, (85, 98)),
]
KEY_WORK = [("W01", "重点工作和重大项目推进", "", MS, QT, "M01", SUM, None)]
ADJUSTMENT = [
    ("J01", "创新工作和争先创优", "", Q, YR, "M01", SUM, None),
    ("J02", "被通报批评和督办超期", "次", L, QT, "M01", SUM, None),
]
VILLAGE = [
    ("V01", "村级集体经济经营性收入", "万元", H, YR, "B09", SUM, (20, 300)),
    ("V02", "人居环境整治", "", Q, HF, "B09", SUM, None),
    ("V03", "矛盾纠纷就地化解率", "%", H, QT, "M27", AVG, (80, 98)),
    ("V04", "安全生产和消防安全", "起", L, QT, "B15", SUM, (0, 3)),
    ("V05", "基层党建", "", Q, YR, "M07", SUM, None),
    ("V06", "民生实事完成率", "%", H, QT, "M01", AVG, (70, 95)),
]
CATEGORIES = [
    (ECONOMIC, Category.ECONOMIC_CORE), (HARMONIOUS, Category.HARMONIOUS_SOCIETY), (CITY_KEY, Category.CITY_KEY),
    (COMMON, Category.COMMON), (KEY_WORK, Category.KEY_WORK), (ADJUSTMENT, Category.ADJUSTMENT),
    (VILLAGE, Category.COMMON),
]
RANGES = {row[0]: row[7] for table, _c in CATEGORIES for row in table}
REVISED_2023 = {"E01": "自2023年起按新修订的《预算法实施条例》口径统计，剔除一次性土地出让相关收入。",
                "H09": "自2023年起采用国家统计局住户收支与生活状况调查新口径。"}
INTERVAL_BAND = (Decimal("2.0"), Decimal("3.5"))  # K10 城镇登记失业率 控制区间

# G01 and G02 take the city key indicators decomposed to them; points per block per group add up. G02 also
# lists the economic indicators the economic bureaus answer for (发改委, 财政局, 商务局, 科技局).
BUREAU_ECONOMIC = ["E01", "E04", "E06", "E08", "E13", "E14"]
G01_ITEMS = [(row[0], Decimal("2.5")) for row in ECONOMIC] + [(f"K{i:02d}", Decimal(2)) for i in range(1, 9)] \
    + [("C01", Decimal(2)), ("C04", Decimal(2))]
G02_ITEMS = [(row[0], Decimal("0.85")) for row in HARMONIOUS] + [(code, Decimal(1)) for code in BUREAU_ECONOMIC] \
    + [(f"K{i:02d}", Decimal("1.25")) for i in range(9, 21)] + [("C01", Decimal("2.5")), ("C04", Decimal("2.5"))]
G03_ITEMS = [(row[0], Decimal(12)) for row in COMMON]
# The village scheme of the street is indicators only: the district campaign rates departments, and the
# street runs no evaluation of its own villages in the demo.
VILLAGE_ITEMS = list(zip([row[0] for row in VILLAGE], map(Decimal, (20, 20, 15, 15, 15, 15)), strict=True))
# Who reports what: a unit is due only the indicators it has a target for (reporting.due.is_due_from), so targets
# go to the units an indicator concerns. In G02 a bureau answers for the indicators of its own field (those it is
# the default assessor of, and the three below assessed by non-bureaus), plus the shared ones every bureau has.
# Streets and parks share G01's set, except rural income and the village economy, which are the 涉农街道's.
SHARED_IN_G02 = {"C01", "C04", "W01", "K11", "K16"}  # 党风廉政, 安全生产责任制, 重点工作, 公共服务满意度, 信访积案化解
REPORTED_BY = {"H09": "B02", "H10": "B01", "H29": "B13"}  # 人社局 wages, 发改委 income vs growth, 交通运输委 roads
STREETS_ONLY = {"E09", "E10", "K02", "K08"}
QUALITATIVE_GRADES = {"好": "1", "较好": "0.8", "一般": "0.6", "差": "0.3"}
TEXT_TARGETS = {Q: "完成年度任务清单，考核责任单位评定等级", MS: "按期完成年度各节点任务"}
CUMULATIVE = {"Q1": Decimal("0.22"), "Q2": Decimal("0.48"), "Q3": Decimal("0.74"), "Q4": Decimal(1)}
TRENDS = [Decimal("-0.025"), Decimal("-0.01"), Decimal(0), Decimal(0), Decimal("0.015"), Decimal("0.03")]


def build(rng) -> str:
    cycles = list(Cycle.objects.order_by("year"))
    units = {u.code: u for u in Unit.objects.all()}
    office = User.objects.filter(username="office").first()
    indicators, versions = _library(units)
    groups = _departments_group(cycles, units)
    schemes, items = _schemes(cycles, units, indicators, versions, groups, office)
    targets, milestones = _targets(rng, cycles, units, indicators, groups)
    adjustments = _adjustments(cycles[-1], units, indicators, office)
    return (f"指标 {len(indicators)} 个（经济核心 {len(ECONOMIC)}、和谐社会 {len(HARMONIOUS)}、市考重点 {len(CITY_KEY)}），"
            f"考核方案 {schemes} 个（方案指标 {items} 项），目标值 {targets} 条（节点目标 {milestones} 个），"
            f"目标调整申请 {adjustments} 件")


# --- library ----------------------------------------------------------------------------------------------

def _library(units):
    rows, order = [], 0
    for table, category in CATEGORIES:
        for code, name, measure, direction, frequency, _assessor, aggregation, _range in table:
            order += 1
            rows.append(Indicator(code=code, name=name, category=category, measure_unit=measure, direction=direction,
                                  frequency=frequency, aggregation=aggregation, sort_order=order))
    indicators = {i.code: i for i in Indicator.objects.bulk_create(rows)}
    versions = []
    for table, _category in CATEGORIES:
        for code, name, measure, direction, frequency, assessor, _agg, _range in table:
            definition = f"{name}：{_definition(direction, frequency)}"
            base = dict(indicator=indicators[code], measure_unit=measure, default_assessor=units[assessor],
                        data_source=f"{units[assessor].label}统计报表")
            versions.append(IndicatorVersion(valid_from_year=2020, definition=definition, **base))
            if code in REVISED_2023:
                versions.append(IndicatorVersion(valid_from_year=2023, definition=f"{name}：{REVISED_2023[code]}",
                                                 **base))
    IndicatorVersion.objects.bulk_create(versions)
    by_indicator = defaultdict(list)
    for version in versions:
        by_indicator[version.indicator.code].append(version)
    return indicators, by_indicator


def _definition(direction, frequency) -> str:
    when = {QT: "按季度报送累计数", MO: "按月报送", HF: "按半年报送", YR: "按年度报送"}[frequency]
    how = {H: "数值越大越好", L: "数值越小越好，为控制性指标", IV: "控制在目标区间内",
           Q: "由考核责任单位对照任务清单评定等级", MS: "按节点目标完成情况计分"}[direction]
    return f"{how}，{when}，以考核责任单位核定数为准。（示范数据）"


def _version_for(versions, code, year):
    return max((v for v in versions[code] if v.valid_from_year <= year), key=lambda v: v.valid_from_year)


# --- groups and schemes -----------------------------------------------------------------------------------

def _departments_group(cycles, units) -> dict:
    """Add G03 (区直部门: the departments outside G02) to every cycle; return (year, code) -> Group."""
    new, members = [], []
    for cycle in cycles:
        assessed = [u for u in assessed_on(units, cycle.ends_on) if u.kind == UnitKind.DEPARTMENT]
        new.append(Group(cycle=cycle, code="G03", name="区直部门", purpose=GroupPurpose.PEER, sort_order=13))
        members.append(assessed)
    Group.objects.bulk_create(new)
    through = Group.units.through
    through.objects.bulk_create([through(group_id=g.pk, unit_id=u.pk)
                                 for g, unit_list in zip(new, members, strict=True) for u in unit_list])
    groups = {}
    for group in Group.objects.filter(code__in=["G01", "G02", "G03", f"{STREET_SCHEME_STREET}G01"]).select_related(
            "cycle").prefetch_related("units"):
        groups[(group.cycle.year, group.code)] = group
    return groups


def _rule(direction, code) -> tuple[str, dict]:
    if code == "E03":
        return "rank_based", {"first_pct": 100, "step_pct": 5, "floor_pct": 50}
    if code in ("E09", "H09"):
        return "growth_vs_baseline", {"target_growth_pct": 6, "cap": "1.2"}
    if code in ("C03", "V04"):
        return "per_event_deduction", {"points_per_event": 1}
    if code == "K11":
        return "efficacy_coefficient", {"x_good": 95, "x_bad": 70}
    if direction == H:
        return "completion_ratio", {"cap": "1.2", "negative_growth_zero": True}
    if direction == L:
        return "reverse_control", {"cap": 1}
    if direction == IV:
        return "all_or_nothing", {"partial_fraction": "0.5"}
    if direction == MS:
        return "milestone_prorate", {"late_fraction": "0.5"}
    return "qualitative_grade", {"grades": QUALITATIVE_GRADES}


def _schemes(cycles, units, indicators, versions, groups, office):
    district, street = units[DISTRICT_CODE], units[STREET_SCHEME_STREET]
    schemes = []
    for cycle in cycles:
        published = datetime.datetime(cycle.year, 2, 20, 9, 0, tzinfo=datetime.UTC)
        common = dict(cycle=cycle, status=SchemeStatus.PUBLISHED, published_at=published, published_by=office)
        schemes.append(Scheme(assessing_unit=district, code=f"D01-{cycle.year}",
                              name=f"示范区{cycle.year}年度目标管理绩效考核方案", **common))
        schemes.append(Scheme(assessing_unit=street, code=f"S01-{cycle.year}",
                              name=f"华明街道{cycle.year}年度村（社区）绩效考核方案", **common))
    Scheme.objects.bulk_create(schemes)
    blocks, links, items, extras = [], [], [], []
    for scheme in schemes:
        year = scheme.cycle.year
        if scheme.assessing_unit_id == district.pk:
            parts = [("A", "指标考核", 60, BlockKind.ITEMS), ("B", "重点工作", 20, BlockKind.ITEMS),
                     ("E", "综合评议", 20, BlockKind.EVALUATION)]
            plan = [("G01", G01_ITEMS), ("G02", G02_ITEMS), ("G03", G03_ITEMS)]
        else:
            parts = [("A", "指标考核", 100, BlockKind.ITEMS)]
            plan = [(f"{STREET_SCHEME_STREET}G01", VILLAGE_ITEMS)]
        made = {code: SchemeBlock(scheme=scheme, code=code, name=name, weight=Decimal(w), kind=kind, sort_order=i)
                for i, (code, name, w, kind) in enumerate(parts, start=1)}
        blocks += made.values()
        for order, (group_code, group_items) in enumerate(plan, start=1):
            group = groups[(year, group_code)]
            links.append(SchemeGroup(scheme=scheme, group=group, sort_order=order))
            lines = [("A", code, points) for code, points in group_items]
            if "B" in made:
                lines.append(("B", "W01", Decimal(20)))
            for n, (block, code, points) in enumerate(lines, start=1):
                indicator = indicators[code]
                version = _version_for(versions, code, year)
                rule, params = _rule(indicator.direction, code)
                items.append(SchemeItem(scheme=scheme, block=made[block], group=group, indicator=indicator,
                                        version=version, points=points, rule=rule,
                                        params=clean_params(rule, params), assessor=version.default_assessor,
                                        sort_order=n))
        extras += _scheme_rules(scheme)
    SchemeBlock.objects.bulk_create(blocks)
    SchemeGroup.objects.bulk_create(links)
    SchemeItem.objects.bulk_create(items)
    for model in (AdjustmentCategory, VetoCondition, GradeRule):
        model.objects.bulk_create([row for row in extras if isinstance(row, model)])
    return len(schemes), len(items)


def _scheme_rules(scheme) -> list:
    rows = [
        AdjustmentCategory(scheme=scheme, code="J1", name="获市级以上表彰和争先创优", kind="bonus", cap=Decimal(3),
                           sort_order=1),
        AdjustmentCategory(scheme=scheme, code="J2", name="改革创新工作", kind="bonus", cap=Decimal(2),
                           outside_total=True, sort_order=2),
        AdjustmentCategory(scheme=scheme, code="K1", name="被上级通报批评", kind="deduction", cap=Decimal(5),
                           sort_order=3),
        AdjustmentCategory(scheme=scheme, code="K2", name="督办事项超期未办结", kind="deduction", cap=Decimal(3),
                           sort_order=4),
        VetoCondition(scheme=scheme, code="V1", name="发生重大及以上安全生产责任事故", effect="cap_grade",
                      cap_grade="average", sort_order=1),
        VetoCondition(scheme=scheme, code="V2", name="发生影响社会稳定的重大群体性事件或信访问题", effect="cap_grade",
                      cap_grade="average", sort_order=2),
        VetoCondition(scheme=scheme, code="V3", name="领导班子成员发生严重违纪违法问题（党风廉政）", effect="no_award",
                      sort_order=3),
    ]
    for grade, score, quota in (("excellent", 90, 20), ("good", 80, None), ("average", 60, None), ("poor", 0, None)):
        rows.append(GradeRule(scheme=scheme, grade=grade, min_score=Decimal(score),
                              quota_percent=Decimal(quota) if quota else None))
    return rows


# --- targets ----------------------------------------------------------------------------------------------

def _q(value: Decimal, measure: str) -> Decimal:
    places = Decimal(1) if value >= 1000 else Decimal("0.01")
    return value.quantize(places, rounding=ROUND_HALF_UP)


def _capped(value: Decimal, measure: str) -> Decimal:
    return min(value, Decimal(100)) if measure == "%" else value


class Series:
    """One unit's numbers for one indicator over the years: target from the baseline, actual from the trend."""

    def __init__(self, rng, indicator, trend):
        low, high = RANGES[indicator.code]
        self.rng, self.indicator, self.trend = rng, indicator, trend
        self.actual = _q(Decimal(str(rng.uniform(low, high))), indicator.measure_unit)
        self.count = indicator.measure_unit in ("起", "人", "件") and indicator.direction == L

    def year(self, year) -> tuple[Decimal, Decimal, Decimal]:
        """(baseline, target, actual) of `year`; the actual becomes next year's baseline."""
        rng, measure = self.rng, self.indicator.measure_unit
        baseline = self.actual
        growth = Decimal(str(round(rng.uniform(0.02, 0.09), 3)))
        completion = 1 + self.trend * (year - 2022) + Decimal(str(round(rng.uniform(-0.04, 0.04), 3)))
        if self.indicator.direction == L:
            target = baseline * (1 - growth)
            actual = target * (2 - completion)
            if self.count:
                target, actual = max(target.to_integral_value(), Decimal(0)), max(actual.to_integral_value(), Decimal(0))
        else:
            target = _capped(baseline * (1 + growth) if measure != "%" else baseline + growth * 10, measure)
            actual = _capped(target * completion, measure)
        self.actual = _q(max(actual, Decimal(0)), measure)
        target = _q(target, measure)
        if self.indicator.direction == H and target <= 0:
            target = Decimal("0.01")
        return baseline, target, self.actual


def _targets(rng, cycles, units, indicators, groups):
    current_year = cycles[-1].year
    plans = []  # (group code, indicator codes)
    plans.append(("G01", [c for c, _p in G01_ITEMS] + ["W01"]))
    plans.append(("G02", [c for c, _p in G02_ITEMS] + ["W01"]))
    plans.append(("G03", [c for c, _p in G03_ITEMS] + ["W01"]))
    plans.append((f"{STREET_SCHEME_STREET}G01", [c for c, _p in VILLAGE_ITEMS]))
    trend_of = {code: rng.choice(TRENDS) for code in sorted(units)}
    owner = {row[0]: row[5] for table, _c in CATEGORIES for row in table} | REPORTED_BY
    series = {}
    rows, children = [], defaultdict(list)
    for cycle in cycles:
        for group_code, codes in plans:
            members = sorted(groups[(cycle.year, group_code)].units.all(), key=lambda u: (u.sort_order, u.code))
            for code in codes:
                indicator = indicators[code]
                for unit in _reporters(group_code, code, members, owner):
                    target = _target(rng, cycle, unit, indicator, series, trend_of, current_year)
                    rows.append(target)
                    if indicator.category == Category.CITY_KEY:
                        children[(cycle.year, code)].append(target)
    parents = [_parent(cycle, units[DISTRICT_CODE], indicators[code], children[(cycle.year, code)])
               for cycle in cycles for code in (row[0] for row in CITY_KEY)]
    Target.objects.bulk_create(parents)
    parent_of = {(p.cycle.year, p.indicator.code): p for p in parents}
    for (year, code), kids in children.items():
        for kid in kids:
            kid.parent = parent_of[(year, code)]
    Target.objects.bulk_create(rows, batch_size=1000)
    milestones = [TargetMilestone(target=t, period=period, value=_q(t.target_value * share, t.indicator.measure_unit))
                  for t in rows if t.indicator.frequency == QT and t.indicator.direction == H
                  and t.indicator.aggregation == SUM for period, share in CUMULATIVE.items()]
    TargetMilestone.objects.bulk_create(milestones, batch_size=1000)
    return len(rows) + len(parents), len(milestones)


def _reporters(group_code, code, members, owner) -> list:
    """The members of a group that get a target for the indicator `code`, and so report it."""
    if group_code == "G02" and code not in SHARED_IN_G02:
        return [unit for unit in members if unit.code == owner[code]]
    if group_code == "G01" and code in STREETS_ONLY:
        return [unit for unit in members if unit.kind == UnitKind.STREET]
    return members


def _target(rng, cycle, unit, indicator, series, trend_of, current_year) -> Target:
    source = TargetSource.CITY_ASSIGNED if indicator.category == Category.CITY_KEY else TargetSource.DISTRICT_SET
    target = Target(cycle=cycle, unit=unit, indicator=indicator, source=source)
    if indicator.direction in (Q, MS):
        target.target_text = TEXT_TARGETS[indicator.direction]
        return target
    if indicator.direction == IV:
        target.target_value, target.upper_value = INTERVAL_BAND
        if cycle.year < current_year:
            target.actual = Decimal(str(round(rng.uniform(2.2, 3.8), 2)))
        return target
    key = (unit.code, indicator.code)
    if key not in series:
        series[key] = Series(rng, indicator, trend_of[unit.code])
    baseline, value, actual = series[key].year(cycle.year)
    target.baseline, target.target_value = baseline, value
    target.actual = actual if cycle.year < current_year else None
    return target


def _parent(cycle, district, indicator, kids) -> Target:
    """The city-assigned district target: exactly what its parts add up to (or average) under the aggregation."""
    def combine(values):
        values = [v for v in values if v is not None]
        if not values:
            return None
        total = sum(values, Decimal(0))
        return total if indicator.aggregation == SUM else (total / len(values)).quantize(Decimal("0.0001"))

    parent = Target(cycle=cycle, unit=district, indicator=indicator, source=TargetSource.CITY_ASSIGNED)
    parent.target_value = combine([k.target_value for k in kids])
    parent.upper_value = combine([k.upper_value for k in kids])
    parent.baseline = combine([k.baseline for k in kids])
    parent.actual = combine([k.actual for k in kids])
    return parent


# --- 2026 adjustment requests -----------------------------------------------------------------------------

REQUESTS = [
    # (username, unit, indicator, factor, status, reason, decision)
    ("street_reporter", "S01", "E03", "0.9", AdjustmentStatus.PENDING,
     "两个重点招商项目受上级用地指标调整影响推迟签约，申请下调招商引资到位额目标。", ""),
    ("street_reporter", "S01", "E05", "0.95", AdjustmentStatus.APPROVED,
     "辖区一家规上企业整体搬迁至外区，申请相应核减规模以上工业总产值目标。", "经区工信局核实属实，同意按搬迁企业上年产值核减。"),
    ("street_reporter", "S01", "E01", "0.92", AdjustmentStatus.REFUSED,
     "受减税降费政策影响，申请下调一般公共预算收入目标。", "减税降费影响已在下达目标时统筹考虑，不予调整。"),
    ("reporter", "B01", "H39", "0.95", AdjustmentStatus.PENDING,
     "部分项目审批权限上收至市级，办结时限不受本单位控制，申请下调目标。", ""),
    ("reporter", "B01", "E04", "0.9", AdjustmentStatus.APPROVED,
     "两个市级重大产业项目投资计划调整至明年实施，申请相应核减固定资产投资目标。", "经区统计局、区投促局会商核实，同意调整。"),
    ("reporter", "B01", "E13", "0.92", AdjustmentStatus.REFUSED,
     "部分项目受用地审批影响开工推迟，申请下调重点项目开工率目标。", "用地审批已纳入年度计划统筹，开工率目标不予调整。"),
]


def _adjustments(cycle, units, indicators, office) -> int:
    users = {u.username: u for u in User.objects.filter(username__in=["street_reporter", "reporter"])}
    if office is None or len(users) < 2:
        return 0
    rows, changed = [], []
    for n, (username, unit, code, factor, status, reason, decision) in enumerate(REQUESTS):
        target = Target.objects.get(cycle=cycle, unit=units[unit], indicator=indicators[code])
        requested = _q(target.target_value * Decimal(factor), target.indicator.measure_unit)
        asked = datetime.datetime(cycle.year, 4 + n % 3, 8 + n, 2, 30, tzinfo=datetime.UTC)
        row = TargetAdjustment(target=target, requested_value=requested, previous_value=target.target_value,
                               reason=reason, status=status, requested_by=users[username], requested_at=asked)
        if status != AdjustmentStatus.PENDING:
            row.decided_by, row.decided_at = office, asked + datetime.timedelta(days=6)
            row.decision_reason = decision
        if status == AdjustmentStatus.APPROVED:
            target.target_value = requested
            changed.append(target)
        rows.append(row)
    TargetAdjustment.objects.bulk_create(rows)
    Target.objects.bulk_update(changed, ["target_value"])
    milestones = list(TargetMilestone.objects.filter(target__in=changed).select_related("target__indicator"))
    for milestone in milestones:
        share = CUMULATIVE.get(milestone.period, Decimal(1))
        milestone.value = _q(milestone.target.target_value * share, milestone.target.indicator.measure_unit)
    TargetMilestone.objects.bulk_update(milestones, ["value"])
    return len(rows)
