"""The API's documentation page (/api/v1/docs) renders in Chromium from the local Swagger UI files, under the site's
Content-Security-Policy (no bypass here), without a request to any other host."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_api_docs_render_locally_under_the_sites_csp(live_server, transactional_db, page, shot, external_requests):
    problems = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    response = page.goto(f"{live_server.url}/api/v1/docs")
    assert response.status == 200
    assert "script-src 'self'" in response.headers["content-security-policy"]
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("绩效管理平台数据接口")
    expect(page.locator(".opblock-summary-path", has_text="/api/v1/units")).to_be_visible()
    expect(page.locator(".opblock-summary-path", has_text="/api/v1/comparisons")).to_be_visible()
    page.locator(".opblock-summary-path", has_text="/api/v1/results").click()
    expect(page.get_by_text("已公布的考核结果", exact=False).first).to_be_visible()
    shot("api-docs")
    assert problems == []
    assert external_requests == []
