"""Access cases for the half-year report pages (see tests/test_access_matrix.py): the office and leaders read the
list and a report and download it; only the office requests, edits and issues; a unit's people read their unit's
issued reports. The report of the cases is a draft
whose file is not made yet: its download and its issue send the office back to the report (302); empty POSTs are
refused on the form (422) or with a message (302)."""

import datetime

from django.utils import timezone

from jixiao.analysis.models import AnalysisReport, ReportScope, ReportStatus

READ = {"office", "leader"}
OFFICE = {"office"}
OWN = {"reporter", "reviewer", "assessor", "street_reporter"}


def _report(cast):
    report, _ = AnalysisReport.objects.get_or_create(
        cycle=cast.cycle, half=1, scope=ReportScope.DISTRICT, key="cases",
        defaults={"status": ReportStatus.DRAFT, "requested_by": cast.office, "requested_at": timezone.now(),
                  "as_of": datetime.date(2026, 6, 30), "problems": "（一）问题", "suggestions": "（一）建议"})
    return {"pk": report.pk}


CASES = {
    "analysis:reports": {"allowed": READ},
    "analysis:report_request": {"allowed": OFFICE, "method": "post", "ok": (302,)},
    "analysis:report": {"allowed": READ, "kwargs": _report},
    "analysis:report_edit": {"allowed": OFFICE, "kwargs": _report, "method": "post", "ok": (422,)},
    "analysis:report_issue": {"allowed": OFFICE, "kwargs": _report, "method": "post", "ok": (302,)},
    "analysis:report_download": {"allowed": READ, "kwargs": _report, "ok": (302,)},
    "analysis:report_pdf": {"allowed": READ, "kwargs": _report, "ok": (302,)},
    "analysis:my_reports": {"allowed": OWN},
    # the cases' report is the district's draft: no unit's own issued report, so 404 for the unit's roles too
    "analysis:my_report_download": {"allowed": OWN, "kwargs": _report, "ok": (404,)},
    "analysis:my_report_pdf": {"allowed": OWN, "kwargs": _report, "ok": (404,)},
}
