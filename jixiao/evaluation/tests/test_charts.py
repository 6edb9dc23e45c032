"""The evaluation charts label every bar: each chart asks for all its labels and leaves its height to charts.js,
which sizes every chart of the platform to its rows (tests/browser/test_rater_matrix.py draws them)."""

import json
import re

from django.urls import reverse

from jixiao.evaluation import charts
from jixiao.evaluation.models import RaterKind
from jixiao.evaluation.tests.test_review_results import fill


def option(page: str, element_id: str) -> dict:
    return json.loads(re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>', page, re.S)[1])


def test_every_label_is_asked_for_and_the_layout_left_to_charts_js():
    option = charts.horizontal_bars([f"单位{n}" for n in range(15)], list(range(15)), name="满意度")
    assert option["yAxis"]["axisLabel"] == {"interval": 0} and option["grid"]["containLabel"] is True
    assert len(option["yAxis"]["data"]) == 15


def test_results_chart_names_every_scored_department(campaign, issue, cast, login):
    for unit in campaign.units.all():
        fill(campaign, issue, RaterKind.SERVICE, 5, 80, unit=unit)
    page = login(cast.leader).get(reverse("evaluation:results", args=[campaign.pk])).content.decode()
    chart = option(page, "results-chart")
    scored = min(campaign.units.count(), 15)
    assert len(chart["yAxis"]["data"]) == scored and chart["yAxis"]["axisLabel"]["interval"] == 0
    assert '<div class="chart" data-option-id="results-chart"' in page  # no height of its own: charts.js sizes it


def test_monitor_chart_names_every_day(campaign, issue, cast, login):
    fill(campaign, issue, RaterKind.PUBLIC, 2, 80)
    page = login(cast.office).get(reverse("evaluation:monitor", args=[campaign.pk])).content.decode()
    chart = option(page, "daily-chart")
    assert chart["yAxis"]["data"] == ["2026-11-10"] and chart["yAxis"]["axisLabel"]["interval"] == 0
    assert '<div class="chart" data-option-id="daily-chart"' in page
