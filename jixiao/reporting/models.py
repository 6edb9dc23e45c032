"""Reporting periods, submissions, values, evidence and their revisions (网上报件 · 网上审核)."""

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jixiao.indicators.models import AMOUNT, Frequency

PeriodKind = Frequency  # a period is a month, quarter, half or year, like the indicators' frequencies

CODES_BY_KIND = {
    Frequency.MONTH: [f"M{m:02d}" for m in range(1, 13)],
    Frequency.QUARTER: ["Q1", "Q2", "Q3", "Q4"],
    Frequency.HALF: ["H1", "H2"],
    Frequency.YEAR: ["Y"],
}
KIND_OF_CODE = {code: kind for kind, codes in CODES_BY_KIND.items() for code in codes}
CODE_LABELS = {**{f"M{m:02d}": f"{m}月" for m in range(1, 13)},
               "Q1": "一季度", "Q2": "二季度", "Q3": "三季度", "Q4": "四季度", "H1": "上半年", "H2": "下半年",
               "Y": "全年"}


def period_bounds(year: int, code: str) -> tuple[datetime.date, datetime.date]:
    """First and last day covered by a period code of a year."""
    if code == "Y":
        first_month, months = 1, 12
    elif code.startswith("M"):
        first_month, months = int(code[1:]), 1
    elif code.startswith("Q"):
        first_month, months = (int(code[1]) - 1) * 3 + 1, 3
    elif code.startswith("H"):
        first_month, months = (int(code[1]) - 1) * 6 + 1, 6
    else:
        raise ValueError(f"unknown period code {code!r}")
    last_month = first_month + months - 1
    end = (datetime.date(year + 1, 1, 1) if last_month == 12 else datetime.date(year, last_month + 1, 1))
    return datetime.date(year, first_month, 1), end - datetime.timedelta(days=1)


class PeriodQuerySet(models.QuerySet):
    def ordered(self):
        return self.order_by("cycle__year", "ends_on", "kind", "code")


class Period(models.Model):
    """A reporting window of a cycle (报送期): what it covers, when it opens, its deadline and grace."""

    cycle = models.ForeignKey("org.Cycle", on_delete=models.PROTECT, related_name="periods", verbose_name="考核年度")
    code = models.CharField("期次", max_length=4)
    kind = models.CharField("类型", max_length=8, choices=Frequency.choices)
    starts_on = models.DateField("起始日期")
    ends_on = models.DateField("截至日期")
    opens_on = models.DateField("开放填报日期")
    deadline = models.DateField("报送截止日期")
    grace_days = models.PositiveSmallIntegerField("宽限天数", default=3)
    verify_deadline = models.DateField("核定截止日期", help_text="此日之后已核定的报件自动锁定")

    objects = PeriodQuerySet.as_manager()

    class Meta:
        verbose_name = "报送期"
        verbose_name_plural = "报送期"
        ordering = ["cycle__year", "ends_on", "kind", "code"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "code"], name="period_code_unique_per_cycle"),
            models.CheckConstraint(condition=Q(deadline__gte=models.F("opens_on")), name="period_deadline_after_open"),
            models.CheckConstraint(condition=Q(verify_deadline__gte=models.F("deadline")),
                                   name="period_verify_after_deadline"),
        ]

    def __str__(self):
        return f"{self.cycle.year}年{self.label}"

    @property
    def label(self) -> str:
        return CODE_LABELS.get(self.code, self.code)

    def late_after(self, deadline: datetime.date | None = None) -> datetime.date:
        """The last day a submission still counts as on time: the deadline plus the grace days."""
        return (deadline or self.deadline) + datetime.timedelta(days=self.grace_days)


class DeadlineException(models.Model):
    """A later deadline granted by the office to one unit for one period, with the reason (延期)."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="exceptions", verbose_name="报送期")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="单位")
    deadline = models.DateField("延至")
    reason = models.CharField("理由", max_length=300)
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name="批准人")
    granted_at = models.DateTimeField("批准时间")

    class Meta:
        verbose_name = "延期报送"
        verbose_name_plural = "延期报送"
        constraints = [models.UniqueConstraint(fields=["period", "unit"], name="exception_once_per_unit")]

    def __str__(self):
        return f"{self.period} {self.unit} 延至 {self.deadline}"


class Status(models.TextChoices):
    DRAFT = "draft", _("填报中")
    RETURNED = "returned", _("已退回")
    SUBMITTED = "submitted", _("待审核")
    APPROVED = "approved", _("待核定")
    VERIFIED = "verified", _("已核定")
    LOCKED = "locked", _("已锁定")


EDITABLE = {Status.DRAFT, Status.RETURNED}
DONE = {Status.VERIFIED, Status.LOCKED}


class SubmissionQuerySet(models.QuerySet):
    def for_period(self, period):
        return self.filter(period=period).select_related("unit")


class Submission(models.Model):
    """A unit's data for one period (报件): its values move together through review and verification."""

    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="submissions", verbose_name="报送期")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="submissions", verbose_name="单位")
    # The cycle again: the natural partition key of the big reporting tables (DESIGN.md §3).
    cycle = models.ForeignKey("org.Cycle", on_delete=models.PROTECT, related_name="+", verbose_name="考核年度")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.DRAFT)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name="报送人")
    submitted_at = models.DateTimeField("报送时间", null=True, blank=True)
    first_submitted_at = models.DateTimeField("首次报送时间", null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name="审核人")
    approved_at = models.DateTimeField("审核时间", null=True, blank=True)
    verified_at = models.DateTimeField("核定时间", null=True, blank=True)
    locked_at = models.DateTimeField("锁定时间", null=True, blank=True)
    return_reason = models.TextField("退回理由", blank=True)
    returned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name="退回人")
    returned_at = models.DateTimeField("退回时间", null=True, blank=True)
    returns = models.PositiveSmallIntegerField("退回次数", default=0)
    # Set when the office unlocks the submission: it may then be edited after the period closed.
    reopened = models.BooleanField("已解锁", default=False)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        verbose_name = "报件"
        verbose_name_plural = "报件"
        ordering = ["period__ends_on", "unit__sort_order", "unit__code"]
        constraints = [models.UniqueConstraint(fields=["period", "unit"], name="submission_once_per_period")]
        indexes = [models.Index(fields=["cycle", "unit"], name="submission_cycle_unit")]

    def __str__(self):
        return f"{self.unit} · {self.period}"

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE


def evidence_path(instance, filename: str) -> str:
    """A random name under the cycle: the uploader's file name is kept only in the database."""
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"evidence/{instance.value.cycle_id}/{uuid.uuid4().hex}.{ext}"


class ValueState:
    """Whether a value is open to its unit on its own: what `actions.write_rule` asks of a stored value, be it a
    `Value` or the import's plain row of one (`imports.StoredValue`). Needs `unlocked`, `returned_at`, `verified_at`."""

    __slots__ = ()

    @property
    def is_returned(self) -> bool:
        """Returned alone by its assessor and not yet resubmitted (an assessor's own entry settles it too)."""
        return self.returned_at is not None and self.verified_at is None

    @property
    def is_correctable(self) -> bool:
        """The unit may change it although its submission is no longer editable (unlocked or returned alone)."""
        return self.unlocked or self.is_returned


class Value(ValueState, models.Model):
    """One indicator's figure (or text) in a submission, with its note, version and verification."""

    # Every index is paid for on each of the tens of thousands of rows an import writes, so there are three:
    # the unique (submission, indicator); (unit, indicator, cycle) for a unit's history, the comparisons and
    # scoring (which name units and indicators, with or without the cycle); and the scheme item of values not
    # yet verified, for an assessor's to-do list (verified values, the bulk of every year, stay out of it).
    # None on the people columns, which are never searched. Deleting an indicator or a scheme item, which
    # PROTECT refuses once values exist, reads the table to find out: rare, and never on a page a unit uses.
    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="values", verbose_name="报件",
                                   db_index=False)
    cycle = models.ForeignKey("org.Cycle", on_delete=models.PROTECT, related_name="+", verbose_name="考核年度",
                              db_index=False)
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="单位",
                             db_index=False)
    indicator = models.ForeignKey("indicators.Indicator", on_delete=models.PROTECT, related_name="+",
                                  verbose_name="指标", db_index=False)
    item = models.ForeignKey("indicators.SchemeItem", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="+", verbose_name="方案指标", db_index=False)
    number = models.DecimalField("数值", null=True, blank=True, **AMOUNT)
    text = models.CharField("文字情况", max_length=500, blank=True)
    note = models.CharField("备注", max_length=500, blank=True)
    is_outlier = models.BooleanField("异常值", default=False)
    explanation = models.CharField("异常说明", max_length=500, blank=True)
    # Optimistic concurrency: every save increments it; a save naming an older version is refused.
    version = models.PositiveIntegerField("版本", default=1)
    changes_since_approval = models.PositiveIntegerField("审核后修改次数", default=0)
    by_assessor = models.BooleanField("考核责任单位直报", default=False)
    verified_at = models.DateTimeField("核定时间", null=True, blank=True)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name="核定人", db_index=False)
    unlocked = models.BooleanField("已单独解锁", default=False)
    # Set when the assessor returns this one value: the unit corrects it and resubmits it, the rest stays put.
    # db_default: the bulk import inserts rows with an explicit column list that does not name these.
    returned_at = models.DateTimeField("单项退回时间", null=True, blank=True)
    returned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name="单项退回人", db_index=False)
    return_reason = models.CharField("单项退回理由", max_length=500, blank=True, default="", db_default="")
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name="填报人", db_index=False)
    updated_at = models.DateTimeField("更新时间", null=True, blank=True)
    # The first entry lives on the row (who and when; what = the oldest revision's old value, or the current
    # value when there is none); every later change of the figure writes a ValueRevision.
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name="首次填报人", db_index=False)
    entered_at = models.DateTimeField("首次填报时间", null=True, blank=True)

    class Meta:
        verbose_name = "填报数值"
        verbose_name_plural = "填报数值"
        ordering = ["submission", "indicator__sort_order", "indicator__code"]
        constraints = [models.UniqueConstraint(fields=["submission", "indicator"], name="value_once_per_submission")]
        indexes = [models.Index(fields=["unit", "indicator", "cycle"], name="value_unit_indicator_cycle"),
                   models.Index(fields=["item"], condition=models.Q(verified_at__isnull=True),
                                name="value_unverified_item")]

    def __str__(self):
        return f"{self.unit} · {self.indicator.name}"

    @property
    def display(self) -> str:
        if self.number is not None:
            return format(self.number.normalize(), "f")
        return self.text

    @property
    def is_filled(self) -> bool:
        return self.number is not None or bool(self.text)

class EvidenceQuerySet(models.QuerySet):
    def current(self):
        """The files still attached (not removed by the unit)."""
        return self.filter(removed_at__isnull=True)


class Evidence(models.Model):
    """A file attached to a value as proof (佐证材料); its type was judged by its content."""

    value = models.ForeignKey(Value, on_delete=models.PROTECT, related_name="evidence", verbose_name="填报数值")
    file = models.FileField("文件", upload_to=evidence_path)
    original_name = models.CharField("原文件名", max_length=200)
    kind = models.CharField("类型", max_length=8)
    size = models.PositiveIntegerField("大小")
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField("上传时间")
    # Removed by the unit while the value was editable: the row and the stored file stay as the record.
    removed_at = models.DateTimeField("撤回时间", null=True, blank=True)
    removed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name="撤回人", db_index=False)

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        verbose_name = "佐证材料"
        verbose_name_plural = "佐证材料"
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.original_name

    @property
    def unit(self):
        return self.value.unit


class ValueRevision(models.Model):
    """One change of an existing value: who, when, old → new, why (never edited)."""

    value = models.ForeignKey(Value, on_delete=models.PROTECT, related_name="revisions", verbose_name="填报数值")
    at = models.DateTimeField("时间")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                           related_name="+", verbose_name="修改人")
    old_number = models.DecimalField("原数值", null=True, blank=True, **AMOUNT)
    new_number = models.DecimalField("新数值", null=True, blank=True, **AMOUNT)
    old_text = models.CharField("原文字", max_length=500, blank=True)
    new_text = models.CharField("新文字", max_length=500, blank=True)
    reason = models.CharField("修改理由", max_length=500, blank=True)
    status = models.CharField("修改时报件状态", max_length=10, choices=Status.choices)
    after_approval = models.BooleanField("审核后修改", default=False)
    source = models.CharField("来源", max_length=10, default="page")  # page, excel, assessor, demo

    class Meta:
        verbose_name = "数值修改记录"
        verbose_name_plural = "数值修改记录"
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.value_id} {self.old_number}→{self.new_number}"

    @staticmethod
    def show(number, text) -> str:
        return format(number.normalize(), "f") if number is not None else (text or "（空）")

    @property
    def old_display(self):
        return self.show(self.old_number, self.old_text)

    @property
    def new_display(self):
        return self.show(self.new_number, self.new_text)


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("处理中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("未导入")


class ImportJob(models.Model):
    """A workbook upload processed in the background, with its progress and its error report."""

    file = models.FileField(upload_to="imports/")
    original_name = models.CharField("原文件名", max_length=200)
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="上传单位")
    period = models.ForeignKey(Period, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    as_assessor = models.BooleanField(default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("上传时间")
    status = models.CharField("状态", max_length=8, choices=JobStatus.choices, default=JobStatus.QUEUED)
    phase = models.CharField("阶段", max_length=40, blank=True)
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    summary = models.CharField(max_length=300, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "导入任务"
        verbose_name_plural = "导入任务"

    def __str__(self):
        return f"导入 {self.original_name}"

    @property
    def percent(self) -> int:
        if self.status in (JobStatus.DONE, JobStatus.FAILED):
            return 100
        return int(self.processed * 100 / self.total) if self.total else 0
