"""The public disclosure of rectification items on a 375 px phone, on the demo district's history: every item
reads as plain sentences (no scoring formula) and no column is squeezed to a character per line."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

pytestmark = pytest.mark.browser
STEPS = ("org", "accounts", "keywork", "evaluation", "indicators", "reporting", "scoring", "results")
FORMULA = re.compile(r"[×÷=]|系数|完成率计分|\d+(\.\d+)?\s*%")
# How many line boxes the text of a cell takes (a pseudo-element label before it is not counted).
LINES_OF = "cell => { const r = document.createRange(); r.selectNodeContents(cell); return r.getClientRects().length; }"


@pytest.fixture
def scored_district(transactional_db, settings):
    from jixiao.demo import build

    settings.DEMO_MODE = True
    build.load(only=STEPS)


@pytest.fixture
def phone(browser):
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 375, "height": 740})
    yield context.new_page()
    context.close()


def test_a_resident_reads_the_disclosure_on_a_phone(scored_district, live_server, phone, shot):
    phone.goto(live_server.url + reverse("portal:results"))
    rows = phone.get_by_test_id("disclosed").locator("tbody tr")
    expect(rows.first).to_be_visible()
    assert rows.count() >= 3
    problems = rows.locator('td[data-label="问题"]').all_inner_texts()
    assert problems and not [p for p in problems if FORMULA.search(p)]
    assert any("满分" in p and "原因是" in p for p in problems)  # lost points, told with their figures
    for status in rows.locator('td[data-label="状态"]').all():
        assert status.evaluate(LINES_OF) == 1, status.inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    shot("portal-disclosure-375", on=phone)
