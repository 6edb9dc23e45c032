"""The report's PDF: laid out by WeasyPrint from the same outline as the .docx — the same title, as-of date, parts
and edited text — with the Chinese fonts embedded; left out with a sentence when WeasyPrint is missing."""

import datetime
import re
import zlib

import pytest
from django.core.management import CommandError, call_command

from jixiao.analysis import report_actions, report_document, report_pdf, report_queries
from jixiao.analysis.models import AnalysisReport, ReportScope, ReportStatus
from jixiao.analysis.tests.test_report_document import world  # noqa: F401 - the fixture

ON = datetime.date(2026, 8, 15)


def streams(pdf: bytes) -> bytes:
    """The PDF with every Flate stream inflated (WeasyPrint packs its objects into compressed object streams)."""
    out = [pdf]
    for match in re.finditer(rb"stream\r?\n", pdf):
        try:
            out.append(zlib.decompressobj().decompress(pdf[match.end():]))
        except zlib.error:
            continue
    return b"".join(out)


def test_the_html_says_what_the_docx_says(cast, world):  # noqa: F811
    facts = report_queries.facts(cast.cycle, 1, cast.street)
    outline = report_document.outline(facts, "（一）数据报送不及时。", "（一）按月调度。\n（二）对标金桥街道。")
    html = report_pdf.to_html(outline, on=ON)
    assert "<h1>华明街道2026年上半年绩效状况分析报告</h1>" in html
    assert "（数据截至2026年6月30日）" in html
    positions = [html.index(f"<h2>{h}</h2>") for h in report_document.HEADINGS]
    assert positions == sorted(positions)
    assert "<p>（二）对标金桥街道。</p>" in html and "<p>（一）数据报送不及时。</p>" in html
    assert "<th>组内名次</th>" in html and "<td>3/3</td>" in html  # the docx's comparison table
    assert "附：数据来源" in html and "2026年8月15日" in html  # sources, signed and dated
    assert html.count('src="data:image/png;base64,') == sum(1 for b in outline.blocks if b.kind == "picture")


@pytest.mark.skipif(not report_pdf.available(), reason="WeasyPrint (pango) is not installed")
def test_the_pdf_is_a_pdf_with_its_chinese_fonts_embedded(cast, world):  # noqa: F811
    pdf = report_actions.build_file(cast.cycle, 1, cast.street, pdf=True)
    assert pdf.startswith(b"%PDF-")
    inflated = streams(pdf)
    assert b"/FontFile" in inflated  # embedded, not left to the reader's machine
    assert b"NotoSerifCJK" in inflated and b"NotoSansCJK" in inflated
    assert b"/MediaBox [0 0 595" in inflated  # A4: 595 × 842 pt


def test_generating_stores_the_pdf_beside_the_docx(cast, world, django_capture_on_commit_callbacks):  # noqa: F811
    with django_capture_on_commit_callbacks(execute=True):
        report = report_actions.request_report(cast.cycle, 1, ReportScope.UNIT, unit=cast.street, by=cast.office)
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT
    if not report_pdf.available():
        assert not report.pdf
        return
    assert report.pdf.name.startswith("analysis/reports/华明街道2026年上半年绩效状况分析报告") and report.pdf.name.endswith(".pdf")
    with report.pdf.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"
    first = report.pdf.name
    with django_capture_on_commit_callbacks(execute=True):
        report_actions.edit_text(report, problems="（一）改。", suggestions="（一）改。", by=cast.office)
    report.refresh_from_db()
    assert report.pdf.name != first and not report.pdf.storage.exists(first)  # rebuilt with the text; the old one gone


def test_the_docx_is_there_before_the_pdf_and_the_page_waits_for_the_pdf(cast, world, login, monkeypatch,  # noqa: F811
                                                                          django_capture_on_commit_callbacks):
    seen = {}

    def lay_out(outline):  # the moment the PDF is laid out: the .docx is saved and readable already
        report = AnalysisReport.objects.get()
        seen["while"] = (report.status, bool(report.file), bool(report.pdf), report.pdf_pending)
        seen["page"] = login(cast.office).get(f"/analysis/reports/{report.pk}/").content.decode()
        return b"%PDF-1.7 stand-in"

    monkeypatch.setattr(report_pdf, "_html_class", lambda: object)  # "available"
    monkeypatch.setattr(report_actions, "_pdf", lay_out)
    with django_capture_on_commit_callbacks(execute=True):
        report = report_actions.request_report(cast.cycle, 1, ReportScope.DISTRICT, by=cast.office)
    assert seen["while"] == (ReportStatus.DRAFT, True, False, True)
    assert 'data-testid="report-download"' in seen["page"] and "PDF 版本正在排版" in seen["page"]
    assert "?polling=pdf" in seen["page"]
    report.refresh_from_db()
    assert report.pdf and not report.pdf_pending and report.phase == "已完成"
    polled = login(cast.office).get(f"/analysis/reports/{report.pk}/?polling=pdf", headers={"HX-Request": "true"})
    assert 'data-testid="report-pdf"' in polled.content.decode() and "HX-Refresh" not in polled
    assert "hx-trigger" not in polled.content.decode()


def test_a_pdf_made_for_a_docx_since_replaced_is_not_attached(cast, world, monkeypatch,  # noqa: F811
                                                             django_capture_on_commit_callbacks):
    monkeypatch.setattr(report_pdf, "_html_class", lambda: None)
    with django_capture_on_commit_callbacks(execute=True):
        report = report_actions.request_report(cast.cycle, 1, ReportScope.DISTRICT, by=cast.office)
    report.refresh_from_db()
    stale = AnalysisReport.objects.get(pk=report.pk)
    stale.file.name = "analysis/reports/an-earlier-draft.docx"  # the office's edit rebuilt the .docx meanwhile
    monkeypatch.setattr(report_actions, "_pdf", lambda outline: b"%PDF-1.7 stale")
    before = set(report.file.storage.listdir("analysis/reports")[1])
    report_actions._add_pdf(stale, outline=None)
    report.refresh_from_db()
    assert not report.pdf
    assert set(report.file.storage.listdir("analysis/reports")[1]) == before  # the stale PDF was not kept


def test_a_pdf_lost_with_its_worker_is_not_waited_for_forever(cast, world):  # noqa: F811
    report = AnalysisReport.objects.create(cycle=cast.cycle, half=1, scope=ReportScope.DISTRICT, key="k",
                                           requested_by=cast.office, requested_at="2026-08-15T10:00Z",
                                           status=ReportStatus.DRAFT, phase="排版 PDF", file="analysis/reports/x.docx",
                                           generated_at=datetime.datetime(2026, 1, 5, 10, tzinfo=datetime.UTC))
    assert not report.pdf_pending  # generated long before now: the worker that was laying it out is gone


def test_without_weasyprint_the_report_is_made_without_pdf_and_says_why(cast, world, monkeypatch, login,  # noqa: F811
                                                                      django_capture_on_commit_callbacks):
    monkeypatch.setattr(report_pdf, "_html_class", lambda: None)
    with django_capture_on_commit_callbacks(execute=True):
        report = report_actions.request_report(cast.cycle, 1, ReportScope.DISTRICT, by=cast.office)
    report.refresh_from_db()
    assert (report.status, bool(report.file), bool(report.pdf)) == (ReportStatus.DRAFT, True, False)
    page = login(cast.office).get(f"/analysis/reports/{report.pk}/").content.decode()
    assert report_pdf.MISSING in page and "下载 PDF" not in page


def test_the_pdf_downloads_and_the_portal_finds_the_issued_district_pdfs(cast, world, login,  # noqa: F811
                                                                        django_capture_on_commit_callbacks):
    office = login(cast.office)
    with django_capture_on_commit_callbacks(execute=True):
        report = report_actions.request_report(cast.cycle, 1, ReportScope.DISTRICT, by=cast.office)
        report_actions.request_report(cast.cycle, 1, ReportScope.UNIT, unit=cast.street, by=cast.office)
    report.refresh_from_db()
    assert list(report_queries.published_pdfs()) == []  # a draft is not published
    report_actions.issue(report, by=cast.office)
    if not report_pdf.available():
        assert office.get(f"/analysis/reports/{report.pk}/pdf/").status_code == 302
        return
    assert "下载 PDF" in office.get(f"/analysis/reports/{report.pk}/").content.decode()
    download = office.get(f"/analysis/reports/{report.pk}/pdf/")
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF-")
    assert "%E5%85%A8%E5%8C%BA2026" in download["Content-Disposition"]  # 全区2026…
    assert [r.pk for r in report_queries.published_pdfs()] == [report.pk]  # the issued district report only
    unit_report = AnalysisReport.objects.get(scope=ReportScope.UNIT)
    report_actions.issue(unit_report, by=cast.office)
    assert [r.pk for r in report_queries.published_pdfs()] == [report.pk]


def test_the_command_writes_a_pdf_for_a_pdf_path(cast, world, tmp_path):  # noqa: F811
    out = tmp_path / "report.pdf"
    if report_pdf.available():
        call_command("make_analysis_report", "--cycle", "2026", "--half", "1", str(out))
        assert out.read_bytes().startswith(b"%PDF-")
    else:
        with pytest.raises(CommandError, match="WeasyPrint"):
            call_command("make_analysis_report", "--cycle", "2026", "--half", "1", str(out))
