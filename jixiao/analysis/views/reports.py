"""Analysis report pages (半年绩效状况分析报告 and 重点项目季度评价报告): the list and the request form, one report's
progress, its text, issue, download (Word, zip or PDF).

The office (analysis.manage) requests, edits and issues; leaders (analysis.view) read the list and download. A
unit's own people (analysis.view_own) read and download their unit's reports once issued, never a draft or another
unit's (404). Generation runs in the task worker; the report page polls its status part with htmx until the file is made.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_POST

from jixiao.accounts import access
from jixiao.analysis import report_actions, report_pdf
from jixiao.analysis.models import AnalysisReport, ReportKind, ReportScope, ReportStatus
from jixiao.analysis.report_forms import RequestForm, TextForm
from jixiao.lib import cycles, refusals
from jixiao.lib.responses import download


def _report(request, pk, action="analysis.view"):
    access.require(request.user, action)
    return get_object_or_404(AnalysisReport.objects.select_related("cycle", "unit", "requested_by", "issued_by"),
                             pk=pk)


@login_required
@require_GET
def report_list(request):
    access.require(request.user, "analysis.view")
    pick = cycles.pick(request)
    context = {"pick": pick, "cycle": pick.cycle, "can_manage": access.can(request.user, "analysis.manage")}
    if pick.cycle is not None:
        context["reports"] = (AnalysisReport.objects.filter(cycle=pick.cycle).select_related("cycle", "unit")
                              .order_by("-requested_at", "-pk"))
        context["form"] = RequestForm(units=report_actions.report_units(pick.cycle))
    return render(request, "analysis/reports.html", context)


@login_required
@require_POST
def report_request(request):
    access.require(request.user, "analysis.manage")
    cycle = cycles.pick_or_404(request).cycle
    if cycle is None:
        messages.error(request, "尚未设立考核年度。")
        return redirect("analysis:reports")
    back = f"{reverse('analysis:reports')}?cycle={cycle.year}"
    form = RequestForm(request.POST, units=report_actions.report_units(cycle))
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    try:
        report = report_actions.request_report(cycle, form.cleaned_data["half"], form.cleaned_data["scope"],
                                               unit=form.cleaned_data["unit"], by=request.user,
                                               quarter=form.cleaned_data["quarter"])
    except ValidationError as error:
        refusals.refuse(request, "analysis_report.request_refused", None, error, cycle=cycle.year)
        return redirect(back)
    return redirect("analysis:report", pk=report.pk)


@login_required
@require_GET
def report_detail(request, pk):
    report = _report(request, pk)
    context = {"report": report, "can_manage": access.can(request.user, "analysis.manage"),
               "pdf_missing": report_pdf.MISSING}
    if request.htmx:
        response = render(request, "analysis/_report_status.html", context)
        if request.GET.get("polling") == "job" and not report.pending:
            response["HX-Refresh"] = "true"  # finished while the page polled: reload it whole, with the text form
        return response
    context["form"] = TextForm(initial={"problems": report.problems, "suggestions": report.suggestions},
                               quarterly=report.kind == ReportKind.QUARTER)
    return render(request, "analysis/report.html", context)


@login_required
@require_POST
def report_edit(request, pk):
    report = _report(request, pk, "analysis.manage")
    form = TextForm(request.POST, quarterly=report.kind == ReportKind.QUARTER)
    if form.is_valid():
        try:
            report_actions.edit_text(report, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            refusals.refuse(request, "analysis_report.edit_refused", report, error, form=form)
        else:
            messages.success(request, "问题与建议已保存，报告正在按修改后的文字重新生成。")
            return redirect("analysis:report", pk=report.pk)
    return render(request, "analysis/report.html", {"report": report, "form": form, "can_manage": True,
                                                   "pdf_missing": report_pdf.MISSING},
                  status=422)


@login_required
@require_POST
def report_issue(request, pk):
    report = _report(request, pk, "analysis.manage")
    try:
        report_actions.issue(report, by=request.user)
    except ValidationError as error:
        refusals.refuse(request, "analysis_report.issue_refused", report, error)
    else:
        messages.success(request, f"{report.title}已印发。")
    return redirect("analysis:report", pk=report.pk)


@login_required
@require_GET
def report_download(request, pk):
    report = _report(request, pk)
    if not report.file:
        messages.error(request, "报告尚未生成完成，暂无文件可下载。")
        return redirect("analysis:report", pk=report.pk)
    suffix = ".zip" if report.file.name.endswith(".zip") else ".docx"
    return download(report.file.open("rb"), report.title + ("（草稿）" if report.status == "draft" else "") + suffix)


@login_required
@require_GET
def report_pdf_download(request, pk):
    report = _report(request, pk)
    if not report.pdf:
        messages.error(request, "本报告没有 PDF 文件，请下载 Word 文件。")
        return redirect("analysis:report", pk=report.pk)
    return download(report.pdf.open("rb"), report.title + ("（草稿）" if report.status == "draft" else "") + ".pdf")


def _issued_of(unit):
    return AnalysisReport.objects.filter(scope=ReportScope.UNIT, unit=unit, status=ReportStatus.ISSUED)


@login_required
@require_GET
def my_reports(request):
    """本单位分析报告: the unit's reports (half-year and quarterly) the office has issued, every year, newest first."""
    access.require(request.user, "analysis.view_own")
    unit = access.current_membership(request.user).unit
    reports = _issued_of(unit).select_related("cycle", "unit", "issued_by").order_by("-cycle__year", "-issued_at", "-pk")
    return render(request, "analysis/reports_my.html", {"unit": unit, "reports": reports})


@login_required
@require_GET
def my_report_download(request, pk):
    access.require(request.user, "analysis.view_own")
    unit = access.current_membership(request.user).unit
    report = get_object_or_404(_issued_of(unit).select_related("cycle", "unit").exclude(file=""), pk=pk)
    return download(report.file.open("rb"), report.title + ".docx")


@login_required
@require_GET
def my_report_pdf(request, pk):
    access.require(request.user, "analysis.view_own")
    unit = access.current_membership(request.user).unit
    report = get_object_or_404(_issued_of(unit).select_related("cycle", "unit").exclude(pdf=""), pk=pk)
    return download(report.pdf.open("rb"), report.title + ".pdf")


urlpatterns = [
    path("reports/", report_list, name="reports"),
    path("my/reports/", my_reports, name="my_reports"),
    path("my/reports/<int:pk>/download/", my_report_download, name="my_report_download"),
    path("my/reports/<int:pk>/pdf/", my_report_pdf, name="my_report_pdf"),
    path("reports/new/", report_request, name="report_request"),
    path("reports/<int:pk>/", report_detail, name="report"),
    path("reports/<int:pk>/text/", report_edit, name="report_edit"),
    path("reports/<int:pk>/issue/", report_issue, name="report_issue"),
    path("reports/<int:pk>/download/", report_download, name="report_download"),
    path("reports/<int:pk>/pdf/", report_pdf_download, name="report_pdf"),
]
