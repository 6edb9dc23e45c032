"""Indicator library, yearly schemes and targets (指标体系与目标管理)."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jixiao.indicators.rule_specs import RULE_CHOICES
from jixiao.org.models import CycleStatus, UnitKind

AMOUNT = {"max_digits": 18, "decimal_places": 4}
POINTS = {"max_digits": 7, "decimal_places": 2}


class Category(models.TextChoices):
    ECONOMIC_CORE = "economic_core", _("经济核心")
    HARMONIOUS_SOCIETY = "harmonious_society", _("和谐社会")
    CITY_KEY = "city_key", _("市考重点")
    KEY_WORK = "key_work", _("重点工作")
    COMMON = "common", _("共性")
    ADJUSTMENT = "adjustment", _("加减分")


class Direction(models.TextChoices):
    HIGHER_BETTER = "higher_better", _("越大越好")
    LOWER_BETTER = "lower_better", _("越小越好")
    INTERVAL = "interval", _("区间")
    QUALITATIVE = "qualitative", _("定性")
    MILESTONE = "milestone", _("节点")


NUMERIC_DIRECTIONS = {Direction.HIGHER_BETTER, Direction.LOWER_BETTER, Direction.INTERVAL}
# One number that is better the higher (or the lower) it is: the targets compared with a baseline and with peers.
SINGLE_BOUND_DIRECTIONS = {Direction.HIGHER_BETTER, Direction.LOWER_BETTER}


class Frequency(models.TextChoices):
    MONTH = "month", _("月度")
    QUARTER = "quarter", _("季度")
    HALF = "half", _("半年")
    YEAR = "year", _("年度")


class Aggregation(models.TextChoices):
    SUM = "sum", _("求和")
    MAX = "max", _("取最大")
    MIN = "min", _("取最小")
    AVERAGE = "average", _("平均")


class Indicator(models.Model):
    """A measure in the district's indicator library (指标); its definition is versioned by year."""

    code = models.CharField("指标编码", max_length=20, unique=True)
    name = models.CharField("指标名称", max_length=100)
    category = models.CharField("指标类别", max_length=20, choices=Category.choices)
    measure_unit = models.CharField("计量单位", max_length=20, blank=True)
    direction = models.CharField("指标方向", max_length=16, choices=Direction.choices)
    frequency = models.CharField("报送频次", max_length=8, choices=Frequency.choices, default=Frequency.QUARTER)
    aggregation = models.CharField(
        "分解汇总方式", max_length=8, choices=Aggregation.choices, default=Aggregation.SUM,
        help_text="下级目标合成上级目标的方式，用于目标分解校验",
    )
    active = models.BooleanField("启用", default=True)
    sort_order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = "指标"
        verbose_name_plural = "指标"
        ordering = ["sort_order", "code"]

    def __str__(self):
        return f"{self.code} {self.name}"

    def version_for(self, year: int) -> "IndicatorVersion | None":
        """The definition in force in `year`: the latest version starting in or before it."""
        return self.versions.filter(valid_from_year__lte=year).order_by("-valid_from_year").first()


class IndicatorVersion(models.Model):
    """The definition (口径) of an indicator from one year on; earlier cycles keep their own version."""

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="versions", verbose_name="指标")
    valid_from_year = models.PositiveSmallIntegerField("起用年度")
    definition = models.TextField("指标口径")
    data_source = models.CharField("数据来源", max_length=100, blank=True)
    default_assessor = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        limit_choices_to={"is_assessor": True}, verbose_name="默认考核责任单位",
    )
    measure_unit = models.CharField("计量单位", max_length=20, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "指标口径版本"
        verbose_name_plural = "指标口径版本"
        ordering = ["indicator", "-valid_from_year"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "valid_from_year"], name="indicator_version_year_unique"),
            models.CheckConstraint(condition=Q(valid_from_year__gte=2000), name="indicator_version_year_sane"),
        ]

    def __str__(self):
        return f"{self.indicator.code}（{self.valid_from_year}年起）"


class SchemeStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")


class MissingData(models.TextChoices):
    """What a line scores when the data its rule needs is missing or unusable (scoring engine, decision 0009 §3)."""

    ZERO = "zero", _("按缺报计 0 分")
    NOT_APPLICABLE = "not_applicable", _("按不适用处理")


class TieRule(models.TextChoices):
    """How equal totals are ranked within a group (decision 0009 §7)."""

    SHARED = "shared", _("同分同名次")
    BLOCKS = "blocks", _("同分依次比较各板块得分")


class SchemeQuerySet(models.QuerySet):
    def with_parts(self):
        return self.select_related("cycle", "assessing_unit", "published_by")


# The scheme's scoring options (计分选项): set on their own page or in the workbook's 方案 sheet.
SCHEME_OPTIONS = ("missing_data", "tie_rule")
# The units that may run a scheme of their own (考核主体): the city, the district and a street.
ASSESSING_KINDS = (UnitKind.CITY, UnitKind.DISTRICT, UnitKind.STREET)


class Scheme(models.Model):
    """One year's assessment rules of an assessing unit (考核方案)."""

    cycle = models.ForeignKey("org.Cycle", on_delete=models.PROTECT, related_name="schemes", verbose_name="考核年度")
    assessing_unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, related_name="owned_schemes", verbose_name="考核主体"
    )
    code = models.CharField("方案编码", max_length=30)
    name = models.CharField("方案名称", max_length=100)
    total_points = models.DecimalField("总分", default=100, **POINTS)
    status = models.CharField("状态", max_length=10, choices=SchemeStatus.choices, default=SchemeStatus.DRAFT)
    missing_data = models.CharField("缺报数据处理", max_length=16, choices=MissingData.choices,
                                    default=MissingData.ZERO)
    tie_rule = models.CharField("同分排名规则", max_length=8, choices=TieRule.choices, default=TieRule.SHARED)
    copied_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="复制自"
    )
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name="发布人",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    objects = SchemeQuerySet.as_manager()

    class Meta:
        verbose_name = "考核方案"
        verbose_name_plural = "考核方案"
        ordering = ["-cycle__year", "code"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "assessing_unit"], name="scheme_one_per_assessing_unit"),
            models.UniqueConstraint(fields=["cycle", "code"], name="scheme_code_unique_per_cycle"),
            models.CheckConstraint(condition=Q(total_points__gt=0), name="scheme_total_positive"),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_at__isnull=False), name="scheme_published_has_time"
            ),
            models.CheckConstraint(condition=Q(missing_data__in=MissingData.values), name="scheme_missing_data_known"),
            models.CheckConstraint(condition=Q(tie_rule__in=TieRule.values), name="scheme_tie_rule_known"),
        ]

    def __str__(self):
        return self.name

    @property
    def unit(self):
        """Access control reads a scheme as belonging to its assessing unit."""
        return self.assessing_unit

    @property
    def is_locked(self) -> bool:
        """Published, or its cycle already runs: changes then need the office admin and a reason."""
        return self.status == SchemeStatus.PUBLISHED or self.cycle.status != CycleStatus.PLANNING


class BlockKind(models.TextChoices):
    ITEMS = "items", _("按指标计分")
    EVALUATION = "evaluation", _("综合评议折算")


class SchemeBlock(models.Model):
    """A weighted part of a scheme (指标考核 60、重点工作 20、综合评议 20 …)."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="blocks", verbose_name="考核方案")
    code = models.CharField("板块编码", max_length=20)
    name = models.CharField("板块名称", max_length=60)
    weight = models.DecimalField("分值", **POINTS)
    kind = models.CharField("计分来源", max_length=12, choices=BlockKind.choices, default=BlockKind.ITEMS)
    sort_order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = "方案板块"
        verbose_name_plural = "方案板块"
        ordering = ["scheme", "sort_order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "code"], name="block_code_unique_per_scheme"),
            models.CheckConstraint(condition=Q(weight__gte=0), name="block_weight_not_negative"),
        ]

    def __str__(self):
        return f"{self.name}（{self.weight}分）"


class SchemeGroup(models.Model):
    """A peer group (org.Group of the scheme's cycle) assessed under a scheme."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="scheme_groups", verbose_name="考核方案")
    group = models.ForeignKey("org.Group", on_delete=models.PROTECT, related_name="scheme_links", verbose_name="考核组别")
    sort_order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = "方案组别"
        verbose_name_plural = "方案组别"
        ordering = ["scheme", "sort_order", "group__code"]
        constraints = [models.UniqueConstraint(fields=["scheme", "group"], name="scheme_group_unique")]

    def __str__(self):
        return str(self.group)


class NotApplicablePolicy(models.TextChoices):
    REDISTRIBUTE = "redistribute", _("分值按比例分配到同板块其他指标")
    DROP = "drop", _("不计分，满分相应减少")


class SchemeItemQuerySet(models.QuerySet):
    def for_table(self):
        """Everything the scheme table shows, in a fixed number of queries."""
        return self.select_related(
            "block", "group", "indicator", "version", "version__default_assessor", "assessor"
        ).order_by("block__sort_order", "group__sort_order", "group__code", "sort_order", "indicator__sort_order",
                   "indicator__code")


class SchemeItem(models.Model):
    """One line of a scheme: group × indicator (its version for the cycle) × points × rule (考核细则)."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="items", verbose_name="考核方案")
    block = models.ForeignKey(SchemeBlock, on_delete=models.PROTECT, related_name="items", verbose_name="板块")
    group = models.ForeignKey("org.Group", on_delete=models.PROTECT, related_name="scheme_items", verbose_name="考核组别")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="scheme_items", verbose_name="指标")
    version = models.ForeignKey(
        IndicatorVersion, on_delete=models.PROTECT, related_name="scheme_items", verbose_name="指标口径版本"
    )
    points = models.DecimalField("分值", **POINTS)
    rule = models.CharField("计分规则", max_length=30, choices=RULE_CHOICES)
    params = models.JSONField("计分参数", default=dict, blank=True)
    assessor = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="assessed_items",
        verbose_name="考核责任单位",
    )
    not_applicable_policy = models.CharField(
        "不适用时", max_length=14, choices=NotApplicablePolicy.choices, default=NotApplicablePolicy.REDISTRIBUTE
    )
    sort_order = models.PositiveIntegerField("排序", default=0)

    objects = SchemeItemQuerySet.as_manager()

    class Meta:
        verbose_name = "方案指标"
        verbose_name_plural = "方案指标"
        ordering = ["scheme", "block__sort_order", "group__code", "sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "group", "indicator"], name="item_indicator_once_per_group"),
            models.CheckConstraint(condition=Q(points__gte=0), name="item_points_not_negative"),
        ]

    def __str__(self):
        return f"{self.group.name} · {self.indicator.name}"


class AdjustmentKind(models.TextChoices):
    BONUS = "bonus", _("加分")
    DEDUCTION = "deduction", _("扣分")


class AdjustmentCategory(models.Model):
    """A bonus or deduction category of a scheme, with its cap (加减分项目)."""

    scheme = models.ForeignKey(
        Scheme, on_delete=models.CASCADE, related_name="adjustment_categories", verbose_name="考核方案"
    )
    code = models.CharField("编码", max_length=20)
    name = models.CharField("名称", max_length=80)
    kind = models.CharField("类型", max_length=10, choices=AdjustmentKind.choices)
    cap = models.DecimalField("上限分值", **POINTS)
    outside_total = models.BooleanField("不计入总分（单列）", default=False)
    sort_order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = "加减分项目"
        verbose_name_plural = "加减分项目"
        ordering = ["scheme", "kind", "sort_order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "code"], name="adjustment_category_code_unique"),
            models.CheckConstraint(condition=Q(cap__gt=0), name="adjustment_category_cap_positive"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}：{self.name}"


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("优秀")
    GOOD = "good", _("良好")
    AVERAGE = "average", _("一般")
    POOR = "poor", _("较差")


GRADE_ORDER = [Grade.EXCELLENT, Grade.GOOD, Grade.AVERAGE, Grade.POOR]


class VetoEffect(models.TextChoices):
    CAP_GRADE = "cap_grade", _("等次封顶")
    NO_AWARD = "no_award", _("取消评先评优资格")


class VetoCondition(models.Model):
    """A veto condition of a scheme (一票否决): caps the grade or removes award eligibility."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="vetoes", verbose_name="考核方案")
    code = models.CharField("编码", max_length=20)
    name = models.CharField("否决事项", max_length=120)
    effect = models.CharField("后果", max_length=10, choices=VetoEffect.choices)
    cap_grade = models.CharField("最高等次", max_length=10, choices=Grade.choices, blank=True)
    sort_order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = "一票否决事项"
        verbose_name_plural = "一票否决事项"
        ordering = ["scheme", "sort_order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "code"], name="veto_code_unique"),
            models.CheckConstraint(
                condition=Q(effect="no_award") | ~Q(cap_grade=""), name="veto_cap_grade_named"
            ),
        ]

    def __str__(self):
        return self.name


class GradeRule(models.Model):
    """A grade of a scheme with its minimum score and quota within a group (等次与比例)."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="grade_rules", verbose_name="考核方案")
    grade = models.CharField("等次", max_length=10, choices=Grade.choices)
    min_score = models.DecimalField("最低分", **POINTS)
    quota_percent = models.DecimalField("比例上限(%)", max_digits=5, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = "等次规则"
        verbose_name_plural = "等次规则"
        ordering = ["scheme", "-min_score"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "grade"], name="grade_rule_unique"),
            models.CheckConstraint(
                condition=Q(quota_percent__isnull=True) | Q(quota_percent__gte=0, quota_percent__lte=100),
                name="grade_quota_percent_range",
            ),
            models.CheckConstraint(condition=Q(min_score__gte=0), name="grade_min_score_not_negative"),
        ]

    def __str__(self):
        return f"{self.get_grade_display()} ≥ {self.min_score}"


class TargetSource(models.TextChoices):
    CITY_ASSIGNED = "city_assigned", _("市下达")
    DISTRICT_SET = "district_set", _("区定")


class TargetQuerySet(models.QuerySet):
    def for_table(self):
        return self.select_related("unit", "indicator", "cycle", "parent", "parent__unit")


class Target(models.Model):
    """The target of one unit for one indicator in one cycle (目标值), possibly a part of a parent target."""

    # No index of its own: the unique (cycle, unit, indicator) index serves every look-up by cycle.
    cycle = models.ForeignKey("org.Cycle", on_delete=models.PROTECT, related_name="targets", verbose_name="考核年度",
                              db_index=False)
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="targets", verbose_name="单位")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="targets", verbose_name="指标")
    target_value = models.DecimalField("目标值", null=True, blank=True, **AMOUNT)
    upper_value = models.DecimalField("区间上限", null=True, blank=True, **AMOUNT)
    target_text = models.CharField("目标描述", max_length=200, blank=True)
    baseline = models.DecimalField("基数（上年实际）", null=True, blank=True, **AMOUNT)
    actual = models.DecimalField(
        "年度实际值", null=True, blank=True, help_text="年末核定后回填，作为下一年度的基数", **AMOUNT
    )
    source = models.CharField("来源", max_length=14, choices=TargetSource.choices, default=TargetSource.DISTRICT_SET)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name="上级目标"
    )
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = TargetQuerySet.as_manager()

    class Meta:
        verbose_name = "目标值"
        verbose_name_plural = "目标值"
        ordering = ["cycle", "indicator__sort_order", "indicator__code", "unit__sort_order", "unit__code"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "unit", "indicator"], name="target_unique_per_unit_indicator"),
            models.CheckConstraint(
                condition=Q(upper_value__isnull=True) | Q(target_value__isnull=False, upper_value__gte=models.F("target_value")),
                name="target_interval_ordered",
            ),
            models.CheckConstraint(condition=~Q(parent=models.F("id")), name="target_not_own_parent"),
        ]

    def __str__(self):
        return f"{self.cycle.year} {self.unit.name} · {self.indicator.name}"

    def display_value(self) -> str:
        if self.upper_value is not None:
            return f"{_num(self.target_value)}～{_num(self.upper_value)}"
        if self.target_value is not None:
            return _num(self.target_value)
        return self.target_text


def _num(value) -> str:
    if value is None:
        return ""
    text = format(value.normalize(), "f")
    return text


PERIOD_CODES = ["Q1", "Q2", "Q3", "Q4", "H1", "H2"] + [f"M{m:02d}" for m in range(1, 13)]


class TargetMilestone(models.Model):
    """A period milestone of a target (节点目标): the value due by the end of a quarter, half or month."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="milestones", verbose_name="目标")
    period = models.CharField("期次", max_length=4, choices=[(c, c) for c in PERIOD_CODES])
    value = models.DecimalField("节点目标值", **AMOUNT)

    class Meta:
        verbose_name = "节点目标"
        verbose_name_plural = "节点目标"
        ordering = ["target", "period"]
        constraints = [models.UniqueConstraint(fields=["target", "period"], name="milestone_once_per_period")]

    def __str__(self):
        return f"{self.target} {self.period}"


class CyclePolicy(models.Model):
    """Per-cycle settings of the indicator system, such as the last day for target adjustment requests."""

    cycle = models.OneToOneField("org.Cycle", on_delete=models.PROTECT, related_name="indicator_policy")
    adjustment_deadline = models.DateField("目标调整申请截止日期")

    class Meta:
        verbose_name = "年度目标管理设置"
        verbose_name_plural = "年度目标管理设置"

    def __str__(self):
        return f"{self.cycle} 调整截止 {self.adjustment_deadline}"


def adjustment_deadline(cycle) -> datetime.date:
    """The last day units may ask to adjust a target: the cycle's setting, else 31 October of its year."""
    policy = CyclePolicy.objects.filter(cycle=cycle).first()
    return policy.adjustment_deadline if policy else datetime.date(cycle.year, 10, 31)


class AdjustmentStatus(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已同意")
    REFUSED = "refused", _("已驳回")


class TargetAdjustmentQuerySet(models.QuerySet):
    def for_table(self):
        return self.select_related("target", "target__unit", "target__indicator", "target__cycle",
                                   "requested_by", "decided_by")


class TargetAdjustment(models.Model):
    """A unit's request to change one of its targets, decided by the office (目标调整申请)."""

    target = models.ForeignKey(Target, on_delete=models.PROTECT, related_name="adjustments", verbose_name="目标")
    requested_value = models.DecimalField("申请调整为", **AMOUNT)
    previous_value = models.DecimalField("原目标值", null=True, blank=True, **AMOUNT)
    reason = models.TextField("申请理由")
    status = models.CharField("状态", max_length=10, choices=AdjustmentStatus.choices, default=AdjustmentStatus.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="申请人"
    )
    requested_at = models.DateTimeField("申请时间")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name="审批人",
    )
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)
    decision_reason = models.TextField("审批意见", blank=True)

    objects = TargetAdjustmentQuerySet.as_manager()

    class Meta:
        verbose_name = "目标调整申请"
        verbose_name_plural = "目标调整申请"
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["target"], condition=Q(status="pending"), name="adjustment_one_pending_per_target"
            ),
            models.CheckConstraint(
                condition=Q(status="pending") | Q(decided_at__isnull=False, decided_by__isnull=False),
                name="adjustment_decided_has_decider",
            ),
        ]

    def __str__(self):
        return f"{self.target} → {self.requested_value}"

    @property
    def unit(self):
        return self.target.unit
