"""The public page in a real browser at 320 px: QR link, keyboard, axe-core with no violations, a stored answer."""

import datetime
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from tests.browser.conftest import ARTIFACTS

pytestmark = pytest.mark.browser
AXE = Path(settings.BASE_DIR) / "static_vendor" / "axe-core" / "axe.min.js"


@pytest.fixture
def phone_page(browser):
    """A 320 px page. CSP is bypassed only so that axe-core can be injected; the app's own scripts need no bypass."""
    context = browser.new_context(bypass_csp=True, locale="zh-CN", timezone_id="Asia/Shanghai",
                                  viewport={"width": 320, "height": 640})
    yield context.new_page()
    context.close()


def axe_violations(page) -> list:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', "
                           "'wcag21aa', 'best-practice']})")
    return [(v["id"], v["help"], [n["target"] for n in v["nodes"]]) for v in result["violations"]]


def test_citizen_answers_on_a_small_phone(live_server, transactional_db, phone_page):
    from jixiao.evaluation import actions
    from jixiao.evaluation.models import Answer, RaterKind, Scale
    from tests.cast import build_cast

    cast = build_cast()
    now = timezone.now()
    campaign = actions.create_campaign(cycle=cast.cycle, assessing_unit=cast.district, name="2026年度综合评议",
                                       opens_at=now - datetime.timedelta(days=1), closes_at=now + datetime.timedelta(days=9),
                                       scale_kind=Scale.FIVE_LEVEL, by=cast.office)
    campaign = actions.open_campaign(campaign, by=cast.office)
    code = actions.issue_codes(campaign, campaign.groups.get(kind=RaterKind.SERVICE), size=1, unit=cast.tjj,
                               by=cast.office)[1][0]
    page = phone_page
    outside = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(live_server.url) else None)
    with time_machine.travel(now, tick=True) as clock:
        page.goto(f"{live_server.url}/p/pingyi/#{code}")
        assert page.get_by_label("邀请码").input_value() == code
        assert "#" not in page.url  # the code leaves the address bar
        assert axe_violations(page) == []
        page.get_by_label("邀请码").press("Enter")  # keyboard only
        page.get_by_role("heading", name="2026年度综合评议").wait_for()
        assert page.evaluate("document.documentElement.scrollWidth") <= 320
        assert axe_violations(page) == []
        for label in ("履职能力", "廉洁自律", "依法办事", "服务水平"):
            page.get_by_label(label).select_option(label="满意")
        page.get_by_label("对区统计局的意见建议").fill("数据发布及时，解读清楚。")
        page.get_by_label("我已阅读并同意《个人信息保护说明》").check()
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "portal-evaluate-320.png"), full_page=True)
        clock.shift(datetime.timedelta(seconds=45))
        page.get_by_role("button", name="提交评价").click()
        page.get_by_role("heading", name="提交成功，感谢您的参与！").wait_for()
    assert Answer.objects.count() == 1
    assert axe_violations(page) == []
    assert outside == []


def test_errors_are_announced_and_readable(live_server, transactional_db, phone_page):
    page = phone_page
    page.goto(f"{live_server.url}/p/pingyi/")
    page.get_by_label("邀请码").fill("ABCD")
    page.get_by_role("button", name="开始评议").click()
    assert "邀请码无效" in page.get_by_role("alert").inner_text()
    assert axe_violations(page) == []
