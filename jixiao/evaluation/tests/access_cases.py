"""The access decision of every evaluation and portal URL for the cast's roles.

Merged into the project-wide matrix (tests/test_access_matrix.py). Campaigns belong to the district, so
there is no "other unit's campaign": roles without the action get 403.
"""

import datetime

from django.utils import timezone

from jixiao.evaluation import actions
from jixiao.evaluation.models import Contact, RaterKind, Scale

VIEWERS = {"office", "leader"}
OFFICE = {"office"}
RATERS = {"leader", "rater"}
UNITS = {"reporter", "reviewer", "street_reporter"}
EVERYONE = {"office", "leader", "reporter", "reviewer", "assessor", "street_reporter", "supervisor", "rater",
            "sysadmin", "secadmin", "auditor", "outsider"}


def world(cast):
    """An open campaign (around the real clock) with a batch of codes and one flagged answer with a contact."""
    if getattr(cast, "_evaluation_world", None) is None:
        now = timezone.now()
        campaign = actions.create_campaign(
            cycle=cast.cycle, assessing_unit=cast.district, name="2026年度综合评议", opens_at=now - datetime.timedelta(days=1),
            closes_at=now + datetime.timedelta(days=30), scale_kind=Scale.FIVE_LEVEL, by=cast.office)
        campaign = actions.open_campaign(campaign, by=cast.office)
        group = campaign.groups.get(kind=RaterKind.PUBLIC)
        batch, codes = actions.issue_codes(campaign, group, size=2, unit=None, by=cast.office)
        values = {(u.pk, d.pk): 40 for u in campaign.units.all() for d in campaign.dimensions.all()}
        answer = actions.submit_with_code(campaign, actions.CodeAnswer(
            code=codes[0], values=values, seconds=300, phone="13812341234", follow_up=True))
        # Read back from the database: on PostgreSQL the answer's rows go in as one statement without their ids.
        cast._evaluation_world = {"campaign": campaign, "group": group, "batch": batch, "answer": answer,
                                  "contact": Contact.objects.get(answer=answer)}
    return cast._evaluation_world


def _campaign(cast):
    return {"pk": world(cast)["campaign"].pk}


def _group(cast):
    return {"pk": world(cast)["group"].pk}


def _batch(cast):
    return {"pk": world(cast)["batch"].pk}


def _answer(cast):
    return {"pk": world(cast)["answer"].pk}


def _contact(cast):
    return {"pk": world(cast)["contact"].pk}


# name -> keyword arguments of tests/test_access_matrix.Case
CASES = {
    "evaluation:campaign_list": {"allowed": VIEWERS},
    "evaluation:campaign_create": {"allowed": OFFICE},
    "evaluation:campaign_detail": {"allowed": VIEWERS, "kwargs": _campaign},
    "evaluation:campaign_edit": {"allowed": OFFICE, "kwargs": _campaign, "method": "post", "ok": (302,)},
    "evaluation:campaign_weights": {"allowed": OFFICE, "kwargs": _campaign, "method": "post", "ok": (302,)},
    "evaluation:campaign_open": {"allowed": OFFICE, "kwargs": _campaign, "method": "post", "ok": (302,)},
    "evaluation:campaign_close": {"allowed": OFFICE, "kwargs": _campaign, "method": "post", "ok": (302,)},
    "evaluation:codes_issue": {"allowed": OFFICE, "kwargs": _campaign, "method": "post", "ok": (302,)},
    "evaluation:codes_void": {"allowed": OFFICE, "kwargs": _batch, "method": "post", "ok": (302,)},
    "evaluation:questionnaire_edit": {"allowed": OFFICE, "kwargs": _group},
    "evaluation:monitor": {"allowed": VIEWERS, "kwargs": _campaign},
    "evaluation:review": {"allowed": VIEWERS, "kwargs": _campaign},
    "evaluation:review_decide": {"allowed": OFFICE, "kwargs": _answer, "method": "post", "ok": (302,)},
    "evaluation:results": {"allowed": VIEWERS, "kwargs": _campaign},
    "evaluation:results_export": {"allowed": VIEWERS, "kwargs": _campaign},
    "evaluation:follow_ups": {"allowed": VIEWERS, "kwargs": _campaign},
    "evaluation:contact_reveal": {"allowed": OFFICE, "kwargs": _contact, "method": "post", "ok": (302,)},
    "evaluation:rate_home": {"allowed": RATERS},
    "evaluation:rate": {"allowed": RATERS, "kwargs": _campaign},
    "evaluation:rate_draft": {"allowed": RATERS, "kwargs": _campaign, "method": "post", "ok": (200,)},
    "evaluation:feedback": {"allowed": UNITS},
    # A satisfaction campaign's results cannot be written as democratic results: refused, back to the page.
    "evaluation:democratic_record": {"allowed": OFFICE, "kwargs": _campaign, "method": "post", "ok": (302,)},
    # 民主测评 by code: public like the portal's evaluation; a submit without a code is refused (422).
    "evaluation:democratic_code": {"allowed": EVERYONE, "public": True},
    "evaluation:democratic_submit": {"allowed": EVERYONE, "public": True, "method": "post", "ok": (422,)},
    "evaluation:democratic_done": {"allowed": EVERYONE, "public": True},
    # The public channel: no login, everyone.
    "portal:index": {"allowed": EVERYONE, "public": True},
    "portal:evaluate": {"allowed": EVERYONE, "public": True},
    "portal:evaluate_submit": {"allowed": EVERYONE, "public": True, "method": "post", "ok": (422,)},
    "portal:done": {"allowed": EVERYONE, "public": True},
    "portal:privacy": {"allowed": EVERYONE, "public": True},
}
