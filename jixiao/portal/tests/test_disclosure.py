"""The public disclosure of rectification items reads as plain Chinese: no scoring formula reaches a resident."""

import datetime
import re

import lxml.html
import pytest
from django.urls import reverse

from jixiao.results import actions, publication
from jixiao.results.models import Rectification
from jixiao.results.tests import builders

FORMULA = re.compile(r"[×÷=]|系数|完成率计分|\d+(\.\d+)?\s*%")
DEADLINE = datetime.date(2027, 6, 30)


def _disclosed_rows(client) -> list[dict]:
    page = lxml.html.fromstring(client.get(reverse("portal:results")).content)
    return [{td.get("data-label"): td.text_content().strip() for td in row.findall("td")}
            for row in page.xpath('//table[@data-testid="disclosed"]/tbody/tr')]


def _lost_points_items(cast, run):
    result = run.results.get(unit=cast.tjj)
    items = actions.from_lost_points(result, deadline=DEADLINE, by=cast.office)
    for item in items:
        actions.set_disclosure(item, disclose=True, by=cast.office)
    return result, items


def test_lost_points_read_as_a_sentence_with_the_figures_and_no_formula(cast, client):
    result, items = _lost_points_items(cast, builders.scored(cast, publish=True))
    assert items and all(FORMULA.search(item.problem) for item in items)  # the office keeps the formula
    rows = _disclosed_rows(client)
    assert len(rows) == len(items)
    for row in rows:
        assert not FORMULA.search(row["问题"]), row["问题"]
        assert row["问题"].startswith("“") and "满分" in row["问题"] and "原因是年度目标没有全部完成" in row["问题"]
    line = result.lines.get(item_id=int(items[0].reference.rsplit(":", 1)[1]))
    assert publication.lost_points_sentence(line) in [row["问题"] for row in rows]


def test_figures_of_a_run_not_yet_published_are_not_shown(cast, client):
    _, items = _lost_points_items(cast, builders.scored(cast, release=True))
    rows = _disclosed_rows(client)
    assert len(rows) == len(items)
    for row in rows:
        outside_the_name = re.sub(r"“[^”]*”", "", row["问题"])
        assert not FORMULA.search(row["问题"]) and "满分" not in row["问题"] and not re.search(r"\d", outside_the_name)
        assert row["问题"].endswith("没有达到考核要求，需要整改。")


def test_other_items_keep_their_words_and_an_item_without_measures_says_so(cast, client):
    builders.rectification(cast, problem="背街小巷路灯损坏未及时修复", disclose=True)
    builders.rectification(cast, problem="台账不全", measures="本月底前补齐台账并建立月度检查制度。",
                           status="in_progress", disclose=True)
    rows = _disclosed_rows(client)
    assert [(r["问题"], r["整改措施"]) for r in rows] == [
        ("背街小巷路灯损坏未及时修复", "整改措施正在制定中。"),
        ("台账不全", "本月底前补齐台账并建立月度检查制度。")]


@pytest.mark.parametrize("value, text", [("8", "8"), ("7.500000", "7.5"), ("12.254", "12.25"), ("0.005", "0.01"),
                                         ("20.000000", "20")])
def test_points_are_written_as_a_person_writes_them(value, text):
    assert publication.points(value) == text


def test_the_public_page_query_count_does_not_grow_with_the_items(cast, client, django_assert_max_num_queries):
    _lost_points_items(cast, builders.scored(cast, publish=True))
    for n in range(30):
        builders.rectification(cast, problem=f"问题{n}", disclose=True)
    assert Rectification.objects.disclosed().count() > 30
    with django_assert_max_num_queries(20):
        assert client.get(reverse("portal:results")).status_code == 200


def test_an_evaluation_comment_reads_as_a_sentence(cast, client):
    from types import SimpleNamespace

    follow_up = SimpleNamespace(pk=7, campaign=SimpleNamespace(cycle=cast.cycle), unit=cast.tjj, dimension="廉洁自律",
                                value_label="不满意", comment="窗口办事要跑三次")
    item = actions.from_follow_up(follow_up, deadline=DEADLINE, by=cast.office, disclose=True)
    assert item.problem == "在综合评议中，“廉洁自律”一项被评为“不满意”。评议意见：窗口办事要跑三次"
    assert [row["问题"] for row in _disclosed_rows(client)] == [item.problem]


def test_the_public_page_picks_its_year_with_the_shared_picker(cast, client):
    from jixiao.indicators.tests import builders as indicator_builders

    older = indicator_builders.cycle(2024)
    builders.rectification(cast, problem="二〇二四年的问题", disclose=True, cycle=older)
    builders.rectification(cast, problem="二〇二六年的问题", disclose=True)
    url = reverse("portal:results")
    latest = client.get(url).content.decode()
    assert "二〇二六年的问题" in latest and "二〇二四年的问题" not in latest
    assert 'name="cycle"' in latest and 'value="2024"' in latest
    assert "二〇二四年的问题" in client.get(url, {"cycle": "2024"}).content.decode()
    unknown = client.get(url, {"cycle": "abc"})
    assert unknown.status_code == 200 and "没有“abc”这个考核年度" in unknown.content.decode()
