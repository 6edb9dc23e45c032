"""The results pages in Chromium on the demo district's scored history: the office's publication page (picking
the cycle, quota and veto notes), a street's results page with its 纵比 and 横比 charts, and the public results
page without logging in."""

import re

import pytest
from django.urls import reverse

from tests.browser.session import log_in

pytestmark = pytest.mark.browser
STEPS = ("org", "accounts", "keywork", "evaluation", "indicators", "reporting", "scoring", "results")


@pytest.fixture
def scored_district(load_demo):
    load_demo(STEPS)


def test_office_publication_unit_charts_and_public_page(scored_district, live_server, page, browser, shot,
                                                        external_requests):
    base = live_server.url
    log_in(page, base, "office")
    page.goto(base + reverse("results:publication"))
    assert "考核结果 · 2025" in page.locator("h1").inner_text()  # no parameter: the latest cycle with results
    assert "2026（尚无结果）" in page.get_by_label("年度").inner_text()
    shot("results-publication-2025")

    page.get_by_label("年度").select_option("2021")
    page.get_by_role("button", name="查看").click()
    page.wait_for_url(re.compile(r"cycle=2021"))
    tables = page.get_by_test_id("results")
    quota = tables.locator("tr", has_text="超出名额")
    assert quota.count() >= 1 and "良好" in quota.first.inner_text()
    shot("results-publication-2021-quota")

    page.goto(base + reverse("results:publication") + "?cycle=2023")
    vetoed = page.get_by_test_id("results").locator("tr", has_text="一票否决")
    assert vetoed.count() == 1 and "一般" in vetoed.inner_text() and "否" in vetoed.inner_text()
    street = vetoed.get_by_role("link").first
    name = street.inner_text()
    shot("results-publication-2023-veto")

    street.click()
    page.wait_for_url(re.compile(r"/results/units/\d+/"))
    assert name in page.locator("h1").inner_text()
    charts = page.locator(".chart")
    assert charts.count() == 2
    for i in range(2):  # charts.js has ECharts draw SVG into each chart box: lines and bars, not an empty box
        charts.nth(i).locator("svg path").first.wait_for(state="attached")
        assert charts.nth(i).locator("svg path").count() > 5
    assert page.get_by_test_id("history").locator("tbody tr").count() == 6  # 2020–2025
    assert page.get_by_test_id("across").locator("tbody tr").count() > 0
    shot("results-unit-charts")
    assert external_requests == [], external_requests

    public = browser.new_context(locale="zh-CN").new_page()  # no session: the public portal
    public.goto(base + reverse("portal:results"))
    assert "/login/" not in public.url
    assert "绩效考核结果公开" in public.locator("h1").inner_text()
    assert public.get_by_test_id("public-results").count() >= 3
    assert "失分" not in public.content()  # only rank, unit, score and grade are public
    shot("results-public", on=public)
    public.context.close()


def test_a_unit_sees_a_new_result_only_once_the_office_releases_it(scored_district, live_server, page, browser,
                                                                   shot, external_requests):
    """The office computes 2026's preliminary result: the street's reporter still reads 2020–2025 only, on its page
    and its charts; once the office opens the appeal window, 2026 appears there with the same total."""
    from jixiao.scoring.models import ScoreResult

    base = live_server.url
    log_in(page, base, "office")
    page.goto(base + reverse("scoring:run_list") + "?cycle=2026")
    page.get_by_label("考核方案").select_option(label="示范区2026年度目标管理绩效考核方案")
    page.get_by_label("阶段").select_option("preliminary")
    page.get_by_role("button", name="计算").click()
    page.wait_for_url(re.compile(r"/scoring/runs/\d+/"))
    run_page = page.url
    result = ScoreResult.objects.get(run__cycle__year=2026, run__stage="preliminary", unit__code="S01")
    assert str(result.total) in page.get_by_role("row", name=re.compile("华明街道")).first.inner_text()

    unit = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1366, "height": 900})
    street = unit.new_page()
    log_in(street, base, "street_reporter")
    street.goto(base + reverse("results:my_results"))
    history = street.get_by_test_id("history")
    assert history.locator("tbody tr").count() == 6  # 2020–2025: nothing of 2026 yet
    assert history.locator("tbody tr", has_text="2026").count() == 0
    assert "2025年度各指标得分率" in street.locator("h2", has_text="横比").first.inner_text()
    shot("results-unit-before-release", on=street)
    street.goto(base + reverse("scoring:our_result"))
    assert "2026" not in street.locator("main").inner_text()

    page.goto(run_page)
    page.get_by_role("button", name="开启反馈申诉期").click()
    page.get_by_text("已开启反馈申诉期").wait_for()

    street.goto(base + reverse("results:my_results"))
    rows = street.get_by_test_id("history").locator("tbody tr")
    assert rows.count() == 7
    assert str(result.total) in rows.filter(has_text="2026").inner_text()
    assert "2026年度各指标得分率" in street.locator("h2", has_text="横比").first.inner_text()
    street.locator(".chart").nth(1).locator("svg path").first.wait_for(state="attached")
    shot("results-unit-after-release", on=street)
    assert external_requests == [], external_requests
    unit.close()


def test_the_bonus_outside_the_total_is_shown_beside_the_adjustments(scored_district, live_server, page, shot,
                                                                     external_requests):
    """A demo unit's 单列加分 (J2, not counted in the total) on the office's run page and on the unit's page."""
    from jixiao.scoring.models import ScoreResult

    result = (ScoreResult.objects.filter(run__published=True, outside_total__gt=0)
              .select_related("unit", "group", "run__cycle").order_by("-run__cycle__year").first())
    base = live_server.url
    log_in(page, base, "office")
    page.goto(base + reverse("scoring:run_detail", args=[result.run_id]))
    header = [t.strip() for t in page.locator("thead").first.locator("th").all_inner_texts()]
    column = next(i for i, text in enumerate(header) if text.startswith("单列加减分"))
    row = page.locator("tbody tr", has_text=result.unit.name).first
    assert row.locator("td").nth(column).inner_text() == f"{result.outside_total}"
    shot("scoring-run-outside-total")

    page.goto(base + reverse("results:unit_results", args=[result.unit_id]))
    history = page.get_by_test_id("history")
    shot("results-unit-outside-total")
    assert "单列加减分（不计入总分）" in history.locator("thead").inner_text()
    cells = [c.locator("td").all_inner_texts() for c in history.locator("tbody tr").all()]
    assert [str(result.run.cycle.year), result.group.name, str(result.total), str(result.adjustment_total),
            str(result.outside_total)] in [[c[0], c[1], *c[3:6]] for c in cells]
    assert external_requests == [], external_requests
