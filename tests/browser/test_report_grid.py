"""The whole entry form in Chromium: a clerk fills the 27 indicators of a monthly period by pasting a column from
Excel or from the keyboard alone, saves once, and the clicks and keystrokes are counted; a block larger than the
grid, text in a number cell and a double click are survived; the form fits a 320 px phone."""

import datetime
import json
from decimal import Decimal

import pytest
import time_machine
from playwright.sync_api import expect

from tests.browser.session import log_in

pytestmark = pytest.mark.browser

ROWS = 27
# Inside the window of 2026年3月 (it opens 31 March and is due 10 April): the clock moves on from here.
IN_WINDOW = datetime.datetime(2026, 4, 2, 2, 0, tzinfo=datetime.UTC)


@pytest.fixture
def world(live_server, transactional_db, settings, tmp_path):
    """The reporting world with 27 monthly indicators for 华明街道 and its March period."""
    from jixiao.indicators.models import Indicator
    from jixiao.reporting import actions
    from jixiao.reporting.models import Period
    from jixiao.reporting.tests.builders import world as reporting_world
    from tests.cast import build_cast

    settings.REQUIRE_TOTP = False
    settings.MEDIA_ROOT = tmp_path / "media"
    with time_machine.travel(IN_WINDOW, tick=True):
        cast = build_cast()
        cast.w = reporting_world(cast, n_indicators=ROWS)
        Indicator.objects.filter(code__startswith="E2026").update(frequency="month")
        actions.generate_periods(cast.cycle, by=cast.office)
        cast.march = Period.objects.get(cycle=cast.cycle, code="M03")
        yield cast


class Counted:
    """The clicks and keystrokes a person makes, counted as the test makes them."""

    def __init__(self, page):
        self.page, self.clicks, self.keys = page, 0, 0

    def click(self, locator):
        locator.click()
        self.clicks += 1

    def press(self, key):
        self.page.keyboard.press(key)
        self.keys += 1

    def type(self, text):
        self.page.keyboard.type(text)
        self.keys += len(text)


def stored(world):
    from jixiao.reporting.models import Value

    return {v.indicator.code: v for v in Value.objects.filter(submission__period=world.march).select_related("indicator")}


def open_form(page, base, world):
    page.goto(f"{base}/reporting/units/{world.street.pk}/periods/{world.march.pk}/")
    grid = page.get_by_test_id("value-grid")
    expect(grid).to_be_visible()
    return grid


def paste(page, text):
    """Paste `text` into the focused cell as Chromium does from the clipboard (a paste event carrying it)."""
    page.evaluate("""text => {
        const data = new DataTransfer();
        data.setData("text/plain", text);
        document.activeElement.dispatchEvent(new ClipboardEvent("paste", {clipboardData: data, bubbles: true,
                                                                          cancelable: true}));
    }""", text)


def test_paste_a_column_from_excel_and_save_once(world, live_server, page, shot, external_requests):
    base, codes = live_server.url, [item.indicator.code for item in world.w["items"]]
    log_in(page, base, "street_reporter", world.password)
    grid = open_form(page, base, world)
    person = Counted(page)
    person.click(grid.get_by_test_id(f"grid-{codes[0]}").locator("[data-cell='0']"))
    column = "\r\n".join(str(100 + i) for i in range(ROWS)) + "\r\n"  # as Excel copies a column
    paste(page, column)
    person.keys += 1  # Ctrl+V
    expect(grid.get_by_test_id(f"grid-{codes[-1]}").locator("[data-cell='0']")).to_have_value(str(100 + ROWS - 1))
    shot("report-grid-pasted")
    person.click(page.get_by_test_id("save-all"))
    expect(page.get_by_text(f"已保存 {ROWS} 项。")).to_be_visible()
    values = stored(world)
    assert [values[c].number for c in codes] == [Decimal(100 + i) for i in range(ROWS)]
    figures = {"form": "27-row monthly form, pasted column", "clicks": person.clicks, "keystrokes": person.keys,
               "actions": person.clicks + person.keys}
    print(json.dumps(figures, ensure_ascii=False))
    assert figures["actions"] == 3
    shot("report-grid-saved")
    assert external_requests == [], external_requests


def test_fill_from_the_keyboard_alone(world, live_server, page, shot):
    base, codes = live_server.url, [item.indicator.code for item in world.w["items"]]
    log_in(page, base, "street_reporter", world.password)
    grid = open_form(page, base, world)
    person = Counted(page)
    grid.get_by_test_id(f"grid-{codes[0]}").locator("[data-cell='0']").focus()
    person.keys += 1  # the Tab that reaches the first cell
    for i in range(ROWS):
        person.type(str(200 + i))
        person.press("Enter")  # Enter moves down, never sends the form
    expect(grid.get_by_test_id(f"grid-{codes[-1]}").locator("[data-cell='0']")).to_have_value(str(200 + ROWS - 1))
    assert stored(world) == {}
    person.press("ArrowRight")  # from the last value to its note
    person.type("含新增企业")
    grid.get_by_test_id("save-all").focus()
    person.keys += 1  # the Tab to 保存全部
    person.press("Enter")
    expect(page.get_by_text(f"已保存 {ROWS} 项。")).to_be_visible()
    values = stored(world)
    assert [values[c].number for c in codes] == [Decimal(200 + i) for i in range(ROWS)]
    assert values[codes[-1]].note == "含新增企业"
    print(json.dumps({"form": "27-row monthly form, keyboard only", "clicks": person.clicks,
                      "keystrokes": person.keys}, ensure_ascii=False))
    assert person.clicks == 0


def test_bad_input_a_block_too_large_text_in_number_cells_and_a_double_click(world, live_server, page, shot):
    base, codes = live_server.url, [item.indicator.code for item in world.w["items"]]
    log_in(page, base, "street_reporter", world.password)
    grid = open_form(page, base, world)
    third = grid.get_by_test_id(f"grid-{codes[2]}").locator("[data-cell='0']")
    third.click()
    paste(page, "\n".join(str(i) for i in range(ROWS)))  # 27 lines from line 3: two beyond the grid
    expect(page.get_by_test_id("paste-problem")).to_contain_text("超出了表格，未粘贴任何内容")
    expect(third).to_have_value("")
    expect(grid.get_by_test_id(f"grid-{codes[-1]}").locator("[data-cell='0']")).to_have_value("")
    shot("report-grid-paste-too-large")

    grid.get_by_test_id(f"grid-{codes[0]}").locator("[data-cell='0']").click()
    paste(page, "12\t首月\n十五\t\n30\t\n")  # two columns; a figure typed in words
    page.get_by_test_id("save-all").click()
    expect(page.get_by_test_id("grid-summary")).to_contain_text("全部未保存")
    error = page.get_by_test_id(f"grid-{codes[1]}").get_by_test_id("grid-error")
    expect(error).to_contain_text(f"第2行 {codes[1]}")
    expect(page.get_by_test_id(f"grid-{codes[0]}").locator("[data-cell='1']")).to_have_value("首月")
    expect(page.get_by_test_id(f"grid-{codes[2]}").locator("[data-cell='0']")).to_have_value("30")
    assert stored(world) == {}
    shot("report-grid-bad-cell")

    page.get_by_test_id(f"grid-{codes[1]}").locator("[data-cell='0']").fill("15")
    page.get_by_test_id("save-all").dblclick()
    expect(page.get_by_text("已保存 3 项。")).to_be_visible()
    values = stored(world)
    assert {c: (v.number, v.version) for c, v in values.items()} == {
        codes[0]: (Decimal(12), 1), codes[1]: (Decimal(15), 1), codes[2]: (Decimal(30), 1)}


def test_the_form_on_a_phone(world, live_server, browser, shot):
    context = browser.new_context(viewport={"width": 320, "height": 720}, locale="zh-CN")
    page = context.new_page()
    log_in(page, live_server.url, "street_reporter", world.password)
    open_form(page, live_server.url, world)
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    shot("report-grid-phone", on=page)
    page.get_by_test_id("value-grid").scroll_into_view_if_needed()
    page.screenshot(path=str(shot("report-grid-phone", on=page).with_name("report-grid-phone-grid.png")))
    context.close()
