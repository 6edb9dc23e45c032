"""The access decision of the team and cadre assessment URLs (merged into tests/test_access_matrix.py).

The office runs the assessment (`cadres.manage`); the office and the committee (leaders) read the tables, the
export and the reports (`cadres.view`, the organisation department too — the cast has no 组织部 user). Every
other role gets 403, on every URL, whatever the id: cadre data is personal (PIPL).
"""

import datetime

from django.core.files.base import ContentFile
from django.utils import timezone

DISTRICT = {"office", "leader"}
OFFICE = {"office"}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def world(cast):
    if getattr(cast, "_cadres_world", None) is None:
        from jixiao.cadres.models import CadreAssessment, WorkReport
        from jixiao.org.models import Cadre

        cadre = Cadre.objects.create(unit=cast.street, name="钱七", post="main", title="党工委书记",
                                     tenure_from=datetime.date(2024, 1, 1))
        assessment = CadreAssessment.objects.create(cycle=cast.cycle, cadre=cadre, unit=cast.street, post="main",
                                                    title="党工委书记", computed_at=timezone.now())
        report = WorkReport(cycle=cast.cycle, unit=cast.street, original_name="述职报告.pdf", kind="pdf",
                            size=len(PDF), sha256="0" * 64, uploaded_by=cast.office, uploaded_at=timezone.now())
        report.file.save("report.pdf", ContentFile(PDF), save=False)
        report.save()
        cast._cadres_world = {"assessment": assessment, "report": report}
    return cast._cadres_world


def _pk(key):
    return lambda cast: {"pk": world(cast)[key].pk}


CASES = {
    "cadres:index": {"allowed": DISTRICT},
    "cadres:assess": {"allowed": OFFICE, "method": "post", "data": {"cycle": "2026", "seen": ""}, "ok": (302,)},
    "cadres:export": {"allowed": DISTRICT},
    "cadres:rules": {"allowed": OFFICE},
    "cadres:calibrate": {"allowed": OFFICE, "kwargs": _pk("assessment")},
    "cadres:democratic": {"allowed": OFFICE},
    "cadres:democratic_template": {"allowed": OFFICE},
    "cadres:democratic_import": {"allowed": OFFICE, "method": "post", "ok": (422,)},
    "cadres:reports": {"allowed": OFFICE},
    "cadres:report_upload": {"allowed": OFFICE, "method": "post", "ok": (422,)},
    "cadres:report_download": {"allowed": DISTRICT, "kwargs": _pk("report")},
}
