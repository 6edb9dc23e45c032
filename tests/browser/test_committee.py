"""Committee sign-off (考核委员会审定) in Chromium: publication is refused before the sign-off; the office submits the
final result; a leader reads the results and the appeal and objects with a reason; the office downloads the draft
minutes, records the meeting's 通过 decision with them, and publishes."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from tests.browser.session import log_in

pytestmark = pytest.mark.browser

APPEAL = "本单位重点项目已于十二月竣工，申请复核该项得分"
OBJECTION = "金桥街道的等次与其重点工作完成情况不符，建议复核"


@pytest.fixture
def world(live_server, transactional_db, settings, tmp_path):
    """The cast's 2026 scheme: preliminary released, one appeal rejected, final computed and not published."""
    from jixiao.scoring import actions as scoring
    from jixiao.scoring.tests.world import NOW, scheme_world
    from tests.cast import build_cast

    settings.REQUIRE_TOTP = False
    settings.MEDIA_ROOT = tmp_path / "media"
    cast = build_cast()
    scheme = scheme_world(cast)
    run = scoring.compute(scheme, "preliminary", by=cast.office, now=NOW)
    run = scoring.open_appeals(run, NOW + datetime.timedelta(days=1), by=cast.office, now=NOW)
    appeal = scoring.file_appeal(run, cast.street, by=cast.street_reporter, reason=APPEAL, evidence="竣工验收报告",
                                 now=NOW)
    scoring.decide_appeal(appeal, False, "竣工验收晚于考核截止日，维持原得分", by=cast.office, now=NOW)
    cast.final = scoring.compute(scheme, "final", by=cast.office, now=NOW + datetime.timedelta(days=2))
    return cast


def _log_out(page):
    page.get_by_test_id("logout").evaluate("b => b.form.submit()")
    page.wait_for_url(re.compile(r"/login/"))


def test_office_submits_leader_objects_office_decides_and_publishes(world, live_server, page, shot,
                                                                   external_requests, tmp_path):
    from django.urls import reverse

    base = live_server.url
    run_page = base + reverse("scoring:run_detail", args=[world.final.pk])
    log_in(page, base, "office", world.password)
    page.goto(run_page)
    page.get_by_role("button", name="发布考核结果").click()
    expect(page.get_by_text("该结果尚未经考核委员会审定，不能发布")).to_be_visible()
    shot("committee-publish-refused")
    page.get_by_role("link", name="考核委员会审定", exact=True).first.click()
    page.get_by_label("提请说明").fill("反馈申诉期已结束，申诉已处理完毕")
    shot("committee-list-office")
    page.get_by_test_id(f"submit-{world.final.pk}").click()
    page.wait_for_url(re.compile(r"/results/committee/\d+/$"))
    expect(page.get_by_test_id("status")).to_have_text("待审定")
    _log_out(page)

    log_in(page, base, "leader", world.password)
    page.get_by_role("link", name="考核委员会审定", exact=True).click()
    page.get_by_test_id("reviews").get_by_role("link").first.click()
    expect(page.get_by_test_id("appeals")).to_contain_text(APPEAL)
    expect(page.get_by_test_id("results").filter(has_text="华明街道")).to_have_count(1)
    assert page.get_by_test_id("decision-form").count() == 0
    page.get_by_label("有异议").check()
    page.get_by_role("button", name="提交意见").click()
    expect(page.get_by_test_id("form-errors")).to_contain_text("须填写理由")
    page.get_by_label("有异议").check()
    page.get_by_label("异议理由").fill(OBJECTION)
    page.get_by_role("button", name="提交意见").click()
    expect(page.get_by_test_id("votes")).to_contain_text(OBJECTION)
    shot("committee-leader-objects")
    _log_out(page)

    log_in(page, base, "office", world.password)
    page.get_by_role("link", name="考核委员会审定", exact=True).click()
    page.get_by_test_id("reviews").get_by_role("link").first.click()
    expect(page.get_by_test_id("votes")).to_contain_text(OBJECTION)
    with page.expect_download() as download:
        page.get_by_test_id("draft").click()
    draft = tmp_path / "会议纪要.docx"
    download.value.save_as(draft)
    page.get_by_label("会议日期").fill(datetime.date.today().isoformat())
    page.get_by_label("通过").check()
    page.get_by_label("决定事项").fill("会议审议了委员意见，维持原等次，同意发布")
    page.get_by_label("会议纪要（.docx）").set_input_files(str(draft))
    shot("committee-decision-form")
    page.get_by_role("button", name="录入会议决定").click()
    expect(page.get_by_test_id("decision")).to_contain_text("会议决定：通过")
    expect(page.get_by_test_id("status")).to_have_text("审定通过")
    shot("committee-decided")
    page.get_by_test_id("decision").get_by_role("link", name="考核计算").click()
    page.get_by_role("button", name="发布考核结果").click()
    expect(page.get_by_text("考核结果已发布")).to_be_visible()
    shot("committee-published")
    assert external_requests == [], external_requests
