"""What the analysis app keeps of its own: the office's pace thresholds (序时进度) per cycle, the data-quality
thresholds (数据质量预警) per cycle and the half-year analysis reports."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

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


class ReportStatus(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "生成中"
    DRAFT = "draft", "草稿"
    ISSUED = "issued", "已印发"
    FAILED = "failed", "生成失败"


PENDING = [ReportStatus.QUEUED, ReportStatus.RUNNING]


class AnalysisReport(models.Model):
    """A half-year analysis report (半年绩效状况分析报告) of the district, of one unit, or of all units as one zip.

    `key` names what the report is about (year, half, scope, unit) so that the database refuses a second pending
    job for the same report: a report requested twice at once runs once.
    """

    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="analysis_reports",
                              verbose_name="考核年度")
    half = models.PositiveSmallIntegerField("半年", choices=[(1, "上半年"), (2, "下半年")])
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
    error = models.CharField("失败原因", max_length=300, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField("申请时间")
    generated_at = models.DateTimeField("生成时间", null=True, blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+")
    issued_at = models.DateTimeField("印发时间", null=True, blank=True)

    class Meta:
        verbose_name = "半年绩效状况分析报告"
        verbose_name_plural = "半年绩效状况分析报告"
        constraints = [models.UniqueConstraint(fields=["key"], condition=models.Q(status__in=PENDING),
                                               name="analysis_report_one_pending_job")]

    def __str__(self):
        return self.title

    @property
    def subject(self) -> str:
        if self.scope == ReportScope.UNIT:
            return self.unit.name
        return "全区" if self.scope == ReportScope.DISTRICT else "各单位"

    @property
    def title(self) -> str:
        return f"{self.subject}{self.cycle.year}年{self.get_half_display()}绩效状况分析报告"

    @property
    def pending(self) -> bool:
        return self.status in PENDING


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
