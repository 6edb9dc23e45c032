"""Small builders for the results tests."""

import datetime

import time_machine
from django.core.files.base import ContentFile
from django.utils import timezone

from jixiao.results.models import Rectification, RectificationReport

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def rectification(cast, unit=None, **extra) -> Rectification:
    values = {"cycle": cast.cycle, "unit": unit or cast.street, "source": "other", "problem": "台账不全",
              "deadline": datetime.date(2026, 12, 31), "created_by": cast.office, "created_at": timezone.now()}
    values.update(extra)
    return Rectification.objects.create(**values)


def report(item, by, completed=False) -> RectificationReport:
    row = RectificationReport(rectification=item, text="已补齐", completed=completed, reported_by=by,
                              reported_at=timezone.now(), original_name="a.pdf")
    row.file.save("a.pdf", ContentFile(PDF), save=False)
    row.save()
    return row


def scored(cast, *, release=False, publish=False):
    """The scoring test world scored: preliminary, seen by the office only; with `release`, its appeal window open
    (released to the units); with `publish`, final and published. Returns the run."""
    from jixiao.scoring import actions as scoring
    from jixiao.scoring.tests.world import NOW, scheme_world

    scheme = scheme_world(cast)
    with time_machine.travel(NOW, tick=False):
        run = scoring.compute(scheme, "preliminary", by=cast.office, now=NOW)
        if not (release or publish):
            return run
        run = scoring.open_appeals(run, NOW + datetime.timedelta(days=1), by=cast.office, now=NOW)
        if not publish:
            return run
    later = NOW + datetime.timedelta(days=2)
    with time_machine.travel(later, tick=False):
        # 华明街道 calibrated to 优秀, so the final run has a unit to commend.
        scoring.calibrate(scheme=scheme, unit=cast.street, grade="excellent", reason="审定会议决定", by=cast.office)
        final = scoring.compute(scheme, "final", by=cast.office, now=later)
        return scoring.publish(final, by=cast.office, now=later)


def cadre(cast, unit=None, post="main", name="张三"):
    from jixiao.org.models import Cadre

    return Cadre.objects.create(unit=unit or cast.street, name=name, post=post, title="党工委书记",
                                tenure_from=datetime.date(2024, 1, 1))
