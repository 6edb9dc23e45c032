"""What the portal publishes (门户信息发布): items of six kinds, each a chain of revisions approved by a second person.

An `Article` is the stable identity (its id is in the public URL); every text the public can read is a
`Revision`. The public sees an article's last approved revision whose publication time has come: "published"
is computed from the clock in the query (`RevisionQuerySet.public`), so a scheduled item appears on time with no
job to run. A withdrawal (撤回) turns every approved revision of the article into a withdrawn one, so nothing of
it stays public until a new revision is approved. See docs/decisions/0013-portal-publishing.md.
"""

from django.conf import settings
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone


class Kind(models.TextChoices):
    NOTICE = "notice", "通知公告"
    NEWS = "news", "工作动态"
    POLICY = "policy", "政策文件"
    EXPLANATION = "explanation", "政策解读"
    RESULT = "result", "结果公告"
    RECTIFICATION = "rectification", "整改公告"


class Validity(models.TextChoices):
    IN_FORCE = "in_force", "有效"
    AMENDED = "amended", "已修订"
    REPEALED = "repealed", "已废止"


class RevisionStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    PENDING = "pending", "待审核"
    RETURNED = "returned", "已退回"
    APPROVED = "approved", "已批准"
    WITHDRAWN = "withdrawn", "已撤回"


OPEN = [RevisionStatus.DRAFT, RevisionStatus.PENDING, RevisionStatus.RETURNED]

# 主题分类: the top level of the State Council's topic classification of government documents (国务院公文主题分类).
TOPICS = [
    "综合政务", "国民经济管理、国有资产监管", "财政、金融、审计", "国土资源、能源", "农业、林业、水利", "工业、交通",
    "商贸、海关、旅游", "市场监管、安全生产监管", "城乡建设、环境保护", "科技、教育", "文化、广电、新闻出版",
    "卫生、体育", "人口与计划生育、妇女儿童工作", "劳动、人事、监察", "公安、安全、司法", "民政、扶贫、救灾",
    "民族、宗教", "对外事务", "港澳台侨工作", "国防", "其他",
]
TOPIC_CHOICES = [(t, t) for t in TOPICS]


class Article(models.Model):
    """One item of the portal (通知公告, 工作动态, 政策文件, 政策解读, 结果公告 or 整改公告) across its revisions."""

    kind = models.CharField("栏目", max_length=16, choices=Kind.choices)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name="起草人")
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    withdrawn_at = models.DateTimeField("撤回时间", null=True, blank=True)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name="撤回人")
    withdraw_reason = models.CharField("撤回原因", max_length=300, blank=True)

    class Meta:
        verbose_name = "门户信息"
        verbose_name_plural = "门户信息"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.pk}"


class RevisionQuerySet(models.QuerySet):
    def public(self, now=None):
        """The revisions the public reads: approved, their time come, and no later such revision of the article."""
        now = now or timezone.now()
        live = Q(status=RevisionStatus.APPROVED, publish_at__lte=now)
        later = Revision.objects.filter(live, article=OuterRef("article")).filter(
            Q(publish_at__gt=OuterRef("publish_at")) | Q(publish_at=OuterRef("publish_at"), pk__gt=OuterRef("pk")))
        return self.filter(live).filter(~Exists(later))

    def of_kind(self, kind):
        return self.filter(article__kind=kind)

    def newest_first(self):
        return self.order_by(F("article__created_at").desc(), "-article_id")


class Revision(models.Model):
    """One version of an article's text and metadata (版本); approved ones are kept as they were approved."""

    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="revisions", verbose_name="门户信息")
    number = models.PositiveIntegerField("版本号")
    status = models.CharField("状态", max_length=10, choices=RevisionStatus.choices, default=RevisionStatus.DRAFT)
    title = models.CharField("标题", max_length=120)
    summary = models.CharField("摘要", max_length=300, blank=True)
    body = models.TextField("正文", blank=True)
    # 政策文件 metadata (GLOSSARY: index number / issuing body / document number / topic / date written)
    index_number = models.CharField("索引号", max_length=60, blank=True)
    issuing_body = models.CharField("发布机构", max_length=80, blank=True)
    document_number = models.CharField("文号", max_length=60, blank=True)
    topic = models.CharField("主题分类", max_length=40, choices=TOPIC_CHOICES, blank=True)
    written_on = models.DateField("成文日期", null=True, blank=True)
    validity = models.CharField("有效性", max_length=10, choices=Validity.choices, blank=True)
    replaced_by = models.ForeignKey(Article, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                    verbose_name="替代文件")
    explains = models.ForeignKey(Article, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="explanation_revisions", verbose_name="解读的政策文件")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name="撰稿人")
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    updated_at = models.DateTimeField("修改时间", default=timezone.now)
    submitted_at = models.DateTimeField("提交审核时间", null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name="审核人")
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    return_reason = models.CharField("退回原因", max_length=300, blank=True)
    publish_at = models.DateTimeField("发布时间", null=True, blank=True)

    objects = RevisionQuerySet.as_manager()

    class Meta:
        verbose_name = "门户信息版本"
        verbose_name_plural = "门户信息版本"
        ordering = ["article_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="portal_revision_number_unique"),
            models.UniqueConstraint(fields=["article"], condition=Q(status__in=OPEN),
                                    name="portal_revision_one_open"),
            models.CheckConstraint(condition=~Q(status=RevisionStatus.APPROVED) | Q(publish_at__isnull=False),
                                   name="portal_revision_approved_has_time"),
        ]
        indexes = [models.Index(fields=["status", "publish_at"], name="portal_revision_live")]

    def __str__(self):
        return f"{self.title}（第 {self.number} 版）"

    @property
    def is_repealed(self) -> bool:
        return self.validity == Validity.REPEALED


def attachment_path(instance, filename: str) -> str:
    return f"portal/attachments/{instance.sha256[:2]}/{instance.sha256}.{instance.kind}"


class Attachment(models.Model):
    """A file attached to a revision (附件), typed by content like evidence; a new revision carries its rows over."""

    revision = models.ForeignKey(Revision, on_delete=models.CASCADE, related_name="attachments",
                                 verbose_name="版本")
    file = models.FileField("文件", upload_to=attachment_path)
    original_name = models.CharField("原文件名", max_length=200)
    kind = models.CharField("类型", max_length=8)
    size = models.PositiveIntegerField("大小")
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField("上传时间", default=timezone.now)

    class Meta:
        verbose_name = "附件"
        verbose_name_plural = "附件"
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.original_name


DUTIES_MAX = 4000  # characters of a unit's public duties text


class UnitProfile(models.Model):
    """What the portal says of a unit beyond its figures (部门绩效公开): its duties (部门职责), kept by the office."""

    unit = models.OneToOneField("org.Unit", on_delete=models.PROTECT, related_name="public_profile",
                                verbose_name="单位")
    duties = models.TextField("部门职责", max_length=DUTIES_MAX, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name="修改人")
    updated_at = models.DateTimeField("修改时间", default=timezone.now)

    class Meta:
        verbose_name = "部门公开信息"
        verbose_name_plural = "部门公开信息"

    def __str__(self):
        return f"部门公开信息 {self.unit}"


class PublicGeneration(models.Model):
    """The version of everything the portal shows (one row): raised after each change, it names the cached pages.

    Kept in the database so that every server process sees a change at once (jixiao/portal/cache.py)."""

    value = models.BigIntegerField("版本", default=0)

    class Meta:
        verbose_name = "门户公开内容版本"
        verbose_name_plural = "门户公开内容版本"

    def __str__(self):
        return f"门户公开内容版本 {self.value}"


from jixiao.portal.messages_models import PublicMessage  # noqa: E402, F401  互动交流 (messages_models.py)
