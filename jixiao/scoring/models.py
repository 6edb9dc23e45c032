"""Score runs and their immutable snapshots, the adjustment ledger, vetoes, appeals and calibrations (网上考核).

A `ScoreRun` is one computation of a whole scheme at one stage (初步结果 / 最终结果); its `ScoreResult` (per
unit) and `ScoreLine` (per unit × scheme item) rows are written once with bulk_create and never changed:
`save()` on an existing row and queryset `update()` are refused. Only the run's own workflow fields (status,
appeal deadline, publication) may change, through `scoring/actions.py`.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jixiao.indicators.models import POINTS, Grade
from jixiao.scoring.types import STATUS_LABELS

SCORE = {"max_digits": 9, "decimal_places": 2}


class ImmutableQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ValidationError("考核结果快照不可修改，请重新计算生成新的结果")


class ImmutableModel(models.Model):
    """Written once (bulk_create or save of a new row); updates are refused."""

    objects = ImmutableQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ValidationError("考核结果快照不可修改，请重新计算生成新的结果")
        super().save(*args, **kwargs)


# --- Inputs entered by the office ----------------------------------------------------------------------


class Adjustment(models.Model):
    """One entry of the bonus/deduction ledger (加减分台账); the sign comes from the category's kind."""

    cycle = models.ForeignKey("org.Cycle", on_delete=models.PROTECT, related_name="+", verbose_name="考核年度")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="score_adjustments",
                             verbose_name="单位")
    category = models.ForeignKey("indicators.AdjustmentCategory", on_delete=models.PROTECT, related_name="entries",
                                 verbose_name="加减分项目")
    points = models.DecimalField("分值", **POINTS)
    reason = models.CharField("事由", max_length=300)
    evidence_note = models.CharField("佐证说明", max_length=300, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name="录入人")
    entered_at = models.DateTimeField("录入时间")
    cancelled = models.BooleanField("已撤销", default=False)
    cancel_reason = models.CharField("撤销理由", max_length=300, blank=True)

    class Meta:
        verbose_name = "加减分记录"
        verbose_name_plural = "加减分记录"
        ordering = ["cycle", "unit", "category", "id"]
        constraints = [models.CheckConstraint(condition=Q(points__gt=0), name="score_adjustment_points_positive")]

    def __str__(self):
        return f"{self.unit} · {self.category.name} {self.points}"


class VetoFlag(models.Model):
    """A veto condition found true for a unit in a cycle (一票否决)."""

    cycle = models.ForeignKey("org.Cycle", on_delete=models.PROTECT, related_name="+", verbose_name="考核年度")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="veto_flags", verbose_name="单位")
    condition = models.ForeignKey("indicators.VetoCondition", on_delete=models.PROTECT, related_name="flags",
                                  verbose_name="否决事项")
    reason = models.CharField("事实和依据", max_length=300)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name="录入人")
    entered_at = models.DateTimeField("录入时间")

    class Meta:
        verbose_name = "一票否决记录"
        verbose_name_plural = "一票否决记录"
        ordering = ["cycle", "unit", "id"]
        constraints = [models.UniqueConstraint(fields=["unit", "condition"], name="veto_flag_once")]

    def __str__(self):
        return f"{self.unit} · {self.condition.name}"


class Calibration(models.Model):
    """A grade change decided by the assessment committee (等次校准), applied last by the engine."""

    scheme = models.ForeignKey("indicators.Scheme", on_delete=models.PROTECT, related_name="calibrations",
                               verbose_name="考核方案")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="单位")
    grade = models.CharField("校准后等次", max_length=10, choices=Grade.choices)
    reason = models.CharField("理由", max_length=300)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name="录入人")
    decided_at = models.DateTimeField("录入时间")

    class Meta:
        verbose_name = "等次校准"
        verbose_name_plural = "等次校准"
        ordering = ["scheme", "unit"]
        constraints = [models.UniqueConstraint(fields=["scheme", "unit"], name="calibration_once_per_unit")]

    def __str__(self):
        return f"{self.unit} → {self.get_grade_display()}"


# --- Runs and snapshots --------------------------------------------------------------------------------


class Stage(models.TextChoices):
    PRELIMINARY = "preliminary", _("初步结果")
    FINAL = "final", _("最终结果")


class RunStatus(models.TextChoices):
    COMPUTED = "computed", _("已计算")
    APPEAL = "appeal", _("反馈申诉中")
    CLOSED = "closed", _("申诉已截止")
    SUPERSEDED = "superseded", _("已被替代")
    PUBLISHED = "published", _("已发布")


WORKFLOW_FIELDS = {"status", "appeal_deadline", "published", "published_at", "published_by"}
# A run is released to the units it scores once the office opens its appeal window (反馈申诉期, later closed)
# or publishes it; before that only the office and leaders read it (accounts/access.py: visible_runs).
RELEASED_STATUSES = (RunStatus.APPEAL, RunStatus.CLOSED, RunStatus.PUBLISHED)


class ScoreRunQuerySet(models.QuerySet):
    def released(self):
        """Runs the office has released to the units: appeal window opened (or since closed), or published."""
        return self.filter(status__in=RELEASED_STATUSES)

    def published(self):
        return self.filter(published=True)


class ScoreRun(models.Model):
    """One computation of a whole scheme at one stage: an immutable snapshot with the digest of its inputs."""

    scheme = models.ForeignKey("indicators.Scheme", on_delete=models.PROTECT, related_name="score_runs",
                               verbose_name="考核方案")
    cycle = models.ForeignKey("org.Cycle", on_delete=models.PROTECT, related_name="score_runs",
                              verbose_name="考核年度")
    stage = models.CharField("阶段", max_length=12, choices=Stage.choices)
    digest = models.CharField("输入摘要", max_length=64)
    engine_version = models.CharField("引擎版本", max_length=10)
    warnings = models.JSONField("提示", default=list, blank=True)
    unit_count = models.PositiveIntegerField("单位数", default=0)
    created_at = models.DateTimeField("计算时间")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name="计算人")
    status = models.CharField("状态", max_length=12, choices=RunStatus.choices, default=RunStatus.COMPUTED)
    supersedes = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="superseded_by", verbose_name="替代")
    appeal_deadline = models.DateTimeField("申诉截止时间", null=True, blank=True)
    published = models.BooleanField("已发布", default=False)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name="发布人")

    objects = ScoreRunQuerySet.as_manager()

    class Meta:
        verbose_name = "考核计算批次"
        verbose_name_plural = "考核计算批次"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["scheme"], condition=Q(published=True), name="score_run_published_once"),
            models.CheckConstraint(condition=Q(published=False) | Q(stage="final"), name="score_run_publish_final"),
        ]

    def __str__(self):
        return f"{self.scheme.name} · {self.get_stage_display()}（{self.created_at:%Y-%m-%d %H:%M}）"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            fields = kwargs.get("update_fields")
            if fields is None or not set(fields) <= WORKFLOW_FIELDS:
                raise ValidationError("考核结果快照不可修改，请重新计算生成新的结果")
        super().save(*args, **kwargs)

    @property
    def label(self) -> str:
        return f"{self.get_stage_display()} #{self.pk}"

    @property
    def is_released(self) -> bool:
        """Whether the units may see this run (the same test as `ScoreRun.objects.released()`)."""
        return self.status in RELEASED_STATUSES


class ScoreResult(ImmutableModel):
    """A unit's result in a run: total, block scores, rank within its group, grade, vetoes, explanation."""

    run = models.ForeignKey(ScoreRun, on_delete=models.CASCADE, related_name="results", verbose_name="计算批次")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="score_results", verbose_name="单位")
    group = models.ForeignKey("org.Group", on_delete=models.PROTECT, related_name="+", verbose_name="考核组别")
    group_order = models.PositiveIntegerField("组别顺序", default=0)
    total = models.DecimalField("总分", **SCORE)
    block_total = models.DecimalField("板块得分合计", **SCORE)
    adjustment_total = models.DecimalField("加减分", **SCORE)
    outside_total = models.DecimalField("单列加分", **SCORE)
    blocks = models.JSONField("板块得分", default=list)
    adjustments = models.JSONField("加减分明细", default=list)
    rank = models.PositiveIntegerField("组内排名")
    group_size = models.PositiveIntegerField("组内单位数")
    threshold_grade = models.CharField("按分数等次", max_length=10, choices=Grade.choices)
    grade = models.CharField("等次", max_length=10, choices=Grade.choices)
    grade_steps = models.JSONField("定等过程", default=list)
    award_eligible = models.BooleanField("评先评优资格", default=True)
    vetoes = models.JSONField("一票否决", default=list)
    calibration = models.JSONField("校准", null=True, blank=True)
    lost_points = models.DecimalField("失分", **SCORE)
    explanation = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = "单位考核结果"
        verbose_name_plural = "单位考核结果"
        ordering = ["run", "group_order", "rank", "unit__code"]
        constraints = [models.UniqueConstraint(fields=["run", "unit"], name="score_result_once_per_run")]

    def __str__(self):
        return f"{self.unit} {self.total}"


class ScoreLine(ImmutableModel):
    """One scheme item of one unit in a run: points of its maximum, and how they were reached."""

    run = models.ForeignKey(ScoreRun, on_delete=models.CASCADE, related_name="lines", verbose_name="计算批次")
    result = models.ForeignKey(ScoreResult, on_delete=models.CASCADE, related_name="lines", verbose_name="单位结果")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="单位")
    item = models.ForeignKey("indicators.SchemeItem", on_delete=models.PROTECT, related_name="+",
                             verbose_name="方案指标")
    block = models.CharField("板块", max_length=20)
    indicator = models.CharField("指标编码", max_length=20)
    name = models.CharField("指标名称", max_length=100)
    rule = models.CharField("计分规则", max_length=30)
    status = models.CharField("状态", max_length=16)
    points = models.DecimalField("得分", **SCORE)
    max_points = models.DecimalField("满分", max_digits=12, decimal_places=6)
    base_points = models.DecimalField("方案分值", **SCORE)
    explanation = models.TextField("计分说明")

    class Meta:
        verbose_name = "指标得分"
        verbose_name_plural = "指标得分"
        ordering = ["result", "id"]
        constraints = [models.UniqueConstraint(fields=["run", "unit", "item"], name="score_line_once")]

    def __str__(self):
        return f"{self.unit} · {self.name} {self.points}"

    @property
    def lost(self):
        return self.max_points - self.points

    @property
    def status_label(self) -> str:
        """The line's status in Chinese (已计分, 缺报, 不适用, 尚未到报送期)."""
        return STATUS_LABELS.get(self.status, self.status)


# --- Appeals ------------------------------------------------------------------------------------------


class AppealStatus(models.TextChoices):
    PENDING = "pending", _("待处理")
    ACCEPTED = "accepted", _("已采纳")
    REJECTED = "rejected", _("不予采纳")


class Appeal(models.Model):
    """A unit's objection to its preliminary result (申诉), with evidence, decided by the office with a reason."""

    run = models.ForeignKey(ScoreRun, on_delete=models.PROTECT, related_name="appeals", verbose_name="计算批次")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="score_appeals", verbose_name="单位")
    item = models.ForeignKey("indicators.SchemeItem", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="+", verbose_name="涉及指标")
    reason = models.TextField("申诉理由")
    evidence = models.TextField("佐证说明")
    status = models.CharField("状态", max_length=10, choices=AppealStatus.choices, default=AppealStatus.PENDING)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                 verbose_name="申诉人")
    filed_at = models.DateTimeField("申诉时间")
    decision_reason = models.TextField("处理意见", blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name="处理人")
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)

    class Meta:
        verbose_name = "结果申诉"
        verbose_name_plural = "结果申诉"
        ordering = ["-filed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="pending") | (Q(decided_by__isnull=False) & ~Q(decision_reason="")),
                name="appeal_decided_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.unit} 对 {self.run} 的申诉"
