"""The quarterly key-project evaluation report from a small world: its facts as of the quarter's end, the .docx and
PDF, the all-units zip, the pages, the command, and every refusal (future quarter, no key tasks, twice at once)."""

import datetime
import io
import zipfile

import docx
import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from jixiao.analysis import pace, report_actions, report_pdf, report_quarter_content, report_quarter_queries
from jixiao.analysis.models import AnalysisReport, ReportKind, ReportScope, ReportStatus
from jixiao.analysis.tests.test_pace_queries import task
from jixiao.indicators.tests import builders
from jixiao.keywork.models import KeyTask

OCT_15 = datetime.datetime(2026, 10, 15, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture
def world(cast):
    """华明街道 leads ZD01 (only Q1 met: 2 milestones behind at Q3's end) and ZD03 (no milestones); 金桥街道 leads
    ZD02 (Q1–Q3 met: on pace)."""
    task(cast, cast.street, "ZD01", met=["Q1"])
    task(cast, cast.other_street, "ZD02", met=["Q1", "Q2", "Q3"])
    KeyTask.objects.create(cycle=cast.cycle, code="ZD03", name="无节点的工作", source="other", lead_unit=cast.street,
                           annual_goal="完成")
    with time_machine.travel(OCT_15, tick=False):
        yield


def paragraphs(data: bytes) -> list[str]:
    return [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]


def test_each_task_is_read_as_of_the_quarters_end_and_rated(cast, world):
    f = report_quarter_queries.facts(cast.cycle, 3)
    assert f.as_of == datetime.date(2026, 9, 30)
    lines = {p.code: p for p in f.projects}
    first, second, bare = lines["ZD01"], lines["ZD02"], lines["ZD03"]
    assert (first.status, first.met, first.due, first.shortfall, first.quarter_state, first.percent) == (
        pace.BEHIND, 1, 3, 2, report_quarter_content.MISSED, 24)  # its Q1 report said 24 %
    assert first.rating == ("差", "欠序时进度2个节点")
    assert (second.status, second.quarter_state, second.rating[0]) == (pace.ON_PACE, report_quarter_content.MET, "较好")
    assert (bare.milestones, bare.rating) == (0, ("未评价", "未设节点目标，无法评价"))
    assert [p.code for p in report_quarter_queries.facts(cast.cycle, 3, cast.street).projects] == ["ZD01", "ZD03"]


def test_the_second_quarter_sees_no_later_report(cast, world):
    (line,) = [p for p in report_quarter_queries.facts(cast.cycle, 2).projects if p.code == "ZD02"]
    assert (line.met, line.percent) == (2, 48)  # the Q3 report is made on 28 September: not seen at Q2


def test_the_district_report_has_six_parts_the_rule_and_the_tables(cast, world):
    data = report_actions.build_file(cast.cycle, None, quarter=3)
    document = docx.Document(io.BytesIO(data))
    texts = [p.text for p in document.paragraphs]
    assert texts[2] == "全区2026年第三季度重点项目评价报告" and "（数据截至2026年9月30日）" in texts
    positions = [texts.index(h) for h in ["一、总体情况", "二、各项目进展", "三、欠进度项目", "四、季度评价", "五、存在问题",
                                          "六、改进建议", "附：数据来源"]]
    assert positions == sorted(positions)
    assert any(t.startswith("评价规则：已完成全部节点") for t in texts)
    headers = [[c.text for c in t.rows[0].cells] for t in document.tables]
    progress = document.tables[headers.index(["项目", "牵头单位", "责任领导", "本季度节点目标", "节点完成", "完成进度",
                                              "序时进度"])]
    assert [c.text for c in progress.rows[1].cells] == ["ZD01 重点工作ZD01", "华明街道", "—", "Q3节点", "未完成", "24%",
                                                         "欠进度"]
    behind = document.tables[headers.index(["项目", "牵头单位", "已完成节点", "应完成节点", "差额", "完成进度"])]
    assert [c.text for c in behind.rows[1].cells][2:5] == ["1/4", "3", "2个节点"]
    assert any(t.startswith("（一）“重点工作ZD01”（华明街道）欠序时进度2个节点") for t in texts)


def test_requesting_a_quarter_makes_a_draft_docx_and_pdf_then_edits_and_issues(cast, world,
                                                                            django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = report_actions.request_report(cast.cycle, None, ReportScope.UNIT, unit=cast.street, quarter=3,
                                               by=cast.office)
    report.refresh_from_db()
    assert (report.kind, report.quarter, report.half, report.status) == (ReportKind.QUARTER, 3, None,
                                                                          ReportStatus.DRAFT)
    assert report.title == "华明街道2026年第三季度重点项目评价报告"
    assert report.problems.startswith("（一）“重点工作ZD01”（华明街道）欠序时进度2个节点")
    if report_pdf.available():
        with report.pdf.open("rb") as handle:
            assert handle.read(5) == b"%PDF-"
    with django_capture_on_commit_callbacks(execute=True):
        report_actions.edit_text(report, problems="（一）节点滞后。", suggestions="（一）十月底前补齐。", by=cast.office)
    report.refresh_from_db()
    with report.file.open("rb") as handle:
        assert "（一）十月底前补齐。" in paragraphs(handle.read())
    report_actions.issue(report, by=cast.office)
    assert AnalysisReport.objects.get().status == ReportStatus.ISSUED


def test_all_units_zip_holds_each_lead_units_report(cast, world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = report_actions.request_report(cast.cycle, None, ReportScope.ALL_UNITS, quarter=3, by=cast.office)
    report.refresh_from_db()
    with report.file.open("rb") as handle, zipfile.ZipFile(io.BytesIO(handle.read())) as archive:
        assert archive.namelist() == ["001-华明街道2026年第三季度重点项目评价报告.docx",
                                      "002-金桥街道2026年第三季度重点项目评价报告.docx"]


def test_bad_requests_are_refused_with_the_reason(cast, world):
    with (time_machine.travel(datetime.datetime(2026, 8, 15, tzinfo=datetime.UTC), tick=False),
          pytest.raises(ValidationError, match="2026年第四季度尚未开始（10月1日开始），不能生成评价报告")):
        report_actions.request_report(cast.cycle, None, ReportScope.DISTRICT, quarter=4, by=cast.office)
    with pytest.raises(ValidationError, match="区统计局在2026年度未牵头重点工作和重大项目"):
        report_actions.request_report(cast.cycle, None, ReportScope.UNIT, unit=cast.tjj, quarter=3, by=cast.office)
    report_actions.request_report(cast.cycle, None, ReportScope.DISTRICT, quarter=3, by=cast.office)
    with pytest.raises(ValidationError, match="正在生成，请勿重复提交"):  # the first is still queued
        report_actions.request_report(cast.cycle, None, ReportScope.DISTRICT, quarter=3, by=cast.office)
    report_actions.request_report(cast.cycle, 1, ReportScope.DISTRICT, by=cast.office)  # the half-year one is another
    assert AnalysisReport.objects.count() == 2
    with pytest.raises(ValidationError, match="2025年度尚未设立重点工作和重大项目"):
        report_actions.request_report(builders.cycle(2025), None, ReportScope.DISTRICT, quarter=1, by=cast.office)


def test_the_pages_request_a_quarterly_report_and_the_lead_unit_reads_it_once_issued(
        cast, world, login, django_capture_on_commit_callbacks):
    office = login(cast.office)
    assert "重点项目季度评价报告" in office.get("/analysis/reports/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = office.post("/analysis/reports/new/", {"cycle": "2026", "kind": "quarter", "quarter": "3",
                                                          "scope": "unit", "unit": cast.street.pk})
    report = AnalysisReport.objects.get()
    assert response["Location"] == f"/analysis/reports/{report.pk}/"
    page = office.get(response["Location"]).content.decode()
    assert "华明街道2026年第三季度重点项目评价报告" in page and "五、存在问题" in page and "六、改进建议" in page
    refused = office.post("/analysis/reports/new/", {"cycle": "2026", "kind": "quarter", "scope": "district"},
                          follow=True)
    assert "请选择第一至第四季度。" in refused.content.decode()
    office.post(f"/analysis/reports/{report.pk}/issue/")
    reader = login(cast.street_reporter)
    mine = reader.get("/analysis/my/reports/").content.decode()
    assert "华明街道2026年第三季度重点项目评价报告" in mine
    assert reader.get(f"/analysis/my/reports/{report.pk}/download/").status_code == 200
    if report_pdf.available():
        assert "下载 PDF" in mine
        pdf = reader.get(f"/analysis/my/reports/{report.pk}/pdf/")
        assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF-")
    assert login(cast.reporter).get(
        f"/analysis/my/reports/{report.pk}/pdf/").status_code == 404  # 区发改委 reads not 华明街道's report


def test_the_command_writes_a_quarter_and_refuses_a_half_with_it(cast, world, tmp_path):
    out = tmp_path / "q.docx"
    call_command("make_analysis_report", "--cycle", "2026", "--quarter", "3", "--unit", "S02", str(out))
    assert paragraphs(out.read_bytes())[2] == "金桥街道2026年第三季度重点项目评价报告"
    with pytest.raises(CommandError, match="not allowed with argument"):
        call_command("make_analysis_report", "--cycle", "2026", "--quarter", "3", "--half", "1", str(out))
    with pytest.raises(CommandError, match="未牵头重点工作和重大项目"):
        call_command("make_analysis_report", "--cycle", "2026", "--quarter", "3", "--unit", "B02", str(out))
    with pytest.raises(CommandError, match="第四季度尚未开始"), time_machine.travel(
            datetime.datetime(2026, 8, 15, tzinfo=datetime.UTC), tick=False):
        call_command("make_analysis_report", "--cycle", "2026", "--quarter", "4", str(out))


def test_the_demo_generates_the_districts_third_quarter_report_as_a_draft(cast, world):
    from jixiao.analysis import demo_report

    report = demo_report.load_quarter(cast.cycle)
    assert (report.kind, report.quarter, report.scope, report.status) == (
        ReportKind.QUARTER, 3, ReportScope.DISTRICT, ReportStatus.DRAFT)
    with report.file.open("rb") as handle:
        assert paragraphs(handle.read())[2] == "全区2026年第三季度重点项目评价报告"
