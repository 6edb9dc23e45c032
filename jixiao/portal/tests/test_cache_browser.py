"""The cached home page in a real browser: a second resident, served the page the first one's visit stored, types
an invitation code into its box and reaches the questionnaire — the form carries the second resident's own CSRF
token — and a notice approved meanwhile is on the notices page at the next visit."""

import datetime

import pytest
from django.core.cache import caches
from django.utils import timezone

from jixiao.portal import cache
from tests.browser.conftest import ARTIFACTS

pytestmark = pytest.mark.browser


@pytest.fixture
def cached(settings):
    settings.PORTAL_CACHE_SECONDS = 60
    caches[cache.ALIAS].clear()
    yield
    caches[cache.ALIAS].clear()


def test_a_second_resident_uses_the_cached_code_box(live_server, transactional_db, browser, cached):
    from jixiao.evaluation import actions
    from jixiao.evaluation.models import RaterKind, Scale
    from jixiao.portal.tests.publishing_builders import checker, published
    from tests.cast import build_cast

    cast = build_cast()
    now = timezone.now()
    campaign = actions.open_campaign(actions.create_campaign(
        cycle=cast.cycle, assessing_unit=cast.district, name="2026年度综合评议",
        opens_at=now - datetime.timedelta(days=1), closes_at=now + datetime.timedelta(days=9),
        scale_kind=Scale.FIVE_LEVEL, by=cast.office), by=cast.office)
    code = actions.issue_codes(campaign, campaign.groups.get(kind=RaterKind.SERVICE), size=1, unit=cast.tjj,
                               by=cast.office)[1][0]
    first, second = browser.new_context(locale="zh-CN"), browser.new_context(locale="zh-CN")
    try:
        first.new_page().goto(f"{live_server.url}/p/")  # renders and stores the page
        assert caches[cache.ALIAS]._cache  # stored
        page = second.new_page()
        page.goto(f"{live_server.url}/p/")
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "portal-home-cached.png"), full_page=True)
        page.get_by_label("邀请码").fill(code)
        page.get_by_role("button", name="开始评议").click()
        page.get_by_role("heading", name="2026年度综合评议").wait_for()
        assert "区统计局" in page.content()
        published(cast, checker(cast), title="关于评议期间窗口延时服务的通知")  # committed: the version rises
        page.goto(f"{live_server.url}/p/tongzhi/")
        assert "关于评议期间窗口延时服务的通知" in page.content()
    finally:
        first.close()
        second.close()
