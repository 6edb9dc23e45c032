"""The data-quality pages: the office's list of a period's flags and its export, the assessor's flags on its
verification page, the office's thresholds (audited, refused with reasons, twice the same)."""

import io
from decimal import Decimal as D

import openpyxl
import pytest
from django.urls import reverse
from django.utils.html import escape

from jixiao.analysis.models import QualityRule
from jixiao.audit.models import Event
from jixiao.indicators.models import SchemeItem
from jixiao.indicators.tests import builders as indicator_builders
from jixiao.reporting.models import Status, Submission, Value
from jixiao.reporting.tests.builders import history, world

PAST = {2021: 100, 2022: 110, 2023: 120, 2024: 130, 2025: 140}  # median 120, MAD 10


@pytest.fixture
def w(cast):
    """华明街道's Q1 figures awaiting verification by 区统计局: the first far from its five years (200), the second
    without history; 金桥街道's sent too."""
    w = world(cast)
    history(cast, w, PAST)
    first, second = w["items"]
    for unit, numbers in ((cast.street, (200, 50)), (cast.other_street, (120, 60))):
        sub = Submission.objects.create(unit=unit, period=w["q1"], cycle=cast.cycle, status=Status.APPROVED)
        for item, number in zip((first, second), numbers, strict=True):
            Value.objects.create(submission=sub, cycle=cast.cycle, unit=unit, indicator=item.indicator, item=item,
                                 number=D(number))
    return w


REASON = "较本单位近 5 年同期中位数 120 偏高 8.0 个 MAD（修正 z 值 5.4，|M| > 3.5）"


def test_the_office_lists_the_periods_flags_with_their_reasons(cast, login, w):
    response = login(cast.office).get(reverse("analysis:quality"))
    assert response.status_code == 200 and response.context["period"] == w["q1"]
    assert [(f.value.unit.code, f.value.number) for f in response.context["flags"]] == [("S01", D(200))]
    page = response.content.decode()
    assert escape(REASON) in page and "共检验 4 个数值，预警 1 个" in page
    assert "组内同类单位数据不足" not in page and "考核组别" in page  # the group test said why it was not made


def test_an_assessor_reads_the_flags_of_its_own_indicators_only(cast, login, w):
    client = login(cast.assessor)
    assert len(client.get(reverse("analysis:quality")).context["flags"]) == 1
    SchemeItem.objects.filter(pk=w["items"][0].pk).update(assessor=cast.fgw)  # now 区发改委's to verify
    assert client.get(reverse("analysis:quality")).context["flags"] == []


def test_a_reporter_may_not_read_flags_and_a_foreign_period_is_not_found(cast, login, w):
    assert login(cast.street_reporter).get(reverse("analysis:quality")).status_code == 403
    assert login(cast.reporter).get(reverse("analysis:quality_export")).status_code == 403
    other = indicator_builders.cycle(2030)
    client = login(cast.office)
    assert client.get(reverse("analysis:quality"), {"period": "999999"}).status_code == 404
    assert client.get(reverse("analysis:quality"), {"period": "abc"}).status_code == 404
    assert client.get(reverse("analysis:quality"), {"cycle": other.year}).context["period"] is None
    assert client.get(reverse("analysis:quality_export"), {"cycle": "abc"}).status_code == 404


def test_the_export_holds_the_rows_the_page_lists(cast, login, w):
    response = login(cast.office).get(reverse("analysis:quality_export"), {"period": w["q1"].pk})
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][:5] == ("单位", "指标编码", "指标名称", "报送期", "数值")
    assert [(r[0], r[4], r[6], r[7]) for r in rows[1:]] == [("华明街道", "200", "待核定", "未核定")]
    assert rows[1][8] == REASON and rows[1][9].startswith("考核组别")


def test_the_assessor_sees_the_flag_beside_the_figure_before_verifying(cast, login, w):
    page = login(cast.assessor).get(reverse("reporting:assessor", args=[w["q1"].pk])).content.decode()
    assert page.count('data-testid="quality-flag"') == 1 and escape(REASON) in page
    code = w["items"][0].indicator.code
    cell = page.split(f'data-testid="cell-S01-{code}"')[1].split("</td>")[0]
    assert "数据质量预警" in cell


def test_the_office_sets_the_threshold_audited_and_the_flags_follow(cast, login, w):
    client = login(cast.office)
    url = reverse("analysis:quality_rule")
    assert "本年度尚未设定，当前为默认值" in client.get(url).content.decode()
    data = {"cycle": "2026", "threshold": "6.0", "min_history": "3", "min_peers": "3"}
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302  # submitted twice: still one rule
    rule = QualityRule.objects.get()
    assert (rule.threshold, rule.min_history) == (D("6.0"), 3)
    events = Event.objects.filter(code="cycle.quality_rule_set").order_by("pk")
    assert events.count() == 2 and events.last().before["threshold"] == "6.0"
    assert client.get(reverse("analysis:quality")).context["flags"] == []  # M = 5.4 ≤ 6


def test_a_bad_threshold_is_refused_in_chinese_and_audited(cast, login, w):
    client = login(cast.office)
    url = reverse("analysis:quality_rule")
    response = client.post(url, {"cycle": "2026", "threshold": "1.0", "min_history": "2", "min_peers": "x"})
    assert response.status_code == 422 and not QualityRule.objects.exists()
    page = response.content.decode()
    assert "2.0" in page and "最少同组单位数须为整数" in page
    assert Event.objects.filter(code="cycle.quality_rule_refused").count() == 1
    assert client.post(url, {"cycle": "1999", "threshold": "4"}).status_code == 404
    assert login(cast.leader).post(url, {"cycle": "2026", "threshold": "4"}).status_code == 403


def test_a_figure_changed_after_unlocking_is_flagged_where_it_awaits_verification_again(cast, login, w):
    Submission.objects.filter(unit=cast.street).update(status=Status.VERIFIED)  # out of the queue
    page = login(cast.assessor).get(reverse("reporting:assessor", args=[w["q1"].pk])).content.decode()
    changed = page.split("解锁后修改、待重新核定")[1]
    assert changed.count('data-testid="quality-flag"') == 1 and escape(REASON) in changed
