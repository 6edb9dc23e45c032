"""The half-year report built from a small world: its facts, the .docx read back with python-docx, the zip, the
command, and the guard against a report requested twice at once."""

import datetime
import io
import zipfile
from decimal import Decimal as D

import docx
import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from jixiao.analysis import report_actions, report_charts, report_document, report_pdf, report_queries
from jixiao.analysis.models import AnalysisReport, ReportScope, ReportStatus
from jixiao.analysis.tests.test_compare import streets, verified
from jixiao.analysis.tests.test_pace_queries import task
from jixiao.audit.models import Event
from jixiao.indicators.models import Target
from jixiao.indicators.tests import builders
from jixiao.results.models import Rectification

AUG_15 = datetime.datetime(2026, 8, 15, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture
def world(cast):
    """One group of four streets on one indicator: 华明 behind and last, 金桥 the benchmark, 第10街道 missing."""
    extra = streets(2)
    units = [cast.street, cast.other_street, *extra]
    scheme = builders.valid_scheme(cast, groups=[builders.group(cast.cycle, "G1", units, "街道组")], n_indicators=1)
    ind = scheme.items.get().indicator
    last = builders.cycle(2025)
    for unit, target in zip(units, (1000, 400, 500, 600), strict=True):
        Target.objects.create(cycle=cast.cycle, unit=unit, indicator=ind, target_value=D(target))
    verified(cast.street, cast.cycle, ind, "Q2", 300)  # 30 % of 1000 at half-year: behind
    verified(cast.other_street, cast.cycle, ind, "Q2", 450)
    verified(extra[1], cast.cycle, ind, "Q2", 350)
    verified(cast.street, last, ind, "Q2", 400)  # down 25 % on last year's Q2
    task(cast, cast.street, "ZD01", met=["Q1"])  # Q2 milestone missed: behind
    Rectification.objects.create(cycle=cast.cycle, unit=cast.street, source="feedback", problem="数据报送不及时",
                                 deadline=datetime.date(2026, 5, 31), created_by=cast.office,
                                 created_at=datetime.datetime(2026, 3, 1, tzinfo=datetime.UTC))
    with time_machine.travel(AUG_15, tick=False):
        yield {"ind": ind, "units": units}


def paragraphs(data: bytes) -> list[str]:
    return [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]


def test_the_units_facts_come_from_the_pace_and_comparison_queries(cast, world):
    f = report_queries.facts(cast.cycle, 1, cast.street)
    assert f.as_of == datetime.date(2026, 6, 30)
    assert f.pace_counts == {"behind": 2}
    assert [(b.kind, b.completion, b.elapsed) for b in f.behind] == [("指标", "30.0%", "50.0%"),
                                                                     ("重点工作", "25.0%", "50.0%")]
    (line,) = f.standings
    assert (line.rank, line.size, line.best, line.growth) == (3, 3, "金桥街道", D(-25))
    assert f.overdue == ["数据报送不及时"]


def test_the_unit_report_has_the_seven_parts_its_tables_and_the_as_of_date(cast, world):
    data = report_actions.build_file(cast.cycle, 1, cast.street)
    document = docx.Document(io.BytesIO(data))
    texts = [p.text for p in document.paragraphs]
    assert texts[2] == "华明街道2026年上半年绩效状况分析报告"
    assert "（数据截至2026年6月30日）" in texts
    positions = [texts.index(h) for h in report_document.HEADINGS]
    assert positions == sorted(positions)  # 一 … 七 in order
    assert "附：数据来源" in texts
    problems = texts[positions[5] + 1:positions[6]]
    assert problems[0].startswith("（一）有1项指标、1项重点工作欠进度")
    assert any("在同组单位中排名靠后" in p for p in problems) and any("较上年同期退步" in p for p in problems)
    headers = [[c.text for c in t.rows[0].cells] for t in document.tables]
    assert ["指标", "本单位", "组内名次", "标杆单位", "同比"] in headers
    compare_table = document.tables[headers.index(["指标", "本单位", "组内名次", "标杆单位", "同比"])]
    assert [c.text for c in compare_table.rows[1].cells][1:] == ["300万元", "3/3", "金桥街道", "−25.0%"]
    if report_charts.available():
        assert len(document.inline_shapes) == 2  # the pace chart and the completion chart


def test_the_district_report_compares_every_unit_and_counts_what_is_missing(cast, world):
    texts = paragraphs(report_actions.build_file(cast.cycle, 1))
    document = docx.Document(io.BytesIO(report_actions.build_file(cast.cycle, 1)))
    row = [c.text for c in document.tables[2].rows[1].cells]
    assert row[1:5] == ["3/4", "350万元", "金桥街道", "450万元"]  # 第10街道 has no value: counted, not ranked
    assert texts[2] == "全区2026年上半年绩效状况分析报告"
    assert any(t.startswith("（一）有1项指标、1项重点工作欠进度") for t in texts)


def test_a_cycle_with_nothing_reported_still_makes_a_report(cast):
    with time_machine.travel(AUG_15, tick=False):
        texts = paragraphs(report_actions.build_file(cast.cycle, 2))
    assert "（数据截至2026年8月15日）" in texts  # the second half runs: as of today
    assert "本年度考核方案中尚无可横向比较的指标。" in texts
    assert not any("NaN" in t for t in texts)


def test_a_report_requested_twice_at_once_runs_once(cast, world):
    first = AnalysisReport.objects.create(cycle=cast.cycle, half=1, scope=ReportScope.DISTRICT,
                                          key=report_actions.key_of(cast.cycle, 1, ReportScope.DISTRICT),
                                          requested_by=cast.office, requested_at=AUG_15)  # queued, not yet run
    with pytest.raises(ValidationError, match="正在生成，请勿重复提交"):
        report_actions.request_report(cast.cycle, 1, ReportScope.DISTRICT, by=cast.office)
    assert AnalysisReport.objects.count() == 1
    first.status = ReportStatus.DRAFT
    first.save()
    report_actions.request_report(cast.cycle, 1, ReportScope.DISTRICT, by=cast.office)  # done: may run again
    assert AnalysisReport.objects.count() == 2


def test_requesting_generates_a_draft_in_the_background(cast, world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = report_actions.request_report(cast.cycle, 1, ReportScope.UNIT, unit=cast.street, by=cast.office)
    report.refresh_from_db()
    assert (report.status, report.progress, report.as_of) == (ReportStatus.DRAFT, 100, datetime.date(2026, 6, 30))
    assert report.problems.startswith("（一）有1项指标")
    assert report.file.name.endswith(".docx")
    codes = list(Event.objects.filter(code__startswith="analysis_report.").order_by("pk").values_list("code", flat=True))
    assert codes == ["analysis_report.requested", "analysis_report.generated"] + (
        ["analysis_report.pdf_attached"] if report_pdf.available() else [])  # the PDF after the .docx


def test_all_units_make_one_zip_of_one_report_each(cast, world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = report_actions.request_report(cast.cycle, 1, ReportScope.ALL_UNITS, by=cast.office)
    report.refresh_from_db()
    with report.file.open("rb") as handle, zipfile.ZipFile(io.BytesIO(handle.read())) as archive:
        members = archive.namelist()
        assert members == ["001-华明街道2026年上半年绩效状况分析报告.docx", "002-金桥街道2026年上半年绩效状况分析报告.docx",
                           "003-第10街道2026年上半年绩效状况分析报告.docx", "004-第11街道2026年上半年绩效状况分析报告.docx"]
        texts = paragraphs(archive.read(members[2]))
    assert any("尚无已核定数值" in t for t in texts)  # 第10街道 reported nothing


def test_the_command_writes_the_docx_and_refuses_unknown_names(cast, world, tmp_path):
    out = tmp_path / "report.docx"
    call_command("make_analysis_report", "--cycle", "2026", "--half", "1", "--unit", "S01", str(out))
    assert paragraphs(out.read_bytes())[2] == "华明街道2026年上半年绩效状况分析报告"
    with pytest.raises(CommandError, match="没有 2030 考核年度"):
        call_command("make_analysis_report", "--cycle", "2030", "--half", "1", str(out))
    with pytest.raises(CommandError, match="没有编码为 X99 的单位"):
        call_command("make_analysis_report", "--cycle", "2026", "--half", "1", "--unit", "X99", str(out))
    with pytest.raises(CommandError, match="没有指标或重点工作"):
        call_command("make_analysis_report", "--cycle", "2026", "--half", "1", "--unit", "B01", str(out))


def test_the_demo_generates_the_districts_first_half_report_as_a_draft(cast, world):
    from jixiao.analysis import demo_report

    report = demo_report.load(cast.cycle)
    assert (report.scope, report.half, report.status, report.requested_by) == (
        ReportScope.DISTRICT, 1, ReportStatus.DRAFT, cast.office)
    with report.file.open("rb") as handle:
        assert paragraphs(handle.read())[2] == "全区2026年上半年绩效状况分析报告"


def test_all_units_of_a_cycle_without_units_fail_with_the_reason(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = report_actions.request_report(cast.cycle, 1, ReportScope.ALL_UNITS, by=cast.office)
    report.refresh_from_db()
    assert (report.status, report.error, bool(report.file)) == (ReportStatus.FAILED, "本年度没有可生成报告的单位。", False)
    assert Event.objects.filter(code="analysis_report.failed").count() == 1
