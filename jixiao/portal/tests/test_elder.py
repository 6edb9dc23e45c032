"""The 长辈版 switch: a plain GET that sets or clears a cookie and returns to the same local page, never elsewhere."""

import lxml.html
import pytest
from django.urls import reverse

from jixiao.portal import elder


def _switch(client, mode, next_):
    return client.get(reverse("portal:elder"), {"mode": mode, "next": next_})


def test_switching_on_sets_the_cookie_returns_to_the_page_and_the_layout_grows(db, client):
    page = reverse("portal:rectification") + "?status=done"
    html = client.get(page).content.decode()
    assert "portal-elder" not in lxml.html.fromstring(html).xpath("//html/@class")
    link = lxml.html.fromstring(html).xpath('//a[@data-testid="elder-switch"]')[0]
    assert link.text_content() == "长辈版"
    response = client.get(link.get("href"))
    assert response.status_code == 302 and response["Location"] == page
    assert response.cookies[elder.COOKIE].value == "1"
    html = client.get(page).content.decode()
    tree = lxml.html.fromstring(html)
    assert tree.xpath("//html/@class") == ["portal-elder"] and "portal/elder.css" in html
    assert tree.xpath('//a[@data-testid="elder-switch"]')[0].text_content() == "退出长辈版"
    off = _switch(client, "off", page)
    assert off["Location"] == page and off.cookies[elder.COOKIE].value == ""
    assert "portal/elder.css" not in client.get(page).content.decode()


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/p/", "/\\evil.example", "p/units/",
                                    "javascript:alert(1)", "", "/p/\r\nSet-Cookie: x=1"])
def test_an_outside_or_odd_next_goes_home(db, client, target):
    response = _switch(client, "on", target)
    assert response.status_code == 302 and response["Location"] == reverse("portal:index")


def test_local_path_keeps_a_plain_path_with_its_query():
    assert elder.local_path("/p/units/S01/?a=1&b=2") == "/p/units/S01/?a=1&b=2"
    assert elder.local_path("//x") is None and elder.local_path("http://x/") is None
