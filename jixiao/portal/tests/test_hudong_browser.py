"""互动交流 in a real browser: a resident writes at 320 px and gets a 查询码, the office routes, the department replies,
the office approves, and the public reads the answer and the response time; axe-core on every public step."""

import datetime
import re
import time

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.utils import timezone

from jixiao.portal.tests.test_browser import axe_violations
from tests.browser.conftest import ARTIFACTS

pytestmark = pytest.mark.browser


def _as(browser, live_server, user, width=1366):
    from jixiao.accounts.middleware import AUTH_AT_KEY

    client = Client()
    client.force_login(user)
    session = client.session
    session[AUTH_AT_KEY] = time.time()
    session.save()
    context = browser.new_context(bypass_csp=True, locale="zh-CN", timezone_id="Asia/Shanghai",
                                  viewport={"width": width, "height": 900})
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "url": live_server.url,
                          "value": client.cookies[settings.SESSION_COOKIE_NAME].value}])
    return context


def test_a_message_goes_from_the_resident_through_the_office_and_department_to_the_public(
        live_server, transactional_db, browser):
    from tests.cast import build_cast

    cast = build_cast()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    resident = browser.new_context(bypass_csp=True, locale="zh-CN", timezone_id="Asia/Shanghai",
                                   viewport={"width": 320, "height": 640})
    page = resident.new_page()
    outside = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(live_server.url) else None)
    with time_machine.travel(timezone.now(), tick=True) as clock:
        page.goto(f"{live_server.url}/p/hudong/")
        page.get_by_role("link", name="我要留言").click()
        page.get_by_label("建议").check()
        page.get_by_label("留言对象").select_option(label=cast.fgw.name)
        page.get_by_label("标题").fill("建议公开项目审批进度")
        page.get_by_label("留言内容").fill("希望在网上公开重点项目审批进度。")
        page.get_by_label("联系电话（选填）").fill("13800138000")
        page.get_by_label("我已阅读并同意《个人信息保护说明》").check()
        assert axe_violations(page) == []
        assert page.evaluate("document.documentElement.scrollWidth") <= 320
        page.screenshot(path=str(ARTIFACTS / "portal-hudong-new-320.png"), full_page=True)
        clock.shift(datetime.timedelta(seconds=30))
        page.get_by_role("button", name="提交留言").click()
        code = page.get_by_test_id("code").inner_text().strip()
        assert re.fullmatch(r"[A-Z0-9]{12}", code)
        assert axe_violations(page) == []

    office = _as(browser, live_server, cast.office).new_page()
    office.goto(f"{live_server.url}/hudong-office/")
    office.get_by_role("link", name="建议公开项目审批进度").click()
    office.get_by_label("转办到承办单位").select_option(label=cast.fgw.name)
    office.get_by_role("button", name="转办").click()
    office.get_by_text("留言已转办。").wait_for()

    department = _as(browser, live_server, cast.reporter).new_page()
    department.goto(f"{live_server.url}/hudong-office/")
    department.get_by_role("link", name="建议公开项目审批进度").click()
    department.get_by_label("答复内容").fill("已在区政务网开设重点项目审批进度专栏，每周更新。")
    department.get_by_role("button", name="提交答复").click()
    department.get_by_text("答复已提交，等待考核办审核。").wait_for()

    page.goto(f"{live_server.url}/p/hudong/?code={code.lower()}")
    assert "办理中" in page.get_by_test_id("state").inner_text()
    assert "每周更新" not in page.content()  # not before the office approves

    office.reload()
    office.get_by_role("button", name="审核通过").click()
    office.get_by_text("答复已审核通过。").wait_for()
    office.screenshot(path=str(ARTIFACTS / "portal-hudong-office-approved.png"), full_page=True)

    page.reload()
    assert "每周更新" in page.get_by_test_id("reply").inner_text()
    page.goto(f"{live_server.url}/p/hudong/")
    assert "每周更新" in page.get_by_test_id("answered").inner_text()
    assert cast.fgw.name in page.get_by_test_id("times").inner_text()
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.screenshot(path=str(ARTIFACTS / "portal-hudong-list-320.png"), full_page=True)
    assert outside == []
