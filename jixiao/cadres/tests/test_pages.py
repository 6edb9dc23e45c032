"""The office's team and cadre assessment pages (cadres/views.py): the tables, computing, calibration, rules,
the paper-ballot import and the work reports, with their bad input."""

import io
from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from jixiao.audit.models import Event
from jixiao.cadres import actions, ballots
from jixiao.cadres.models import CadreAssessment, DemocraticResult, DemocraticSource, WorkReport
from jixiao.cadres.tests import world
from jixiao.lib.excel import Sheet, read_workbook, write_workbook

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def workbook(rows, header=ballots.HEADER) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    write_workbook(buffer, [Sheet(ballots.SHEET, header, rows)])
    return SimpleUploadedFile("测评.xlsx", buffer.getvalue())


@pytest.fixture
def office(cast, login):
    return login(cast.office)


@pytest.fixture
def computed(cast):
    found = world.full(cast)
    actions.assess(cast.cycle, by=cast.office)
    return found


def test_the_tables_show_inputs_scores_grades_and_reasons(cast, office, computed, django_assert_max_num_queries):
    with django_assert_max_num_queries(25):
        page = office.get(reverse("cadres:index"), {"cycle": 2026}).content.decode()
    assert "95.40" in page and "96.00" in page  # S01's team and 张华
    assert "本单位绩效考核被一票否决，主要领导不能评为“优秀”，调为“称职”。" in page
    assert "缺少民主测评结果，未定等次。" in page
    assert "定等 6 名，“优秀”1 名，比例上限内至多 1 名。" in page


def test_the_tables_query_count_does_not_grow_with_rows(cast, office, computed):
    import datetime

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from jixiao.org.models import Cadre

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert office.get(reverse("cadres:index"), {"cycle": 2026}).status_code == 200
        return len(queries)

    before = count()
    for n in range(6):
        cadre = Cadre.objects.create(unit=cast.fgw, name=f"新{n}", post="member", title="副主任",
                                     tenure_from=datetime.date(2025, 1, 1))
        world.democratic(cast.cycle, cast.fgw, "85", cadre)
    actions.assess(cast.cycle, by=cast.office)
    actions.calibrate(CadreAssessment.objects.get(cadre__name="新0"), grade="basic", reason="审定", by=cast.office)
    assert CadreAssessment.objects.filter(cycle=cast.cycle).count() == 13
    assert count() == before


def test_the_leader_reads_but_cannot_compute(cast, login, computed):
    page = login(cast.leader).get(reverse("cadres:index"), {"cycle": 2026}).content.decode()
    assert "张华" in page and 'data-testid="assess-form"' not in page and "校准</a>" not in page


def test_compute_button_and_double_submit(cast, office):
    world.full(cast)
    page = office.get(reverse("cadres:index"), {"cycle": 2026}).content.decode()
    assert 'name="seen" value=""' in page
    response = office.post(reverse("cadres:assess"), {"cycle": "2026", "seen": ""}, follow=True)
    assert "已计算 4 个领导班子、7 名领导干部的考核等次。" in response.content.decode()
    again = office.post(reverse("cadres:assess"), {"cycle": "2026", "seen": ""}, follow=True)
    assert "刚刚已重新计算" in again.content.decode()
    assert Event.objects.filter(code="cadre.assessed").count() == 1
    assert Event.objects.filter(code="cadre.assess_refused").count() == 1


def test_calibration_over_the_quota_is_refused_in_chinese(cast, office, computed):
    li = CadreAssessment.objects.get(cadre=computed["s01_member"])
    url = reverse("cadres:calibrate", args=[li.pk])
    response = office.post(url, {"grade": "excellent", "reason": "实绩突出"})
    assert response.status_code == 422
    assert "校准后“优秀”将有 2 名，超过比例上限 20%（6 名干部中至多 1 名），不能校准为“优秀”。" in response.content.decode()
    li.refresh_from_db()
    assert li.grade == "competent" and li.calibrated_at is None
    assert office.post(url, {"grade": "basic", "reason": ""}).status_code == 422
    response = office.post(url, {"grade": "basic", "reason": "考核委员会审定"})
    assert response.status_code == 302
    li.refresh_from_db()
    assert (li.computed_grade, li.grade, li.calibration_reason) == ("competent", "basic", "考核委员会审定")


def test_rules_page_refuses_bad_sums_and_quota(cast, office):
    values = {"cycle": "2026", "team_performance_weight": "70", "team_democratic_weight": "40",
              "cadre_unit_weight": "40", "cadre_keytask_weight": "20", "cadre_democratic_weight": "40",
              "team_good_percent": "30", "excellent_percent": "30"}
    response = office.post(reverse("cadres:rules"), values)
    text = response.content.decode()
    assert response.status_code == 422
    assert "领导班子的单位绩效权重与民主测评权重之和应为 100。" in text and "干部“优秀”等次比例不得超过 25%。" in text
    values.update(team_performance_weight="60", excellent_percent="25")
    assert office.post(reverse("cadres:rules"), values).status_code == 302
    assert Event.objects.filter(code="cadre.rules_updated").count() == 1


# --- The paper-ballot import --------------------------------------------------------------------------------


def test_template_lists_the_teams_and_cadres(cast, office):
    world.scored(cast)
    world.cadres(cast)
    response = office.get(reverse("cadres:democratic_template"), {"cycle": 2026})
    rows = read_workbook(b"".join(response.streaming_content) if response.streaming else response.content, 10**7)
    sheet = rows[ballots.SHEET]
    assert sheet[0][:6] == ballots.HEADER[:6]
    assert ["S01", "华明街道", None, "领导班子"] in [r[:4] for r in sheet]
    assert any(r[2] == "张华" for r in sheet) and not any(r[2] == "周退" for r in sheet)  # left in 2025


def test_a_good_workbook_is_imported(cast, office):
    world.scored(cast)
    world.cadres(cast)
    upload = workbook([["S01", "华明街道", "", "", "92.5", 31, 90, 92, 94, 93],
                       ["S01", "华明街道", "张华", "", 95, "28"] + [None] * 4 + [96, 95, 94, 95, 95]])
    response = office.post(reverse("cadres:democratic_import") + "?cycle=2026", {"file": upload})
    assert response.status_code == 302
    team = DemocraticResult.objects.get(unit=cast.street, cadre=None)
    assert (team.score, team.raters, team.source) == (D("92.5"), 31, DemocraticSource.IMPORT)
    assert team.dimensions["领导能力"] == "92"
    assert DemocraticResult.objects.get(cadre__name="张华").dimensions["廉"] == "95"
    assert Event.objects.get(code="cadre.democratic_imported").after["rows"] == 2


def test_a_bad_workbook_writes_nothing_and_says_where(cast, office):
    world.scored(cast)
    world.cadres(cast)
    upload = workbook([
        ["X99", "", "", "", 90, 30],  # unknown unit
        ["S01", "", "无名氏", "", 90, 30],  # unknown cadre
        ["S01", "", "张华", "", 101, 30],  # over 100
        ["S02", "", "", "", "九十", 30],  # text in a number cell
        ["S01", "", "", "", 90, 30],
        ["S01", "", "", "", 91, 30],  # duplicate of the row above
        ["B01", "", "", "", 90, 0],  # no raters
    ])
    response = office.post(reverse("cadres:democratic_import") + "?cycle=2026", {"file": upload})
    text = response.content.decode()
    assert response.status_code == 422
    for message in ["第2行, A列（单位编码）: “X99”不是本年度有考核结果的单位",
                    "第3行, C列（干部姓名）: 华明街道本年度没有名为“无名氏”的干部",
                    "第4行, E列（测评得分）: 应在 0 至 100 之间，而不是 101",
                    "第5行, E列（测评得分）: ",
                    "第7行, A列（单位编码）: 华明街道领导班子的测评结果与第6行重复",
                    "第8行, F列（有效票数）: 应为正整数"]:
        assert message in text, message
    assert not DemocraticResult.objects.exists()
    assert Event.objects.get(code="cadre.democratic_import_refused").after["problems"] == 6


def test_paper_ballots_never_overwrite_an_online_result(cast, office):
    world.scored(cast)
    world.democratic(cast.cycle, cast.street, "88", source=DemocraticSource.ONLINE)
    response = office.post(reverse("cadres:democratic_import") + "?cycle=2026",
                           {"file": workbook([["S01", "", "", "", 95, 30]])})
    assert response.status_code == 422
    assert "华明街道领导班子已有网上测评结果，不能用纸质测评结果覆盖。" in response.content.decode()
    assert DemocraticResult.objects.get().score == D(88)


def test_a_workbook_without_the_sheet_is_refused(cast, office):
    world.scored(cast)
    buffer = io.BytesIO()
    write_workbook(buffer, [Sheet("Sheet1", ["a"], [[1]])])
    response = office.post(reverse("cadres:democratic_import") + "?cycle=2026",
                           {"file": SimpleUploadedFile("x.xlsx", buffer.getvalue())})
    assert response.status_code == 422 and "没有名为“民主测评结果”的工作表" in response.content.decode()


# --- Work reports -------------------------------------------------------------------------------------------


def test_a_report_is_uploaded_checked_and_read(cast, office, login):
    world.scored(cast)
    found = world.cadres(cast)
    url = reverse("cadres:report_upload") + "?cycle=2026"
    response = office.post(url, {"unit": cast.street.pk, "cadre": found["s01_main"].pk,
                                 "file": SimpleUploadedFile("述职述廉报告.pdf", PDF)})
    assert response.status_code == 302
    report = WorkReport.objects.get()
    assert (report.cadre, report.kind) == (found["s01_main"], "pdf")
    bad = office.post(url, {"unit": cast.street.pk, "file": SimpleUploadedFile("报告.pdf", b"MZ\x90\x00")})
    assert bad.status_code == 422 and "内容不是可接受的类型" in bad.content.decode()
    elsewhere = office.post(url, {"unit": cast.fgw.pk, "cadre": found["s01_main"].pk,
                                  "file": SimpleUploadedFile("a.pdf", PDF)})
    assert elsewhere.status_code == 422 and "所选干部不在所选单位任职。" in elsewhere.content.decode()
    assert WorkReport.objects.count() == 1
    download = login(cast.leader).get(reverse("cadres:report_download", args=[report.pk]))
    assert b"".join(download.streaming_content) == PDF
    assert Event.objects.filter(code="cadre.report_downloaded").count() == 1


def test_export_has_both_tables_and_is_audited(cast, office, computed):
    response = office.get(reverse("cadres:export"), {"cycle": 2026})
    sheets = read_workbook(response.content, 10**7)
    assert ["S01", "华明街道", 95, 96, 95.4, "好"] in [r[:6] for r in sheets["领导班子"]]
    zhang = next(r for r in sheets["领导干部"] if r[1] == "张华")
    assert zhang[7:10] == [96, "优秀", "优秀"]
    assert Event.objects.get(code="cadre.assessments_exported").after == {"cycle": 2026, "teams": 4, "cadres": 7}
