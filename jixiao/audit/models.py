import datetime
import json

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

GENESIS_HASH = "0" * 64


class Outcome(models.TextChoices):
    SUCCESS = "success", _("成功")
    FAILURE = "failure", _("失败")
    DENIED = "denied", _("拒绝")


class AppendOnlyError(Exception):
    """Raised when code tries to change or remove an audit row."""


class EventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("audit events are append-only")

    def delete(self):
        raise AppendOnlyError("audit events are append-only")

    def _raw_delete(self, using):
        raise AppendOnlyError("audit events are append-only")


class Event(models.Model):
    """One line of the append-only, hash-chained audit log (审计日志)."""

    at = models.DateTimeField("时间", db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, db_constraint=False, null=True, blank=True,
        related_name="+", verbose_name="用户",
    )
    username = models.CharField("用户名", max_length=150, blank=True, db_index=True)
    role = models.CharField("角色", max_length=20, blank=True)
    unit_code = models.CharField("单位编码", max_length=20, blank=True, db_index=True)
    code = models.CharField("事件", max_length=60, db_index=True)
    object_type = models.CharField("对象类型", max_length=60, blank=True)
    object_id = models.CharField("对象编号", max_length=40, blank=True)
    object_repr = models.CharField("对象", max_length=200, blank=True)
    outcome = models.CharField("结果", max_length=8, choices=Outcome.choices, default=Outcome.SUCCESS)
    ip = models.GenericIPAddressField("客户端IP", null=True, blank=True)
    request_id = models.CharField("请求编号", max_length=36, blank=True)
    before = models.JSONField("变更前", null=True, blank=True)
    after = models.JSONField("变更后", null=True, blank=True)
    # Which key of the ring (keys.py) signed the row: an id derived from the key, never the key itself.
    key_id = models.CharField("密钥编号", max_length=16, blank=True)
    # prev_hash is unique too: each row has exactly one successor, so the database itself refuses a fork.
    prev_hash = models.CharField("前一条哈希", max_length=64, unique=True)
    hash = models.CharField("哈希", max_length=64, unique=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = "审计事件"
        verbose_name_plural = "审计事件"
        ordering = ["-id"]
        # Django's internal deletes (cascades, related managers) use the base manager: make it ours.
        base_manager_name = "objects"
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_event_object_idx")]

    def __str__(self):
        return f"#{self.pk} {self.code}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("audit events are append-only")

    def canonical(self) -> str:
        """The fields the hash covers, as one canonical JSON text."""
        return canonical_text(**{name: getattr(self, name) for name in HASHED_FIELDS})

    def compute_hash(self, keys=None) -> str:
        """HMAC-SM3 of the row under the key it names; raises keys.UnknownKey when that key is not configured."""
        from jixiao.audit import keys as keyring

        return keyring.lookup(self.key_id, keys).sign(self.canonical())


# The columns canonical_text covers, in the order verify_chain reads them with values_list() (prev_hash last).
HASHED_FIELDS = (
    "at", "user_id", "username", "role", "unit_code", "code", "object_type", "object_id", "object_repr",
    "outcome", "ip", "request_id", "before", "after", "key_id", "prev_hash",
)
# The first, unkeyed version covered the same columns but the key id.
LEGACY_FIELDS = tuple(name for name in HASHED_FIELDS if name != "key_id")


def canonical_text(**fields) -> str:
    """Canonical JSON of an event's hashed fields; equal before saving and after reading back."""
    at = fields["at"]
    if at.tzinfo is not None:
        at = at.astimezone(datetime.UTC)
    body = {**fields, "at": at.isoformat(timespec="microseconds"), "outcome": str(fields["outcome"])}
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


class ChainHead(models.Model):
    """The single row that serialises writers of the audit chain and remembers its last hash."""

    last_hash = models.CharField(max_length=64, default=GENESIS_HASH)
    count = models.BigIntegerField(default=0)

    def __str__(self):
        return f"audit chain head ({self.count} events)"


class ChainCheck(models.Model):
    """One run of the chain verification (完整性校验), kept so the audit page can show the last result."""

    at = models.DateTimeField("校验时间", db_index=True)
    full = models.BooleanField("完整校验", default=True)
    intact = models.BooleanField("完整")
    checked = models.BigIntegerField("已校验条数")
    last_event_id = models.BigIntegerField("最后一条编号", null=True, blank=True)
    last_hash = models.CharField("最后一条哈希", max_length=64, blank=True)
    broken_event_id = models.BigIntegerField("首条异常编号", null=True, blank=True)
    problem = models.CharField("问题类型", max_length=20, blank=True)
    message = models.CharField("说明", max_length=300, blank=True)
    seconds = models.FloatField("耗时（秒）", default=0)

    class Meta:
        verbose_name = "审计日志完整性校验"
        verbose_name_plural = "审计日志完整性校验"
        ordering = ["-id"]

    def __str__(self):
        return f"chain check {self.at:%Y-%m-%d %H:%M} {'intact' if self.intact else 'broken'}"
