"""The printable dashboard (/analysis/print/): the overview's figures as tables on one page, without the shell."""

import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jixiao.analysis.tests.test_overview import NOVEMBER, everything, grow, make_reporter, report_q1
from jixiao.org.models import CycleStatus
from jixiao.reporting.tests.builders import IN_Q1_WINDOW, fill

URL = "/analysis/print/"


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def page(client) -> str:
    with time_machine.travel(NOVEMBER, tick=False):
        response = client.get(URL)
    assert response.status_code == 200
    return response.content.decode()


def cells(body: str, testid: str, first_cell: str) -> list[str]:
    """The text of each cell of the row that starts with `first_cell` in the table marked `testid`."""
    table = body.split(f'data-testid="{testid}"', 1)[1].split("</table>", 1)[0]
    row = next(r for r in table.split("<tr>") if re.search(rf">\s*{re.escape(first_cell)}\s*<", r))
    return [re.sub(r"<[^>]+>|\s+", "", c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]


@pytest.mark.parametrize("who", ["leader", "office"])
def test_the_dashboard_links_to_its_printable_page(cast, login, who):
    with time_machine.travel(NOVEMBER, tick=False):
        body = login(getattr(cast, who)).get("/").content.decode()
    assert f'href="{URL}" data-testid="dashboard-print-link"' in body


def test_the_page_prints_the_overviews_figures_without_the_shell(cast, login):
    everything(cast)
    body = page(login(cast.leader))
    assert 'id="sidebar"' not in body and "navbar" not in body  # no header, no navigation
    assert "截至 2026年11月10日" in body and "2026年度（考核中）" in body
    # Q1 of the reporting world: 2 units due, 华明街道 verified on time, 金桥街道 never reported (overdue).
    assert cells(body, "print-reporting", "一季度") == ["一季度", "4月10日", "2", "1", "0", "0", "0", "1", "1", "1", "50.0%"]
    # key_tasks: one done, one on track, one lagging, one stalled; the two behind were warned in Q3.
    keywork = body.split('data-testid="print-keywork"', 1)[1].split("</table>", 1)[0]
    assert re.search(r"合计</th><td[^>]*>4<", keywork) and "仍在预警 2 项" in body
    # rectifications(): two unfinished in 2026, one of them overdue (the closed one is not counted).
    assert cells(body, "print-rectification", "2026年度") == ["2026年度", "2", "1"]
    # published_2025: both streets in 涉农街道, 金桥街道 vetoed; the grade counts add up to the group's size.
    streets = cells(body, "print-results", "涉农街道")
    assert streets[:6] == ["涉农街道", "2", "0", "1", "1", "0"]  # 优秀, 良好, 一般, 较差
    assert streets[6].startswith("1.华明街道88.00·良好；2.金桥街道84.00·一般") and "一票否决：金桥街道" in streets[6]
    assert "（2025年度，已发布）" in body


def test_an_empty_district_is_explained_not_blank(cast, login):
    cast.cycle.status = CycleStatus.PLANNING
    cast.cycle.save(update_fields=["status"])
    body = page(login(cast.office))
    assert "当前没有进行中的考核年度" in body
    assert "尚无已发布的考核结果" in body
    assert "没有未销号的整改事项" in body
    assert 'data-testid="print-reporting"' not in body


def test_the_page_answers_get_only(cast, login):
    with time_machine.travel(NOVEMBER, tick=False):
        assert login(cast.office).post(URL).status_code == 405


def test_a_unit_role_may_not_print_the_district(cast, login):
    assert login(cast.reporter).get(URL).status_code == 403


def test_the_query_count_does_not_grow_with_units_tasks_or_rectification(cast, login):
    everything(cast)
    client = login(cast.leader)

    def queries() -> int:
        with time_machine.travel(NOVEMBER, tick=False), CaptureQueriesContext(connection) as ctx:
            assert client.get(URL).status_code == 200
        return len(ctx.captured_queries)

    before = queries()
    grow(cast, 15)  # 15 more units due in Q1, 15 more tasks, 15 more overdue rectification items
    assert queries() == before
    assert cells(page(client), "print-rectification", "2026年度") == ["2026年度", "17", "16"]


def test_the_leader_prints_no_reported_figure(cast, login):
    """As on the dashboard, the leader's sheet counts submissions by state and never shows a figure."""
    w = report_q1(cast)
    with time_machine.travel(IN_Q1_WINDOW, tick=False):
        fill(cast, cast.other_street, w["q1"], w["items"], make_reporter(cast), numbers=["98765.4321", "1234567"])
    body = page(login(cast.leader))
    assert "98765" not in body and "1234567" not in body
