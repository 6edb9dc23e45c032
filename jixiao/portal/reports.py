"""绩效分析报告 on the portal (`/p/reports/`): the district's issued analysis reports, as PDFs.

Only what `analysis.report_queries.published_pdfs` returns is public: a district report (half-year analysis or
quarterly key-project evaluation) that the office has issued (已印发) and that has a PDF. A unit's own report, a
draft, or an id of either typed into the address answers the portal's Chinese 404.
"""

from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from jixiao.analysis.report_queries import published_pdfs
from jixiao.lib.responses import download


@require_GET
def report_list(request):
    return render(request, "portal/reports.html", {"district_name": settings.DISTRICT_NAME,
                                                   "reports": list(published_pdfs())})


@require_GET
def report_pdf(request, pk: int):
    report = published_pdfs().filter(pk=pk).first()
    if report is None:
        raise Http404("没有这份已公开的分析报告。")
    return download(report.pdf.open("rb"), f"{report.title}.pdf")


urlpatterns = [
    path("reports/", report_list, name="reports"),
    path("reports/<int:pk>.pdf", report_pdf, name="report_pdf"),
]
