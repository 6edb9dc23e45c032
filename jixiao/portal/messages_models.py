"""互动交流: a resident's message (建议/咨询/投诉) to the office or a department, and its one public reply.

A message comes in as 新留言; the office routes it to a department (已转办) or answers it itself, or closes it with
a reason (已办结（不予受理）). The reply, written by the department's people or the office, waits for the office's
approval (待审核); approved, the message is 已答复 and, if the office chose to publish it, shown at /p/hudong/.
No name is asked; a contact phone is kept only as its HMAC key (as the evaluation keeps it), and the 查询码 only as
its hash, so neither can be read back from the database.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


class MessageKind(models.TextChoices):
    SUGGESTION = "suggestion", "建议"
    QUESTION = "question", "咨询"
    COMPLAINT = "complaint", "投诉"


class MessageStatus(models.TextChoices):
    NEW = "new", "新留言"
    ROUTED = "routed", "已转办"
    PENDING = "pending", "答复待审核"
    ANSWERED = "answered", "已答复"
    CLOSED = "closed", "已办结（不予受理）"


class CloseReason(models.TextChoices):
    DUPLICATE = "duplicate", "重复留言"
    EMPTY = "empty", "无实质内容"
    OUT_OF_SCOPE = "out_of_scope", "不属于受理范围"
    OTHER = "other", "其他"


TITLE_MAX, TEXT_MAX, REPLY_MAX = 60, 2000, 4000


class PublicMessage(models.Model):
    kind = models.CharField("类别", max_length=12, choices=MessageKind.choices)
    addressee = models.ForeignKey("org.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                  verbose_name="留言对象")  # None: the office
    title = models.CharField("标题", max_length=TITLE_MAX)
    text = models.TextField("内容", max_length=TEXT_MAX)
    phone_key = models.CharField("联系电话（HMAC）", max_length=64, blank=True)
    code_hash = models.CharField("查询码（哈希）", max_length=64, unique=True)
    received_at = models.DateTimeField("收到时间", default=timezone.now)
    status = models.CharField("状态", max_length=10, choices=MessageStatus.choices, default=MessageStatus.NEW)
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name="承办单位")  # None while new, or when the office answers itself
    close_reason = models.CharField("不予受理原因", max_length=14, choices=CloseReason.choices, blank=True)
    close_note = models.CharField("说明", max_length=200, blank=True)
    reply = models.TextField("答复", max_length=REPLY_MAX, blank=True)
    replied_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name="答复人")
    replied_at = models.DateTimeField("答复时间", null=True, blank=True)
    returned_reason = models.CharField("退回原因", max_length=200, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name="审核人")
    answered_at = models.DateTimeField("答复公开时间", null=True, blank=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    published = models.BooleanField("在门户公开", default=False)

    class Meta:
        verbose_name = "互动交流留言"
        verbose_name_plural = "互动交流留言"
        ordering = ["-received_at", "-id"]

    def __str__(self):
        return f"留言 {self.pk} {self.title}"

    @property
    def days_to_answer(self) -> int | None:
        """Calendar days from receipt to the approved reply (the same day counts 0)."""
        if self.answered_at is None:
            return None
        return (timezone.localdate(self.answered_at) - timezone.localdate(self.received_at)).days
