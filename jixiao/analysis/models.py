"""What the analysis app keeps of its own: the office's pace thresholds (序时进度) per cycle, the data-quality
thresholds (数据质量预警) per cycle, the half-year analysis and quarterly key-project reports and
the improvement targets (绩效改进目标)."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from jixiao.analysis.report_quarter_content import QUARTERS
from jixiao.org.models import Cycle


class PaceRule(models.Model):
    """How completion against the share of the year elapsed sorts an item into 超进度 / 达进度 / 欠进度.

    With the defaults, an item is behind (欠进度) when its completion is below the elapsed share (11/12 after
    November), and ahead (超进度) from 1.1 times the elapsed share; 100 % complete is 已完成 whatever the date.
    """

    cycle = models.OneToOneField(Cycle, on_delete=models.CASCADE, related_name="pace_rule", verbose_name="考核年度")
    on_pace_ratio = models.DecimalField(
        "达进度下限", max_digits=4, decimal_places=2, default=Decimal("1.00"),
        validators=[MinValueValidator(Decimal("0.50")), MaxValueValidator(Decimal("1.00"))],
        help_text="完成率不低于序时进度的该倍数即为达进度；例如 0.95 表示允许落后序时进度 5%。")
    ahead_ratio = models.DecimalField(
        "超进度下限", max_digits=4, decimal_places=2, default=Decimal("1.10"),
        validators=[MinValueValidator(Decimal("1.00")), MaxValueValidator(Decimal("3.00"))],
        help_text="完成率达到序时进度的该倍数即为超进度。")
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "序时进度规则"
        verbose_name_plural = "序时进度规则"

    def __str__(self):
        return f"{self.cycle} 序时进度规则"


class ReportScope(models.TextChoices):
    DISTRICT = "district", "全区"
    UNIT = "unit", "单位"
    ALL_UNITS = "all_units", "全部单位"


class ReportKind(models.TextChoices):
    HALF = "half", "半年绩效状况分析报告"
    QUARTER = "quarter", "重点项目季度评价报告"


class ReportStatus(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "生成中"
    DRAFT = "draft", "草稿"
    ISSUED = "issued", "已印发"
    FAILED = "failed", "生成失败"


PENDING = [ReportStatus.QUEUED, ReportStatus.RUNNING]
# The phase of a finished report whose PDF is still being laid out (its .docx is already there to download).
PDF_PHASE = "排版 PDF"
# A PDF still "being laid out" after this long was lost with its worker: the page stops waiting for it.
PDF_PATIENCE = datetime.timedelta(minutes=10)


class AnalysisReport(models.Model):
    """An analysis report of the district, of one unit, or of all units as one zip: a half-year analysis report
    (半年绩效状况分析报告, `half` set) or a quarterly key-project evaluation report (重点项目季度评价报告, `quarter` set).

    `key` names what the report is about (kind, year, half or quarter, scope, unit) so that the database refuses a
    second pending job for the same report: a report requested twice at once runs once.
    """

    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="analysis_reports",
                              verbose_name="考核年度")
    kind = models.CharField("报告类型", max_length=8, choices=ReportKind.choices, default=ReportKind.HALF)
    half = models.PositiveSmallIntegerField("半年", choices=[(1, "上半年"), (2, "下半年")], null=True, blank=True)
    quarter = models.PositiveSmallIntegerField("季度", choices=list(QUARTERS.items()), null=True, blank=True)
    scope = models.CharField("范围", max_length=10, choices=ReportScope.choices)
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name="单位")
    key = models.CharField(max_length=60)
    status = models.CharField("状态", max_length=8, choices=ReportStatus.choices, default=ReportStatus.QUEUED)
    phase = models.CharField("阶段", max_length=40, blank=True)
    progress = models.PositiveSmallIntegerField("进度(%)", default=0)
    problems = models.TextField("存在问题", blank=True)
    suggestions = models.TextField("改进建议", blank=True)
    text_edited = models.BooleanField("问题与建议已修改", default=False)
    as_of = models.DateField("数据截至", null=True, blank=True)
    file = models.FileField(upload_to="analysis/reports/", blank=True)
    pdf = models.FileField("PDF 文件", upload_to="analysis/reports/", blank=True,
                           help_text="与 Word 文件内容相同的 PDF，供门户网站公开；服务器缺少 WeasyPrint 时为空。")
    error = models.CharField("失败原因", max_length=300, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField("申请时间")
    generated_at = models.DateTimeField("生成时间", null=True, blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+")
    issued_at = models.DateTimeField("印发时间", null=True, blank=True)

    class Meta:
        verbose_name = "绩效分析报告"
        verbose_name_plural = "绩效分析报告"
        constraints = [
            models.UniqueConstraint(fields=["key"], condition=models.Q(status__in=PENDING),
                                    name="analysis_report_one_pending_job"),
            models.CheckConstraint(
                condition=(models.Q(kind=ReportKind.HALF, half__isnull=False, quarter__isnull=True)
                           | models.Q(kind=ReportKind.QUARTER, quarter__isnull=False, half__isnull=True)),
                name="analysis_report_half_or_quarter"),
        ]

    def __str__(self):
        return self.title

    @property
    def subject(self) -> str:
        if self.scope == ReportScope.UNIT:
            return self.unit.name
        return "全区" if self.scope == ReportScope.DISTRICT else "各单位"

    @property
    def period(self) -> str:
        """上半年 or 第三季度."""
        return QUARTERS[self.quarter] if self.kind == ReportKind.QUARTER else self.get_half_display()

    @property
    def title(self) -> str:
        if self.kind == ReportKind.QUARTER:
            return f"{self.subject}{self.cycle.year}年{self.period}重点项目评价报告"
        return f"{self.subject}{self.cycle.year}年{self.get_half_display()}绩效状况分析报告"

    @property
    def pending(self) -> bool:
        return self.status in PENDING

    @property
    def pdf_pending(self) -> bool:
        """The .docx is made and its PDF is being laid out after it (report_actions.generate)."""
        return (not self.pending and not self.pdf and self.phase == PDF_PHASE and self.generated_at is not None
                and timezone.now() - self.generated_at < PDF_PATIENCE)


class QualityRule(models.Model):
    """The office's thresholds for data-quality flags (数据质量预警) in one cycle.

    A reported figure is flagged to its assessor when its modified z-score (Iglewicz & Hoaglin) against the unit's
    own history of the same period, or against its group, exceeds `threshold`; a test with fewer points than the
    minimum is not made, and says so.
    """

    cycle = models.OneToOneField(Cycle, on_delete=models.CASCADE, related_name="quality_rule",
                                 verbose_name="考核年度")
    threshold = models.DecimalField(
        "修正 z 值阈值", max_digits=4, decimal_places=1, default=Decimal("3.5"),
        validators=[MinValueValidator(Decimal("2.0")), MaxValueValidator(Decimal("10.0"))],
        help_text="修正 z 值的绝对值超过该值即预警；Iglewicz 与 Hoaglin 建议 3.5，调低则预警更多。")
    min_history = models.PositiveSmallIntegerField(
        "最少历史数据个数", default=3, validators=[MinValueValidator(3), MaxValueValidator(5)],
        help_text="本单位近 5 年同期已核定数值少于该个数时，不做历史比较。")
    min_peers = models.PositiveSmallIntegerField(
        "最少同组单位数", default=3, validators=[MinValueValidator(3), MaxValueValidator(50)],
        help_text="同组其他单位的本期数值少于该个数时，不做组内比较。")
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "数据质量预警规则"
        verbose_name_plural = "数据质量预警规则"

    def __str__(self):
        return f"{self.cycle} 数据质量预警规则"


class ImprovementMethod(models.TextChoices):
    QUARTILE = "quartile", "缩小与组内四分位的差距"
    BENCHMARK = "benchmark", "缩小与标杆单位的差距"
    BEST_YEAR = "best_year", "缩小与本单位最好年份的差距"


class ImprovementStatus(models.TextChoices):
    PROPOSED = "proposed", "待审定"
    APPROVED = "approved", "已批准，待转入下一年度"
    APPLIED = "applied", "已转入下一年度目标"


class ImprovementTarget(models.Model):
    """A unit's proposed target of next year for one indicator (绩效改进目标), from this cycle's figures.

    The target is for the year after `cycle`, from the figures of `data_year` (`cycle`'s own, or the latest complete
    year when `cycle` is still running). The office may adjust the
    proposal, then approves it; an approved target is written into the next cycle's targets (indicators.actions
    set_target) as soon as that cycle exists.
    """

    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="improvement_targets",
                              verbose_name="考核年度")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="improvement_targets",
                             verbose_name="单位")
    indicator = models.ForeignKey("indicators.Indicator", on_delete=models.PROTECT, related_name="improvement_targets",
                                  verbose_name="指标")
    data_year = models.PositiveSmallIntegerField("数据年度", help_text="测算所用数值的年度：本年度，或最近的完整年度")
    group = models.ForeignKey("org.Group", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                              verbose_name="比较组别")
    method = models.CharField("方法", max_length=12, choices=ImprovementMethod.choices)
    share = models.DecimalField("缩小差距比例（%）", max_digits=5, decimal_places=2,
                                validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal(100))])
    current = models.DecimalField("本年数值", max_digits=18, decimal_places=4, null=True, blank=True)
    reference = models.DecimalField("参照值", max_digits=18, decimal_places=4, null=True, blank=True)
    proposed = models.DecimalField("建议目标", max_digits=18, decimal_places=4, null=True, blank=True)
    adjusted = models.DecimalField("调整后目标", max_digits=18, decimal_places=4, null=True, blank=True)
    explanation = models.CharField("测算说明", max_length=300, blank=True)
    benchmark = models.CharField("标杆单位", max_length=200, blank=True)
    status = models.CharField("状态", max_length=10, choices=ImprovementStatus.choices,
                              default=ImprovementStatus.PROPOSED)
    proposed_at = models.DateTimeField("测算时间")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name="批准人")
    approved_at = models.DateTimeField("批准时间", null=True, blank=True)
    applied_at = models.DateTimeField("转入时间", null=True, blank=True)

    class Meta:
        verbose_name = "绩效改进目标"
        verbose_name_plural = "绩效改进目标"
        ordering = ["cycle", "indicator__sort_order", "indicator__code", "unit__sort_order", "unit__code"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "unit", "indicator"], name="improvement_unique_per_unit_indicator"),
            models.CheckConstraint(condition=models.Q(share__gt=0, share__lte=100), name="improvement_share_range"),
            models.CheckConstraint(
                condition=models.Q(status="proposed") | models.Q(approved_at__isnull=False, approved_by__isnull=False),
                name="improvement_approved_has_approver"),
        ]

    def __str__(self):
        return f"{self.cycle.year + 1}年 {self.unit.name} · {self.indicator.name} 改进目标"

    @property
    def target_year(self) -> int:
        return self.cycle.year + 1

    @property
    def final(self) -> Decimal | None:
        """The figure approved or to approve: the office's adjustment when there is one, else the proposal."""
        return self.adjusted if self.adjusted is not None else self.proposed
