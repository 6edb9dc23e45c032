"""Small builders for the results tests."""

import datetime

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
