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
        approve(final, cast.office, now=later)
        return scoring.publish(final, by=cast.office, now=later)


def minutes_docx(name="会议纪要.docx", text="会议纪要") -> ContentFile:
    """A small but real Word document (the parts `lib.evidence` looks for), as an upload named `name`."""
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        package.writestr("word/document.xml", f'<?xml version="1.0"?><w:document><w:t>{text}</w:t></w:document>')
    return ContentFile(buffer.getvalue(), name=name)


def approve(run, office, *, now=None, notes="同意发布"):
    """Put `run` before the committee and record a 通过 decision with minutes, so it may be published (the test
    worlds' way through the sign-off; tests of the sign-off itself go step by step). Returns the decision."""
    from jixiao.results import committee_actions

    now = now or timezone.now()
    review = committee_actions.submit(run, by=office, now=now)
    return committee_actions.decide(review, by=office, meeting_date=timezone.localdate(now), outcome="approved",
                                    minutes=minutes_docx(), notes=notes, now=now)


def cadre(cast, unit=None, post="main", name="张三"):
    from jixiao.org.models import Cadre

    return Cadre.objects.create(unit=unit or cast.street, name=name, post=post, title="党工委书记",
                                tenure_from=datetime.date(2024, 1, 1))


# Figures of the unreleased final run in `unreleased_final`: nowhere else in any world, so a page that shows one
# of them shows that run. Actuals of 109.5678 % etc. of the targets give these totals (80 points × completion).
UNRELEASED_ACTUALS = {"S01": "109.5678", "S02": "93.2719", "B01": "101.3579", "B02": "96.4813"}
UNRELEASED_CALIBRATION = "考核委员会第七次会议审定校准"


def unreleased_final(cast):
    """A 2024 scheme whose preliminary run the office released (appeal window opened, then closed) and whose final
    run, with other and distinctive figures and 华明街道 calibrated to 优秀, it computed but has not published.

    Returns (preliminary, final): units may read the first and nothing of the second until it is published.
    """
    from decimal import Decimal

    from jixiao.indicators.models import Target
    from jixiao.indicators.tests import builders as indicator_builders
    from jixiao.org.models import CycleStatus
    from jixiao.scoring import actions as scoring
    from jixiao.scoring.tests.world import scheme_world

    cycle = indicator_builders.cycle(2024, CycleStatus.SCORING)
    scheme = scheme_world(cast, cycle=cycle)
    day = datetime.datetime(2025, 1, 10, 9, 0, tzinfo=datetime.UTC)
    preliminary = scoring.compute(scheme, "preliminary", by=cast.office, now=day)
    preliminary = scoring.open_appeals(preliminary, day + datetime.timedelta(days=1), by=cast.office, now=day)
    for code, actual in UNRELEASED_ACTUALS.items():
        Target.objects.filter(cycle=cycle, unit__code=code).update(actual=Decimal(actual))
    later = day + datetime.timedelta(days=2)
    scoring.calibrate(scheme=scheme, unit=cast.street, grade="excellent", reason=UNRELEASED_CALIBRATION,
                      by=cast.office, now=later)
    final = scoring.compute(scheme, "final", by=cast.office, now=later)
    preliminary.refresh_from_db()
    return preliminary, final
