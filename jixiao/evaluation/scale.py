"""The rating scales and what a stored value (0–100) means.

Five-level answers are stored as the points they map to (非常满意 100 … 非常不满意 20), so both scales
aggregate the same way. A rating of 不满意 or worse (≤ 40), or under 60 on the 100-point scale, becomes a
follow-up item for the department.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Scale(models.TextChoices):
    """How a campaign asks for ratings; models.py takes it from here, so this module imports no model."""

    FIVE_LEVEL = "five", _("五级满意度")
    POINTS = "points", _("百分制")


FIVE_LEVELS = [(100, "非常满意"), (80, "满意"), (60, "基本满意"), (40, "不满意"), (20, "非常不满意")]
# A 民主测评 asks the same five values in the words of an appraisal rather than of satisfaction.
DEMOCRATIC_LEVELS = [(100, "优秀"), (80, "良好"), (60, "一般"), (40, "较差"), (20, "差")]
FIVE_LEVEL_VALUES = frozenset(v for v, _ in FIVE_LEVELS)
SATISFIED = 80  # 满意: what the rater's matrix fills in one tap before the exceptions are adjusted
FOLLOW_UP_FIVE_LEVEL = 40  # 不满意 or worse
FOLLOW_UP_POINTS = 60  # under 60 points


def is_allowed(scale: str, value: int) -> bool:
    if scale == Scale.FIVE_LEVEL:
        return value in FIVE_LEVEL_VALUES
    return 0 <= value <= 100


def needs_follow_up(scale: str, value: int) -> bool:
    if scale == Scale.FIVE_LEVEL:
        return value <= FOLLOW_UP_FIVE_LEVEL
    return value < FOLLOW_UP_POINTS


def label(scale: str, value: int) -> str:
    if scale == Scale.FIVE_LEVEL:
        return dict(FIVE_LEVELS).get(value, str(value))
    return f"{value}分"
