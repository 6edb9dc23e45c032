"""The internal rater's matrix in Chromium on the demo district: every evaluated unit × 4 dimensions filled from the
keyboard in a handful of actions (counted here and printed), kept as a draft across a reload, submitted once
even when the button is clicked twice; at 320 px with the keyboard only, and a draft the campaign closed on.
Also the evaluation charts: every label drawn and inside the chart at 1366 and at 375 px."""

import json
import re

import pytest
import time_machine
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS, DEMO_DAY
from tests.browser.session import log_in

pytestmark = pytest.mark.browser
STEPS = ("org", "accounts", "evaluation")
MAX_ACTIONS = 30


@pytest.fixture
def rating_district(load_demo):
    """The demo district's people and campaigns on DEMO_DAY, the 2026 campaign open."""
    with time_machine.travel(DEMO_DAY, tick=True):
        load_demo(STEPS)
        yield


class Counted:
    """Every click and key press the rater makes, so the test can say how many the matrix took."""

    def __init__(self, page):
        self.page, self.actions = page, 0

    def click(self, locator, count=1):
        self.actions += count
        locator.click(click_count=count)

    def press(self, *keys):
        for key in keys:
            self.actions += 1
            self.page.keyboard.press(key)


def open_matrix(page, base, who="rater"):
    from jixiao.evaluation.models import Campaign, CampaignStatus

    campaign = Campaign.objects.get(status=CampaignStatus.OPEN)
    log_in(page, base, who)
    page.goto(base + reverse("evaluation:rate", args=[campaign.pk]))
    expect(page.get_by_role("button", name="全部“满意”")).to_be_visible()  # the script showed the tool bar
    return campaign


def cell(page, row, col):
    return page.locator(".rate-matrix tbody tr").nth(row).locator("[data-cell]").nth(col)


def test_whole_matrix_in_a_few_actions_resumed_after_reload_and_submitted_once(rating_district, live_server, page,
                                                                                 shot, external_requests):
    from jixiao.evaluation.models import Answer, Channel, Rating

    base = live_server.url
    campaign = open_matrix(page, base)
    rows = page.locator(".rate-matrix tbody tr").count()
    cells = page.locator(".rate-matrix [data-cell]").count()
    assert rows == campaign.units.count() - 1 >= 71  # every evaluated unit but the rater's own
    assert cells == rows * 4
    shot("rater-matrix-empty-1366")

    rater = Counted(page)
    rater.click(page.get_by_role("button", name="全部“满意”"))
    expect(page.get_by_test_id("progress")).to_contain_text(f"已完成 {rows} / {rows}")
    rater.click(cell(page, 0, 0))
    rater.press("1", "ArrowRight", "3")  # 非常满意, then 基本满意 beside it
    rater.press("ArrowDown", "Alt+4")  # the whole second row 不满意
    rater.press("ArrowDown", "ArrowDown", "Shift+5")  # the whole second column 非常不满意
    rater.click(cell(page, 10, 3))
    rater.press("2")  # unchanged 满意: a digit on a filled cell is harmless
    expect(page.locator("[data-save-status]")).to_contain_text("草稿已自动保存", timeout=10_000)
    shot("rater-matrix-adjusted-1366")

    page.reload()  # a reload (or another device) resumes the server-side draft
    expect(cell(page, 0, 0)).to_have_value("100")
    assert [cell(page, 1, c).input_value() for c in range(4)] == ["40", "20", "40", "40"]
    assert cell(page, 0, 1).input_value() == "20" and cell(page, rows - 1, 1).input_value() == "20"
    assert cell(page, rows - 1, 3).input_value() == "80"

    answers = Answer.objects.filter(campaign=campaign, channel=Channel.INTERNAL).count()
    ratings = Rating.objects.filter(campaign=campaign).count()
    rater.click(page.get_by_role("button", name="提交评议"), count=2)  # a nervous double click
    expect(page.get_by_text("评议已提交，感谢您的参与。")).to_be_visible()
    assert Answer.objects.filter(campaign=campaign, channel=Channel.INTERNAL).count() == answers + 1
    assert Rating.objects.filter(campaign=campaign).count() == ratings + cells
    shot("rater-matrix-submitted")
    print(f"\nrater matrix: {cells} cells ({rows} units × 4) in {rater.actions} clicks and key presses")
    assert rater.actions <= MAX_ACTIONS
    assert external_requests == []


def test_phone_keyboard_only_and_a_draft_the_campaign_closed_on(rating_district, live_server, page, shot):
    page.set_viewport_size({"width": 320, "height": 740})
    base = live_server.url
    campaign = open_matrix(page, base)
    assert page.evaluate("document.documentElement.scrollWidth") <= 320  # the page itself never scrolls sideways
    page.get_by_role("button", name="全部“满意”").focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")  # the level picker
    for _ in range(3):
        page.keyboard.press("Tab")  # 填满当前列 · 填满当前行 · 填满全部
    page.keyboard.press("Tab")
    expect(cell(page, 0, 0)).to_be_focused()
    page.keyboard.press("4")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Shift+5")
    expect(page.locator("[data-save-status]")).to_contain_text("草稿已自动保存", timeout=10_000)
    assert [cell(page, r, 0).input_value() for r in (0, 1, -1)] == ["20", "20", "20"]
    assert cell(page, 0, 1).input_value() == "80"
    shot("rater-matrix-320")
    page.screenshot(path=str(ARTIFACTS / "rater-matrix-320-screen.png"))  # what the phone shows, sticky parts in place

    close(page, campaign)
    page.keyboard.press("ArrowRight")
    page.keyboard.press("1")
    problems = page.locator("[data-save-problems]")
    expect(problems).to_contain_text("本次评议不在开放时间内（已结束），草稿不能再保存，也不能提交。", timeout=15_000)
    expect(page.locator("[data-save-status]")).to_contain_text("草稿未保存")
    assert cell(page, 1, 1).input_value() == "100"  # what was typed stays on the page
    shot("rater-matrix-320-closed")

    page.reload()
    expect(page.get_by_test_id("stale-draft")).to_contain_text("没有提交，不计入评议结果")
    assert cell(page, 0, 0).input_value() == "20" and cell(page, 0, 0).is_disabled()
    shot("rater-matrix-320-stale-draft")


def close(page, campaign):
    """The office closes the campaign while the rater's page is open (retried while the server holds the table)."""
    from django.db import OperationalError

    from jixiao.accounts.models import User
    from jixiao.evaluation import actions

    for _ in range(40):
        try:
            return actions.close_campaign(campaign, by=User.objects.get(username="office"))
        except OperationalError:  # in-memory SQLite shared with the live server: "database table is locked"
            page.wait_for_timeout(250)
    raise AssertionError("the campaign could not be closed")


def chart_labels(page, element_id: str) -> dict:
    """The chart's category labels, and whether every drawn text lies inside the chart."""
    labels = json.loads(page.locator(f"#{element_id}").text_content())["yAxis"]["data"]
    chart = page.locator(f'.chart[data-option-id="{element_id}"]')
    expect(chart.locator("svg text").first).to_be_attached()
    drawn = chart.evaluate("""el => {
        const box = el.getBoundingClientRect();
        const texts = [...el.querySelectorAll('svg text')];
        return {text: texts.map(t => t.textContent).join(''),
                inside: texts.every(t => { const r = t.getBoundingClientRect();
                    return r.width === 0 || (r.left >= box.left - 1 && r.right <= box.right + 1
                                             && r.top >= box.top - 1 && r.bottom <= box.bottom + 1); })};
    }""")
    missing = [label for label in labels if re.sub(r"\s", "", label) not in drawn["text"]]
    return {"labels": labels, "missing": missing, "inside": drawn["inside"]}


@pytest.mark.parametrize("width", [1366, 375])
def test_evaluation_charts_draw_every_label(rating_district, live_server, page, shot, width):
    from jixiao.evaluation.models import Campaign

    page.set_viewport_size({"width": width, "height": 900})
    base = live_server.url
    log_in(page, base, "office")
    campaign = Campaign.objects.get(cycle__year=2025)
    page.goto(base + reverse("evaluation:results", args=[campaign.pk]))
    results = chart_labels(page, "results-chart")
    assert len(results["labels"]) == 15 and results["missing"] == [] and results["inside"]
    shot(f"evaluation-results-chart-{width}")
    page.goto(base + reverse("evaluation:monitor", args=[campaign.pk]))
    daily = chart_labels(page, "daily-chart")
    assert len(daily["labels"]) > 10 and daily["missing"] == [] and daily["inside"]
    shot(f"evaluation-daily-chart-{width}")
