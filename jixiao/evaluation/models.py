"""Comprehensive and public online evaluation (综合评议 · 公众网上评议).

A `Campaign` per cycle lets rater groups rate the evaluated departments on a few dimensions. Internal raters
(leaders, departments) log in and keep a `Ballot` until they submit; everyone else uses a single-use
`InvitationCode`. What is kept of a submission is an `Answer` with random id, the day only and no link to the
code, the user or the address (docs/decisions/0006-evaluation-integrity.md).
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jixiao.evaluation.scale import Scale, label
from jixiao.org.models import Cycle, Unit

COMMENT_MAX = 500  # characters of one comment


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("筹备中")
    OPEN = "open", _("评议中")
    CLOSED = "closed", _("已结束")


class Purpose(models.TextChoices):
    """What a campaign rates: departments' satisfaction, or a unit's leadership team or its cadres (民主测评)."""

    SATISFACTION = "satisfaction", _("满意度测评")
    TEAM = "team", _("班子民主测评")
    CADRE = "cadre", _("干部民主测评")


DEMOCRATIC_PURPOSES = frozenset({Purpose.TEAM, Purpose.CADRE})


class CampaignQuerySet(models.QuerySet):
    def satisfaction(self):
        """The satisfaction campaigns: the only ones the scoring engine and the public results read."""
        return self.filter(purpose=Purpose.SATISFACTION)


class Campaign(models.Model):
    """One evaluation campaign (评议活动) of an assessing unit in a cycle, for one purpose."""

    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="campaigns", verbose_name="考核年度")
    assessing_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name="考核主体")
    name = models.CharField("名称", max_length=80)
    purpose = models.CharField("测评类型", max_length=12, choices=Purpose.choices, default=Purpose.SATISFACTION)
    scale = models.CharField("评分方式", max_length=8, choices=Scale.choices, default=Scale.FIVE_LEVEL)
    status = models.CharField("状态", max_length=8, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT)
    opens_at = models.DateTimeField("开始时间")
    closes_at = models.DateTimeField("截止时间")
    contacts_keep_until = models.DateField("回访电话保留至", null=True, blank=True,
                                           help_text="申诉期结束后删除市民留下的回访电话")
    units = models.ManyToManyField(Unit, related_name="evaluation_campaigns", verbose_name="被评议单位")
    created_at = models.DateTimeField("创建时间", default=timezone.now)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = "评议活动"
        verbose_name_plural = "评议活动"
        ordering = ["-cycle__year", "id"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "assessing_unit", "purpose"], name="campaign_one_per_purpose"),
            models.CheckConstraint(condition=models.Q(closes_at__gt=models.F("opens_at")), name="campaign_dates_ordered"),
        ]

    def __str__(self):
        return self.name

    def accepts_answers(self, now=None) -> bool:
        """Open and inside its window: codes and ballots work only now."""
        now = now or timezone.now()
        return self.status == CampaignStatus.OPEN and self.opens_at <= now < self.closes_at

    @property
    def is_democratic(self) -> bool:
        """A 民主测评 of teams or cadres: rated per unit by code holders, tallied into cadres.DemocraticResult."""
        return self.purpose in DEMOCRATIC_PURPOSES

    @property
    def is_frozen(self) -> bool:
        """Once opened, dimensions, groups and units no longer change."""
        return self.status != CampaignStatus.DRAFT

    @property
    def is_open(self) -> bool:
        return self.status == CampaignStatus.OPEN

    @property
    def is_closed(self) -> bool:
        return self.status == CampaignStatus.CLOSED


class RaterKind(models.TextChoices):
    LEADER = "leader", _("区级领导")
    DEPARTMENT = "department", _("部门互评")
    PUBLIC = "public", _("群众代表")
    SERVICE = "service", _("服务对象")
    MEDIA = "media", _("新闻媒体")
    EXPERT = "expert", _("专家学者")
    THIRD_PARTY = "third_party", _("第三方机构")
    SUPERIOR = "superior", _("上级领导")  # 民主测评: the leaders above the unit
    STAFF = "staff", _("本单位干部职工")  # 民主测评: the unit's own cadres and staff


INTERNAL_KINDS = frozenset({RaterKind.LEADER, RaterKind.DEPARTMENT})
# Groups whose codes name one unit: service recipients rate the department that served them; in a 民主测评
# every group rates the team or the cadres of one unit only.
PER_UNIT_KINDS = frozenset({RaterKind.SERVICE, RaterKind.SUPERIOR, RaterKind.STAFF})


class RaterGroup(models.Model):
    """A rater group (评议主体) of a campaign with its weight in the satisfaction score."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="groups", verbose_name="评议活动")
    kind = models.CharField("类别", max_length=12, choices=RaterKind.choices)
    name = models.CharField("名称", max_length=40)
    weight = models.DecimalField("权重(%)", max_digits=5, decimal_places=2)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "评议主体"
        verbose_name_plural = "评议主体"
        ordering = ["campaign", "sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "kind"], name="rater_group_kind_unique"),
            models.CheckConstraint(condition=models.Q(weight__gte=0, weight__lte=100), name="rater_group_weight_range"),
        ]

    def __str__(self):
        return self.name

    @property
    def is_internal(self) -> bool:
        return self.kind in INTERNAL_KINDS

    @property
    def per_unit(self) -> bool:
        """Service recipients rate only the department that served them, 民主测评 raters only one unit's team
        or cadres: their codes name the unit."""
        return self.kind in PER_UNIT_KINDS


class Dimension(models.Model):
    """One thing raters judge (评议维度): 履职能力, 廉洁自律, 依法办事, 服务水平 …"""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="dimensions", verbose_name="评议活动")
    code = models.CharField("编码", max_length=20)
    name = models.CharField("名称", max_length=20)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "评议维度"
        verbose_name_plural = "评议维度"
        ordering = ["campaign", "sort_order", "id"]
        constraints = [models.UniqueConstraint(fields=["campaign", "code"], name="dimension_code_unique")]

    def __str__(self):
        return self.name


class QuestionnaireQuerySet(models.QuerySet):
    def current(self):
        """The newest version of each group's questionnaire."""
        newest = Questionnaire.objects.filter(rater_group=models.OuterRef("rater_group")).order_by("-version")
        return self.filter(pk=models.Subquery(newest.values("pk")[:1]))


class Questionnaire(models.Model):
    """The questions one rater group answers (问卷). Frozen once the campaign opens; edits make a new version."""

    rater_group = models.ForeignKey(RaterGroup, on_delete=models.PROTECT, related_name="questionnaires",
                                    verbose_name="评议主体")
    version = models.PositiveSmallIntegerField("版本", default=1)
    intro = models.TextField("说明", max_length=1000, blank=True)
    allow_comments = models.BooleanField("允许填写意见建议", default=True)
    frozen_at = models.DateTimeField("冻结时间", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", default=timezone.now)

    objects = QuestionnaireQuerySet.as_manager()

    class Meta:
        verbose_name = "问卷"
        verbose_name_plural = "问卷"
        ordering = ["rater_group", "-version"]
        constraints = [models.UniqueConstraint(fields=["rater_group", "version"], name="questionnaire_version_unique")]

    def __str__(self):
        return f"{self.rater_group.name}问卷 第{self.version}版"


class Question(models.Model):
    """One question of a questionnaire, asking about one dimension."""

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, related_name="questions")
    dimension = models.ForeignKey(Dimension, on_delete=models.PROTECT, related_name="questions", verbose_name="维度")
    text = models.CharField("题目", max_length=200)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "题目"
        verbose_name_plural = "题目"
        ordering = ["questionnaire", "sort_order", "id"]
        constraints = [models.UniqueConstraint(fields=["questionnaire", "dimension"], name="question_dimension_unique")]

    def __str__(self):
        return self.text


class CodeBatch(models.Model):
    """A batch of invitation codes handed out together (printed sheet + SMS list). Codes are never stored."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="code_batches")
    rater_group = models.ForeignKey(RaterGroup, on_delete=models.PROTECT, related_name="code_batches",
                                    verbose_name="评议主体")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name="服务单位")
    size = models.PositiveIntegerField("数量")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("生成时间", default=timezone.now)
    voided_at = models.DateTimeField("作废时间", null=True, blank=True)
    note = models.CharField("备注", max_length=100, blank=True)

    class Meta:
        verbose_name = "邀请码批次"
        verbose_name_plural = "邀请码批次"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        where = f" · {self.unit.label}" if self.unit_id else ""
        return f"{self.rater_group.name}{where} {self.size}个"


class InvitationCode(models.Model):
    """A single-use invitation code (邀请码), kept only as its SM3 digest."""

    batch = models.ForeignKey(CodeBatch, on_delete=models.PROTECT, related_name="codes")
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="codes")
    rater_group = models.ForeignKey(RaterGroup, on_delete=models.PROTECT, related_name="codes")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    digest = models.CharField("摘要", max_length=64, unique=True)
    # The day only: a time of use would let someone line a code up with an answer.
    used_on = models.DateField("使用日期", null=True, blank=True)
    voided = models.BooleanField("已作废", default=False)

    class Meta:
        verbose_name = "邀请码"
        verbose_name_plural = "邀请码"
        indexes = [models.Index(fields=["campaign", "rater_group", "unit"], name="code_scope_idx")]

    def __str__(self):
        return f"邀请码 {self.digest[:8]}…"


class Channel(models.TextChoices):
    INTERNAL = "internal", _("登录评议")
    CODE = "code", _("邀请码评议")


class Answer(models.Model):
    """One submitted questionnaire (答卷). Random id, the day only; no code, user or address."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="answers")
    rater_group = models.ForeignKey(RaterGroup, on_delete=models.PROTECT, related_name="answers")
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, related_name="answers")
    channel = models.CharField("渠道", max_length=8, choices=Channel.choices)
    submitted_on = models.DateField("提交日期")
    seconds = models.PositiveIntegerField("答题用时(秒)", null=True, blank=True)
    vector_digest = models.CharField("答案指纹", max_length=16, blank=True, db_index=True)
    excluded = models.BooleanField("已剔除", default=False)

    class Meta:
        verbose_name = "答卷"
        verbose_name_plural = "答卷"
        indexes = [models.Index(fields=["campaign", "rater_group", "submitted_on"], name="answer_campaign_idx")]

    def __str__(self):
        return f"答卷 {str(self.id)[:8]}"


class Rating(models.Model):
    """One score (0–100) an answer gives one department (or, in a 干部民主测评, one of its cadres) on one dimension."""

    # The biggest table: one composite index serves the aggregation, the unique constraint serves the answer;
    # single-column foreign-key indexes would only slow the inserts down.
    answer = models.ForeignKey(Answer, on_delete=models.PROTECT, related_name="ratings", db_index=False)
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="+", db_index=False)
    rater_group = models.ForeignKey(RaterGroup, on_delete=models.PROTECT, related_name="+", db_index=False)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", db_index=False)
    dimension = models.ForeignKey(Dimension, on_delete=models.PROTECT, related_name="+", db_index=False)
    # Only in a 干部民主测评 (docs/decisions/0014-cadres.md): the unit is then the cadre's unit.
    cadre = models.ForeignKey("org.Cadre", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                              db_index=False)
    value = models.PositiveSmallIntegerField("得分")

    class Meta:
        verbose_name = "评分"
        verbose_name_plural = "评分"
        constraints = [
            models.UniqueConstraint(fields=["answer", "unit", "dimension"], condition=models.Q(cadre__isnull=True),
                                    name="rating_once_per_cell"),
            models.UniqueConstraint(fields=["answer", "cadre", "dimension"], condition=models.Q(cadre__isnull=False),
                                    name="rating_once_per_cadre_cell"),
            models.CheckConstraint(condition=models.Q(value__lte=100), name="rating_value_range"),
        ]
        indexes = [models.Index(fields=["campaign", "unit", "rater_group"], name="rating_campaign_unit_idx")]

    def __str__(self):
        return f"{self.unit_id}/{self.dimension_id}: {self.value}"


class Comment(models.Model):
    """A rater's comment on one department, routed to that department (意见建议)."""

    answer = models.ForeignKey(Answer, on_delete=models.PROTECT, related_name="comments")
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    text = models.TextField("意见建议", max_length=COMMENT_MAX)

    class Meta:
        verbose_name = "意见建议"
        verbose_name_plural = "意见建议"
        constraints = [models.UniqueConstraint(fields=["answer", "unit"], name="comment_once_per_unit")]

    def __str__(self):
        return self.text[:30]


class FollowUpStatus(models.TextChoices):
    OPEN = "open", _("待跟进")
    CLOSED = "closed", _("已办结")


class FollowUp(models.Model):
    """A 不满意-or-worse rating that a department must follow up (read by stage 6's rectification)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="follow_ups")
    answer = models.ForeignKey(Answer, on_delete=models.PROTECT, related_name="follow_ups")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="evaluation_follow_ups")
    rater_group = models.ForeignKey(RaterGroup, on_delete=models.PROTECT, related_name="+")
    dimension = models.ForeignKey(Dimension, on_delete=models.PROTECT, related_name="+")
    value = models.PositiveSmallIntegerField("得分")
    comment = models.TextField("意见建议", blank=True)
    status = models.CharField("状态", max_length=8, choices=FollowUpStatus.choices, default=FollowUpStatus.OPEN)
    created_on = models.DateField("产生日期")

    class Meta:
        verbose_name = "评议跟进事项"
        verbose_name_plural = "评议跟进事项"
        ordering = ["campaign", "unit", "dimension", "created_on"]

    def __str__(self):
        return f"跟进事项 {self.unit_id} {self.value}"

    @property
    def value_label(self) -> str:
        return label(self.campaign.scale, self.value)


class Contact(models.Model):
    """A citizen's phone number for a follow-up call, SM4-GCM encrypted; only with explicit consent."""

    answer = models.OneToOneField(Answer, on_delete=models.PROTECT, related_name="contact")
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="contacts")
    phone_cipher = models.BinaryField("电话密文")
    phone_masked = models.CharField("电话(脱敏)", max_length=16)
    keep_until = models.DateField("保留至")

    class Meta:
        verbose_name = "回访联系方式"
        verbose_name_plural = "回访联系方式"

    def __str__(self):
        return self.phone_masked


class PhoneClaim(models.Model):
    """An HMAC key of a phone number that has answered in one scope: one answer per person, nothing more."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="+")
    scope = models.CharField(max_length=30)  # rater group and, for service recipients, the department
    key = models.CharField(max_length=64)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "scope", "key"], name="phone_once_per_scope")]

    def __str__(self):
        return f"{self.scope} {self.key[:8]}…"


class BallotStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")


class Ballot(models.Model):
    """An internal rater's matrix while they work on it. On submit the ratings move to an anonymous Answer."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="ballots")
    rater_group = models.ForeignKey(RaterGroup, on_delete=models.PROTECT, related_name="ballots")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    rater_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    data = models.JSONField("草稿", default=dict, blank=True)
    status = models.CharField("状态", max_length=10, choices=BallotStatus.choices, default=BallotStatus.DRAFT)
    # Cleared on submit, so the ballot says nothing about when the answer came in.
    saved_at = models.DateTimeField("保存时间", null=True, blank=True)

    class Meta:
        verbose_name = "评议表"
        verbose_name_plural = "评议表"
        constraints = [models.UniqueConstraint(fields=["campaign", "user"], name="ballot_one_per_user")]

    def __str__(self):
        return f"评议表 {self.user_id} · {self.get_status_display()}"

    @property
    def is_submitted(self) -> bool:
        return self.status == BallotStatus.SUBMITTED


class FlagKind(models.TextChoices):
    SPEEDER = "speeder", _("答题过快")
    STRAIGHT = "straight", _("全部同一选项")
    DUPLICATE = "duplicate", _("与他人答卷完全相同")
    BURST = "burst", _("短时间集中提交")
    SAME_SOURCE = "same_source", _("同一来源集中提交")


class FlagStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    KEPT = "kept", _("保留")
    EXCLUDED = "excluded", _("剔除")


class Flag(models.Model):
    """A reason to doubt an answer, waiting for the office's keep/exclude decision (never a silent delete)."""

    answer = models.ForeignKey(Answer, on_delete=models.PROTECT, related_name="flags")
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="flags")
    kind = models.CharField("疑点", max_length=12, choices=FlagKind.choices)
    detail = models.CharField("说明", max_length=200)
    created_on = models.DateField("标记日期")
    status = models.CharField("审核结果", max_length=10, choices=FlagStatus.choices, default=FlagStatus.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name="审核人")
    decided_at = models.DateTimeField("审核时间", null=True, blank=True)
    reason = models.CharField("审核理由", max_length=200, blank=True)

    class Meta:
        verbose_name = "疑点答卷"
        verbose_name_plural = "疑点答卷"
        ordering = ["campaign", "status", "answer", "kind"]
        indexes = [models.Index(fields=["campaign", "status"], name="flag_queue_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.get_status_display()}"


class Counter(models.Model):
    """A hit counter in a time window: rate limits and burst/same-source detection, across all workers."""

    key = models.CharField(max_length=80)
    window_start = models.DateTimeField()
    hits = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "window_start"], name="counter_window_unique")]
        indexes = [models.Index(fields=["window_start"], name="counter_window_idx")]

    def __str__(self):
        return f"{self.key} @ {self.window_start:%Y-%m-%d %H:%M}: {self.hits}"


class DailySalt(models.Model):
    """Today's random salt for hashing client addresses into buckets; deleted after two days."""

    day = models.DateField(unique=True)
    salt = models.CharField(max_length=64)

    def __str__(self):
        return f"salt of {self.day}"
