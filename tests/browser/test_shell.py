"""The shell in Chromium: the Chinese error pages in both layouts, the header at 375 px, and a unit's 横比 chart
showing every indicator (no slider, no clipped label) at 1366 and 375 px."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS
from tests.browser.session import log_in

pytestmark = pytest.mark.browser
STEPS = ("org", "accounts", "keywork", "evaluation", "indicators", "reporting", "scoring", "results")
PHONE = {"width": 375, "height": 812}


@pytest.fixture
def scored_district(load_demo):
    load_demo(STEPS)


# --- Error pages -------------------------------------------------------------------------------------------


@pytest.mark.urls("jixiao.ui.tests.test_error_pages")  # the site's URLs plus a few that fail on purpose
def test_error_pages_in_the_shell_and_the_portal(scored_district, live_server, page, browser, shot,
                                                 external_requests):
    base = live_server.url
    log_in(page, base, "reporter")  # 区发改委's reporter
    for url, status, name in [("/system/", 403, "error-403-staff"), ("/no-such-page/", 404, "error-404-staff"),
                              ("/fail/500/", 500, "error-500-staff")]:
        response = page.goto(base + url)
        assert response.status == status
        body = page.get_by_test_id("error-page")
        assert body.get_attribute("data-status") == str(status)
        assert "联系" in body.inner_text()
        shot(name)
    page.goto(base + "/system/")
    assert "您当前的角色无权执行此操作" in page.get_by_test_id("error-reason").inner_text()
    assert page.get_by_role("navigation", name="主导航").count() == 1  # the shell, sidebar and all

    # A click handled by htmx that fails says so above the page (htmx itself swaps nothing in on an error).
    page.goto(base + "/")
    page.evaluate("htmx.ajax('GET', '/system/', {target: '#main', swap: 'innerHTML'})")
    expect(page.get_by_test_id("request-error")).to_contain_text("您当前的角色无权执行此操作")
    page.evaluate("htmx.ajax('GET', '/fail/500/', {target: '#main', swap: 'innerHTML'})")
    expect(page.get_by_test_id("request-error").first).to_contain_text("服务器暂时出错")
    shot("error-htmx-staff")

    citizen = browser.new_context(locale="zh-CN", viewport=PHONE).new_page()
    for url, status, name in [("/p/fail/403/", 403, "error-403-portal"), ("/p/no-such-page/", 404, "error-404-portal"),
                              ("/p/fail/500/", 500, "error-500-portal")]:
        response = citizen.goto(base + url)
        assert response.status == status
        assert citizen.get_by_test_id("error-page").get_attribute("data-status") == str(status)
        assert citizen.get_by_role("link", name="回到门户首页").count() == 1
        assert citizen.get_by_role("navigation", name="主导航").count() == 0
        shot(name, on=citizen)
    citizen.context.close()
    assert external_requests == [], external_requests


def test_a_form_left_open_past_its_session_gets_the_chinese_csrf_page(scored_district, live_server, browser, shot):
    context = browser.new_context(locale="zh-CN", viewport=PHONE)
    citizen = context.new_page()
    citizen.goto(live_server.url + reverse("portal:evaluate"))
    # Signed in again in another window: the browser holds a new CSRF cookie, the open form the old token.
    context.add_cookies([{"name": "csrftoken", "value": "x" * 32, "url": live_server.url}])
    with citizen.expect_navigation():
        citizen.locator("form[method=post] [type=submit]").first.click()
    assert citizen.get_by_test_id("error-page").get_attribute("data-status") == "403"
    assert "页面已过期" in citizen.locator("h1").inner_text()
    assert "校验码已失效" in citizen.get_by_test_id("error-page").inner_text()
    shot("error-csrf-portal", on=citizen)
    context.close()


# --- Header at 375 px ---------------------------------------------------------------------------------------


def test_the_brand_is_whole_at_375_px(scored_district, live_server, browser, shot):
    context = browser.new_context(locale="zh-CN", viewport=PHONE)
    phone = context.new_page()
    log_in(phone, live_server.url, "office")
    brand = phone.locator("header .navbar-brand")
    assert brand.inner_text() == "绩效管理平台"
    assert brand.evaluate("el => el.scrollWidth <= el.clientWidth")  # nothing cut off
    box = brand.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    for control in ("active-unit", "notices", "account-menu"):  # everything in the header stays on screen
        box = phone.get_by_test_id(control).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], control
    phone.screenshot(path=str(ARTIFACTS / "shell-header-375.png"), clip={"x": 0, "y": 0, "width": 375, "height": 120})
    context.close()


# --- The 横比 chart shows every indicator --------------------------------------------------------------------

CHART_FACTS = """el => {
  const chart = echarts.getInstanceByDom(el);
  const option = chart.getOption();
  const names = option.yAxis[0].data;
  const height = el.clientHeight, width = el.clientWidth;
  const bars = [];
  chart.getModel().getSeries().forEach(s => {
    const data = s.getData();
    for (let i = 0; i < data.count(); i++) bars.push(data.getItemLayout(i));
  });
  const rows = names.map((_, i) => chart.convertToPixel({yAxisIndex: 0}, i));
  const box = el.getBoundingClientRect();
  const texts = Array.from(el.querySelectorAll("svg text")).map(t => {
    const r = t.getBoundingClientRect();
    return {text: t.textContent, left: r.left - box.left, right: r.right - box.left, top: r.top - box.top,
            bottom: r.bottom - box.top};
  });
  return {names, height, width, zoom: (option.dataZoom || []).length, bars, rows, texts,
          series: option.series.length};
}"""


def _check_across_chart(page, rows: int):
    chart = page.get_by_test_id("across-chart")
    chart.locator("svg path").first.wait_for(state="attached")
    facts = chart.evaluate(CHART_FACTS)
    assert len(facts["names"]) == rows and facts["zoom"] == 0
    # every bar of every series is drawn inside the chart box
    assert len(facts["bars"]) == rows * facts["series"]
    for bar in facts["bars"]:
        assert bar["y"] >= 0 and bar["y"] + bar["height"] <= facts["height"], bar
    # one row per indicator, all inside the box, none squeezed
    assert all(0 < y < facts["height"] for y in facts["rows"])
    assert min(b - a for a, b in zip(facts["rows"], facts["rows"][1:], strict=False)) >= 20
    # every label is whole: nothing cut at the box's edges, no "…", and together they spell every name
    for text in facts["texts"]:
        assert "…" not in text["text"], text
        assert text["left"] >= -1 and text["right"] <= facts["width"] + 1, text
        assert text["top"] >= -1 and text["bottom"] <= facts["height"] + 1, text
    drawn = "".join(t["text"] for t in facts["texts"])
    for name in facts["names"]:
        assert all(part in drawn for part in name.split()), name
    return facts


def test_unit_results_chart_shows_every_indicator_at_1366_and_375(scored_district, live_server, page, browser,
                                                                    shot, external_requests):
    from django.db.models import Count

    from jixiao.scoring.models import ScoreResult

    result = (ScoreResult.objects.filter(run__published=True).annotate(n=Count("lines"))
              .order_by("-run__cycle__year", "-n").select_related("unit").first())
    url = live_server.url + reverse("results:unit_results", args=[result.unit_id])
    log_in(page, live_server.url, "office")
    page.goto(url)
    rows = page.get_by_test_id("across").locator("tbody tr").count()
    assert rows >= 20  # the unit with the most indicators of the latest published year
    wide = _check_across_chart(page, rows)
    shot("results-unit-across-1366")
    page.get_by_test_id("across-chart").screenshot(path=str(ARTIFACTS / "results-unit-across-chart-1366.png"))

    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport=PHONE)
    phone = context.new_page()
    log_in(phone, live_server.url, "office")
    phone.goto(url)
    narrow = _check_across_chart(phone, rows)
    assert narrow["width"] <= PHONE["width"]
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # no sideways page scroll
    shot("results-unit-across-375", on=phone)
    phone.get_by_test_id("across-chart").screenshot(path=str(ARTIFACTS / "results-unit-across-chart-375.png"))
    print(f"across chart: {rows} indicators, {wide['height']} px high at 1366, {narrow['height']} px at 375")
    context.close()
    assert external_requests == [], external_requests


# --- Every chart on the office's chart pages draws all its labels -------------------------------------------

LABEL_FACTS = """el => {
  const chart = echarts.getInstanceByDom(el);
  const option = chart.getOption();
  const axis = (option.yAxis || [])[0];
  const names = axis && axis.type === "category" ? axis.data.map(n => typeof n === "object" ? n.value : n) : [];
  const box = el.getBoundingClientRect();
  const texts = Array.from(el.querySelectorAll("svg text")).map(t => {
    const r = t.getBoundingClientRect();
    return {text: t.textContent, left: r.left - box.left, right: r.right - box.left};
  });
  return {id: el.dataset.optionId, names, width: el.clientWidth, texts};
}"""


def _check_all_charts(page, url: str) -> int:
    page.goto(url)
    charts = page.locator(".chart[data-option-id]")
    charts.first.locator("svg").first.wait_for(state="attached")
    for i in range(charts.count()):
        facts = charts.nth(i).evaluate(LABEL_FACTS)
        drawn = "".join(t["text"] for t in facts["texts"])
        for text in facts["texts"]:
            assert "…" not in text["text"], (facts["id"], text)
            assert text["left"] >= -1 and text["right"] <= facts["width"] + 1, (facts["id"], text)
        for name in facts["names"]:
            assert name.replace(" ", "") in drawn.replace(" ", ""), (facts["id"], name)
    return charts.count()


def test_the_office_charts_draw_every_label_at_1366_and_375(scored_district, live_server, browser, shot):
    from jixiao.evaluation.models import Campaign

    campaign = Campaign.objects.filter(cycle__year=2025).order_by("pk").first()
    urls = {"home": "/", "evaluation-results": reverse("evaluation:results", args=[campaign.pk])}
    for width, height in ((1366, 900), (PHONE["width"], PHONE["height"])):
        context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai",
                                      viewport={"width": width, "height": height})
        page = context.new_page()
        log_in(page, live_server.url, "office")
        for name, url in urls.items():
            assert _check_all_charts(page, live_server.url + url) >= 1, url
            shot(f"charts-{name}-{width}", on=page)
        context.close()
