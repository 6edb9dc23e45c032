import datetime
import io

import lxml.html
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from docx import Document
from python_calamine import CalamineWorkbook

from jixiao.audit.models import Event
from jixiao.indicators.tests import builders as indicator_builders
from jixiao.results import actions, documents, queries
from jixiao.results.models import CadreRecord, Commendation
from jixiao.results.tests import builders

pytestmark = pytest.mark.django_db


def _release(run):
    """The office opens the run's appeal window: the run is released to the units."""
    from jixiao.scoring import actions as scoring

    return scoring.open_appeals(run, timezone.now() + datetime.timedelta(days=3), by=run.created_by)


def _text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def test_cadre_records_talk_list_and_archive_export(cast, login):
    run = builders.scored(cast)
    street = run.results.get(unit=cast.street)
    main = builders.cadre(cast, unit=cast.other_street)
    builders.cadre(cast, post="member", name="李四")
    with pytest.raises(ValidationError, match="尚无已向单位反馈或发布的考核结果"):
        actions.record_cadres(cast.cycle, by=cast.office)  # a figure the units never saw is no history
    assert not CadreRecord.objects.exists()
    _release(run)
    assert actions.record_cadres(cast.cycle, by=cast.office) == 2
    assert actions.record_cadres(cast.cycle, by=cast.office) == 0  # records are history: written once
    record = main.records.get()
    other = run.results.get(unit=cast.other_street)
    assert (record.total, record.rank, record.grade) == (other.total, other.rank, other.grade)
    assert street.rank < other.rank
    client = login(cast.office)
    talk_page = client.get(reverse("results:cadre_records") + "?talk=1").content.decode()
    if other.grade in queries.AVERAGE_OR_WORSE:
        assert main.name in talk_page
    CadreRecord.objects.filter(pk=record.pk).update(grade="average")
    record.refresh_from_db()
    response = client.post(reverse("results:talk_record", args=[record.pk]),
                           {"held_on": "2027-02-01", "held_by": "区委组织部", "summary": "查找差距"})
    assert response.status_code == 302 and record.__class__.objects.get(pk=record.pk).talk.held_by == "区委组织部"
    with pytest.raises(ValidationError):
        actions.record_talk(record, held_on=record.talk.held_on, held_by="x", summary="y", by=cast.office)
    member = CadreRecord.objects.get(cadre__name="李四")
    with pytest.raises(ValidationError):
        actions.record_talk(member, held_on=record.talk.held_on, held_by="x", summary="y", by=cast.office)
    archive = client.get(reverse("results:cadre_archive", args=[main.pk])).content.decode()
    assert "查找差距" in archive and "2026" in archive
    export = client.get(reverse("results:cadre_archive_export", args=[main.pk]))
    rows = CalamineWorkbook.from_filelike(io.BytesIO(export.content)).get_sheet_by_index(0).to_python()
    assert rows[0][0] == "年度" and rows[1][0] == 2026
    assert Event.objects.filter(code="cadre.exported", object_id=str(main.pk)).exists()


def test_bulletin_workbook_and_commendation(cast, login):
    run = builders.scored(cast, publish=True)
    text = _text(documents.bulletin(cast.cycle, [run]))
    assert "关于2026年度绩效考核结果的通报" in text and "〔2026〕1号" in text
    for result in run.results.select_related("unit", "group"):
        assert result.unit.name in text and result.group.name in text
    doc = Document(io.BytesIO(documents.bulletin(cast.cycle, [run])))
    section = doc.sections[0]
    assert round(section.top_margin.mm) == 37 and round(section.left_margin.mm) == 28
    count = actions.commend(run, by=cast.office)
    expected = run.results.filter(grade="excellent", award_eligible=True).count()
    assert count == expected == Commendation.objects.count() == 1
    assert Commendation.objects.get().unit == cast.street
    with pytest.raises(ValidationError):
        actions.commend(run, by=cast.office)
    client = login(cast.office)
    workbook = client.get(reverse("results:publication_workbook") + "?cycle=2026")
    rows = CalamineWorkbook.from_filelike(io.BytesIO(workbook.content)).get_sheet_by_index(0).to_python()
    assert len(rows) == 1 + run.results.count()
    assert client.get(reverse("results:publication") + "?cycle=2026").status_code == 200


def test_commendation_refused_before_publication(cast):
    run = builders.scored(cast)
    with pytest.raises(ValidationError):
        actions.commend(run, by=cast.office)


def test_public_page_shows_only_published_runs(cast, client):
    run = builders.scored(cast)
    body = client.get(reverse("portal:results")).content.decode()
    assert run.results.first().group.name not in body
    assert "尚未公开发布" in body or "暂无公开" in body


def test_public_page_after_publication(cast, client):
    run = builders.scored(cast, publish=True)
    body = client.get(reverse("portal:results")).content.decode()
    assert run.results.get(unit=cast.street).unit.name in body


def test_feedback_letter_lists_lost_points_and_gap(cast, login):
    run = builders.scored(cast)
    result = run.results.select_related("unit", "group", "run__cycle").get(unit=cast.tjj)
    text = _text(documents.feedback_letter(result))
    assert queries.lost_lines(result)  # 统计局 reaches 95 of 100 and loses points
    assert f"得分{result.total}分" in text and f"排名第{result.rank}位" in text
    for line in queries.lost_lines(result):
        assert line.explanation in text
    assert "与本组最优单位的差距" in text and "组最优" in text
    url = reverse("results:feedback_letter", args=[run.results.get(unit=cast.street).pk])
    client = login(cast.street_reporter)
    assert client.get(url).status_code == 404  # not yet released to the units
    _release(run)
    response = client.get(url)
    assert response.status_code == 200 and response.content.startswith(b"PK")


def test_feedback_letter_of_a_run_during_the_year_names_lines_not_yet_due(cast):
    """Indicator E202601 is reported once a year and has no figure on 2026-11-25: the letter names it as not due
    and compares neither it nor its 0 points with the group's best."""
    import datetime

    from jixiao.indicators.models import Indicator, Target
    from jixiao.scoring import actions as scoring
    from jixiao.scoring.tests.world import scheme_world

    scheme = scheme_world(cast)
    Target.objects.filter(cycle=cast.cycle, indicator__code="E202601").update(actual=None)
    Indicator.objects.filter(code="E202601").update(frequency="year")
    run = scoring.compute(scheme, "preliminary", by=cast.office,
                          now=datetime.datetime(2026, 11, 25, 9, 0, tzinfo=datetime.UTC))
    result = run.results.select_related("unit", "group", "run__cycle").get(unit=cast.tjj)
    data = documents.feedback_letter(result)
    assert "以下1项指标截至本次计算尚未到报送期，本次不计分、权重按比例分配：指标E202601。" in _text(data)
    cells = [c.text for t in Document(io.BytesIO(data)).tables for row in t.rows for c in row.cells]
    assert "指标E202600" in cells and "指标E202601" not in cells


def test_unit_results_page_has_charts_and_tables(cast, login, django_assert_max_num_queries):
    builders.scored(cast, release=True)
    client = login(cast.street_reporter)
    assert client.get(reverse("results:my_results"))["Location"] == reverse("results:unit_results",
                                                                            args=[cast.street.pk])
    with django_assert_max_num_queries(25):
        page = client.get(reverse("results:unit_results", args=[cast.street.pk]))
    body = page.content.decode()
    assert 'data-option-id="across-chart"' in body and 'id="across-chart"' in body
    assert 'data-testid="across"' in body and 'data-testid="over-time"' in body
    assert "<script>" not in body.replace('<script src', '')


def test_publication_page_picks_the_cycle(cast, login):
    builders.scored(cast)
    indicator_builders.cycle(2027)  # newer, without results
    client = login(cast.office)
    url = reverse("results:publication")
    body = client.get(url).content.decode()
    assert "考核结果 · 2026" in body and "2027（尚无结果）" in body  # no parameter: the latest year with results
    assert "该年度尚无考核结果" in client.get(url + "?cycle=2027").content.decode()
    assert "考核结果 · 2026" in client.get(url + "?cycle=abc").content.decode()
    assert client.get(reverse("results:publication_workbook")).status_code == 200
    assert client.get(reverse("results:publication_workbook") + "?cycle=2027").status_code == 404


def test_a_unit_reads_a_preliminary_run_only_once_released(cast, login):
    """The office computed a preliminary run: the unit's page, its charts and its letter show nothing of it until
    the office opens the appeal window; leaders read it at once."""
    run = builders.scored(cast)
    result = run.results.get(unit=cast.street)
    page_url = reverse("results:unit_results", args=[cast.street.pk])
    client = login(cast.street_reporter)
    page = client.get(page_url).content.decode()
    assert "尚无考核结果" in page and 'data-option-id="trend-chart"' not in page and f"{result.total}" not in page
    assert client.get(reverse("results:feedback_letter", args=[result.pk])).status_code == 404
    assert f"{result.total}" in login(cast.leader).get(page_url).content.decode()
    _release(run)
    page = login(cast.street_reporter).get(page_url).content.decode()
    assert f"{result.total}" in page and 'data-option-id="trend-chart"' in page


@pytest.fixture
def outside(cast):
    """A preliminary run released to the units in which 华明街道 has a capped 单列加分 of 5 and 加减分 −2."""
    from jixiao.scoring import actions as scoring
    from jixiao.scoring.tests.world import outside_bonus, scheme_world

    scheme = scheme_world(cast)
    outside_bonus(scheme, cast.street, cast.office)
    return _release(scoring.compute(scheme, "preliminary", by=cast.office))


def _by_header(rows: list[list], code: str) -> dict:
    return dict(zip(rows[0], next(r for r in rows if code in r), strict=True))


def test_publication_workbook_shows_the_bonus_outside_the_total_and_the_runs_warnings(cast, login, outside):
    content = login(cast.office).get(reverse("results:publication_workbook") + "?cycle=2026").content
    book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    assert book.sheet_names == ["考核结果", "计算提示"]
    s01 = _by_header(book.get_sheet_by_name("考核结果").to_python(), "S01")
    assert (s01["得分"], s01["加减分（计入总分）"], s01["单列加减分（不计入总分）"]) == ("86.00", "-2.00", "5.00")
    warnings = book.get_sheet_by_name("计算提示").to_python()
    assert warnings[0] == ["方案", "计算批次", "提示"]
    assert [row[2] for row in warnings[1:]] == outside.warnings and outside.warnings
    assert warnings[1][:2] == [outside.scheme.name, outside.label]


def test_unit_page_shows_the_bonus_outside_the_total(cast, login, outside):
    page = login(cast.street_reporter).get(reverse("results:unit_results", args=[cast.street.pk])).content.decode()
    tree = lxml.html.fromstring(page)
    table = tree.xpath('//table[@data-testid="history"]')[0]
    header = [th.text_content() for th in table.xpath("thead/tr/th")]
    row = dict(zip(header, [td.text_content() for td in table.xpath("tbody/tr[1]/td")], strict=True))
    assert (row["得分"], row["加减分"], row["单列加减分（不计入总分）"]) == ("86.00", "-2.00", "5.00")


def test_feedback_letter_states_the_bonus_outside_the_total(cast, outside):
    result = outside.results.select_related("unit", "group", "run__cycle").get(unit=cast.street)
    text = _text(documents.feedback_letter(result))
    assert "上述得分含加减分-2.00分；另有单列加减分5.00分，不计入总分，也不影响排名和等次。" in text
    plain = outside.results.select_related("unit", "group", "run__cycle").get(unit=cast.tjj)
    assert "单列加减分" not in _text(documents.feedback_letter(plain))  # no ledger entry, nothing to say
