"""The Chinese error pages (ui/errors.py): every status in the shell's layout for staff URLs and in the portal's
for public ones, with DEBUG off as in production. This module is also the URL configuration of its tests: the
site's URLs plus a few that fail on purpose."""

import re
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client
from django.urls import path

from jixiao.urls import handler400, handler403, handler404, handler500  # noqa: F401 - the handlers of this URLconf
from jixiao.urls import urlpatterns as site_urls


def _raise(exception):
    def view(request):
        raise exception

    return view


FAILING = [
    path("p/fail/400/", _raise(SuspiciousOperation("Invalid HTTP_HOST header: 'evil.example'"))),
    path("p/fail/403/", _raise(PermissionDenied("您当前的角色无权执行此操作"))),
    path("p/fail/500/", _raise(RuntimeError("secret internal detail"))),
    path("fail/400/", _raise(SuspiciousOperation("Invalid HTTP_HOST header: 'evil.example'"))),
    path("fail/403-english/", _raise(PermissionDenied("internal: role check failed for user 7"))),
    path("fail/500/", _raise(ZeroDivisionError("secret internal detail"))),
]
urlpatterns = FAILING + site_urls

pytestmark = pytest.mark.urls(__name__)

SHELL = 'aria-label="主导航"'  # the shell's sidebar, shown to signed-in staff
PORTAL = "portal-header"
ENGLISH_DEFAULTS = ["Not Found", "Forbidden", "Bad Request", "Server Error", "CSRF", "Traceback"]


@pytest.fixture(autouse=True)
def production(settings):
    settings.DEBUG = False


@pytest.fixture
def client():
    """A client that answers like the server does: exceptions become the 500 page, CSRF is enforced."""
    return Client(raise_request_exception=False, enforce_csrf_checks=True)


@pytest.fixture
def browser_client(client):
    return client


@pytest.fixture
def staff(cast, login):
    """The reporter of 区发改委, signed in."""
    return login(cast.reporter)


def _text(response) -> str:
    return response.content.decode()


def _visible(body: str) -> str:
    """The text a person reads: no tags, attributes or scripts."""
    return re.sub(r"<[^>]+>", " ", re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S))


def _assert_chinese_page(response, status: int, layout: str):
    body = _text(response)
    assert response.status_code == status
    assert f'data-status="{status}"' in body
    assert layout in body
    assert "联系" in body and "绩效考核办公室" in body
    for english in ENGLISH_DEFAULTS:
        assert english not in _visible(body), english
    assert "secret internal detail" not in body and "evil.example" not in body


# --- 404 -------------------------------------------------------------------------------------------------


def test_404_for_staff_in_the_shell_with_a_way_home(staff):
    response = staff.get("/no-such-page/")
    _assert_chinese_page(response, 404, SHELL)
    assert "页面不存在" in _text(response) and "回到工作台" in _text(response)


def test_404_carries_the_access_layers_chinese_reason(cast, staff):
    response = staff.get(f"/results/units/{cast.other_street.pk}/")
    _assert_chinese_page(response, 404, SHELL)
    assert "对象不存在或无权访问" in _text(response)


def test_404_hides_djangos_own_message(staff):
    response = staff.get("/no-such-page/")
    assert 'data-testid="error-reason"' not in _text(response)
    assert "tried" not in _text(response)


def test_404_on_the_portal_in_the_portal_layout(db, browser_client):
    response = browser_client.get("/p/no-such-page/")
    _assert_chinese_page(response, 404, PORTAL)
    assert "回到门户首页" in _text(response) and SHELL not in _text(response)


# --- 403 -------------------------------------------------------------------------------------------------


def test_403_for_staff_names_the_reason_and_the_role_switch(cast, staff):
    response = staff.get("/system/")
    _assert_chinese_page(response, 403, SHELL)
    body = _text(response)
    assert "您当前的角色无权执行此操作" in body
    assert "切换当前单位与角色" in body and "区发改委" in body


def test_403_hides_a_reason_not_written_for_users(staff):
    response = staff.get("/fail/403-english/")
    _assert_chinese_page(response, 403, SHELL)
    assert "internal" not in _text(response)


def test_403_on_the_portal_in_the_portal_layout(db, browser_client):
    response = browser_client.get("/p/fail/403/")
    _assert_chinese_page(response, 403, PORTAL)
    assert "您当前的角色无权执行此操作" in _text(response)


# --- 400 -------------------------------------------------------------------------------------------------


def test_400_for_staff_in_the_shell(staff):
    _assert_chinese_page(staff.get("/fail/400/"), 400, SHELL)


def test_400_on_the_portal(db, browser_client):
    response = browser_client.get("/p/fail/400/")
    _assert_chinese_page(response, 400, PORTAL)
    assert "请求无法处理" in _text(response)


# --- 500 -------------------------------------------------------------------------------------------------


def test_500_for_staff(staff):
    response = staff.get("/fail/500/")
    _assert_chinese_page(response, 500, "bg-gov")
    assert "服务器暂时出错" in _text(response) and "回到工作台" in _text(response)


def test_500_on_the_portal_tells_a_citizen_to_submit_again(db, browser_client):
    response = browser_client.get("/p/fail/500/")
    _assert_chinese_page(response, 500, "公众评议")
    assert "重新提交" in _text(response) and 'href="/p/"' in _text(response)


@pytest.mark.parametrize("url", ["/p/pingyi/", "/"])
def test_500_renders_while_the_database_is_down(cast, staff, url):
    """A database restart: every query fails, in the middleware as in the view, and the page still speaks Chinese."""
    down = OperationalError("server closed the connection unexpectedly")
    with mock.patch.object(BaseDatabaseWrapper, "cursor", side_effect=down):
        response = staff.get(url)
    _assert_chinese_page(response, 500, "公众评议" if url.startswith("/p/") else "bg-gov")


def test_500_page_makes_no_query(rf):
    """No database fixture here: any query the handler made would fail the test."""
    from jixiao.ui import errors

    response = errors.server_error(rf.get("/p/pingyi/"))
    assert response.status_code == 500 and "服务器暂时出错" in _text(response)


# --- CSRF ------------------------------------------------------------------------------------------------


def test_csrf_failure_on_a_real_portal_post_without_the_token(db, browser_client):
    browser_client.get("/p/pingyi/")  # the form sets the CSRF cookie
    response = browser_client.post("/p/pingyi/submit/", {"code": "ABCD"})
    _assert_chinese_page(response, 403, PORTAL)
    body = _text(response)
    assert "页面已过期" in body and "校验码已失效" in body and "重新填写并提交" in body


def test_csrf_failure_without_the_cookie_says_so(db, browser_client):
    response = browser_client.post("/p/pingyi/submit/", {"code": "ABCD"})
    _assert_chinese_page(response, 403, PORTAL)
    assert "没有保存本站的 Cookie" in _text(response)


def test_csrf_failure_for_staff_in_the_shell(staff):
    staff.get("/")
    response = staff.post("/logout/")
    _assert_chinese_page(response, 403, SHELL)
    assert "页面已过期" in _text(response)


def test_back_link_only_to_this_site(staff):
    own = staff.get("/no-such-page/", HTTP_REFERER="http://testserver/org/units/?kind=street&q=%E8%A1%97#top")
    assert 'href="/org/units/?kind=street&amp;q=%E8%A1%97">返回上一页' in _text(own)  # the path, not the URL
    assert "http://testserver" not in _text(own)
    foreign = staff.get("/no-such-page/", HTTP_REFERER="https://evil.example/")
    assert "evil.example" not in _text(foreign)
    for odd in ("http://testserver//evil.example/x", "http://testserver/\\evil.example/x"):
        response = staff.get("/no-such-page/", HTTP_REFERER=odd)
        assert "evil.example" not in _text(response) and "用浏览器的“后退”返回上一页" in _text(response), odd
