"""民主测评 in Chromium: a rater with 发改委's code rates its two cadres in office on 德能勤绩廉 at 320 px, is thanked,
and is refused when the code comes back; the office closes the campaign, reads the tally and writes the results."""

import datetime
import re

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.session import log_in
from tests.browser.test_axe_crawl import axe_failures

pytestmark = pytest.mark.browser


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """axe is injected as a script: the page's CSP would refuse it."""
    return {**browser_context_args, "bypass_csp": True}


@pytest.fixture
def world(live_server, transactional_db, settings):
    """The cast's open 干部民主测评 with 发改委's cadres and a batch of staff codes for 发改委."""
    from jixiao.cadres.tests.democratic_world import STAFF, cadres, codes
    from jixiao.evaluation import actions
    from jixiao.evaluation.models import Purpose, Scale
    from tests.cast import build_cast

    settings.REQUIRE_TOTP = False
    cast = build_cast()
    cast.people = cadres(cast)
    now = timezone.now()
    campaign = actions.create_campaign(cycle=cast.cycle, assessing_unit=cast.district, name="2026年度领导干部民主测评",
                                       opens_at=now - datetime.timedelta(days=1),
                                       closes_at=now + datetime.timedelta(days=10), scale_kind=Scale.FIVE_LEVEL,
                                       by=cast.office, purpose=Purpose.CADRE)
    cast.campaign = actions.open_campaign(campaign, by=cast.office)
    cast.codes = codes(cast, cast.campaign, STAFF, cast.fgw, 5)
    return cast


def test_a_rater_rates_a_units_cadres_and_the_office_writes_the_results(world, live_server, page, shot,
                                                                         external_requests):
    from django.urls import reverse

    from jixiao.cadres.models import DemocraticResult
    from jixiao.cadres.tests.democratic_world import answer

    base = live_server.url
    director, deputy = world.people["director"], world.people["deputy"]
    dims = list(world.campaign.dimensions.all())
    page.set_viewport_size({"width": 320, "height": 800})
    with time_machine.travel(timezone.now(), tick=True) as clock:
        page.goto(base + reverse("evaluation:democratic_code") + "#" + world.codes[0])  # the sheet's QR link
        expect(page.get_by_label("邀请码")).to_have_value(world.codes[0])
        page.get_by_role("button", name="开始测评").click()
        expect(page.get_by_test_id("unit")).to_have_text("区发展和改革委员会")
        subjects = page.get_by_test_id("subject")
        expect(subjects).to_have_count(2)
        expect(subjects.nth(0).locator("legend")).to_have_text("王建国（党组书记、主任）")
        expect(subjects.nth(1).locator("legend")).to_have_text("李晓梅（副主任）")
        expect(page.get_by_text("陈立新")).to_have_count(0)  # 统计局's director
        expect(page.get_by_text("赵志强")).to_have_count(0)  # left office in June
        for d in dims:
            page.locator(f"#r-{director.pk}-{d.pk}").select_option(label="优秀")
            page.locator(f"#r-{deputy.pk}-{d.pk}").select_option(label="良好")
        page.locator(f"#r-{deputy.pk}-{dims[-1].pk}").select_option(label="请选择")  # one left out
        clock.shift(datetime.timedelta(seconds=60))
        page.get_by_role("button", name="提交测评").click()
        expect(page.locator("#form-errors")).to_contain_text("请对“李晓梅”的全部评议维度作出评价。")
        page.locator(f"#r-{deputy.pk}-{dims[-1].pk}").select_option(label="良好")
        shot("democratic-rating-320")
        assert axe_failures(page) == []
        page.get_by_role("button", name="提交测评").click()
        expect(page.get_by_role("heading", name="提交成功，感谢您的参与！")).to_be_visible()
        shot("democratic-done-320")
        page.goto(base + reverse("evaluation:democratic_code"))  # the same code once more
        page.get_by_label("邀请码").fill(world.codes[0])
        page.get_by_role("button", name="开始测评").click()
        expect(page.locator("#code-error")).to_have_text("该邀请码已经使用过，每个邀请码只能提交一次。")
        shot("democratic-twice-320")

    for code in world.codes[1:]:
        answer(world.campaign, code, {director.pk: [80] * 5, deputy.pk: [60] * 5})
    page.set_viewport_size({"width": 1366, "height": 900})
    log_in(page, base, "office", world.password)
    page.goto(base + reverse("evaluation:campaign_detail", args=[world.campaign.pk]))
    expect(page.get_by_test_id("campaign-purpose")).to_have_text("干部民主测评")
    page.get_by_role("button", name="结束评议").click()
    expect(page.get_by_test_id("campaign-status")).to_have_text("已结束")
    tally = page.get_by_test_id("tally")
    # 王建国: one 优秀 (100) and four 良好 (80) from the staff: (100 + 4 × 80) / 5 = 84.00; 李晓梅: (80 + 4 × 60) / 5.
    expect(tally.locator("tbody tr").nth(0)).to_contain_text("84.00")
    expect(tally.locator("tbody tr").nth(1)).to_contain_text("64.00")
    page.get_by_test_id("democratic-record").click()
    expect(page.get_by_text("已写入2条民主测评结果。")).to_be_visible()
    shot("democratic-recorded-office")
    assert axe_failures(page) == []
    assert dict(DemocraticResult.objects.values_list("cadre__name", "score")) == {"王建国": 84, "李晓梅": 64}
    assert external_requests == []
    assert re.search(r"/evaluation/\d+/$", page.url)
