"""The demo security admin issues an API token for the statistics bureau's system, copies it from the one page that
shows it, finds it in the list without its secret, and revokes the demo's old token after ticking the confirmation."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.session import log_in
from tests.browser.test_axe_crawl import AXE, AXE_TAGS, BLOCKING, LABEL_RULES

pytestmark = pytest.mark.browser
SECRET = re.compile(r"^jx_[0-9a-f]{10}_[A-Za-z0-9_-]{40,}$")


def axe_under_csp(page) -> list[str]:
    """The axe crawl's failures (tests/browser/test_axe_crawl.py) on the page as served, its CSP on: the script is
    evaluated through the browser's protocol instead of a <script> tag, so copy.js is still checked under the CSP."""
    page.evaluate(AXE.read_text())
    result = page.evaluate("async (tags) => await axe.run(document, {runOnly: tags})", AXE_TAGS)
    return [f"{v['id']}（{v['impact']}）{v['help']}" for v in result["violations"]
            if v["impact"] in BLOCKING or v["id"] in LABEL_RULES]


@pytest.fixture
def demo_tokens(load_demo):
    load_demo(("org", "accounts", "api_tokens"))


def test_security_admin_issues_copies_and_revokes_a_token(demo_tokens, live_server, page, shot, external_requests):
    log_in(page, live_server.url, "secadmin")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="接口令牌").click()
    expect(page.get_by_role("heading", name="接口令牌")).to_be_visible()
    shot("api-tokens-list-demo")
    assert axe_under_csp(page) == []

    page.get_by_role("link", name="签发令牌").click()
    page.get_by_label("令牌名称").fill("区统计局联网直报")
    page.get_by_label("所属账号").select_option(label="assessor（周海涛）")
    page.get_by_label("写入").check()
    street = page.locator("#id_units option").filter(has_text=re.compile(r"^S01 ")).get_attribute("value")
    page.get_by_label("限定单位（含下级）").select_option([street])
    page.get_by_label("有效天数").fill("400")
    page.get_by_role("button", name="签发").click()
    expect(page.get_by_text("有效期应为 1–366 天。")).to_be_visible()  # refused, in Chinese, nothing made
    shot("api-tokens-create-refused")
    assert axe_under_csp(page) == []
    page.get_by_label("有效天数").fill("180")
    page.get_by_role("button", name="签发").click()

    expect(page.get_by_text("令牌只显示这一次。")).to_be_visible()
    secret = page.get_by_test_id("secret").input_value()
    assert SECRET.match(secret), secret
    page.get_by_role("button", name="复制").click()
    expect(page.get_by_role("button", name="已复制")).to_be_visible()
    shot("api-tokens-created")
    assert axe_under_csp(page) == []

    page.get_by_role("link", name="我已保存，返回列表").click()
    table = page.get_by_test_id("token-table")
    expect(table.get_by_role("row", name=re.compile("区统计局联网直报"))).to_contain_text("有效")
    assert secret not in page.content()
    assert secret[:14] + "…" in table.inner_text()  # named by its prefix only

    page.get_by_role("link", name="旧版统计报表系统").click()
    expect(page.get_by_role("button", name="吊销")).to_have_count(0)  # the demo revoked it already
    page.go_back()
    table.get_by_role("link", name="区统计局数据对接").click()
    page.get_by_role("button", name="吊销").click()
    expect(page.get_by_text("请勾选确认后再吊销。")).to_be_visible()
    assert axe_under_csp(page) == []
    page.get_by_label(re.compile("我确认吊销")).check()
    page.get_by_role("button", name="吊销").click()
    expect(page.get_by_text(re.compile("已吊销令牌“区统计局数据对接”"))).to_be_visible()
    expect(table.get_by_role("row", name=re.compile("区统计局数据对接"))).to_contain_text("已吊销")
    shot("api-tokens-after-revoke")
    assert external_requests == [], external_requests
