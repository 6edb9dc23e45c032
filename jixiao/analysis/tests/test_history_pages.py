"""The unit's 横比纵比 page: the score and satisfaction sections, predecessors marked, unreleased years hidden."""

import datetime
import re

from django.utils import timezone

from jixiao.analysis.tests.test_history_queries import _old, _ratings, _result, _run, _succeed
from jixiao.evaluation.models import Campaign
from jixiao.indicators.tests import builders

DAY = datetime.date


def text(response):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def _world(cast):
    """华明街道 took over 华明镇 (merged) in 2024; results 2022–2025, 2025's not yet released to the units;
    satisfaction 2023 (华明镇) and 2025."""
    old = _old(cast, "S90", "华明镇", DAY(2023, 12, 31))
    _succeed(old, cast.street, "merge", DAY(2024, 1, 1))
    for year, unit, total, released in ((2022, old, "80", True), (2023, old, "82.5", True),
                                        (2024, cast.street, "85", True), (2025, cast.street, "90", False)):
        cyc, scheme, run = _run(cast, year, released=released)
        _result(scheme, run, unit, builders.group(cyc, "G", [unit]), total, 3, 10, "excellent")
        if year in (2023, 2025):
            when = timezone.make_aware(datetime.datetime(year, 11, 1))
            campaign = Campaign.objects.create(cycle=cyc, assessing_unit=cast.district, name=f"{year}评议",
                                               opens_at=when, closes_at=when + datetime.timedelta(days=20))
            campaign.units.add(unit)
            _ratings(campaign, unit, 70 if year == 2023 else 92)
    return old


def test_the_office_sees_every_year_with_the_predecessor_marked(cast, login):
    _world(cast)
    page = text(login(cast.office).get("/analysis/compare/mine/", {"unit": "S01", "cycle": "2026"}))
    assert "机构调整： 2024 年起，华明镇并入华明街道" in page
    scores = page.split("考核结果纵比")[1].split("满意度纵比")[0]
    assert "2023 原华明镇 82.5 3 / 10 优秀" in scores
    assert "机构合并前的年份：各单位分别列示，不相加，不与合并后比较" in scores
    assert "2024 本单位 85" in scores and "上年为机构调整前的数值，不作比较" in scores
    assert "2025 本单位 90 3 / 10 优秀 +5 5.9%" in scores  # (90 − 85) ÷ 85 = 5.88 %
    assert "可比较的全年数值只有 2 年，年份不足五年，不作趋势判断" in scores
    satisfaction = page.split("满意度纵比")[1].split("指标横比纵比")[0]
    assert "2023 原华明镇 70" in satisfaction and "2025 本单位 92" in satisfaction


def test_a_unit_sees_only_the_years_released_to_it(cast, login):
    _world(cast)
    page = text(login(cast.street_reporter).get("/analysis/compare/mine/", {"cycle": "2026"}))
    scores = page.split("考核结果纵比")[1].split("满意度纵比")[0]
    assert "2024 本单位 85" in scores and "2025" not in scores
    satisfaction = page.split("满意度纵比")[1].split("指标横比纵比")[0]
    assert "2023 原华明镇 70" in satisfaction and "92" not in satisfaction


def test_nothing_yet_says_so(cast, login):
    page = text(login(cast.street_reporter).get("/analysis/compare/mine/", {"cycle": "2026"}))
    assert "没有可查看的历年考核结果。" in page and "没有可查看的历年满意度结果。" in page
    assert "机构调整：" not in page and "Mann–Kendall" not in page.split("指标横比纵比")[0]
