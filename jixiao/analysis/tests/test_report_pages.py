"""The half-year report pages: request, progress, edit the text, issue, download; bad input and double requests."""

import io

import docx
import pytest

from jixiao.analysis import report_actions, report_pdf
from jixiao.analysis.models import AnalysisReport, ReportScope, ReportStatus
from jixiao.analysis.tests.test_report_document import world  # noqa: F401 - the fixture
from jixiao.audit.models import Event


@pytest.fixture
def office(cast, login, world):  # noqa: F811
    return login(cast.office)


def request(client, django_capture_on_commit_callbacks, **data):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post("/analysis/reports/new/", {"cycle": "2026", "half": "1", **data})


def test_the_office_generates_edits_issues_and_downloads(cast, office, django_capture_on_commit_callbacks):
    response = request(office, django_capture_on_commit_callbacks, scope="unit", unit=cast.street.pk)
    report = AnalysisReport.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/analysis/reports/{report.pk}/"
    page = office.get(response["Location"]).content.decode()
    assert "华明街道2026年上半年绩效状况分析报告" in page and "草稿" in page and "（一）有1项指标" in page
    with django_capture_on_commit_callbacks(execute=True):
        edited = office.post(f"/analysis/reports/{report.pk}/text/",
                             {"problems": "（一）数据报送不及时。", "suggestions": "（一）按月调度。\n（二）对标金桥街道。"})
    assert edited.status_code == 302
    report.refresh_from_db()
    assert (report.status, report.text_edited) == (ReportStatus.DRAFT, True)
    assert office.post(f"/analysis/reports/{report.pk}/issue/").status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.ISSUED
    download = office.get(f"/analysis/reports/{report.pk}/download/")
    assert download.status_code == 200
    texts = [p.text for p in docx.Document(io.BytesIO(b"".join(download.streaming_content))).paragraphs]
    assert "（二）对标金桥街道。" in texts and "（一）数据报送不及时。" in texts
    codes = set(Event.objects.filter(code__startswith="analysis_report.").values_list("code", flat=True))
    assert codes == {"analysis_report.requested", "analysis_report.generated", "analysis_report.edited",
                     "analysis_report.issued"} | ({"analysis_report.pdf_attached"} if report_pdf.available() else set())


def test_an_issued_report_is_not_edited_nor_issued_again(cast, office, django_capture_on_commit_callbacks):
    request(office, django_capture_on_commit_callbacks, scope="district")
    report = AnalysisReport.objects.get()
    office.post(f"/analysis/reports/{report.pk}/issue/")
    refused = office.post(f"/analysis/reports/{report.pk}/text/", {"problems": "改", "suggestions": "改"})
    assert refused.status_code == 422 and "只有草稿可以修改" in refused.content.decode()
    again = office.post(f"/analysis/reports/{report.pk}/issue/", follow=True)
    assert "只有已生成的草稿可以印发" in again.content.decode()
    assert Event.objects.filter(code="analysis_report.issue_refused").count() == 1


def test_a_second_request_while_one_is_pending_is_refused(cast, office):
    AnalysisReport.objects.create(cycle=cast.cycle, half=1, scope=ReportScope.DISTRICT, key="2026-1-district-0",
                                  requested_by=cast.office, requested_at="2026-08-15T10:00Z")
    response = office.post("/analysis/reports/new/", {"cycle": "2026", "half": "1", "scope": "district"}, follow=True)
    assert "全区2026年上半年绩效状况分析报告正在生成，请勿重复提交" in response.content.decode()
    assert AnalysisReport.objects.count() == 1
    assert Event.objects.filter(code="analysis_report.request_refused").count() == 1


@pytest.mark.parametrize(("data", "message"), [
    ({"half": "3", "scope": "district"}, "请选择上半年或下半年。"),
    ({"scope": "unit"}, "单位报告须选择单位。"),
    ({"scope": "unit", "unit": "999999"}, "所选单位在本年度没有指标或重点工作。"),
    ({"scope": "nonsense"}, "请选择报告范围。"),
])
def test_bad_requests_are_explained_and_nothing_is_queued(cast, office, data, message):
    response = office.post("/analysis/reports/new/", {"cycle": "2026", "half": "1", **data}, follow=True)
    assert message in response.content.decode()
    assert not AnalysisReport.objects.exists()


def test_a_request_for_a_year_that_does_not_exist_is_404(cast, office):
    assert office.post("/analysis/reports/new/", {"cycle": "2031", "half": "1", "scope": "district"}).status_code == 404


def test_the_status_part_polls_while_pending_and_stops_when_done(cast, office):
    report = AnalysisReport.objects.create(cycle=cast.cycle, half=1, scope=ReportScope.DISTRICT, key="k",
                                           requested_by=cast.office, requested_at="2026-08-15T10:00Z", progress=40,
                                           status=ReportStatus.RUNNING, phase="生成文字与图表")
    polled = office.get(f"/analysis/reports/{report.pk}/?polling=job", headers={"HX-Request": "true"})
    part = polled.content.decode()
    assert 'hx-trigger="every 1s"' in part and "?polling=job" in part and "生成文字与图表" in part and "40%" in part
    assert "HX-Refresh" not in polled
    AnalysisReport.objects.filter(pk=report.pk).update(status=ReportStatus.FAILED, error="生成时出现内部错误，详情已记入系统日志。")
    polled = office.get(f"/analysis/reports/{report.pk}/?polling=job", headers={"HX-Request": "true"})
    assert "hx-trigger" not in polled.content.decode() and "生成时出现内部错误，详情已记入系统日志。可重新生成" in polled.content.decode()
    assert polled["HX-Refresh"] == "true"  # the whole page again, once


def test_a_leader_reads_and_downloads_but_does_not_edit(cast, login, office, django_capture_on_commit_callbacks):
    request(office, django_capture_on_commit_callbacks, scope="district")
    report = AnalysisReport.objects.get()
    assert 'data-testid="report-issue"' in office.get(f"/analysis/reports/{report.pk}/").content.decode()
    leader = login(cast.leader)
    page = leader.get(f"/analysis/reports/{report.pk}/").content.decode()
    assert "保存并重新生成" not in page and 'data-testid="report-issue"' not in page
    assert leader.get(f"/analysis/reports/{report.pk}/download/").status_code == 200
    assert leader.post(f"/analysis/reports/{report.pk}/issue/").status_code == 403


def test_an_unknown_report_is_404(cast, office):
    assert office.get("/analysis/reports/999999/").status_code == 404


def test_a_unit_reads_its_own_report_once_issued_and_never_another_units(cast, office, login,
                                                                        django_capture_on_commit_callbacks):
    request(office, django_capture_on_commit_callbacks, scope="unit", unit=cast.street.pk)
    report = AnalysisReport.objects.get()
    street = login(cast.street_reporter)
    assert "尚未向本单位印发分析报告" in street.get("/analysis/my/reports/").content.decode()  # a draft is not shown
    assert street.get(f"/analysis/my/reports/{report.pk}/download/").status_code == 404
    report_actions.issue(report, by=cast.office)  # (the login fixture's clients share one session)
    listed = street.get("/analysis/my/reports/").content.decode()
    assert "华明街道2026年上半年绩效状况分析报告" in listed
    download = street.get(f"/analysis/my/reports/{report.pk}/download/")
    assert download.status_code == 200
    assert docx.Document(io.BytesIO(b"".join(download.streaming_content))).paragraphs
    bureau = login(cast.reporter)  # another unit's reporter: not listed, not downloadable
    assert "华明街道" not in bureau.get("/analysis/my/reports/").content.decode()
    assert bureau.get(f"/analysis/my/reports/{report.pk}/download/").status_code == 404
