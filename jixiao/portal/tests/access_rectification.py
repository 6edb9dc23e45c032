"""Access cases for rectification in public (see tests/test_access_matrix.py): public pages, everyone may read
them and re-rate, signed in or not. An item the office did not disclose answers 404 to everyone, as an unknown
one does (tested in test_rectification.py); the cases here use a disclosed, completed item of another unit than
the unit roles' own, since a public item belongs to no one's reach.

The re-rating is posted without the form's signed start time, so everyone gets the Chinese 400 “页面已过期”.
"""

from jixiao.portal.tests.access_profiles import EVERYONE


def _closed_item(c) -> dict:
    from django.utils import timezone

    from jixiao.results.tests import builders

    item = builders.rectification(c, unit=c.fgw, disclose=True, status="closed", closed_by=c.office,
                                  closed_at=timezone.now())
    return {"pk": item.pk}


def _comment(c) -> dict:
    from django.utils import timezone

    from jixiao.results.models import RectificationRating

    item = _closed_item(c)["pk"]
    rating = RectificationRating.objects.create(rectification_id=item, verdict="basic", comment="还可以",
                                                created_at=timezone.now())
    return {"pk": rating.pk}


CASES = {
    "portal:rectification": {"allowed": EVERYONE, "public": True},
    # The 长辈版 switch sets a cookie and sends everyone back to the portal home (no `next` given).
    "portal:elder": {"allowed": EVERYONE, "public": True, "ok": (302,)},
    "portal:rectification_detail": {"allowed": EVERYONE, "public": True, "kwargs": _closed_item},
    "portal:rectification_rate": {"allowed": EVERYONE, "public": True, "kwargs": _closed_item, "method": "post",
                                  "ok": (400,)},
    # The office reviews the comments in the back office; no other role, and no visitor, reaches it.
    "portal_reratings:list": {"allowed": {"office"}},
    "portal_reratings:review": {"allowed": {"office"}, "kwargs": _comment, "method": "post", "data": {"approve": "1"},
                                "ok": (302,)},
}
