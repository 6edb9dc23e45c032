import datetime

import lxml.html
import pytest
from django.urls import reverse
from django.utils import timezone

from jixiao.scoring import actions
from jixiao.scoring.models import Appeal, AppealStatus, ScoreRun
from jixiao.scoring.tests.world import outside_bonus, scheme_world


def test_office_computes_and_reads_results_by_group(cast, login):
    scheme = scheme_world(cast)
    client = login(cast.office)
    response = client.post(reverse("scoring:compute"), {"scheme": scheme.pk, "stage": "preliminary"})
    run = ScoreRun.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("scoring:run_detail", args=[run.pk])
    page = client.get(reverse("scoring:run_detail", args=[run.pk])).content.decode()
    assert "涉农街道" in page and "委办局" in page and "华明街道" in page and "88.00" in page
    result = run.results.get(unit=cast.street)
    page = client.get(reverse("scoring:result_detail", args=[result.pk])).content.decode()
    assert "完成率" in page
    assert "2026年度" in client.get(reverse("scoring:run_list")).content.decode()


def test_unit_sees_its_result_only_once_shown_and_appeals(cast, login):
    scheme = scheme_world(cast)
    run = actions.compute(scheme, "preliminary", by=cast.office)
    client = login(cast.street_reporter)
    result = run.results.get(unit=cast.street)
    assert client.get(reverse("scoring:result_detail", args=[result.pk])).status_code == 404
    assert "尚无可查看的考核结果" in client.get(reverse("scoring:our_result")).content.decode()
    actions.open_appeals(run, timezone.now() + datetime.timedelta(days=3), by=cast.office)
    page = client.get(reverse("scoring:our_result")).content.decode()
    assert "提出申诉" in page and "88.00" in page
    response = client.post(reverse("scoring:appeal_create", args=[result.pk]),
                           {"reason": "统计数据口径有误，请予更正", "evidence": "更正说明一份"})
    assert response.status_code == 302
    appeal = Appeal.objects.get()
    assert appeal.unit == cast.street and appeal.filed_by == cast.street_reporter
    office = login(cast.office)
    assert "统计数据口径有误" in office.get(reverse("scoring:appeal_queue")).content.decode()
    office.post(reverse("scoring:appeal_decide", args=[appeal.pk]), {"decision": "reject", "reason": "数据已核定"})
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.REJECTED and appeal.decision_reason == "数据已核定"


def test_compare_lists_changed_units(cast, login):
    scheme = scheme_world(cast)
    first = actions.compute(scheme, "preliminary", by=cast.office)
    actions.calibrate(scheme=scheme, unit=cast.tjj, grade="excellent", reason="委员会决定", by=cast.office)
    second = actions.compute(scheme, "preliminary", by=cast.office)
    page = login(cast.leader).get(reverse("scoring:compare"), {"a": first.pk, "b": second.pk}).content.decode()
    assert "区统计局" in page and "优秀" in page and "共 1 个单位有变化" in page


def test_pages_name_lines_not_yet_due_in_chinese(cast, login):
    """A preliminary run on 2026-11-25 of a scheme whose indicator E202601 is reported once a year: the result page
    marks that line 尚未到报送期 and the unit's page lists it among the lines not scored this time."""
    from jixiao.indicators.models import Indicator, Target

    scheme = scheme_world(cast)
    Target.objects.filter(cycle=cast.cycle, indicator__code="E202601").update(actual=None)
    Indicator.objects.filter(code="E202601").update(frequency="year")
    run = actions.compute(scheme, "preliminary", by=cast.office,
                          now=datetime.datetime(2026, 11, 25, 9, 0, tzinfo=datetime.UTC))
    result = run.results.get(unit=cast.street)
    assert result.lines.get(indicator="E202601").status == "not_due"
    page = login(cast.office).get(reverse("scoring:result_detail", args=[result.pk])).content.decode()
    assert 'data-testid="line-status">尚未到报送期</span>' in page
    assert "年度报送指标，截至 2026-11-25 尚未到报送期，本次不计分、权重按比例分配" in page
    actions.open_appeals(run, timezone.now() + datetime.timedelta(days=3), by=cast.office)
    page = login(cast.street_reporter).get(reverse("scoring:our_result")).content.decode()
    assert "尚未到报送期、本次不计分（权重按比例分配）的指标：指标E202601。" in page


def _row(page: str, unit_name: str) -> dict[str, str]:
    """The table row of `unit_name` on `page`, keyed by the column headers' text."""
    tree = lxml.html.fromstring(page)
    for table in tree.iter("table"):
        header = [th.text_content().strip() for th in table.iterfind("thead/tr/th")]
        for tr in table.iterfind("tbody/tr"):
            cells = [td.text_content().strip() for td in tr.iterfind("td")]
            if unit_name in cells:
                return dict(zip(header, cells, strict=True))
    raise AssertionError(f"no row of {unit_name}")


@pytest.fixture
def outside_run(cast):
    """A preliminary run in which 华明街道 has a capped 单列加分 of 5 (outside the total) and 加减分 −2."""
    scheme = scheme_world(cast)
    outside_bonus(scheme, cast.street, cast.office)
    return actions.compute(scheme, "preliminary", by=cast.office)


def test_run_page_shows_the_bonus_outside_the_total_beside_the_adjustments(cast, login, outside_run):
    page = login(cast.office).get(reverse("scoring:run_detail", args=[outside_run.pk])).content.decode()
    row = _row(page, cast.street.name)
    assert (row["总分"], row["加减分"], row["单列加减分（不计入总分）"]) == ("86.00", "-2.00", "5.00")
    assert _row(page, cast.tjj.name)["单列加减分（不计入总分）"] == "0.00"


def test_result_page_shows_the_bonus_outside_the_total_beside_the_adjustments(cast, login, outside_run):
    result = outside_run.results.get(unit=cast.street)
    page = login(cast.office).get(reverse("scoring:result_detail", args=[result.pk])).content.decode()
    assert '<dt class="col-sm-2">单列加减分</dt><dd class="col-sm-4">5.00（不计入总分）</dd>' in page
    assert '<dt class="col-sm-2">加减分</dt><dd class="col-sm-4">-2.00（计入总分）</dd>' in page


def test_the_run_list_opens_on_the_year_with_a_scheme_and_says_so_of_a_bad_year(cast, login):
    from jixiao.org.models import Cycle, CycleStatus

    scheme_world(cast)  # a scheme of 2026
    Cycle.objects.create(year=2027, name="2027年度", status=CycleStatus.PLANNING,
                         starts_on=datetime.date(2027, 1, 1), ends_on=datetime.date(2027, 12, 31))
    client = login(cast.office)
    page = client.get(reverse("scoring:run_list")).content.decode()
    assert "2026年度考核计算" in page and 'id="scheme"' in page
    page = client.get(reverse("scoring:run_list"), {"cycle": "abc"}).content.decode()
    assert "没有“abc”这个考核年度，已显示2026年度。" in page and "2026年度考核计算" in page
    assert "2027年度考核计算" in client.get(reverse("scoring:run_list"), {"cycle": "2027"}).content.decode()


def test_a_refused_computation_is_shown_and_audited(cast, login):
    from jixiao.audit.models import Event

    scheme = scheme_world(cast)
    response = login(cast.office).post(reverse("scoring:compute"), {"scheme": scheme.pk, "stage": "final"},
                                       follow=True)
    assert [str(m) for m in response.context["messages"]] == ["尚无初步结果，不能计算最终结果"]
    event = Event.objects.get(code="scoring.compute_refused")
    assert event.outcome == "failure" and event.user_id == cast.office.pk and event.object_id == str(scheme.pk)
    assert event.after == {"message": "尚无初步结果，不能计算最终结果"} and not ScoreRun.objects.exists()
