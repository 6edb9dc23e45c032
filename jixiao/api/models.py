"""The API's own records: tokens for other systems, exchange jobs (bulk imports with their idempotency key and
summary), tombstones of deleted values for delta exports, and the statistics bureau's code mapping."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class Scope(models.TextChoices):
    READ = "read", "读取"
    WRITE = "write", "写入"


class ApiTokenQuerySet(models.QuerySet):
    def usable(self, now=None):
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True, expires_at__gt=now)


class ApiToken(models.Model):
    """A token for a system, not a person (接口令牌): it acts as one membership of its user, within its scopes, its
    units' subtrees (none listed: all the membership sees) and until it expires or is revoked. Only the SHA-256 of
    the secret is stored; the secret is shown once when the token is made (`tokens.issue`)."""

    name = models.CharField("令牌名称", max_length=80)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_tokens",
                             verbose_name="所属账号")
    membership = models.ForeignKey("accounts.Membership", on_delete=models.PROTECT, related_name="api_tokens",
                                   verbose_name="代表的角色")
    scopes = models.CharField("权限范围", max_length=20, help_text="read、write，以逗号分隔")
    units = models.ManyToManyField("org.Unit", blank=True, related_name="+", verbose_name="限定单位（含下级）")
    prefix = models.CharField("令牌前缀", max_length=12, unique=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name="创建人")
    expires_at = models.DateTimeField("到期时间")
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name="吊销人")
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)
    # The rate limit's fixed window: its start (a minute, as epoch seconds // 60) and the requests counted in it.
    window = models.BigIntegerField(default=0)
    window_count = models.PositiveIntegerField(default=0)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = "接口令牌"
        verbose_name_plural = "接口令牌"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.name}（{self.prefix}…）"

    @property
    def scope_list(self) -> list[str]:
        return [s for s in self.scopes.split(",") if s]

    def allows(self, scope: str) -> bool:
        return scope in self.scope_list

    @property
    def state(self) -> str:
        if self.revoked_at is not None:
            return "已吊销"
        if self.expires_at <= timezone.now():
            return "已过期"
        return "有效"


class JobState(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "导入中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"


class ExchangeJob(models.Model):
    """One bulk import through the API (数据交换任务): its request (format, strategy, dry run), the idempotency key
    and the body's SHA-256 that make a replay return the first summary, the state of a background run and the
    import summary."""

    token = models.ForeignKey(ApiToken, on_delete=models.PROTECT, related_name="jobs", null=True, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    idempotency_key = models.CharField(max_length=200, blank=True)
    body_digest = models.CharField(max_length=64)
    content_type = models.CharField(max_length=20)
    strategy = models.CharField(max_length=20)
    dry_run = models.BooleanField(default=False)
    source = models.CharField("来源", max_length=20, default="api")
    state = models.CharField(max_length=10, choices=JobState.choices, default=JobState.QUEUED)
    payload = models.BinaryField(null=True, blank=True)  # kept only while a background run waits for it
    summary = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "数据交换任务"
        verbose_name_plural = "数据交换任务"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "idempotency_key"], condition=~models.Q(idempotency_key=""),
                                    name="exchange_job_one_per_key"),
        ]

    def __str__(self):
        return f"数据交换任务 {self.pk}（{self.get_state_display()}）"


class ValueTombstone(models.Model):
    """A value deleted through the exchange, kept so that a delta export (`updatedAfter`) can say it is gone."""

    cycle = models.ForeignKey("org.Cycle", on_delete=models.CASCADE, related_name="+")
    period_code = models.CharField(max_length=10)
    unit = models.ForeignKey("org.Unit", on_delete=models.CASCADE, related_name="+")
    indicator = models.ForeignKey("indicators.Indicator", on_delete=models.CASCADE, related_name="+")
    deleted_at = models.DateTimeField(default=timezone.now, db_index=True)
    deleted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["deleted_at", "id"]

    def __str__(self):
        return f"已删除数值 {self.unit_id}/{self.indicator_id}/{self.period_code}"


class StatsMapping(models.Model):
    """How one of the statistics bureau's codes maps onto our indicator (统计指标对照表), kept per indicator:
    the bureau's indicator code (e.g. A01030101), the factor that turns its unit into ours (万元 → 亿元: 0.0001)."""

    source = models.CharField("数据来源", max_length=20, default="nbs")
    source_code = models.CharField("来源指标编码", max_length=40)
    indicator = models.ForeignKey("indicators.Indicator", on_delete=models.CASCADE, related_name="stats_mappings",
                                  verbose_name="本平台指标")
    factor = models.DecimalField("换算系数", max_digits=20, decimal_places=10, default=1)
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "统计指标对照"
        verbose_name_plural = "统计指标对照"
        constraints = [models.UniqueConstraint(fields=["source", "source_code"], name="stats_mapping_one_code")]

    def __str__(self):
        return f"{self.source}:{self.source_code} → {self.indicator_id}"
