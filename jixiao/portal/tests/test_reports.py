"""绩效分析报告 on the portal: only the district's issued reports with a PDF are listed and downloadable."""

from django.core.files.base import ContentFile
from django.utils import timezone

from jixiao.analysis.models import AnalysisReport, ReportScope, ReportStatus


def _report(cast, *, status, scope=ReportScope.DISTRICT, unit=None, half=1, pdf=b"%PDF-1.7 district"):
    report = AnalysisReport.objects.create(
        cycle=cast.cycle, half=half, scope=scope, unit=unit, key=f"{half}-{scope}-{status}", status=status,
        requested_by=cast.office, requested_at=timezone.now(), as_of=cast.cycle.starts_on,
        issued_by=cast.office if status == ReportStatus.ISSUED else None,
        issued_at=timezone.now() if status == ReportStatus.ISSUED else None)
    if pdf:
        report.pdf.save(f"{report.pk}.pdf", ContentFile(pdf))
    return report


def test_only_issued_district_reports_with_a_pdf_are_public(cast, client):
    issued = _report(cast, status=ReportStatus.ISSUED)
    draft = _report(cast, status=ReportStatus.DRAFT, half=2)
    unit = _report(cast, status=ReportStatus.ISSUED, scope=ReportScope.UNIT, unit=cast.street)
    no_pdf = _report(cast, status=ReportStatus.ISSUED, half=2, pdf=b"")

    page = client.get("/p/reports/").content.decode()
    assert issued.title in page and f"/p/reports/{issued.pk}.pdf" in page
    for hidden in (draft, unit, no_pdf):
        assert f"/p/reports/{hidden.pk}.pdf" not in page
        response = client.get(f"/p/reports/{hidden.pk}.pdf")
        assert response.status_code == 404 and "没有这份已公开的分析报告" in response.content.decode()

    download = client.get(f"/p/reports/{issued.pk}.pdf")
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == b"%PDF-1.7 district"


def test_no_report_yet_is_said_and_the_results_page_links_the_list(cast, client):
    assert "暂无公开的绩效分析报告" in client.get("/p/reports/").content.decode()
    assert 'href="/p/reports/"' in client.get("/p/results/").content.decode()
