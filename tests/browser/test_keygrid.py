"""The one keyboard grid (jixiao/static/jixiao/keygrid.js) both the entry form and the rater's matrix use, on a
bare table: Enter and the arrows move, a move past the edge stays put, Enter never sends the form, ← → wait for
the caret at the edge of a text, and a grade list keeps ↑ ↓ only where the page asks for it."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser
KEYGRID = Path(__file__).resolve().parents[2] / "jixiao" / "static" / "jixiao" / "keygrid.js"
TABLE = """<form method="post" action="/nowhere"><table><tbody>
  <tr><td><select data-cell id="a0"><option>甲</option><option>乙</option></select></td>
      <td><input data-cell id="a1" value="备注一"></td><td><input id="free" value="不是单元格"></td></tr>
  <tr><td><input data-cell id="b0" type="number" value="12"></td><td><input data-cell id="b1" value="备注二"></td></tr>
  <tr><td><input data-cell id="c0" value="30"></td><td><input data-cell id="c1"></td></tr>
</tbody></table><button type="submit">提交</button></form>"""


def grid(page, **options):
    page.set_content(TABLE)
    page.add_script_tag(path=str(KEYGRID))
    page.evaluate("options => { window.sent = 0; document.forms[0].addEventListener('submit', e => {"
                  " window.sent += 1; e.preventDefault(); }); window.jixiao.keygrid(document.forms[0], options); }",
                  options)


def test_enter_and_arrows_move_and_stay_put_at_the_edge(page):
    grid(page)
    page.locator("#a0").focus()
    for key, lands in [("Enter", "#b0"), ("Enter", "#c0"), ("Enter", "#c0"), ("Shift+Enter", "#b0"),
                       ("ArrowRight", "#b1"), ("ArrowUp", "#a1"), ("ArrowUp", "#a1"),
                       ("ArrowLeft", "#a1"),  # the text came selected: ← first puts the caret at its start
                       ("ArrowLeft", "#a0"), ("ArrowDown", "#b0"), ("ArrowLeft", "#b0")]:
        page.keyboard.press(key)
        expect(page.locator(lands)).to_be_focused()
    assert page.evaluate("window.sent") == 0  # Enter in a number field moved instead of sending the form
    assert page.locator("#a0").input_value() == "甲"  # ↑ ↓ on the list moved, they chose nothing


def test_left_and_right_wait_for_the_caret_at_the_edge_of_a_text(page):
    grid(page)
    page.locator("#b1").focus()
    page.evaluate("document.getElementById('b1').setSelectionRange(2, 2)")
    page.keyboard.press("ArrowLeft")
    expect(page.locator("#b1")).to_be_focused()  # the caret went one character left
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    expect(page.locator("#b0")).to_be_focused()
    page.locator("#free").focus()
    page.keyboard.press("Enter")  # not a cell: the form's own behaviour
    assert page.evaluate("window.sent") == 1


def test_a_grade_list_keeps_up_and_down_where_the_page_asks(page):
    grid(page, listsKeepArrows=True)
    page.locator("#a0").focus()
    page.keyboard.press("ArrowDown")
    expect(page.locator("#a0")).to_be_focused()
    page.keyboard.press("ArrowRight")  # ← → still move from a list
    expect(page.locator("#a1")).to_be_focused()
    page.keyboard.press("Alt+ArrowDown")
    expect(page.locator("#a1")).to_be_focused()  # Alt is left to the page
