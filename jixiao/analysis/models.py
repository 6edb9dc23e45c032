"""What the analysis app keeps of its own: the office's pace thresholds (序时进度) per cycle."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from jixiao.org.models import Cycle


class PaceRule(models.Model):
    """How completion against the share of the year elapsed sorts an item into 超进度 / 达进度 / 欠进度.

    With the defaults, an item is behind (欠进度) when its completion is below the elapsed share (11/12 after
    November), and ahead (超进度) from 1.1 times the elapsed share; 100 % complete is 已完成 whatever the date.
    """

    cycle = models.OneToOneField(Cycle, on_delete=models.CASCADE, related_name="pace_rule", verbose_name="考核年度")
    on_pace_ratio = models.DecimalField(
        "达进度下限", max_digits=4, decimal_places=2, default=Decimal("1.00"),
        validators=[MinValueValidator(Decimal("0.50")), MaxValueValidator(Decimal("1.00"))],
        help_text="完成率不低于序时进度的该倍数即为达进度；例如 0.95 表示允许落后序时进度 5%。")
    ahead_ratio = models.DecimalField(
        "超进度下限", max_digits=4, decimal_places=2, default=Decimal("1.10"),
        validators=[MinValueValidator(Decimal("1.00")), MaxValueValidator(Decimal("3.00"))],
        help_text="完成率达到序时进度的该倍数即为超进度。")
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "序时进度规则"
        verbose_name_plural = "序时进度规则"

    def __str__(self):
        return f"{self.cycle} 序时进度规则"
