import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _


class CycleStatus(models.TextChoices):
    PLANNING = "planning", _("筹备中")
    RUNNING = "running", _("考核中")
    SCORING = "scoring", _("评分中")
    PUBLISHED = "published", _("已发布")
    ARCHIVED = "archived", _("已归档")


class Cycle(models.Model):
    """One assessment year (考核年度)."""

    year = models.PositiveSmallIntegerField("年度", unique=True)
    name = models.CharField("名称", max_length=60)
    status = models.CharField("状态", max_length=12, choices=CycleStatus.choices, default=CycleStatus.PLANNING)
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("结束日期")

    class Meta:
        verbose_name = "考核年度"
        verbose_name_plural = "考核年度"
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_on__gt=models.F("starts_on")), name="cycle_dates_ordered")
        ]

    def __str__(self):
        return self.name


class UnitKind(models.TextChoices):
    CITY = "city", _("市")
    DISTRICT = "district", _("区")
    DEPARTMENT = "department", _("区直部门")
    BUREAU = "bureau", _("委办局")
    STREET = "street", _("街道")
    PARK = "park", _("园区")
    VILLAGE = "village", _("村/社区")


# Which kinds may sit under which: keeps the tree shaped like a real administrative network.
ALLOWED_PARENT_KINDS = {
    UnitKind.CITY: set(),
    UnitKind.DISTRICT: {UnitKind.CITY},
    UnitKind.DEPARTMENT: {UnitKind.DISTRICT},
    UnitKind.BUREAU: {UnitKind.DISTRICT},
    UnitKind.STREET: {UnitKind.DISTRICT},
    UnitKind.PARK: {UnitKind.DISTRICT},
    UnitKind.VILLAGE: {UnitKind.STREET},
}


class UnitQuerySet(models.QuerySet):
    def valid_on(self, day: datetime.date):
        return self.filter(valid_from__lte=day).filter(models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=day))

    def current(self):
        return self.filter(valid_to__isnull=True)

    def without_villages(self):
        """Every unit but the villages and communities: the units that lead, cooperate on, are supervised for or
        rectify district work. A village acts through its street, so no list of such units offers one."""
        return self.exclude(kind=UnitKind.VILLAGE)


class Unit(models.Model):
    """Any organisation in the tree: the district, its departments, streets, parks and villages."""

    code = models.CharField("单位编码", max_length=20, unique=True)
    name = models.CharField("单位名称", max_length=80)
    short_name = models.CharField("简称", max_length=30, blank=True)
    kind = models.CharField("类型", max_length=12, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name="上级单位"
    )
    is_assessor = models.BooleanField("考核责任单位", default=False)
    sort_order = models.PositiveIntegerField("排序", default=0)
    valid_from = models.DateField("启用日期", default=datetime.date(2020, 1, 1))
    valid_to = models.DateField("撤销日期", null=True, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = "单位"
        verbose_name_plural = "单位"
        ordering = ["sort_order", "code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=models.F("valid_from")),
                name="unit_validity_ordered",
            ),
            models.CheckConstraint(condition=~models.Q(parent=models.F("id")), name="unit_not_own_parent"),
        ]

    def __str__(self):
        return self.name

    @property
    def is_retired(self):
        return self.valid_to is not None

    @property
    def label(self):
        return self.short_name or self.name


class GroupPurpose(models.TextChoices):
    FRONT = "front", _("战线")
    PEER = "peer", _("考核组别")
    # Defined by the office for analysis only (横比): never scored or ranked in results.
    COMPARE = "compare", _("比较组")


class Group(models.Model):
    """A peer set of units compared and ranked together in one cycle (考核组别/战线)."""

    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="groups", verbose_name="考核年度")
    code = models.CharField("组别编码", max_length=20)
    name = models.CharField("组别名称", max_length=60)
    purpose = models.CharField("用途", max_length=8, choices=GroupPurpose.choices, default=GroupPurpose.PEER)
    units = models.ManyToManyField(Unit, related_name="peer_groups", verbose_name="成员单位", blank=True)
    sort_order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = "考核组别"
        verbose_name_plural = "考核组别"
        ordering = ["cycle", "sort_order", "code"]
        constraints = [models.UniqueConstraint(fields=["cycle", "code"], name="group_code_unique_per_cycle")]

    def __str__(self):
        return self.name


class CadrePost(models.TextChoices):
    MAIN_LEADER = "main", _("主要领导")
    TEAM_MEMBER = "member", _("班子成员")


class Cadre(models.Model):
    """A leader of a unit whose record follows the unit's result (干部)."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="cadres", verbose_name="单位")
    name = models.CharField("姓名", max_length=40)
    post = models.CharField("岗位类别", max_length=8, choices=CadrePost.choices)
    title = models.CharField("职务", max_length=60)
    tenure_from = models.DateField("任职起始")
    tenure_to = models.DateField("任职截止", null=True, blank=True)

    class Meta:
        verbose_name = "干部"
        verbose_name_plural = "干部"
        ordering = ["unit", "post", "tenure_from", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(tenure_to__isnull=True) | models.Q(tenure_to__gte=models.F("tenure_from")),
                name="cadre_tenure_ordered",
            )
        ]

    def __str__(self):
        return f"{self.name}（{self.title}）"

    @property
    def in_office(self):
        return self.tenure_to is None


class UnitAttribute(models.Model):
    """A fact the office records about units in one cycle (单位属性): population, area, economic size …

    The attributes of a cycle, weighted, are what its nearest neighbours (近邻单位) are computed from
    (jixiao/analysis/neighbours.py)."""

    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="unit_attributes",
                              verbose_name="考核年度")
    code = models.CharField("属性编码", max_length=20)
    name = models.CharField("属性名称", max_length=40)
    measure = models.CharField("计量单位", max_length=20, blank=True)
    weight = models.DecimalField("权重", max_digits=4, decimal_places=1, default=1,
                                 help_text="0 到 10；0 表示不参与近邻计算，权重越大该属性越重要。")
    log_scale = models.BooleanField("取对数", default=False,
                                    help_text="人口、面积、经济总量等规模类属性宜取对数：比较的是倍数，而不是差额。")
    allow_negative = models.BooleanField("允许负值", default=False, help_text="增长率等可为负的属性才勾选。")
    sort_order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = "单位属性"
        verbose_name_plural = "单位属性"
        ordering = ["cycle", "sort_order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "code"], name="unit_attribute_code_unique_per_cycle"),
            models.CheckConstraint(condition=models.Q(weight__gte=0, weight__lte=10),
                                   name="unit_attribute_weight_range"),
            models.CheckConstraint(condition=~(models.Q(log_scale=True) & models.Q(allow_negative=True)),
                                   name="unit_attribute_log_not_negative"),
        ]

    def __str__(self):
        return f"{self.name}（{self.measure}）" if self.measure else self.name


class UnitAttributeValue(models.Model):
    """One unit's value of one attribute in the attribute's cycle (单位属性值)."""

    attribute = models.ForeignKey(UnitAttribute, on_delete=models.CASCADE, related_name="values",
                                  verbose_name="单位属性")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="attribute_values", verbose_name="单位")
    value = models.DecimalField("属性值", max_digits=18, decimal_places=4)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "单位属性值"
        verbose_name_plural = "单位属性值"
        ordering = ["attribute", "unit"]
        constraints = [models.UniqueConstraint(fields=["attribute", "unit"], name="unit_attribute_value_unique")]

    def __str__(self):
        return f"{self.unit} {self.attribute.name}：{self.value}"


class SuccessionKind(models.TextChoices):
    RENAME = "rename", _("更名")
    MERGE = "merge", _("合并")
    SPLIT = "split", _("拆分")
    TRANSFER = "transfer", _("划转")


class Succession(models.Model):
    """One step of a reorganisation (机构调整): from `on`, the successor carries on the predecessor's work.

    A merger is one row per predecessor, a split one row per successor. How a unit's past years follow these rows
    in the comparisons (纵比) is jixiao/analysis/history.py's."""

    predecessor = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="successions_out",
                                    verbose_name="原单位")
    successor = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="successions_in",
                                  verbose_name="承继单位")
    on = models.DateField("调整日期", help_text="承继单位按调整后的机构开始工作的第一天。")
    kind = models.CharField("调整方式", max_length=10, choices=SuccessionKind.choices)
    note = models.CharField("说明", max_length=200, blank=True)
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = "机构调整"
        verbose_name_plural = "机构调整"
        ordering = ["-on", "successor__code", "predecessor__code"]
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="succession_once_per_pair"),
            models.CheckConstraint(condition=~models.Q(predecessor=models.F("successor")),
                                   name="succession_not_itself"),
        ]

    def __str__(self):
        return f"{self.predecessor} → {self.successor}（{self.get_kind_display()}，{self.on}）"
