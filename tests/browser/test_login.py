import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_reporter_logs_in_and_sees_own_unit(live_server, transactional_db, page, shot, external_requests):
    from tests.cast import build_cast

    cast = build_cast()
    page.goto(f"{live_server.url}/")
    assert "/login/" in page.url
    page.get_by_label("用户名").fill("reporter")
    page.get_by_label("密码").fill(cast.password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="区发展和改革委员会")).to_be_visible()
    shot("login-reporter-home")
    assert external_requests == []


def test_wrong_password_gets_the_same_message_as_unknown_user(live_server, transactional_db, page):
    from tests.cast import build_cast

    build_cast()
    messages = []
    for username in ("reporter", "nobody-here"):
        page.goto(f"{live_server.url}/login/")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill("Wrong#password1")
        page.get_by_role("button", name="登录").click()
        messages.append(page.get_by_role("alert").inner_text())
    assert messages[0] == messages[1]
    assert "用户名或密码错误" in messages[0]
