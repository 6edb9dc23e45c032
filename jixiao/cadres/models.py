"""Leadership-team and cadre assessment (领导班子和领导干部年度考核), and accountability (问责).

A unit's result (results/, scoring/) is one input; the democratic evaluation of the team and of each cadre
(民主测评), the cadre's key tasks (keywork/) and the reports (述职报告) are the others. The grading is pure code in
`grading.py`; these models keep its inputs and what it decided, with the reasons, for each cycle.
Personal data under PIPL: read only through `access.py` (office, committee, organisation department, the cadre)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TeamGrade(models.TextChoices):
    GOOD = "good", _("好")
    FAIRLY_GOOD = "fairly_good", _("较好")
    AVERAGE = "average", _("一般")
    POOR = "poor", _("较差")


class CadreGrade(models.TextChoices):
    EXCELLENT = "excellent", _("优秀")
    COMPETENT = "competent", _("称职")
    BASIC = "basic", _("基本称职")
    INCOMPETENT = "incompetent", _("不称职")


class CadreRules(models.Model):
    """The cycle's rules for teams and cadres (考核办法): weights of the inputs and the grade quotas."""

    cycle = models.OneToOneField("org.Cycle", on_delete=models.PROTECT, related_name="cadre_rules",
                                 verbose_name="考核年度")
    team_performance_weight = models.DecimalField("班子：单位绩效权重(%)", max_digits=5, decimal_places=2, default=60)
    team_democratic_weight = models.DecimalField("班子：民主测评权重(%)", max_digits=5, decimal_places=2, default=40)
    cadre_unit_weight = models.DecimalField("干部：单位绩效权重(%)", max_digits=5, decimal_places=2, default=40)
    cadre_keytask_weight = models.DecimalField("干部：分管重点工作权重(%)", max_digits=5, decimal_places=2,
                                               default=20)
    cadre_democratic_weight = models.DecimalField("干部：民主测评权重(%)", max_digits=5, decimal_places=2,
                                                  default=40)
    team_good_percent = models.DecimalField("班子“好”等次比例上限(%)", max_digits=5, decimal_places=2, default=30)
    excellent_percent = models.DecimalField("干部“优秀”比例上限(%)", max_digits=5, decimal_places=2, default=20,
                                            help_text="通常 20%，最多 25%。")

    class Meta:
        verbose_name = "班子和干部考核办法"
        verbose_name_plural = "班子和干部考核办法"
        constraints = [
            models.CheckConstraint(condition=models.Q(excellent_percent__gte=0, excellent_percent__lte=25),
                                   name="cadre_rules_excellent_at_most_25"),
            models.CheckConstraint(condition=models.Q(team_good_percent__gte=0, team_good_percent__lte=100),
                                   name="cadre_rules_team_good_percent_range"),
        ]

    def __str__(self):
        return f"{self.cycle} 班子和干部考核办法"


class DemocraticSource(models.TextChoices):
    ONLINE = "online", _("网上测评")
    IMPORT = "import", _("纸质测评录入")


class DemocraticResult(models.Model):
    """The democratic evaluation (民主测评) of a unit's team (cadre empty) or of one cadre, as 0–100 scores.

    `dimensions` maps a dimension's name to its 0–100 score (a string, as written): for a team
    政治思想建设/领导能力/工作实绩/党风廉政建设, for a cadre 德/能/勤/绩/廉. Written by the online evaluation or by the office's import of paper ballots."""

    cycle = models.ForeignKey("org.Cycle", on_delete=models.PROTECT, related_name="+", verbose_name="考核年度")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="单位")
    cadre = models.ForeignKey("org.Cadre", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name="干部")
    score = models.DecimalField("测评得分", max_digits=5, decimal_places=2)
    dimensions = models.JSONField("分项得分", default=dict)
    raters = models.PositiveIntegerField("有效票数")
    source = models.CharField("来源", max_length=8, choices=DemocraticSource.choices)
    campaign = models.ForeignKey("evaluation.Campaign", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name="测评活动")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name="记录人")
    recorded_at = models.DateTimeField("记录时间")

    class Meta:
        verbose_name = "民主测评结果"
        verbose_name_plural = "民主测评结果"
        ordering = ["cycle", "unit", "cadre"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "unit"], condition=models.Q(cadre__isnull=True),
                                    name="democratic_result_team_once"),
            models.UniqueConstraint(fields=["cycle", "cadre"], condition=models.Q(cadre__isnull=False),
                                    name="democratic_result_cadre_once"),
            models.CheckConstraint(condition=models.Q(score__gte=0, score__lte=100),
                                   name="democratic_result_score_range"),
        ]

    def __str__(self):
        return f"{self.cycle} {self.cadre or self.unit} 民主测评"


def report_path(instance, filename):
    return f"cadres/reports/{instance.cycle_id}/{filename}"


class WorkReport(models.Model):
    """A team's 述职报告 (cadre empty) or a cadre's 述职述廉报告, uploaded through the evidence checks."""

    cycle = models.ForeignKey("org.Cycle", on_delete=models.PROTECT, related_name="+", verbose_name="考核年度")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="单位")
    cadre = models.ForeignKey("org.Cadre", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name="干部")
    file = models.FileField("文件", upload_to=report_path)
    original_name = models.CharField("原文件名", max_length=200)
    kind = models.CharField("类型", max_length=8)
    size = models.PositiveIntegerField("大小")
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField("上传时间")

    class Meta:
        verbose_name = "述职报告"
        verbose_name_plural = "述职报告"
        ordering = ["cycle", "unit", "cadre", "-uploaded_at"]

    def __str__(self):
        return self.original_name


class TeamAssessment(models.Model):
    """A unit's leadership team in one cycle (领导班子年度考核): inputs, score, grade and the reasons."""

    cycle = models.ForeignKey("org.Cycle", on_delete=models.PROTECT, related_name="team_assessments",
                              verbose_name="考核年度")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="team_assessments",
                             verbose_name="单位")
    performance_score = models.DecimalField("单位绩效得分(百分制)", max_digits=6, decimal_places=2, null=True,
                                            blank=True)
    democratic_score = models.DecimalField("民主测评得分", max_digits=5, decimal_places=2, null=True, blank=True)
    score = models.DecimalField("综合得分", max_digits=6, decimal_places=2, null=True, blank=True)
    grade = models.CharField("等次", max_length=12, choices=TeamGrade.choices, blank=True)
    reasons = models.JSONField("定等理由", default=list)
    computed_at = models.DateTimeField("计算时间")

    class Meta:
        verbose_name = "领导班子考核"
        verbose_name_plural = "领导班子考核"
        ordering = ["cycle", "unit"]
        constraints = [models.UniqueConstraint(fields=["cycle", "unit"], name="team_assessment_once")]

    def __str__(self):
        return f"{self.cycle} {self.unit} 领导班子"


class CadreAssessment(models.Model):
    """One cadre in one cycle (领导干部年度考核): inputs, score, the computed grade, the calibrated grade."""

    cycle = models.ForeignKey("org.Cycle", on_delete=models.PROTECT, related_name="cadre_assessments",
                              verbose_name="考核年度")
    cadre = models.ForeignKey("org.Cadre", on_delete=models.PROTECT, related_name="assessments",
                              verbose_name="干部")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="单位")
    post = models.CharField("岗位类别", max_length=8)
    title = models.CharField("职务", max_length=60)
    unit_score = models.DecimalField("单位绩效得分(百分制)", max_digits=6, decimal_places=2, null=True, blank=True)
    keytask_score = models.DecimalField("分管重点工作得分", max_digits=6, decimal_places=2, null=True, blank=True)
    democratic_score = models.DecimalField("民主测评得分", max_digits=5, decimal_places=2, null=True, blank=True)
    score = models.DecimalField("综合得分", max_digits=6, decimal_places=2, null=True, blank=True)
    computed_grade = models.CharField("计算等次", max_length=12, choices=CadreGrade.choices, blank=True)
    grade = models.CharField("确定等次", max_length=12, choices=CadreGrade.choices, blank=True)
    reasons = models.JSONField("定等理由", default=list)
    computed_at = models.DateTimeField("计算时间")
    # 校准 (calibration): the office may move a grade with a written reason; the computed grade stays beside it.
    calibrated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="+", verbose_name="校准人")
    calibrated_at = models.DateTimeField("校准时间", null=True, blank=True)
    calibration_reason = models.TextField("校准理由", blank=True)

    class Meta:
        verbose_name = "领导干部考核"
        verbose_name_plural = "领导干部考核"
        ordering = ["cycle", "unit", "post", "cadre"]
        constraints = [models.UniqueConstraint(fields=["cycle", "cadre"], name="cadre_assessment_once")]

    def __str__(self):
        return f"{self.cycle} {self.cadre.name}"


class AccountabilityKind(models.TextChoices):
    INACTION = "inaction", _("无为问责")
    ADMINISTRATIVE = "administrative", _("行政问责")


class Accountability(models.Model):
    """An accountability record (问责) of a cadre, linked to the unit's result of the cycle it concerns."""

    cadre = models.ForeignKey("org.Cadre", on_delete=models.PROTECT, related_name="accountabilities",
                              verbose_name="干部")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="单位")
    cycle = models.ForeignKey("org.Cycle", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name="涉及考核年度")
    kind = models.CharField("问责类型", max_length=16, choices=AccountabilityKind.choices)
    reason = models.TextField("问责事由")
    decision = models.TextField("处理决定")
    decided_on = models.DateField("决定日期")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name="记录人")
    recorded_at = models.DateTimeField("记录时间")

    class Meta:
        verbose_name = "问责记录"
        verbose_name_plural = "问责记录"
        ordering = ["-decided_on", "id"]

    def __str__(self):
        return f"{self.cadre.name} {self.get_kind_display()}"
