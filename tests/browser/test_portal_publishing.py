"""Maker-checker on the portal: office user A drafts a notice with the toolbar and an attachment and submits it;
A cannot approve it; office user B (TOTP at login) approves it; the public reads it on /p/ and downloads the
attachment. axe-core checks the back office's form and item page and the public list, item and policy library."""

import re

import pytest
from playwright.sync_api import expect

from jixiao.accounts.models import Membership, User
from jixiao.accounts.roles import Role
from jixiao.demo.accounts import DEMO_TOTP_SECRET, DemoAccount, account
from jixiao.demo.org import OFFICE_CODE
from jixiao.org.models import Unit
from tests.browser.session import log_in
from tests.browser.test_axe_crawl import axe_failures

pytestmark = pytest.mark.browser

STEPS = ("org", "accounts", "publishing")
CHECKER = DemoAccount("office_b", "Demo#2026shenhe2", "韩立平", ((Role.OFFICE_ADMIN, OFFICE_CODE),))
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
TITLE = "关于2026年度绩效考核结果公示的通知"


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """As test_axe_crawl: axe-core is injected as a script, which the site's Content-Security-Policy forbids."""
    return {**browser_context_args, "bypass_csp": True}


@pytest.fixture
def checker(load_demo, settings, tmp_path):
    """The demo district's portal, and a second office admin who signs in with a password and the demo's TOTP."""
    settings.MEDIA_ROOT = tmp_path / "media"
    load_demo(STEPS)
    user = User(username=CHECKER.username, full_name=CHECKER.full_name, is_demo=True, must_change_password=False,
                totp_confirmed=True)
    user.totp_secret = DEMO_TOTP_SECRET
    user.set_password(CHECKER.password)
    user.save()
    Membership.objects.create(user=user, unit=Unit.objects.get(code=OFFICE_CODE), role=Role.OFFICE_ADMIN)
    return CHECKER


def log_out(page):
    page.get_by_test_id("account-menu").click()
    page.get_by_test_id("logout").click()


def test_one_office_user_drafts_another_approves_and_the_public_reads_it(checker, live_server, page, shot, tmp_path,
                                                                         external_requests):
    base = live_server.url
    log_in(page, base, account("office"))
    page.get_by_role("link", name="门户信息发布").click()
    expect(page).to_have_url(f"{base}/publishing/")
    expect(page.get_by_test_id("article-list")).to_contain_text("待您审核")  # the demo's notice, 马文涛's
    shot("portal-publishing-list")
    assert axe_failures(page) == []
    page.get_by_role("link", name="新建政策文件").click()
    expect(page.get_by_label("成文日期")).to_be_visible()
    assert axe_failures(page) == []
    page.go_back()
    page.get_by_role("link", name="新建通知公告").click()
    page.get_by_label("标题").fill(TITLE)
    body = page.get_by_role("textbox", name="正文", exact=True)
    body.fill("经区绩效考核委员会审定，现将结果公示如下。")
    body.press("Control+a")
    page.get_by_role("toolbar", name="格式工具栏").get_by_role("button", name="段落").click()
    assert body.input_value() == "<p>经区绩效考核委员会审定，现将结果公示如下。</p>"
    body.press("End")
    body.type('<script>alert(1)</script><a href="javascript:alert(2)">点此</a>')
    attachment = tmp_path / "公示名单.pdf"
    attachment.write_bytes(PDF)
    page.get_by_label("添加附件").set_input_files(str(attachment))
    shot("portal-publishing-form")
    assert axe_failures(page) == []
    page.get_by_role("button", name="保存草稿").click()
    expect(page.get_by_text("草稿已保存")).to_be_visible()
    preview = page.get_by_test_id("preview")
    expect(preview).to_contain_text("经区绩效考核委员会审定")
    assert "alert" not in preview.inner_html() and "javascript" not in preview.inner_html()
    page.get_by_role("button", name="提交审核").click()
    expect(page.get_by_test_id("state")).to_have_text("待审核")
    expect(page.get_by_test_id("review")).to_have_count(0)  # the writer is not offered the review
    item_url = page.url
    public_url = f"{base}/p/xinxi/{item_url.rstrip('/').rsplit('/', 1)[-1]}/"
    assert page.request.get(public_url).status == 404  # not public before approval

    log_out(page)
    log_in(page, base, checker)
    page.goto(item_url)
    review = page.get_by_test_id("review")
    expect(review).to_be_visible()
    shot("portal-publishing-review")
    assert axe_failures(page) == []
    review.get_by_role("button", name="审核通过").click()
    expect(page.get_by_text("审核通过，已发布。")).to_be_visible()
    expect(page.get_by_test_id("state")).to_have_text("已发布")
    history = page.get_by_test_id("history")
    for step in ("林静怡 起草门户信息", "林静怡 提交门户信息审核", "韩立平 审核通过门户信息"):
        expect(history).to_contain_text(step)
    log_out(page)

    page.goto(f"{base}/p/")
    page.get_by_role("link", name="通知公告").first.click()
    expect(page).to_have_url(re.compile(r"/p/tongzhi/$"))
    expect(page.get_by_test_id("demo-label")).to_be_visible()
    assert axe_failures(page) == []
    page.get_by_role("link", name=TITLE).click()
    expect(page.get_by_test_id("body")).to_contain_text("经区绩效考核委员会审定")
    with page.expect_download() as info:
        page.get_by_role("link", name="公示名单.pdf").click()
    assert info.value.path().read_bytes() == PDF
    shot("portal-publishing-public-item")
    assert axe_failures(page) == []

    page.goto(f"{base}/p/zhengce/")
    page.get_by_role("link", name="示范区绩效管理办法（试行）").click()
    expect(page.get_by_test_id("repealed")).to_contain_text("本文件已废止")
    expect(page.get_by_test_id("policy-metadata")).to_contain_text("示政办发〔2023〕12号")
    shot("portal-publishing-repealed")
    assert axe_failures(page) == []
    page.set_viewport_size({"width": 320, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    shot("portal-publishing-repealed-320")
    page.goto(f"{base}/p/zhengce/?validity=repealed")
    expect(page.get_by_test_id("article-list")).to_contain_text("示范区绩效管理办法（试行）")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    shot("portal-publishing-library-320")
    assert axe_failures(page) == []
    assert external_requests == [], external_requests
