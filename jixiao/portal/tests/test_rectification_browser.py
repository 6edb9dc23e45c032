"""A citizen in a real browser reads a unit's promise, re-rates a completed rectification and switches to 长辈版:
at 1366 and 320 px, keyboard only where it matters, axe-core with no violations in both modes."""

import datetime

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from jixiao.portal.tests.test_browser import axe_violations
from tests.browser.conftest import ARTIFACTS

pytestmark = pytest.mark.browser


def _world():
    from jixiao.results.tests import builders
    from tests.cast import build_cast

    cast = build_cast()
    day = timezone.localdate()
    builders.rectification(cast, disclose=True, problem="窗口服务等候时间长", measures="增设两个综合窗口，推行预约办理",
                           status="in_progress", deadline=day - datetime.timedelta(days=3))
    done = builders.rectification(cast, disclose=True, problem="背街小巷路灯维修不及时", measures="建立路灯巡查台账，24小时内修复",
                                  status="closed", closed_by=cast.office, closed_at=timezone.now(),
                                  deadline=day - datetime.timedelta(days=10))
    builders.rectification(cast, disclose=False, problem="内部审计发现的招待费问题未公开")
    return cast, done


def _context(browser, width):
    return browser.new_context(bypass_csp=True, locale="zh-CN", timezone_id="Asia/Shanghai",
                               viewport={"width": width, "height": 900 if width > 400 else 640})


def test_a_citizen_reads_re_rates_and_switches_to_the_senior_mode(live_server, transactional_db, browser):
    from jixiao.results.models import RectificationRating

    cast, done = _world()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    context = _context(browser, 1366)
    page = context.new_page()
    outside = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(live_server.url) else None)
    with time_machine.travel(timezone.now(), tick=True) as clock:
        page.goto(f"{live_server.url}/p/units/{cast.street.code}/")
        page.get_by_role("link", name="查看整改承诺、进展与满意度复评").click()
        page.get_by_role("heading", name=f"整改公开：{cast.street.name}").wait_for()
        body = page.locator("main").inner_text()
        assert "逾期" in body and "内部审计发现的招待费问题未公开" not in body
        assert axe_violations(page) == []
        page.screenshot(path=str(ARTIFACTS / "portal-rectification-1366.png"), full_page=True)
        page.get_by_role("link", name="背街小巷路灯维修不及时").click()
        page.get_by_role("heading", name="整改完成公告").wait_for()
        assert axe_violations(page) == []
        page.get_by_label("基本满意").check()
        page.get_by_label("意见建议（选填）").fill("晚上亮多了，希望保持。")
        page.get_by_label("我已阅读并同意《个人信息保护说明》").check()
        clock.shift(datetime.timedelta(seconds=40))
        page.get_by_role("button", name="提交复评").focus()
        page.keyboard.press("Enter")  # keyboard only
        page.get_by_role("status").wait_for()
        assert "基本满意 1 人" in page.get_by_test_id("rating-counts").inner_text()
        assert "晚上亮多了" not in page.locator("main").inner_text()  # waits for the office
        assert axe_violations(page) == []
        page.screenshot(path=str(ARTIFACTS / "portal-rectification-detail-1366.png"), full_page=True)
        detail = page.url.split("?")[0]
        # 长辈版 by keyboard: the switch is a plain link that comes back to the same page.
        page.get_by_test_id("elder-switch").focus()
        page.keyboard.press("Enter")
        page.get_by_role("link", name="退出长辈版").wait_for()
        assert page.url.split("?")[0] == detail
        expect(page.locator("body")).to_have_css("font-size", "20px")  # waits for elder.css to load
        assert axe_violations(page) == []
        page.screenshot(path=str(ARTIFACTS / "portal-rectification-elder-1366.png"), full_page=True)
        cookies = context.cookies()
    assert RectificationRating.objects.get().verdict == "basic"
    context.close()

    phone = _context(browser, 320)
    phone.add_cookies(cookies)
    page = phone.new_page()
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(live_server.url) else None)
    for path, name in ((f"/p/rectification/{done.pk}/", "elder-detail"), ("/p/rectification/", "elder-list"),
                       (f"/p/units/{cast.street.code}/", "elder-profile")):
        page.goto(f"{live_server.url}{path}")
        assert page.evaluate("document.documentElement.scrollWidth") <= 320, path
        assert axe_violations(page) == [], path
        page.screenshot(path=str(ARTIFACTS / f"portal-rectification-{name}-320.png"), full_page=True)
    page.get_by_role("link", name="退出长辈版").click()
    page.get_by_role("link", name="长辈版").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert axe_violations(page) == []
    page.screenshot(path=str(ARTIFACTS / "portal-rectification-profile-320.png"), full_page=True)
    phone.close()
    assert outside == []


def test_no_stacked_cell_is_cut_off_on_a_phone(live_server, transactional_db, browser):
    """At 320 px, in both modes, every cell of the list fits the page: nothing overflows to the right."""
    _world()
    for elder in (False, True):
        context = _context(browser, 320)
        page = context.new_page()
        page.goto(f"{live_server.url}/p/rectification/")
        if elder:
            page.get_by_role("link", name="长辈版").click()
            page.get_by_role("link", name="退出长辈版").wait_for()
        wide = page.evaluate("[...document.querySelectorAll('[data-testid=rect-list] td')]"
                             ".filter(td => td.scrollWidth > td.clientWidth + 1).length")
        assert wide == 0, elder
        assert page.evaluate("document.querySelector('.table-wrap').scrollWidth") <= 320
        context.close()
