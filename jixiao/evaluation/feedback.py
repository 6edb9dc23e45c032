"""What a department reads about itself once a campaign has closed: its follow-up counts and its comments.

A department of the demo district collects hundreds of 不满意 ratings a year; listing each one built a model
object per rating and a row per object (3.7–5.6 s for 区发改委). The database counts them instead, grouped by
year, dimension, rater group, value and status, so the page costs the same few queries whatever the volume;
the comments, which are read one by one, come a page at a time.
"""

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Count

from jixiao.evaluation import scale
from jixiao.evaluation.models import Campaign, CampaignStatus, Comment, FollowUp, FollowUpStatus
from jixiao.org.models import Unit

COMMENTS_PER_PAGE = 50


@dataclass(frozen=True)
class FollowUpCount:
    """How many ratings of one value one rater group gave the department on one dimension in one year."""

    year: int
    dimension: str
    value_label: str
    rater_group: str
    status_label: str
    count: int


def _closed():
    return Campaign.objects.filter(status=CampaignStatus.CLOSED)


def follow_up_counts(unit: Unit) -> list[FollowUpCount]:
    """The unit's follow-up items from closed campaigns, counted in the database (excluded answers left out)."""
    rows = (FollowUp.objects.filter(unit=unit, campaign__in=_closed(), answer__excluded=False)
            .values("campaign__cycle__year", "campaign__scale", "dimension__name", "dimension__sort_order",
                    "rater_group__name", "rater_group__sort_order", "value", "status")
            .annotate(n=Count("id"))
            .order_by("-campaign__cycle__year", "dimension__sort_order", "rater_group__sort_order", "value",
                      "status"))
    statuses = dict(FollowUpStatus.choices)
    return [FollowUpCount(year=r["campaign__cycle__year"], dimension=r["dimension__name"],
                          value_label=scale.label(r["campaign__scale"], r["value"]),
                          rater_group=r["rater_group__name"], status_label=str(statuses[r["status"]]), count=r["n"])
            for r in rows]


def comment_page(unit: Unit, number) -> Page:
    """One page of the unit's comments from closed campaigns, newest year first."""
    comments = (Comment.objects.filter(unit=unit, campaign__in=_closed(), answer__excluded=False)
                .select_related("campaign__cycle", "answer__rater_group")
                .only("text", "campaign__cycle__year", "answer__submitted_on", "answer__rater_group__name")
                .order_by("-campaign__cycle__year", "answer__submitted_on", "id"))
    return Paginator(comments, COMMENTS_PER_PAGE).get_page(number)
