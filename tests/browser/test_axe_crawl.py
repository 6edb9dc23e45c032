"""axe-core on every page of every demo role, in Chromium: no serious or critical violation, every control labelled.

The pages are those of the crawler (tests/crawl.py), one address of each shape per role, so each template is
checked once for each kind of user that sees it. The browser carries the crawler's session cookie, which is
past the second factor (the login pages have their own browser tests). Like the crawler test, it is skipped
when JIXIAO_SKIP_CRAWLS=1 (the PostgreSQL pass of .ci/run): accessibility does not depend on the database engine.
"""

from pathlib import Path

import pytest
from django.conf import settings

from jixiao.demo.accounts import DEMO_ACCOUNTS
from tests import crawl

pytestmark = [pytest.mark.browser, pytest.mark.skipif(crawl.SKIP_CRAWLS, reason=crawl.SKIPPED_BECAUSE)]
AXE = Path(settings.BASE_DIR) / "static_vendor" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"serious", "critical"}
# A form control without a name is a failure at any impact: a screen reader announces only "edit text".
LABEL_RULES = {"label", "select-name", "aria-input-field-name", "aria-toggle-field-name", "input-button-name",
               "button-name", "label-title-only"}


def axe_failures(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async (tags) => await axe.run(document, {runOnly: tags})", AXE_TAGS)
    return [f"{v['id']}（{v['impact']}）{v['help']}：{[n['target'] for n in v['nodes']][:3]}"
            for v in result["violations"] if v["impact"] in BLOCKING or v["id"] in LABEL_RULES]


def role_urls(role, done: set) -> list[str]:
    """The HTML pages the role reaches, one per shape, skipping shapes another account of the same role covered."""
    urls = []
    for page in crawl.walk(crawl.client_for(role), per_shape_limit=1):
        key = (role.role, crawl.shape(page.url))
        if page.html and page.status == 200 and key not in done:
            done.add(key)
            urls.append(page.url)
    return urls


# One test per role, so that the two test processes share the crawl (each role's pages take up to a minute).
DEMO_ROLES = sorted({role for account in DEMO_ACCOUNTS for role in account.roles})


@pytest.mark.parametrize("role_name", DEMO_ROLES)
def test_every_page_of_every_role_passes_axe(role_name, whole_demo, live_server, browser, shot):
    failures, done, checked = [], set(), 0
    for role in crawl.demo_roles():
        if role.role != role_name:
            continue
        urls = role_urls(role, done)
        client = crawl.client_for(role)
        context = browser.new_context(bypass_csp=True, locale="zh-CN", timezone_id="Asia/Shanghai",
                                      viewport={"width": 1366, "height": 900})
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "url": live_server.url,
                              "value": client.cookies[settings.SESSION_COOKIE_NAME].value}])
        page = context.new_page()
        for url in urls:
            page.goto(live_server.url + url, wait_until="load")
            failures += [f"{role.label} {url} {failure}" for failure in axe_failures(page)]
            checked += 1
        shot(f"axe-crawl-{role.label.replace(':', '-')}-last", on=page)
        context.close()
    assert checked >= 1, f"no page reached by the demo accounts of role {role_name}"
    assert failures == [], f"{len(failures)} violations on {checked} pages\n" + "\n".join(failures)


@pytest.mark.parametrize(("elder", "width"), [(False, 1366), (True, 320)], ids=["ordinary-1366", "elder-320"])
def test_every_public_page_passes_axe(elder, width, whole_demo, live_server, browser, shot):
    """The portal for an anonymous visitor: its ordinary layout on a desktop, and 长辈版 on the narrowest phone,
    where large text most often overflows (the pages' own browser tests also run axe on both layouts at 320 px)."""
    from jixiao.portal import elder as elder_mode

    done = set()
    urls = [page.url for page in crawl.walk_public(crawl.public_client(elder))
            if page.html and page.status == 200 and crawl.shape(page.url) not in done
            and not done.add(crawl.shape(page.url))]
    failures = []
    context = browser.new_context(bypass_csp=True, locale="zh-CN", timezone_id="Asia/Shanghai",
                                  viewport={"width": width, "height": 900})
    if elder:
        context.add_cookies([{"name": elder_mode.COOKIE, "value": "1", "url": live_server.url}])
    page = context.new_page()
    for url in urls:
        page.goto(live_server.url + url, wait_until="load")
        failures += [f"{width}px {url} {failure}" for failure in axe_failures(page)]
    shot(f"axe-crawl-public-{'elder' if elder else 'ordinary'}-{width}-last", on=page)
    context.close()
    checked = len(urls)
    assert checked > 10, checked
    assert failures == [], f"{len(failures)} violations on {checked} pages\n" + "\n".join(failures)
