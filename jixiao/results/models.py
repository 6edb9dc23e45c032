"""Using the results (结果运用): rectification, cadre records, organisational talks, publication."""

import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RectificationSource(models.TextChoices):
    LOST_POINTS = "lost_points", _("考核失分")
    SUPERVISION = "supervision", _("督查发现")
    EVALUATION = "evaluation", _("评议意见")
    OTHER = "other", _("其他")


class RectificationStatus(models.TextChoices):
    OPEN = "open", _("待制定措施")
    IN_PROGRESS = "in_progress", _("整改中")
    REPORTED = "reported", _("待核验")
    CLOSED = "closed", _("已销号")


class RectificationQuerySet(models.QuerySet):
    def for_units(self, units):
        return self.filter(unit__in=units)

    def unfinished(self):
        return self.exclude(status=RectificationStatus.CLOSED)

    def overdue(self, day: datetime.date):
        """Unfinished items whose deadline (the unit's own, else the office's) has passed."""
        return self.unfinished().filter(
            models.Q(unit_deadline__lt=day) | models.Q(unit_deadline__isnull=True, deadline__lt=day))

    def disclosed(self):
        return self.filter(disclose=True)


class Rectification(models.Model):
    """A problem a unit must put right (整改事项), from lost points, a supervision or an evaluation comment."""

    cycle = models.ForeignKey("org.Cycle", on_delete=models.PROTECT, related_name="rectifications",
                              verbose_name="考核年度")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="rectifications",
                             verbose_name="整改单位")
    source = models.CharField("来源", max_length=12, choices=RectificationSource.choices)
    reference = models.CharField("来源依据", max_length=120, blank=True,
                                 help_text="来源记录的标识，如 ScoreLine:12、Supervision:3、FollowUp:8")
    problem = models.TextField("问题")
    deadline = models.DateField("整改时限")
    measures = models.TextField("整改措施", blank=True)
    unit_deadline = models.DateField("承诺完成日期", null=True, blank=True)
    status = models.CharField("状态", max_length=12, choices=RectificationStatus.choices,
                              default=RectificationStatus.OPEN)
    disclose = models.BooleanField("向社会公开", default=False)
    return_reason = models.CharField("退回原因", max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name="交办人")
    created_at = models.DateTimeField("交办时间")
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name="销号人")
    closed_at = models.DateTimeField("销号时间", null=True, blank=True)

    objects = RectificationQuerySet.as_manager()

    class Meta:
        verbose_name = "整改事项"
        verbose_name_plural = "整改事项"
        ordering = ["deadline", "id"]
        constraints = [
            models.UniqueConstraint(fields=["source", "reference"], condition=~models.Q(reference=""),
                                    name="rectification_once_per_source"),
        ]

    def __str__(self):
        return f"整改 {self.unit} {self.problem[:20]}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("results:rectification_detail", args=[self.pk])

    @property
    def due_on(self) -> datetime.date:
        return self.unit_deadline or self.deadline

    def is_overdue(self, day: datetime.date) -> bool:
        return self.status != RectificationStatus.CLOSED and self.due_on < day


class RectificationReport(models.Model):
    """A unit's progress report on a rectification, with one optional evidence file (整改进展)."""

    rectification = models.ForeignKey(Rectification, on_delete=models.PROTECT, related_name="reports",
                                      verbose_name="整改事项")
    text = models.TextField("进展情况")
    completed = models.BooleanField("已完成整改，申请销号", default=False)
    file = models.FileField("佐证材料", upload_to="results/rectification/%Y/", blank=True)
    original_name = models.CharField("原文件名", max_length=200, blank=True)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name="报告人")
    reported_at = models.DateTimeField("报告时间")

    class Meta:
        verbose_name = "整改进展"
        verbose_name_plural = "整改进展"
        ordering = ["reported_at", "id"]

    def __str__(self):
        return f"整改进展 {self.rectification_id}"

    @property
    def unit(self):
        return self.rectification.unit


class RatingVerdict(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASIC = "basic", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")


class RectificationRating(models.Model):
    """A resident's re-rating of a completed, disclosed rectification (整改满意度复评), anonymous.

    The comment is shown on the portal only once the office approves it (`comment_approved`)."""

    rectification = models.ForeignKey(Rectification, on_delete=models.PROTECT, related_name="ratings",
                                      verbose_name="整改事项")
    verdict = models.CharField("评价", max_length=12, choices=RatingVerdict.choices)
    comment = models.CharField("意见", max_length=300, blank=True)
    comment_approved = models.BooleanField("意见已审核公开", default=False)
    created_at = models.DateTimeField("评价时间")

    class Meta:
        verbose_name = "整改满意度复评"
        verbose_name_plural = "整改满意度复评"
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"整改复评 {self.rectification_id} {self.get_verdict_display()}"


class CadreRecord(models.Model):
    """One cycle's entry in a cadre's performance archive (实绩档案): the unit's result as it stood."""

    cycle = models.ForeignKey("org.Cycle", on_delete=models.PROTECT, related_name="cadre_records",
                              verbose_name="考核年度")
    cadre = models.ForeignKey("org.Cadre", on_delete=models.PROTECT, related_name="records", verbose_name="干部")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="cadre_records", verbose_name="单位")
    post = models.CharField("岗位类别", max_length=8)
    title = models.CharField("职务", max_length=60)
    group_name = models.CharField("考核组别", max_length=60, blank=True)
    total = models.DecimalField("单位得分", max_digits=8, decimal_places=2, null=True, blank=True)
    rank = models.PositiveIntegerField("组内名次", null=True, blank=True)
    group_size = models.PositiveIntegerField("组内单位数", null=True, blank=True)
    grade = models.CharField("单位等次", max_length=12, blank=True)
    notes = models.TextField("备注", blank=True)
    recorded_at = models.DateTimeField("记录时间")

    class Meta:
        verbose_name = "干部实绩档案"
        verbose_name_plural = "干部实绩档案"
        ordering = ["cadre", "-cycle__year"]
        constraints = [models.UniqueConstraint(fields=["cycle", "cadre"], name="cadre_record_once_per_cycle")]

    def __str__(self):
        return f"{self.cadre.name} {self.cycle.year}"

    @property
    def grade_label(self) -> str:
        from jixiao.scoring.types import GRADE_LABELS

        return GRADE_LABELS.get(self.grade, self.grade)


class Talk(models.Model):
    """An organisational talk (组织谈话) with the main leader of a unit graded 一般 or worse."""

    record = models.OneToOneField(CadreRecord, on_delete=models.PROTECT, related_name="talk",
                                  verbose_name="实绩档案")
    held_on = models.DateField("谈话日期")
    held_by = models.CharField("谈话人", max_length=60)
    summary = models.TextField("谈话要点")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name="记录人")
    recorded_at = models.DateTimeField("记录时间")

    class Meta:
        verbose_name = "组织谈话"
        verbose_name_plural = "组织谈话"

    def __str__(self):
        return f"组织谈话 {self.record}"


class Commendation(models.Model):
    """A unit commended for a cycle (表彰): graded 优秀 and still eligible for awards in a published run."""

    cycle = models.ForeignKey("org.Cycle", on_delete=models.PROTECT, related_name="commendations",
                              verbose_name="考核年度")
    run = models.ForeignKey("scoring.ScoreRun", on_delete=models.PROTECT, related_name="commendations",
                            verbose_name="计算批次")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="commendations", verbose_name="单位")
    group_name = models.CharField("考核组别", max_length=60)
    total = models.DecimalField("得分", max_digits=8, decimal_places=2)
    rank = models.PositiveIntegerField("组内名次")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name="确定人")
    created_at = models.DateTimeField("确定时间")

    class Meta:
        verbose_name = "表彰单位"
        verbose_name_plural = "表彰单位"
        ordering = ["cycle", "group_name", "rank"]
        constraints = [models.UniqueConstraint(fields=["cycle", "unit"], name="commendation_once_per_cycle")]

    def __str__(self):
        return f"{self.cycle.year} {self.unit}"


# --- Committee sign-off (考核委员会审定) -------------------------------------------------------------------


class ReviewStatus(models.TextChoices):
    PENDING = "pending", _("待审定")
    APPROVED = "approved", _("审定通过")
    RETURNED = "returned", _("退回修改")


class VoteVerdict(models.TextChoices):
    APPROVE = "approve", _("同意")
    OBJECT = "object", _("有异议")


class DecisionOutcome(models.TextChoices):
    APPROVED = "approved", _("通过")
    RETURNED = "returned", _("退回修改")


class CommitteeReview(models.Model):
    """A final run submitted to the assessment committee before publication (提请审定), with its members."""

    run = models.ForeignKey("scoring.ScoreRun", on_delete=models.PROTECT, related_name="committee_reviews",
                            verbose_name="计算批次")
    cycle = models.ForeignKey("org.Cycle", on_delete=models.PROTECT, related_name="committee_reviews",
                              verbose_name="考核年度")
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="committee_reviews",
                                     verbose_name="委员会成员")
    note = models.TextField("提请说明", blank=True)
    status = models.CharField("状态", max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.PENDING)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name="提请人")
    submitted_at = models.DateTimeField("提请时间")

    class Meta:
        verbose_name = "考核委员会审定"
        verbose_name_plural = "考核委员会审定"
        ordering = ["-submitted_at", "-id"]
        constraints = [
            # A run is before the committee once at a time: a returned review may be followed by a new one.
            models.UniqueConstraint(fields=["run"], condition=~models.Q(status="returned"),
                                    name="committee_review_open_once_per_run"),
        ]

    def __str__(self):
        return f"审定 {self.run}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("results:committee_detail", args=[self.pk])


class CommitteeVote(models.Model):
    """One member's opinion on a review (委员意见): 同意, or 有异议 with a reason; changeable until the decision."""

    review = models.ForeignKey(CommitteeReview, on_delete=models.PROTECT, related_name="votes",
                               verbose_name="审定")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                               verbose_name="委员")
    verdict = models.CharField("意见", max_length=8, choices=VoteVerdict.choices)
    reason = models.TextField("异议理由", blank=True)
    voted_at = models.DateTimeField("表态时间")

    class Meta:
        verbose_name = "委员意见"
        verbose_name_plural = "委员意见"
        ordering = ["review", "voted_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["review", "member"], name="committee_vote_once_per_member"),
            models.CheckConstraint(condition=models.Q(verdict="approve") | ~models.Q(reason=""),
                                   name="committee_objection_has_reason"),
        ]

    def __str__(self):
        return f"{self.member} {self.get_verdict_display()}"


class CommitteeDecision(models.Model):
    """The meeting's decision on a review, recorded by the office (审定决定), with the minutes (会议纪要)."""

    review = models.OneToOneField(CommitteeReview, on_delete=models.PROTECT, related_name="decision",
                                  verbose_name="审定")
    meeting_date = models.DateField("会议日期")
    outcome = models.CharField("决定", max_length=10, choices=DecisionOutcome.choices)
    notes = models.TextField("决定事项", blank=True)
    minutes = models.FileField("会议纪要", upload_to="results/committee/%Y/")
    original_name = models.CharField("原文件名", max_length=200)
    sha256 = models.CharField("SHA-256", max_length=64)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name="录入人")
    recorded_at = models.DateTimeField("录入时间")

    class Meta:
        verbose_name = "审定决定"
        verbose_name_plural = "审定决定"
        ordering = ["-meeting_date", "-id"]

    def __str__(self):
        return f"{self.review} {self.get_outcome_display()}"
