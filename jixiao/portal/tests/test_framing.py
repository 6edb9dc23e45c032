"""The 专栏: only the parent sites in JIXIAO_PORTAL_FRAME_ANCESTORS may frame the portal's public pages; the back
office refuses every frame."""

import pytest
from django.urls import reverse

from jixiao.lib.env import SettingError
from jixiao.portal import framing


def frame_ancestors(response) -> str:
    parts = [p.strip() for p in response["Content-Security-Policy"].split(";")]
    return next(p for p in parts if p.startswith("frame-ancestors"))


@pytest.fixture
def parent(settings):
    settings.PORTAL_FRAME_ANCESTORS = ["https://www.example.gov.cn", "https://*.example.gov.cn"]


@pytest.mark.parametrize("name", ["portal:index", "portal:results", "portal:units", "portal:notices",
                                  "portal:search", "portal:data"])
def test_portal_pages_may_be_framed_by_the_listed_sites_only(db, client, parent, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert frame_ancestors(response) == "frame-ancestors 'self' https://www.example.gov.cn https://*.example.gov.cn"
    assert "X-Frame-Options" not in response


def test_a_portal_404_carries_the_portal_policy_too(db, client, parent):
    response = client.get("/p/xinxi/999999/")
    assert response.status_code == 404 and "https://www.example.gov.cn" in frame_ancestors(response)


def test_without_listed_sites_only_the_portal_itself_may_frame_it(db, client, settings):
    settings.PORTAL_FRAME_ANCESTORS = []
    assert frame_ancestors(client.get(reverse("portal:index"))) == "frame-ancestors 'self'"


@pytest.mark.parametrize("name", ["accounts:login", "ui:healthz", "publishing:list"])
def test_the_back_office_refuses_every_frame(db, client, parent, name):
    response = client.get(reverse(name))
    assert response.status_code in (200, 302)
    assert frame_ancestors(response) == "frame-ancestors 'none'"
    assert response["X-Frame-Options"] == "DENY"


def test_the_setting_reads_origins_and_refuses_anything_else():
    assert framing.origins(None) == []
    assert framing.origins(" https://WWW.Example.gov.cn/  http://10.0.0.5:8080,https://www.example.gov.cn ") == [
        "https://www.example.gov.cn", "http://10.0.0.5:8080"]
    for bad in ("*", "'none'", "www.example.gov.cn", "https://example.gov.cn/zhuanlan", "javascript:alert(1)",
                "https://a.gov.cn;script-src *", "data:"):
        with pytest.raises(SettingError, match="JIXIAO_PORTAL_FRAME_ANCESTORS"):
            framing.origins(bad)
