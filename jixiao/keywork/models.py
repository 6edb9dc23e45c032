"""Key work and major projects, their milestones and progress, supervision, directives and bulletins (督)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jixiao.keywork.periods import PERIOD_CHOICES, QUARTER_CHOICES

POINTS = {"max_digits": 7, "decimal_places": 2}


class TaskKind(models.TextChoices):
    KEY_WORK = "key_work", _("重点工作")
    MAJOR_PROJECT = "major_project", _("重大项目")


class TaskSource(models.TextChoices):
    FIVE_YEAR_PLAN = "five_year_plan", _("五年规划")
    PARTY_CONGRESS = "party_congress", _("党代会部署")
    LIVELIHOOD = "livelihood", _("民心工程")
    SOCIAL_MANAGEMENT = "social_management", _("社会管理")
    CITY_ASSIGNED = "city_assigned", _("市下达")
    GOVERNMENT_REPORT = "government_report", _("政府工作报告")
    OTHER = "other", _("其他")


class TaskStatus(models.TextChoices):
    """Derived, never stored by hand: see keywork/status.py."""

    ON_TRACK = "on_track", _("按进度推进")
    LAGGING = "lagging", _("滞后")
    STALLED = "stalled", _("停滞")
    DONE = "done", _("已完成")


STATUS_ORDER = [TaskStatus.DONE, TaskStatus.ON_TRACK, TaskStatus.LAGGING, TaskStatus.STALLED]


class KeyTaskQuerySet(models.QuerySet):
    def for_board(self):
        """Everything the board, the bulletin and the status need, in a fixed number of queries."""
        return (self.select_related("cycle", "lead_unit", "leader_cadre", "leader_user", "assessor_unit")
                .prefetch_related("cooperating_units", "milestones", "progress_reports")
                .order_by("code"))

    def involving(self, unit_ids):
        """Tasks a unit leads, cooperates on or assesses."""
        return self.filter(Q(lead_unit_id__in=unit_ids) | Q(cooperating_units__id__in=unit_ids)
                           | Q(assessor_unit_id__in=unit_ids)).distinct()


class KeyTask(models.Model):
    """A key work item or major project of one cycle (重点工作/重大项目), led by one unit."""

    cycle = models.ForeignKey("org.Cycle", on_delete=models.PROTECT, related_name="key_tasks", verbose_name="考核年度")
    code = models.CharField("编号", max_length=20)
    name = models.CharField("工作名称", max_length=120)
    kind = models.CharField("类型", max_length=14, choices=TaskKind.choices, default=TaskKind.KEY_WORK)
    source = models.CharField("任务来源", max_length=18, choices=TaskSource.choices)
    lead_unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="led_key_tasks",
                                  verbose_name="牵头单位")
    cooperating_units = models.ManyToManyField("org.Unit", related_name="cooperated_key_tasks", blank=True,
                                               verbose_name="配合单位")
    leader_cadre = models.ForeignKey("org.Cadre", on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="key_tasks", verbose_name="责任区领导")
    leader_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="led_key_tasks", verbose_name="责任区领导账号")
    annual_goal = models.TextField("年度目标")
    points = models.DecimalField("分值", default=0, **POINTS)
    scheme_block = models.ForeignKey("indicators.SchemeBlock", on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="key_tasks", verbose_name="方案板块（重点工作）")
    assessor_unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="assessed_key_tasks", verbose_name="考核责任单位")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    objects = KeyTaskQuerySet.as_manager()

    class Meta:
        verbose_name = "重点工作"
        verbose_name_plural = "重点工作"
        ordering = ["cycle", "code"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "code"], name="keytask_code_unique_per_cycle"),
            models.CheckConstraint(condition=Q(points__gte=0), name="keytask_points_not_negative"),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def unit(self):
        """Access control reads a task as belonging to its lead unit."""
        return self.lead_unit

    @property
    def leader_name(self) -> str:
        if self.leader_cadre_id:
            return self.leader_cadre.name
        return self.leader_user.display_name if self.leader_user_id else ""


class Milestone(models.Model):
    """A quarterly milestone of a task (节点目标): what must be reached by a date within the cycle."""

    task = models.ForeignKey(KeyTask, on_delete=models.CASCADE, related_name="milestones", verbose_name="重点工作")
    period_code = models.CharField("季度", max_length=2, choices=QUARTER_CHOICES)
    due_on = models.DateField("完成时限")
    description = models.CharField("节点目标", max_length=300)

    class Meta:
        verbose_name = "节点目标"
        verbose_name_plural = "节点目标"
        ordering = ["task", "period_code"]
        constraints = [models.UniqueConstraint(fields=["task", "period_code"], name="keywork_milestone_once")]

    def __str__(self):
        return f"{self.task.code} {self.period_code}"


class SubTask(models.Model):
    """The part of a task assigned to one cooperating unit (分解任务)."""

    task = models.ForeignKey(KeyTask, on_delete=models.CASCADE, related_name="sub_tasks", verbose_name="重点工作")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="key_sub_tasks", verbose_name="承担单位")
    content = models.CharField("分解任务", max_length=300)

    class Meta:
        verbose_name = "分解任务"
        verbose_name_plural = "分解任务"
        ordering = ["task", "id"]
        constraints = [models.UniqueConstraint(fields=["task", "unit"], name="keywork_subtask_once_per_unit")]

    def __str__(self):
        return f"{self.task.code} · {self.unit}"


class Progress(models.Model):
    """A unit's progress report on a task for one period (进展), against that period's milestone."""

    task = models.ForeignKey(KeyTask, on_delete=models.PROTECT, related_name="progress_reports",
                             verbose_name="重点工作")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="key_progress", verbose_name="报送单位")
    period_code = models.CharField("期次", max_length=2, choices=PERIOD_CHOICES)
    text = models.TextField("进展情况")
    percent = models.PositiveSmallIntegerField("完成进度(%)", default=0)
    milestone_met = models.BooleanField("本期节点目标已完成", default=False)
    problems = models.TextField("存在问题", blank=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name="报送人")
    reported_at = models.DateTimeField("报送时间")

    class Meta:
        verbose_name = "工作进展"
        verbose_name_plural = "工作进展"
        ordering = ["task", "period_code", "reported_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["task", "unit", "period_code"], name="keywork_progress_once"),
            models.CheckConstraint(condition=Q(percent__lte=100), name="keywork_progress_percent_range"),
        ]

    def __str__(self):
        return f"{self.task.code} {self.period_code} {self.unit}"

    @property
    def is_lead(self) -> bool:
        return self.unit_id == self.task.lead_unit_id


class Assessment(models.Model):
    """A quarterly or year-end score of a unit's work on a task (考核评分), by the assessor or the office."""

    task = models.ForeignKey(KeyTask, on_delete=models.PROTECT, related_name="assessments", verbose_name="重点工作")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="key_assessments",
                             verbose_name="被考核单位")
    period_code = models.CharField("期次", max_length=2, choices=PERIOD_CHOICES)
    score = models.DecimalField("得分", **POINTS)
    comment = models.TextField("评价意见")
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name="评分人")
    assessed_at = models.DateTimeField("评分时间")

    class Meta:
        verbose_name = "重点工作评分"
        verbose_name_plural = "重点工作评分"
        ordering = ["task", "period_code", "unit_id"]
        constraints = [
            models.UniqueConstraint(fields=["task", "unit", "period_code"], name="keywork_assessment_once"),
            models.CheckConstraint(condition=Q(score__gte=0), name="keywork_assessment_score_not_negative"),
        ]

    def __str__(self):
        return f"{self.task.code} {self.period_code} {self.score}"


class WarningLevel(models.IntegerChoices):
    WARNING = 1, _("预警")
    ESCALATED = 2, _("升级预警")


class Warning(models.Model):
    """A lagging or stalled task flagged at a period's end (预警); escalated when it persists."""

    task = models.ForeignKey(KeyTask, on_delete=models.PROTECT, related_name="warnings", verbose_name="重点工作")
    period_code = models.CharField("期次", max_length=2, choices=PERIOD_CHOICES)
    status = models.CharField("状态", max_length=12, choices=TaskStatus.choices)
    level = models.PositiveSmallIntegerField("级别", choices=WarningLevel.choices, default=WarningLevel.WARNING)
    streak = models.PositiveSmallIntegerField("连续滞后期数", default=1)
    created_at = models.DateTimeField("预警时间")

    class Meta:
        verbose_name = "预警"
        verbose_name_plural = "预警"
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["task", "period_code"], name="keywork_warning_once")]

    def __str__(self):
        return f"{self.task.code} {self.period_code} {self.get_level_display()}"

    @property
    def unit(self):
        return self.task.lead_unit


class SupervisionKind(models.TextChoices):
    ON_SITE = "on_site", _("现场督查")
    SPECIAL = "special", _("专项督查")
    JOINT = "joint", _("联合督查")
    EXTENDED = "extended", _("延伸督查")


class Rating(models.TextChoices):
    GOOD = "good", _("好")
    FAIR = "fair", _("较好")
    AVERAGE = "average", _("一般")
    POOR = "poor", _("差")


class Supervision(models.Model):
    """A supervision of a unit's work, of one of four kinds (督查), with findings and a rating."""

    cycle = models.ForeignKey("org.Cycle", on_delete=models.PROTECT, related_name="supervisions",
                              verbose_name="考核年度")
    kind = models.CharField("督查方式", max_length=10, choices=SupervisionKind.choices)
    task = models.ForeignKey(KeyTask, on_delete=models.PROTECT, null=True, blank=True, related_name="supervisions",
                             verbose_name="督查事项")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="supervisions",
                             verbose_name="被督查单位")
    done_on = models.DateField("督查日期")
    findings = models.TextField("发现问题与情况")
    rating = models.CharField("评价", max_length=8, choices=Rating.choices)
    supervisor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name="督查人")
    recorded_at = models.DateTimeField("记录时间")

    class Meta:
        verbose_name = "督查记录"
        verbose_name_plural = "督查记录"
        ordering = ["-done_on", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.unit} {self.done_on}"


class DirectiveStatus(models.TextChoices):
    ISSUED = "issued", _("待回复")
    REPLIED = "replied", _("已回复待审核")
    RETURNED = "returned", _("退回重办")
    CLOSED = "closed", _("已办结")


class DirectiveQuerySet(models.QuerySet):
    def for_table(self):
        return self.select_related("cycle", "unit", "task", "issued_by")


class Directive(models.Model):
    """An order to a unit to act by a deadline (督办单); closed when the supervisor accepts a reply."""

    cycle = models.ForeignKey("org.Cycle", on_delete=models.PROTECT, related_name="directives",
                              verbose_name="考核年度")
    number = models.CharField("督办单编号", max_length=30)
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="directives", verbose_name="承办单位")
    task = models.ForeignKey(KeyTask, on_delete=models.PROTECT, null=True, blank=True, related_name="directives",
                             verbose_name="督办事项")
    supervision = models.ForeignKey(Supervision, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="directives", verbose_name="源自督查")
    subject = models.CharField("督办事由", max_length=200)
    requirement = models.TextField("办理要求")
    deadline = models.DateField("办理时限")
    status = models.CharField("状态", max_length=10, choices=DirectiveStatus.choices, default=DirectiveStatus.ISSUED)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  verbose_name="签发人")
    issued_at = models.DateTimeField("签发时间")
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    late_replies = models.PositiveSmallIntegerField("逾期回复次数", default=0)

    objects = DirectiveQuerySet.as_manager()

    class Meta:
        verbose_name = "督办单"
        verbose_name_plural = "督办单"
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "number"], name="keywork_directive_number_unique"),
            models.CheckConstraint(condition=~Q(status="closed") | Q(closed_at__isnull=False),
                                   name="keywork_directive_closed_has_time"),
        ]

    def __str__(self):
        return f"{self.number} {self.subject}"

    @property
    def is_open(self) -> bool:
        return self.status != DirectiveStatus.CLOSED

    @property
    def awaits_reply(self) -> bool:
        return self.status in (DirectiveStatus.ISSUED, DirectiveStatus.RETURNED)


class ReplyDecision(models.TextChoices):
    PENDING = "pending", _("待审核")
    ACCEPTED = "accepted", _("通过")
    RETURNED = "returned", _("退回")


class DirectiveReply(models.Model):
    """A unit's reply to a directive (督办回复); the supervisor accepts it or sends it back."""

    directive = models.ForeignKey(Directive, on_delete=models.PROTECT, related_name="replies", verbose_name="督办单")
    text = models.TextField("办理情况")
    replied_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name="回复人")
    replied_at = models.DateTimeField("回复时间")
    is_late = models.BooleanField("逾期回复", default=False)
    decision = models.CharField("审核结果", max_length=10, choices=ReplyDecision.choices,
                                default=ReplyDecision.PENDING)
    decision_note = models.TextField("审核意见", blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name="审核人")
    decided_at = models.DateTimeField("审核时间", null=True, blank=True)

    class Meta:
        verbose_name = "督办回复"
        verbose_name_plural = "督办回复"
        ordering = ["directive", "replied_at", "id"]

    def __str__(self):
        return f"{self.directive.number} 回复 {self.replied_at:%Y-%m-%d}"

    @property
    def unit(self):
        return self.directive.unit


def evidence_path(instance, filename: str) -> str:
    return f"keywork/evidence/{instance.sha256[:2]}/{instance.sha256}.{instance.kind}"


class Evidence(models.Model):
    """A file attached to a progress report, a supervision or a directive reply (佐证材料), typed by content."""

    progress = models.ForeignKey(Progress, on_delete=models.PROTECT, null=True, blank=True, related_name="evidence")
    supervision = models.ForeignKey(Supervision, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="evidence")
    reply = models.ForeignKey(DirectiveReply, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="evidence")
    file = models.FileField("文件", upload_to=evidence_path)
    original_name = models.CharField("原文件名", max_length=200)
    kind = models.CharField("类型", max_length=8)
    size = models.PositiveIntegerField("大小")
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField("上传时间")

    class Meta:
        verbose_name = "佐证材料"
        verbose_name_plural = "佐证材料"
        ordering = ["uploaded_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(progress__isnull=False, supervision__isnull=True, reply__isnull=True)
                           | Q(progress__isnull=True, supervision__isnull=False, reply__isnull=True)
                           | Q(progress__isnull=True, supervision__isnull=True, reply__isnull=False)),
                name="keywork_evidence_one_owner",
            )
        ]

    def __str__(self):
        return self.original_name

    @property
    def owner(self):
        return self.progress or self.supervision or self.reply


class Bulletin(models.Model):
    """A published district-wide bulletin of key-work status for a period (通报), kept as issued."""

    cycle = models.ForeignKey("org.Cycle", on_delete=models.PROTECT, related_name="bulletins", verbose_name="考核年度")
    period_code = models.CharField("期次", max_length=2, choices=PERIOD_CHOICES)
    sequence = models.PositiveIntegerField("年度序号")
    doc_number = models.CharField("发文字号", max_length=40)
    title = models.CharField("标题", max_length=120)
    issued_on = models.DateField("成文日期")
    file = models.FileField("文件", upload_to="keywork/bulletins/")
    sha256 = models.CharField(max_length=64)
    counts = models.JSONField("各状态项数", default=dict)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name="发布人")
    published_at = models.DateTimeField("发布时间")

    class Meta:
        verbose_name = "通报"
        verbose_name_plural = "通报"
        ordering = ["-cycle__year", "-sequence"]
        constraints = [models.UniqueConstraint(fields=["cycle", "sequence"], name="keywork_bulletin_sequence_unique")]

    def __str__(self):
        return f"{self.doc_number} {self.title}"
