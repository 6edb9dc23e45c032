"""The office in Chromium: opens 班子和干部考核 from the sidebar, computes the cycle's team and cadre grades, reads
the reasons, is refused a calibration over the 优秀 quota and records one within it."""

import pytest
from playwright.sync_api import expect

from tests.browser.session import log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def world(live_server, transactional_db, settings):
    from jixiao.cadres.tests import world as cadres_world
    from tests.cast import build_cast

    settings.REQUIRE_TOTP = False
    cast = build_cast()
    cast.cadres = cadres_world.full(cast)
    return cast


def test_office_computes_and_calibrates(world, live_server, page, shot, external_requests):
    from jixiao.cadres.models import CadreAssessment

    base = live_server.url
    log_in(page, base, "office", world.password)
    page.get_by_role("link", name="班子和干部考核").click()
    page.get_by_role("button", name="计算").click()
    expect(page.get_by_text("已计算 4 个领导班子、7 名领导干部的考核等次。")).to_be_visible()
    teams = page.get_by_test_id("team-table")
    expect(teams.locator("tbody tr")).to_have_count(4)
    expect(teams).to_contain_text("单位绩效考核被一票否决，班子等次不高于“一般”。")
    cadres = page.get_by_test_id("cadre-table")
    expect(cadres).to_contain_text("缺少民主测评结果，未定等次。")
    shot("cadre-assessment-computed")

    cadres.locator("tr", has_text="李明").get_by_role("link", name="校准").click()
    page.get_by_label("校准后等次").select_option("excellent")
    page.get_by_label("校准理由").fill("实绩突出")
    page.get_by_role("button", name="校准").click()
    expect(page.get_by_role("alert")).to_contain_text("超过比例上限 20%（6 名干部中至多 1 名），不能校准为“优秀”。")
    shot("cadre-assessment-calibration-refused")
    page.get_by_label("校准后等次").select_option("basic")
    page.get_by_label("校准理由").fill("考核委员会审定")
    page.get_by_role("button", name="校准").click()
    expect(page.get_by_test_id("cadre-table").locator("tr", has_text="李明")).to_contain_text("已校准：考核委员会审定")
    li = CadreAssessment.objects.get(cadre=world.cadres["s01_member"])
    assert (li.computed_grade, li.grade) == ("competent", "basic")
    assert external_requests == []
